"""Index pages: the home page, articles and trees by product, market and team, and the tree index.

Every listing gives title, type, visibility and summary in words, so a reader can tell a
restricted or deprecated item without relying on colour. The listings' tables are HTML blocks
(`kb.html_blocks`): at thousands of rows Python-Markdown's inline processing of table cells
cost seconds. Their links are final URLs in the site's URL style (`page_href`), which MkDocs
neither rewrites nor checks; the site tests check every built link instead. Links in the
Markdown parts stay relative `.md` links, so MkDocs resolves them and `--strict` fails when one
points nowhere. The three grouped pages (by product, market, team) repeat every title and
summary, so they are left out of the site search. Tree pages themselves (`trees/<id>.md`) come
from another generator; this module only links to them.

Listings are lists, not tables, so that they fit a phone's width. A product, market or team
with more than `GROUP_INLINE_MAX` items is listed by section instead, on pages of its own under
`PARTS_FOLDER` of at most `PAGE_ITEMS` items each (`<noun>/<code>/<section>/<n>.md`): at
thousands of articles one page per group would weigh megabytes and take seconds to open, while
every item stays two clicks from its group's heading.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import escape

from markdown.extensions.toc import slugify

from kb.effective import UPCOMING_DAYS, upcoming_changes
from kb.export.llms_txt import BUNDLE_FORMAT_PAGE
from kb.html_blocks import html_block
from kb.model import Article, KnowledgeBase, Metadata, Tree
from kb.pages import GeneratedPage, page_generator
from kb.urls import page_url, relative_url, with_anchor

__all__ = [
    "BROWSE_INDEX",
    "HOME_PAGE",
    "MARKETS_PAGE",
    "PARTS_FOLDER",
    "PRODUCTS_PAGE",
    "TEAMS_PAGE",
    "TREES_INDEX",
    "group_anchor",
    "page_href",
    "section_tree_lists",
    "tree_page",
]

HOME_PAGE = "index.md"
BROWSE_INDEX = "browse/index.md"
PRODUCTS_PAGE = "browse/products.md"
MARKETS_PAGE = "browse/markets.md"
TEAMS_PAGE = "browse/teams.md"
TREES_INDEX = "trees/index.md"
RULES_PAGE = "reference/lint-rules.md"
POLICIES_PAGE = "reference/safety-policies.md"
#: the listing pages of large groups, one folder per grouping and code (left out of the nav:
#: the grouped pages link every one)
PARTS_FOLDER = "browse/parts/"
#: a group with at most this many items is listed on its grouped page itself
GROUP_INLINE_MAX = 60
#: at most this many items on one page of a group's listing
PAGE_ITEMS = 100

#: the agent exports `kb build` writes at the site root, with what each is for
EXPORTS = (
    ("kb-bundle.json", "every exported article and tree, versioned, for AI agents"),
    ("kb-bundle.schema.json", "the JSON Schema the bundle validates against"),
    ("kb-chunks.jsonl", "one article section per line, for retrieval"),
    ("llms.txt", "an index of the exported content in the llms.txt convention"),
    ("llms-full.txt", "the exported content in full, for LLM tooling"),
)


def tree_page(tree_id: str) -> str:
    """The docs path of a tree's generated page (its URL is `trees/<id>/`)."""
    return f"trees/{tree_id}.md"


def group_anchor(code: str) -> str:
    """The anchor of a product, market or team's heading on its browse page."""
    anchor: str = slugify(code, "-")
    return anchor


def page_href(kb: KnowledgeBase, here: str, target: str, anchor: str = "") -> str:
    """The href of the page built from `target`, from the page built from `here` (both paths
    relative to docs/), in the site's URL style: what MkDocs makes of a relative `.md` link."""
    return with_anchor(_relative_page_url(here, target, kb.config.use_directory_urls), anchor)


@functools.lru_cache(maxsize=1 << 16)
def _relative_page_url(here: str, target: str, directory_urls: bool) -> str:
    # cached: a large KB links the same pages from many pages, and `relpath` is not cheap
    return relative_url(page_url("", here, directory_urls), page_url("", target, directory_urls))


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a listing: an article or a tree, reduced to what the tables show."""

    meta: Metadata
    kind: str
    #: the page's path relative to docs/
    page: str

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.meta.title.casefold(), self.meta.id)


def entries(kb: KnowledgeBase) -> list[Entry]:
    """Every article and tree once (the first of duplicate ids, as the KB indexes them)."""
    found = [Entry(a.meta, a.type, docs_path(a, kb)) for a in kb.articles.values()]
    found += [Entry(t.meta, "decision tree", tree_page(t.id)) for t in kb.trees.values()]
    return sorted(found, key=lambda e: e.sort_key)


def docs_path(article: Article, kb: KnowledgeBase) -> str:
    prefix = kb.config.docs_dir.strip("/") + "/"
    return article.path[len(prefix):] if article.path.startswith(prefix) else article.path


@page_generator
def index_pages(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    items = entries(kb)
    config = kb.config
    if not _has_authored_home(kb):
        yield GeneratedPage(HOME_PAGE, _home(kb, items))
    yield GeneratedPage(BROWSE_INDEX, _browse_index(kb, items))
    yield from _grouped(kb, "By product", PRODUCTS_PAGE, items, config.products,
                        lambda m: m.products, "product")
    yield from _grouped(kb, "By market", MARKETS_PAGE, items, config.markets,
                        lambda m: m.markets, "market")
    yield from _grouped(kb, "By owning team", TEAMS_PAGE, items, config.teams,
                        lambda m: (m.owner,) if m.owner else (), "team")
    yield GeneratedPage(TREES_INDEX, _tree_index(kb))


def _has_authored_home(kb: KnowledgeBase) -> bool:
    docs = kb.config.docs_dir.strip("/")
    return any(posixpath.join(docs, name) in kb.files for name in ("index.md", "README.md"))


# --- pages ------------------------------------------------------------------------------------


def _upcoming(kb: KnowledgeBase) -> list[str]:
    """The home page's list of what starts or stops applying in the next days, if anything."""
    changes = upcoming_changes(kb, kb.config.judged_on())
    if not changes:
        return []
    lines = ["", f"## Changes in the next {UPCOMING_DAYS} days", ""]
    for change in changes:
        article = kb.articles.get(change.item_id)
        page = docs_path(article, kb) if article is not None else tree_page(change.item_id)
        lines.append(f"- {change.day.isoformat()}: "
                     f"{_link(change.title or change.item_id, HOME_PAGE, page)} {change.kind}")
    return lines



def _home(kb: KnowledgeBase, items: list[Entry]) -> str:
    articles = sum(1 for e in items if e.kind != "decision tree")
    trees = len(items) - articles
    lines = [
        "# Knowledge base",
        "",
        f"Articles and decision trees for resolving payments cases: "
        f"{_plural(articles, 'article')} and {_plural(trees, 'decision tree')}. Every article "
        "opens with its owner, its last review (marked "
        "**Stale** when overdue), who may see it and its markets and products. Press `/` to "
        "search.",
        "",
        "## Find an answer",
        "",
        f"- {_link('Decision trees', HOME_PAGE, TREES_INDEX)}: walk a case one question at a "
        "time to its outcome.",
        f"- {_link('By product', HOME_PAGE, PRODUCTS_PAGE)}, "
        f"{_link('by market', HOME_PAGE, MARKETS_PAGE)} or "
        f"{_link('by owning team', HOME_PAGE, TEAMS_PAGE)}: every article and tree, with its "
        "type, visibility and summary.",
    ]
    lines += _upcoming(kb)
    sections = sorted(kb.section_pages, key=lambda s: (s.title or s.path).casefold())
    if sections:
        lines += ["", "## Sections", ""]
        docs = kb.config.docs_dir.strip("/") + "/"
        for section in sections:
            page = section.path.removeprefix(docs)
            if posixpath.dirname(page) == "":
                continue
            lines.append(f"- {_link(section.title or page, HOME_PAGE, page)}")
    lines += [
        "",
        "## For AI agent developers",
        "",
        "AI agents never see restricted or draft content: these exports leave it out. "
        f"The {_link('bundle format', HOME_PAGE, BUNDLE_FORMAT_PAGE)} page describes them, with "
        "an example of walking a tree from the bundle.",
        "",
        # plain HTML links: the exports are written after the pages, so MkDocs cannot check them
        *[f'- <a href="{name}"><code>{name}</code></a>: {what}' for name, what in EXPORTS],
        "",
        f"Authors: the {_link('lint rules', HOME_PAGE, RULES_PAGE)} say what `kb lint` checks"
        + (f", and the {_link('safety policies', HOME_PAGE, POLICIES_PAGE)} what it proves "
           "over every path of every tree." if kb.policy_set is not None else "."),
        "",
    ]
    return "\n".join(lines)


def _browse_index(kb: KnowledgeBase, items: list[Entry]) -> str:
    here = BROWSE_INDEX
    counts = _count_by_visibility(items)
    return "\n".join([
        "# Browse",
        "",
        "Every article and decision tree, listed three ways. Each row gives the title, the "
        "type, the visibility (public, internal or restricted) and the summary.",
        "",
        f"- {_link('By product', here, PRODUCTS_PAGE)}: "
        f"{_join(kb.config.products) or 'no products configured'}",
        f"- {_link('By market', here, MARKETS_PAGE)}: "
        f"{_join(kb.config.markets) or 'no markets configured'}",
        f"- {_link('By owning team', here, TEAMS_PAGE)}: "
        f"{len(kb.config.teams)} teams",
        f"- {_link('Decision trees', here, TREES_INDEX)}: {len(kb.trees)} trees",
        "",
        f"In all: {counts}.",
        "",
    ])


def _grouped(kb: KnowledgeBase, title: str, here: str, items: list[Entry],
             vocabulary: Iterable[str], codes_of: Callable[[Metadata], tuple[str, ...]],
             noun: str) -> Iterator[GeneratedPage]:
    """The grouped page, then the listing pages of its large groups."""
    known = list(vocabulary)
    extra = sorted({c for e in items for c in codes_of(e.meta)} - set(known))
    # every title and summary is on its own page already: found twice, search would rank worse
    lines = [*_NO_SEARCH, f"# {title}", ""]
    lines.append(f"Every article and decision tree, by {noun}, sorted by title. Visibility says "
                 "who may see an item: **public** may be quoted to customers, **internal** is "
                 "for agents and specialists, **restricted** is for humans only.")
    parts: list[GeneratedPage] = []
    for code in [*known, *extra]:
        members = [e for e in items if code in codes_of(e.meta)]
        lines += ["", f"## {code}", ""]
        if code in extra:
            lines += [f"`{code}` is not in the configured {noun}s.", ""]
        if not members:
            lines.append(f"No articles or decision trees for this {noun} yet.")
            continue
        if len(members) <= GROUP_INLINE_MAX:
            lines += [_plural(len(members), "item") + ".", "", _listing(kb, members, here)]
            continue
        lines += [f"{_plural(len(members), 'item')}, by section:", ""]
        for label, pages in _sections(kb, noun, code, members):
            lines.append(f"- {_link(label, here, pages[0].path)}: "
                         f"{_plural(sum(len(p.members) for p in pages), 'item')}"
                         + (f" on {len(pages)} pages" if len(pages) > 1 else ""))
            parts += [GeneratedPage(page.path, _part(kb, title, here, code, label, page, pages))
                      for page in pages]
    lines.append("")
    yield GeneratedPage(here, "\n".join(lines))
    yield from parts


_NO_SEARCH = ("---", "search:", "  exclude: true", "---", "")


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a large group's listing: the items of one section, or a run of them."""

    path: str
    members: list[Entry]


def _sections(kb: KnowledgeBase, noun: str, code: str,
              members: list[Entry]) -> list[tuple[str, list[ListingPage]]]:
    """A group's items by section (an item's first folder; trees on their own), each section
    cut into pages of at most PAGE_ITEMS, in title order; sections by title."""
    by_section: dict[str, list[Entry]] = {}
    for e in members:
        section = "trees" if e.kind == "decision tree" else posixpath.dirname(e.page).split("/")[0]
        by_section.setdefault(section, []).append(e)
    titles = _section_titles(kb)
    found = []
    for section, entries_ in by_section.items():
        label = titles.get(section) or section or "Top level"
        # a folder per section, a number per page: never the name of another section
        stem = f"{PARTS_FOLDER}{noun}/{group_anchor(code)}/{section or '_top'}"
        pages = [ListingPage(f"{stem}/{n + 1}.md", entries_[start:start + PAGE_ITEMS])
                 for n, start in enumerate(range(0, len(entries_), PAGE_ITEMS))]
        found.append((label, pages))
    return sorted(found, key=lambda found_section: found_section[0].casefold())


def _section_titles(kb: KnowledgeBase) -> dict[str, str]:
    """Each top-level docs folder's title (its index page's), and the trees'."""
    docs = kb.config.docs_dir.strip("/") + "/"
    titles = {"trees": "Decision trees"}
    for page in kb.section_pages:
        folder = posixpath.dirname(page.path.removeprefix(docs))
        if folder and "/" not in folder and page.title:
            titles[folder] = page.title
    return titles


def _part(kb: KnowledgeBase, title: str, grouped: str, code: str, section: str,
          page: ListingPage, pages: list[ListingPage]) -> str:
    here = page.path
    n = pages.index(page) + 1
    total = sum(len(p.members) for p in pages)
    lines = [*_NO_SEARCH, f"# {code}: {_cell(section)}" + (f" ({n} of {len(pages)})"
                                                            if len(pages) > 1 else ""), ""]
    where = f"{_link(f'{title}, {code}', here, grouped, group_anchor(code))}"
    first = (n - 1) * PAGE_ITEMS + 1
    lines.append(f"{_plural(total, 'item')} of section {_cell(section)}, sorted by title"
                 + (f"; items {first} to {first + len(page.members) - 1} on this page"
                    if len(pages) > 1 else "") + f". Back to {where}.")
    if len(pages) > 1:
        lines += ["", _pager(here, pages, n)]
    lines += ["", _listing(kb, page.members, here)]
    if len(pages) > 1:
        lines += ["", _pager(here, pages, n)]
    lines.append("")
    return "\n".join(lines)


def _pager(here: str, pages: list[ListingPage], current: int) -> str:
    """Links to every page of a section's listing, the current one in bold."""
    links = [f"**{k}**" if k == current else _link(str(k), here, p.path)
             for k, p in enumerate(pages, start=1)]
    return "Pages: " + " ".join(links)


def _tree_index(kb: KnowledgeBase) -> str:
    here = TREES_INDEX
    trees = sorted(kb.trees.values(), key=lambda t: (t.meta.title.casefold(), t.id))
    lines = [
        "# Decision trees",
        "",
        "Each tree asks one question at a time and ends on an outcome: what to tell the "
        "customer, whether an AI agent or a specialist handles it, and the article behind it.",
        "",
    ]
    if not trees:
        lines += ["No decision trees yet.", ""]
        return "\n".join(lines)
    rows = [_item(kb, tree.meta, here, tree_page(tree.id), "decision tree",
                  [tree.meta.summary, _applies_text(tree)],
                  [f"Owner: {tree.meta.owner or 'not given'}",
                   f"Markets: {_join(tree.meta.markets) or 'none'}",
                   f"Products: {_join(tree.meta.products) or 'none'}",
                   f"Labeled cases: {_case_count(kb, tree)}"])
            for tree in trees]
    lines += [html_block(_listing_html(rows)), ""]
    return "\n".join(lines)


def section_tree_lists(kb: KnowledgeBase) -> dict[str, str]:
    """For each section page (`<folder>/index.md`, by docs path) whose folder holds an article
    some tree's outcome cites, an HTML block listing those trees (title, status, summary), to
    open the page with; sections no tree cites are left out."""
    lists: dict[str, str] = {}
    by_title = sorted(kb.trees.values(), key=_by_title)
    folders = {t.id: _cited_folders(kb, t) for t in by_title}
    for section in kb.section_pages:
        page = section.path.removeprefix(kb.config.docs_dir.strip("/") + "/")
        folder = posixpath.dirname(page)
        if not folder:
            continue
        trees = [t for t in by_title if folder in folders[t.id]]
        if trees:
            items = "".join(f"<li>{_tree_item(kb, t, page)}</li>" for t in trees)
            lists[page] = ('<div class="admonition abstract kb-section-trees" '
                           'data-search-exclude>\n<p class="admonition-title">Decision trees '
                           f"for this section</p>\n<ul>{items}</ul>\n</div>\n")
    return lists


def _by_title(tree: Tree) -> tuple[str, str]:
    return (tree.meta.title.casefold(), tree.id)


def _tree_item(kb: KnowledgeBase, tree: Tree, here: str) -> str:
    restricted = " (restricted: humans only)" if tree.meta.visibility == "restricted" else ""
    return (f"{_title_cell(kb, tree.meta, here, tree_page(tree.id))}{restricted}: "
            f"{_text(tree.meta.summary)}")


def _cited_folders(kb: KnowledgeBase, tree: Tree) -> set[str]:
    """Every folder (relative to docs/) holding, at any depth, an article `tree`'s outcomes
    cite: computed once per tree, where asking per section grew as sections x outcomes."""
    folders: set[str] = set()
    for node in tree.outcomes():
        article = kb.articles.get(node.outcome.article) if node.outcome is not None else None
        if article is None:
            continue
        parts = posixpath.dirname(docs_path(article, kb)).split("/")
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return folders


# --- pieces -----------------------------------------------------------------------------------


#: how many of a tree's example messages its card in the tree index quotes
INDEX_EXAMPLES = 3


def _applies_text(tree: Tree) -> str:
    """When the tree applies, and its first example messages (all are on its page)."""
    examples = [e.message for e in tree.routing.examples[:INDEX_EXAMPLES]]
    quoted = "; ".join(f"“{e}”" for e in examples)
    return " ".join(filter(None, [tree.routing.applies_when,
                                  f"For example: {quoted}." if quoted else ""]))


def _listing(kb: KnowledgeBase, members: list[Entry], here: str) -> str:
    rows = [_item(kb, e.meta, here, e.page, e.kind, [e.meta.summary]) for e in members]
    return html_block(_listing_html(rows))


def _listing_html(items: list[str]) -> str:
    return f'<ul class="kb-listing">{"".join(items)}</ul>'


def _item(kb: KnowledgeBase, meta: Metadata, here: str, page: str, kind: str,
          paragraphs: list[str], facts: Iterable[str] = ()) -> str:
    """One listed item (HTML): its title linked, then type and visibility in words, then the
    given paragraphs of text and facts (escaped here)."""
    about = " · ".join([kind, _visibility_cell(meta.visibility), *facts])
    text = "".join(f"<p>{_text(p)}</p>" for p in paragraphs if p)
    return (f'<li><p class="kb-listing__title">{_title_cell(kb, meta, here, page)}</p>'
            f'<p class="kb-listing__about">{_text(about)}</p>{text}</li>')


def _title_cell(kb: KnowledgeBase, meta: Metadata, here: str, page: str) -> str:
    """The item's title linked to its page (HTML), with its status when draft or deprecated."""
    link = (f'<a href="{escape(page_href(kb, here, page))}">'
            f"{_text(meta.title or meta.id)}</a>")
    if meta.status in ("draft", "deprecated"):
        return f"{link} ({_text(meta.status)})"
    return link


def _visibility_cell(visibility: str) -> str:
    if visibility == "restricted":
        return "restricted (humans only)"
    return visibility or "not given"


def _case_count(kb: KnowledgeBase, tree: Tree) -> str:
    n = len(kb.cases_for(tree.id))
    return str(n) if n else "none"


def _count_by_visibility(items: list[Entry]) -> str:
    order = ("public", "internal", "restricted")
    parts = []
    for visibility in order:
        n = sum(1 for e in items if e.meta.visibility == visibility)
        if n:
            parts.append(f"{n} {visibility}")
    total = _plural(len(items), "item")
    return f"{total} ({', '.join(parts)})" if parts else total


def _link(text: str, here: str, target: str, anchor: str = "") -> str:
    rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
    label = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{_cell(label)}]({rel}{'#' + anchor if anchor else ''})"


def _cell(text: str) -> str:
    """Text safe inside a Markdown link label or table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _text(text: str) -> str:
    """Text as HTML element content (quotes stay as they are, as Markdown leaves them)."""
    return escape(text, quote=False)


def _join(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
