"""The block every article page opens with: who owns it, how fresh it is, who may see it.

Pure functions over the model. `article_headers` gives each article's block as HTML, keyed by
its path under docs/; `with_header` puts a block into a page's rendered HTML, after the title.
The block is HTML, not Markdown, because it is the same few lines on thousands of pages: added
after rendering it costs a string insertion, where Markdown would be parsed again on every page.
It adds no heading, so the anchors of the article's own headings (which lint checks links
against) are the same with or without it, and it is marked `data-search-exclude`: search finds
an article by its words, not by the owner and review date every article carries. Every state is
spelt out in words; the CSS classes only add colour. Links are relative to the page, in the
site's URL style (`kb.urls`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from html import escape

from kb.model import Article, KnowledgeBase, Source, Tree
from kb.pages.indexes import MARKETS_PAGE, PRODUCTS_PAGE, TEAMS_PAGE, group_anchor, tree_page
from kb.pages.references import mentioned_ids
from kb.translations import is_stale, language_name, locale_of, versions
from kb.urls import page_url, relative_url, with_anchor

__all__ = ["Freshness", "article_header", "article_headers", "freshness", "trees_citing",
           "trees_for", "with_header"]

HUMANS_ONLY = "Humans only \u2014 never quote or give to AI agents"

VISIBILITY_TEXT = {
    "public": "may be quoted to customers",
    "internal": "agents and specialists may use it; do not quote it to customers",
    "restricted": "humans only; never in any agent export",
}

_H1_END = re.compile(r"</h1\s*>", re.IGNORECASE)


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


def article_headers(kb: KnowledgeBase) -> dict[str, str]:
    """Every article's header block (HTML), keyed by its path relative to docs/."""
    today = kb.config.judged_on()
    prefix = kb.config.docs_dir.strip("/") + "/"
    cited = trees_citing(kb)
    return {a.path.removeprefix(prefix): article_header(a, kb, today, cited)
            for a in kb.all_articles()}


def with_header(html: str, header: str) -> str:
    """A page's rendered `html` with `header` after its leading `<h1>`, or first without one."""
    if html.lstrip().startswith("<h1"):
        end = _H1_END.search(html)
        if end is not None:
            return f"{html[:end.end()]}\n{header}{html[end.end():]}"
    return f"{header}{html}"


def article_header(article: Article, kb: KnowledgeBase, today: dt.date,
                   cited: Mapping[str, list[Tree]] | None = None) -> str:
    """The HTML block (admonitions) describing `article`, with links relative to its page.
    `cited` is `trees_citing(kb)`, when the caller heads many articles."""
    links = _Links(kb, article.path)
    blocks: list[str] = [_languages(article, kb, links)]
    meta = article.meta
    if meta.visibility == "restricted":
        blocks.append(_admonition(
            "danger kb-humans-only", HUMANS_ONLY,
            "<p>This article is <strong>restricted</strong>: it is left out of every agent "
            "export (the bundle, the retrieval chunks and llms.txt). Do not paste it into an "
            "AI tool, do not quote it to customers and do not share it outside the teams that "
            "need it.</p>",
        ))
    if meta.effective_from is not None and today < meta.effective_from:
        blocks.append(_admonition(
            "note kb-effective", f"Takes effect on {meta.effective_from.isoformat()}",
            f"<p>This article applies from {meta.effective_from.isoformat()}; until then AI "
            "agents do not receive it and what it replaces still applies.</p>",
        ))
    if meta.status == "deprecated":
        successor = kb.articles.get(meta.superseded_by)
        if successor is not None:
            instead = f"Use {links.article(successor)} instead."
        elif meta.superseded_by:
            instead = f"It is superseded by <code>{escape(meta.superseded_by)}</code>."
        else:
            instead = "It names no successor."
        blocks.append(_admonition(
            "warning kb-deprecated", "Deprecated",
            f"<p>This article is deprecated and kept only so that old links still work. "
            f"{instead}</p>",
        ))
    elif meta.status == "draft":
        blocks.append(_admonition(
            "note kb-draft", "Draft",
            "<p>This article is a draft: it is not published yet and AI agents never receive "
            "it. Check with its owner before relying on it.</p>",
        ))
    blocks.append(_walk_this_case(article, kb, links, cited))
    items = "".join(f"<li>{line}</li>\n" for line in _meta_lines(article, kb, today, links))
    blocks.append(_summary_box(_summary_line(article, kb, today), f"<ul>\n{items}</ul>"))
    return "".join(blocks)


def help_center_headers(kb: KnowledgeBase, shown: Collection[Article]) -> dict[str, str]:
    """The help center's header of each of the `shown` articles that is in more than one
    language: the switcher between the versions also shown, and a note on a stale
    translation (keyed by path relative to docs/)."""
    prefix = kb.config.docs_dir.strip("/") + "/"
    headers = {a.path.removeprefix(prefix): _languages(a, kb, _Links(kb, a.path), shown)
               for a in shown}
    return {path: header for path, header in headers.items() if header}


def _summary_line(article: Article, kb: KnowledgeBase, today: dt.date) -> str:
    """The metadata in one line (HTML): owner, last review, markets and visibility; the rest is
    one click away, so that on a phone the article itself starts on the first screen."""
    meta = article.meta
    state = freshness(article, today, kb)
    if state.reviewed is None:
        review = _badge("stale", "No review date")
    else:
        review = f"reviewed {state.reviewed.isoformat()}"
        if state.is_stale:
            review += f" {_badge('stale', 'Stale')}"
    parts = [escape(meta.owner) if meta.owner else "no owner named", review,
             escape(", ".join(meta.markets)) if meta.markets else "no markets",
             escape(meta.visibility.capitalize()) if meta.visibility else "visibility not given"]
    return " \u00b7 ".join(parts)


def _summary_box(line: str, body: str) -> str:
    """A closed `<details>` styled as an info admonition: `line` always shown, `body` on
    demand; kept out of the search index like every block of the header."""
    return (f'<details class="admonition info kb-article-meta" data-search-exclude>\n'
            f'<summary><span class="kb-article-meta-label">About this article:</span> '
            f"{line}</summary>\n{body}\n</details>\n")


def trees_citing(kb: KnowledgeBase) -> dict[str, list[Tree]]:
    """The trees whose outcomes cite each article, by article id, each list in tree-id order:
    one pass over the trees, where asking every tree for every article grew as their product."""
    cited: dict[str, list[Tree]] = {}
    for tree in sorted(kb.trees.values(), key=lambda t: t.id):
        for article_id in dict.fromkeys(n.outcome.article for n in tree.outcomes()
                                        if n.outcome is not None):
            cited.setdefault(article_id, []).append(tree)
    return cited


def trees_for(article: Article, kb: KnowledgeBase,
              cited: Mapping[str, list[Tree]] | None = None) -> list[Tree]:
    """The trees that walk the case an article is about: those whose outcomes cite it, then
    those it names as code (`upi-debited-not-credited`). An article that may be quoted to
    customers gets no restricted or draft tree. `cited` is `trees_citing(kb)`, when known."""
    citing = (trees_citing(kb) if cited is None else cited).get(article.id, [])
    named = [kb.trees[i] for i in mentioned_ids(article.body.markdown) if i in kb.trees]
    found = list({t.id: t for t in [*citing, *named]}.values())
    if article.meta.visibility == "public":
        found = [t for t in found
                 if t.meta.visibility != "restricted" and t.meta.status != "draft"]
    return found


def _walk_this_case(article: Article, kb: KnowledgeBase, links: _Links,
                    cited: Mapping[str, list[Tree]] | None) -> str:
    """A "Walk this case" button per tree for the article's case; empty when there is none."""
    trees = trees_for(article, kb, cited)
    if not trees:
        return ""
    buttons = " ".join(
        links.to(f"Walk this case: {t.meta.title or t.id}", tree_page(t.id),
                 css="md-button md-button--primary kb-walk-this-case-link")
        for t in trees)
    return (f'<nav class="kb-walk-this-case" aria-label="Decision trees for this case" '
            f"data-search-exclude>\n<p>{buttons}</p>\n</nav>\n")


def _languages(article: Article, kb: KnowledgeBase, links: _Links,
               shown: Collection[Article] | None = None) -> str:
    """The language switcher: every language version of the page (of those `shown`, when
    given), this one unlinked; and, on a stale translation, a warning. Empty for an article
    in one language only."""
    found = [v for v in versions(kb, article) if shown is None or v in shown]
    if len(found) < 2:
        return ""
    items = []
    for version in found:
        tag = locale_of(version)
        name = escape(language_name(tag))
        if version is article:
            items.append(f'<li><strong lang="{escape(tag)}" aria-current="page">{name}</strong>'
                         "</li>")
        else:
            items.append(f"<li>{links.language(version, name)}</li>")
    switcher = (f'<nav class="kb-languages" aria-label="Languages" data-search-exclude>'
                f'<span class="kb-languages-label">Languages:</span> <ul>{"".join(items)}</ul>'
                "</nav>\n")
    source = versions(kb, article)[0]
    if article is not source and is_stale(article, source):
        if shown is None:
            text = (f"The source, {links.article(source)}, changed since this translation was "
                    "last brought up to date: check the source before sending this reply.")
        else:  # the help center, for customers: the original, linked when it is shown too
            original = links.article(source) if source in shown else "the original"
            text = (f"This translation is older than {original}, which says what applies "
                    "today.")
        switcher += _admonition("warning kb-stale-translation", "Translation out of date",
                                f"<p>{text}</p>")
    return switcher


class _Links:
    """Links from one article's page to other pages of the site."""

    def __init__(self, kb: KnowledgeBase, path: str) -> None:
        self.kb = kb
        self.directory_urls = kb.config.use_directory_urls
        self.here = page_url(kb.config.docs_dir, path, self.directory_urls)

    def to(self, text: str, docs_path: str, anchor: str = "", css: str = "") -> str:
        """A link to the page built from `docs_path` (relative to docs/)."""
        url = page_url("", docs_path, self.directory_urls)
        href = with_anchor(relative_url(self.here, url), anchor)
        cls = f' class="{escape(css)}"' if css else ""
        return f'<a{cls} href="{escape(href)}">{escape(text)}</a>'

    def article(self, article: Article) -> str:
        prefix = self.kb.config.docs_dir.strip("/") + "/"
        return self.to(article.meta.title, article.path.removeprefix(prefix))

    def language(self, version: Article, name: str) -> str:
        """A link to another language version of the page, named in its own language."""
        prefix = self.kb.config.docs_dir.strip("/") + "/"
        url = page_url("", version.path.removeprefix(prefix), self.directory_urls)
        tag = escape(locale_of(version))
        return (f'<a href="{escape(relative_url(self.here, url))}" hreflang="{tag}" '
                f'lang="{tag}">{name}</a>')


def _meta_lines(article: Article, kb: KnowledgeBase, today: dt.date, links: _Links) -> list[str]:
    meta = article.meta
    lines = [
        f"<strong>Owner:</strong> {links.to(meta.owner, TEAMS_PAGE, group_anchor(meta.owner))}"
        if meta.owner else "<strong>Owner:</strong> none named",
        f"<strong>Last review:</strong> {_review_text(freshness(article, today, kb))}",
        f"<strong>Visibility:</strong> {_visibility_text(meta.visibility)}",
        f"<strong>Status:</strong> {_status_text(article, kb, links)}",
        f"<strong>Type:</strong> {escape(article.type or 'not given')}",
        f"<strong>Markets:</strong> {_codes(meta.markets, links, MARKETS_PAGE)}",
        f"<strong>Products:</strong> {_codes(meta.products, links, PRODUCTS_PAGE)}",
    ]
    if meta.tags:
        lines.append("<strong>Tags:</strong> "
                     + ", ".join(f"<code>{escape(t)}</code>" for t in meta.tags))
    if article.sources:
        items = "".join(f"<li>{_source_text(s, kb, today)}</li>" for s in article.sources)
        lines.append(f'<strong>Sources:</strong>\n<ul class="kb-sources">{items}</ul>')
    return lines


def _source_text(source: Source, kb: KnowledgeBase, today: dt.date) -> str:
    """One source: its title (a link when it has an https URL), circular, type and check date."""
    title = escape(source.title or "untitled source")
    if source.url.startswith("https://"):
        title = f'<a href="{escape(source.url)}" rel="noopener">{title}</a>'
    parts = [title]
    if source.circular:
        parts.append(f"circular <code>{escape(source.circular)}</code>")
    parts.append(escape(source.type or "untyped"))
    checked = f"checked {source.checked.isoformat()}" if source.checked else "never checked"
    if source.checked and kb.config.source_checks.days_overdue(source.type, source.checked,
                                                               today) > 0:
        checked += f" {_badge('stale', 'Re-check due')}"
    return f"{parts[0]} ({', '.join(parts[1:])}; {checked})"


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
    return f"{badge} \u2014 {escape(meaning)}" if meaning else badge


def _status_text(article: Article, kb: KnowledgeBase, links: _Links) -> str:
    meta = article.meta
    if meta.status == "deprecated":
        successor = kb.articles.get(meta.superseded_by)
        if successor is not None:
            return (f"{_badge('deprecated', 'Deprecated')} \u2014 superseded by "
                    f"{links.article(successor)}")
        return (f"{_badge('deprecated', 'Deprecated')} \u2014 superseded by "
                f"<code>{escape(meta.superseded_by)}</code>")
    if meta.status == "draft":
        return f"{_badge('draft', 'Draft')} \u2014 not published; AI agents never receive it"
    return escape(meta.status.capitalize()) if meta.status else "Not given"


def _codes(codes: tuple[str, ...], links: _Links, page: str) -> str:
    if not codes:
        return "none"
    return ", ".join(links.to(code, page, group_anchor(code)) for code in codes)


def _badge(kind: str, text: str) -> str:
    return f'<span class="kb-badge kb-badge--{escape(kind)}">{escape(text)}</span>'


def _admonition(kind: str, title: str, body: str) -> str:
    """The HTML Python-Markdown's admonition extension gives `!!! kind "title"`, kept out of
    the search index (the page's own words are what search should match)."""
    return (f'<div class="admonition {kind}" data-search-exclude>\n'
            f'<p class="admonition-title">{escape(title)}</p>\n{body}\n</div>\n')
