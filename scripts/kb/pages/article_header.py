"""The block every article page opens with: who owns it, how fresh it is, who may see it.

Pure functions over the model: `article_markdown` takes an article body as MkDocs hands it over
and returns it with the block inserted after the title. The block adds no heading, so the anchors
of the article's own headings (which lint checks links against) are the same with or without it.
Every state is spelt out in words; the CSS classes only add colour.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass

from kb.model import Article, KnowledgeBase
from kb.pages.indexes import MARKETS_PAGE, PRODUCTS_PAGE, TEAMS_PAGE, group_anchor

__all__ = ["Freshness", "article_header", "article_markdown", "freshness"]

HUMANS_ONLY = "Humans only \u2014 never quote or give to AI agents"

VISIBILITY_TEXT = {
    "public": "may be quoted to customers",
    "internal": "agents and specialists may use it; do not quote it to customers",
    "restricted": "humans only; never in any agent export",
}

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Freshness:
    """An item's review state on a given day, judged the way lint's KB501 judges it."""

    reviewed: dt.date | None
    interval_days: int
    due: dt.date | None
    #: days past `due` (0 or less when not yet due)
    overdue_days: int
    #: deprecated items are kept only for old links and are never stale
    exempt: bool

    @property
    def is_stale(self) -> bool:
        return not self.exempt and self.reviewed is not None and self.overdue_days > 0


def freshness(article: Article, today: dt.date, kb: KnowledgeBase) -> Freshness:
    """The review state of `article` on `today`, using the KB's review policy for its type."""
    interval = kb.config.review.interval_for(article.type)
    reviewed = article.meta.reviewed
    exempt = article.meta.status == "deprecated"
    if reviewed is None:
        return Freshness(None, interval, None, 0, exempt)
    due = reviewed + dt.timedelta(days=interval)
    return Freshness(reviewed, interval, due, (today - due).days, exempt)


def article_markdown(markdown: str, docs_path: str, kb: KnowledgeBase) -> str:
    """`markdown` (the body of the page at `docs_path`, relative to docs/) with its header block.

    Pages that are not articles (section indexes, generated pages) come back unchanged.
    """
    article = kb.articles_by_path.get(posixpath.join(kb.config.docs_dir, docs_path))
    if article is None:
        return markdown
    return _insert_after_title(markdown, article_header(article, kb, kb.config.judged_on()))


def article_header(article: Article, kb: KnowledgeBase, today: dt.date) -> str:
    """The Markdown block (admonitions) describing `article`, with links relative to its page."""
    here = _docs_relative(article.path, kb)
    blocks: list[str] = []
    meta = article.meta
    if meta.visibility == "restricted":
        blocks.append(_admonition(
            "danger kb-humans-only", HUMANS_ONLY,
            "This article is **restricted**: it is left out of every agent export (the bundle, "
            "the retrieval chunks and llms.txt). Do not paste it into an AI tool, do not quote "
            "it to customers and do not share it outside the teams that need it.",
        ))
    if meta.status == "deprecated":
        successor = kb.articles.get(meta.superseded_by)
        if successor is not None:
            target = _docs_relative(successor.path, kb)
            instead = f"Use {_link(successor.meta.title, here, target)} instead."
        elif meta.superseded_by:
            instead = f"It is superseded by `{meta.superseded_by}`."
        else:
            instead = "It names no successor."
        blocks.append(_admonition(
            "warning kb-deprecated", "Deprecated",
            f"This article is deprecated and kept only so that old links still work. {instead}",
        ))
    elif meta.status == "draft":
        blocks.append(_admonition(
            "note kb-draft", "Draft",
            "This article is a draft: it is not published yet and AI agents never receive it. "
            "Check with its owner before relying on it.",
        ))
    blocks.append(_admonition("info kb-article-meta", "About this article",
                              "\n".join(_meta_lines(article, kb, today, here))))
    return "\n\n".join(blocks) + "\n"


def _meta_lines(article: Article, kb: KnowledgeBase, today: dt.date, here: str) -> list[str]:
    meta = article.meta
    lines = [
        f"- **Owner:** {_link(meta.owner, here, TEAMS_PAGE, group_anchor(meta.owner))}"
        if meta.owner else "- **Owner:** none named",
        f"- **Last review:** {_review_text(freshness(article, today, kb))}",
        f"- **Visibility:** {_visibility_text(meta.visibility)}",
        f"- **Status:** {_status_text(article, kb, here)}",
        f"- **Type:** {article.type or 'not given'}",
        f"- **Markets:** {_codes(meta.markets, here, MARKETS_PAGE)}",
        f"- **Products:** {_codes(meta.products, here, PRODUCTS_PAGE)}",
    ]
    if meta.tags:
        lines.append(f"- **Tags:** {', '.join(f'`{t}`' for t in meta.tags)}")
    return lines


def _review_text(state: Freshness) -> str:
    if state.reviewed is None or state.due is None:
        return _badge("stale", "No review date")
    when = state.reviewed.isoformat()
    if state.exempt:
        return f"{when} (deprecated: no longer reviewed)"
    if state.is_stale:
        return (f"{when} {_badge('stale', 'Stale')} review overdue by {state.overdue_days} "
                f"day{'s' if state.overdue_days != 1 else ''} (was due {state.due.isoformat()}; "
                f"reviewed every {state.interval_days} days)")
    return f"{when} (next review due {state.due.isoformat()})"


def _visibility_text(visibility: str) -> str:
    label = visibility.capitalize() if visibility else "Not given"
    meaning = VISIBILITY_TEXT.get(visibility, "")
    badge = _badge(visibility or "unknown", label)
    return f"{badge} \u2014 {meaning}" if meaning else badge


def _status_text(article: Article, kb: KnowledgeBase, here: str) -> str:
    meta = article.meta
    if meta.status == "deprecated":
        successor = kb.articles.get(meta.superseded_by)
        if successor is not None:
            target = _docs_relative(successor.path, kb)
            return (f"{_badge('deprecated', 'Deprecated')} \u2014 superseded by "
                    f"{_link(successor.meta.title, here, target)}")
        return f"{_badge('deprecated', 'Deprecated')} \u2014 superseded by `{meta.superseded_by}`"
    if meta.status == "draft":
        return f"{_badge('draft', 'Draft')} \u2014 not published; AI agents never receive it"
    return meta.status.capitalize() if meta.status else "Not given"


def _codes(codes: tuple[str, ...], here: str, page: str) -> str:
    if not codes:
        return "none"
    return ", ".join(_link(code, here, page, group_anchor(code)) for code in codes)


def _badge(kind: str, text: str) -> str:
    return f'<span class="kb-badge kb-badge--{kind}">{_escape_html(text)}</span>'


def _admonition(kind: str, title: str, body: str) -> str:
    indented = "\n".join(f"    {line}" if line else "" for line in body.splitlines())
    return f'!!! {kind} "{title}"\n\n{indented}'


def _link(text: str, here: str, target: str, anchor: str = "") -> str:
    """A Markdown link from the page at docs path `here` to the page at docs path `target`."""
    rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
    return f"[{_escape_link_text(text)}]({rel}{'#' + anchor if anchor else ''})"


def _escape_link_text(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<])", r"\\\1", text)


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _docs_relative(path: str, kb: KnowledgeBase) -> str:
    prefix = kb.config.docs_dir.strip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else path


def _insert_after_title(markdown: str, block: str) -> str:
    """`block` after the leading `# Title` line, or at the top when the body opens otherwise."""
    lines = markdown.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if _ATX_H1.match(line) and not _FENCE.match(line):
            head = "".join(lines[: i + 1])
            if not head.endswith("\n"):
                head += "\n"
            return f"{head}\n{block}\n{''.join(lines[i + 1:])}"
        break
    return f"{block}\n{markdown}"
