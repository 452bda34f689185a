"""Tree and macro ids written as code in authored pages become links to their pages.

Authors already write "walk the case with decision tree `upi-debited-not-credited`" or "send
`reply-upi-reversal-pending`": a code span holding exactly the id of a known tree or macro is
linked to that tree's or macro's page, on the rendered (sanitised) HTML, so nothing an author
writes is ever put into a page unescaped, and the bundle and chunks keep the text as written.
A code span inside a code block or a link is left alone. The link text stays the id, as written;
its title names the target.

A page links only what its readers may open: in the public help center only the public,
published macros there (never a tree), and from an article that may be quoted to customers
(`visibility: public`) never a restricted or draft target. Ids that are not known stay code:
automatic linking needs no syntax, so there is nothing to misspell into a broken link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html import escape

from kb.audience import Audience, in_public_site
from kb.model import Article, KnowledgeBase, Metadata
from kb.pages.indexes import docs_path, tree_page
from kb.urls import page_url, relative_url

__all__ = ["References", "Target", "link_references", "mentioned_ids", "reference_index"]


@dataclass(frozen=True, slots=True)
class Target:
    """A page an id links to: its docs path, title, what it is, and whether a page that may be
    quoted to customers may link it."""

    page: str
    title: str
    kind: str
    for_public_pages: bool


@dataclass(frozen=True, slots=True)
class References:
    """The linkable ids of one build, and the pages (docs paths) that may be quoted to customers."""

    targets: Mapping[str, Target]
    public_pages: frozenset[str] = frozenset()
    directory_urls: bool = True


def _open_to_public(meta: Metadata) -> bool:
    return meta.visibility != "restricted" and meta.status != "draft"


def reference_index(kb: KnowledgeBase, audience: Audience) -> References:
    """What the pages of `audience`'s site may link: the public help center links only its own
    macros; the internal site every tree and macro."""
    targets: dict[str, Target] = {}
    if audience == "internal":
        for tree in kb.trees.values():
            targets[tree.id] = Target(tree_page(tree.id), tree.meta.title or tree.id,
                                      "Decision tree", _open_to_public(tree.meta))
    for article in _macros(kb):
        if audience == "internal" or in_public_site(article):
            targets[article.id] = Target(docs_path(article, kb), article.meta.title or article.id,
                                         "Reply macro", _open_to_public(article.meta))
    public_pages = frozenset(docs_path(a, kb) for a in kb.all_articles()
                             if a.meta.visibility == "public")
    return References(targets, public_pages, kb.config.use_directory_urls)


def _macros(kb: KnowledgeBase) -> Iterator[Article]:
    return (a for a in kb.articles.values() if a.type == "macro" and a.translation is None)


# a code block or a link is copied as it is; a lone code span is a candidate
_CANDIDATE = re.compile(r"(<pre\b.*?</pre>|<a\b.*?</a>)|<code>([a-z0-9][a-z0-9-]*)</code>",
                        re.S | re.I)


def link_references(html: str, page: str, refs: References) -> str:
    """`html` of the page built from `page` (a docs path) with known ids in code spans linked."""
    if "<code>" not in html:  # nothing to link: the scan would only read the page through
        return html
    public = page in refs.public_pages
    here = page_url("", page, refs.directory_urls)

    def replace(match: re.Match[str]) -> str:
        target = refs.targets.get(match.group(2) or "")
        if target is None or (public and not target.for_public_pages):
            return match.group(0)
        href = relative_url(here, page_url("", target.page, refs.directory_urls))
        return (f'<a class="kb-ref" href="{escape(href)}" '
                f'title="{escape(target.kind)}: {escape(target.title)}">{match.group(0)}</a>')

    return _CANDIDATE.sub(replace, html)


_FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1", re.S | re.M)
_CODE_SPAN = re.compile(r"(?<!`)`([a-z0-9][a-z0-9-]*)`(?!`)")


def mentioned_ids(markdown: str) -> list[str]:
    """The ids written as code spans in `markdown` (outside fenced blocks), in order, once each."""
    return list(dict.fromkeys(_CODE_SPAN.findall(_FENCE.sub("", markdown))))
