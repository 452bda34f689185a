"""Build audiences: one source, several sites. What each audience may see is an allowlist.

`internal` is the full site for agents and specialists (every article, the trees, the Quality
section, the agent exports). `public` is a customer help center: only articles that are both
`public` and `published`, with none of the kb's generated pages (trees with their internal
queues and SLAs, quality figures, browse pages) and no agent exports. Anything not allowed is
left out, so a new kind of page stays internal until someone decides otherwise.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Literal

from kb.export.markdown import export_markdown
from kb.model import Article, KnowledgeBase

__all__ = [
    "AUDIENCES",
    "AUDIENCE_ENV",
    "TODAY_ENV",
    "Audience",
    "audience_named",
    "help_center_markdown",
    "in_public_site",
    "public_articles",
]

Audience = Literal["internal", "public"]
AUDIENCES: tuple[Audience, ...] = ("internal", "public")
#: how `kb build --audience` tells the MkDocs child which site to make
AUDIENCE_ENV = "KB_AUDIENCE"
#: how `kb build --today` tells the MkDocs child the day to build as
TODAY_ENV = "KB_TODAY"
#: how `kb build` tells its MkDocs child that nothing follows a successful build in it
EXIT_WHEN_BUILT_ENV = "KB_EXIT_WHEN_BUILT"

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def audience_named(name: str) -> Audience:
    """The audience called `name` (empty means internal); ValueError for any other name."""
    for audience in AUDIENCES:
        if name == audience:
            return audience
    if not name:
        return "internal"
    raise ValueError(f"unknown audience {name!r} (choose from {', '.join(AUDIENCES)})")


def in_public_site(article: Article) -> bool:
    meta = article.meta
    return bool(meta.id) and meta.visibility == "public" and meta.status == "published"


def public_articles(kb: KnowledgeBase) -> list[Article]:
    """The articles of the public help center, sorted by path."""
    return sorted((a for a in kb.all_articles() if in_public_site(a)), key=lambda a: a.path)


def help_center_markdown(markdown: str, page: str, pages: Mapping[str, str]) -> str:
    """The Markdown of the help center page `page` (a docs path) with every relative link or
    image that leads outside the help center's `pages` unlinked (its text kept), and no HTML
    comments. `pages` maps each page's docs path to its plain text, the fail-closed fallback."""
    folder = posixpath.dirname(page)

    def outside(href: str) -> bool:
        target = href.partition("#")[0].partition("?")[0]
        if not target:
            return False  # an anchor on the same page
        if _SCHEME.match(target) or target.startswith("//"):
            return False  # another site
        return posixpath.normpath(posixpath.join(folder, target)) not in pages

    return export_markdown(markdown, outside, pages.get(page, ""))
