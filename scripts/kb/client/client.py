"""The client: a verified bundle, its search index, and the questions an agent asks of it.

Languages: `article`, `macro` and `walk` take a `locale` (a BCP 47 tag such as `pt-BR`, matched
without regard to case). The answer carries `locale`, the language of the text served, and
`fallback`: '' when it is in the locale asked for; `missing` when the item has no translation
in that locale; `stale` when its translation is out of date (the source changed since it was
translated). On a fallback the source, which is current, is served: a stale translation is
never served, so an agent that must reply in the customer's language translates the source or
hands the case to a person. A locale the bundle knows nothing of is a ClientError naming the
locales it has.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.client.bundle import Bundle, read_bundle, verify_bundle
from kb.client.errors import ClientError, NotFound
from kb.client.walker import LocalText, Reference, WalkResult, walk_tree
from kb.loader.markdown_body import parse_body
from kb.search import Document, RoutedTree, Router, SearchIndex
from kb.urls import absolute, with_anchor

if TYPE_CHECKING:
    from kb.buildinfo import BuildInfo
    from kb.model import KnowledgeBase

# The result types are frozen dataclasses without __slots__: the MCP server's output schemas
# are read from their fields, and a slot would pass for a default value there.

DEFAULT_LIMIT = 5
MAX_LIMIT = 50
#: sections that list where an article's facts come from: read, never searched
UNSEARCHED_HEADINGS = frozenset({"sources", "references"})


@dataclass(frozen=True)
class SearchResult:
    #: `article-id#anchor`: what `article(id, section=anchor)` reads
    section_id: str
    article_id: str
    anchor: str
    title: str
    heading: str
    type: str
    url: str
    snippet: str
    score: float


@dataclass(frozen=True)
class SectionInfo:
    anchor: str
    heading: str
    level: int


@dataclass(frozen=True)
class ArticleView:
    id: str
    title: str
    type: str
    summary: str
    url: str
    markets: tuple[str, ...]
    products: tuple[str, ...]
    sections: tuple[SectionInfo, ...]
    #: the whole article's Markdown, or the one section's text when a section was asked for
    text: str
    section: str
    related: tuple[str, ...]
    #: the language of `title`, `summary` and `text`
    locale: str
    #: '' when served in the locale asked for, else why the source was served instead:
    #: `missing` (no translation in that locale) or `stale` (its translation is out of date)
    fallback: str


@dataclass(frozen=True)
class MacroView:
    id: str
    title: str
    url: str
    markdown: str
    #: the language of `title` and `markdown`
    locale: str
    #: '' when served in the locale asked for, else `missing` or `stale` (the source served)
    fallback: str


@dataclass(frozen=True)
class TreeSummary:
    id: str
    title: str
    summary: str
    url: str
    markets: tuple[str, ...]
    products: tuple[str, ...]
    #: what the tree asks first
    first_question: str


@dataclass(frozen=True)
class TreeRoute:
    tree_id: str
    title: str
    url: str
    score: float
    #: the tree's example messages closest to the message, best first
    examples: tuple[str, ...]


@dataclass(frozen=True)
class RouteResult:
    #: the tree that applies, or '' when no tree applies (`no_tree`)
    tree_id: str
    no_tree: bool
    #: every tree the message matched, best first
    matches: tuple[TreeRoute, ...]
    #: the best score under which no tree applies
    threshold: float


@dataclass(frozen=True, slots=True)
class _Version:
    """The bundle entry to serve (an article or one of its translations), its language, and
    why it is not in the locale asked for ('' when it is)."""

    entry: Mapping[str, Any]
    locale: str
    fallback: str


def _sections(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The sections of an article entry, or of a translation's Markdown (a translation keeps
    its source's anchors, which lint checks)."""
    if "sections" in entry:
        return list(entry["sections"])
    return [{"anchor": s.anchor, "heading": s.heading, "level": s.level, "text": s.text}
            for s in parse_body(entry["markdown"], 1).sections]


class Client:
    """Read-only access to one verified bundle; safe to share between threads and tasks."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self._site_url: str = bundle["build"]["site"]["url"] or ""
        self._articles: dict[str, Any] = {a["id"]: a for a in bundle["articles"]}
        self._trees: dict[str, Any] = {t["id"]: t for t in bundle["trees"]}
        self._policies: dict[str, Any] = {p["id"]: p for p in bundle["policies"]}
        #: lower-cased locale -> the locale as the bundle spells it, sorted
        self._locales: dict[str, str] = {
            tag.lower(): tag for tag in sorted({
                bundle["locales"]["default"],
                *(tag for tags in bundle["locales"]["required"].values() for tag in tags),
                *(t["locale"] for a in bundle["articles"] for t in a["translations"])})}
        self._index = SearchIndex.build(self._documents())
        #: every tree's summary, built once: a listing filters them rather than builds them
        self._summaries = tuple(self._summary(t) for t in self._trees.values())
        self._router = Router(RoutedTree(t["id"], t["title"], t["routing"]["applies_when"],
                                         tuple(t["routing"]["examples"]), tuple(t["markets"]))
                              for t in self._trees.values())

    @classmethod
    def from_bundle(cls, path: str | Path) -> Client:
        """The client of a kb-bundle.json file; BundleError when it cannot be trusted."""
        return cls(read_bundle(Path(path)))

    @classmethod
    def from_repo(cls, root: str | Path = ".") -> Client:
        """The client of the knowledge base checked out at `root`, its bundle built in memory
        (ClientError when the knowledge base has lint errors)."""
        from kb.buildinfo import build_info
        from kb.lint.api import lint_kb
        from kb.loader import load
        from kb.loader.config_file import find_root, load_config

        loaded = load(load_config(find_root(Path(root).resolve())))
        result = lint_kb(loaded.kb, loaded.problems, loaded.ambiguous)
        if result.errors:
            first = "; ".join(d.format() for d in result.diagnostics[:3])
            raise ClientError(f"the knowledge base has {result.errors} lint error(s): {first}")
        return cls.from_kb(loaded.kb, build_info(loaded.kb.config.root))

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, info: BuildInfo | None = None) -> Client:
        """The client of a loaded knowledge base's bundle, built in memory with `info` (an
        empty one by default); the caller has linted the knowledge base."""
        from kb.buildinfo import BuildInfo
        from kb.export.bundle import build_bundle, bundle_json

        bundle = build_bundle(kb, info or BuildInfo())
        return cls(verify_bundle(json.loads(bundle_json(bundle)), "built bundle"))

    # --- what an agent asks -----------------------------------------------------------------

    def search(self, query: str, *, market: str | None = None, product: str | None = None,
               limit: int = DEFAULT_LIMIT) -> list[SearchResult]:
        """Article sections that answer `query`, best first (at most `limit`, up to 50)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ClientError(f"limit takes a number from 1 to {MAX_LIMIT}, not {limit}")
        hits = self._index.search(query, limit=limit, markets=[market] if market else (),
                                  products=[product] if product else ())
        return [self._result(hit.key, hit.snippet, hit.score) for hit in hits]

    def route(self, message: str, *, market: str | None = None, limit: int = DEFAULT_LIMIT,
              threshold: float | None = None) -> RouteResult:
        """Which decision tree applies to a customer `message` (of `market` when given): the
        trees it matches, best first (at most `limit`), and the one that applies, if any (none
        when the best score is under `threshold`, by default the calibrated one)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ClientError(f"limit takes a number from 1 to {MAX_LIMIT}, not {limit}")
        route = self._router.route(message, markets=[market] if market else (),
                                   threshold=threshold)
        matches = tuple(TreeRoute(m.tree, self._trees[m.tree]["title"],
                                  self._url(self._trees[m.tree]["url"]), m.score, m.examples)
                        for m in route.matches[:limit])
        return RouteResult(route.tree, not route.tree, matches, route.threshold)

    @property
    def locales(self) -> tuple[str, ...]:
        """The locales this bundle has: the default one, those markets require, and those of
        its translations."""
        return tuple(self._locales.values())

    def article(self, article_id: str, section: str | None = None,
                locale: str | None = None) -> ArticleView:
        """An article (or one section of it, by anchor) in `locale` when a current translation
        exists, else in its own language with `fallback` saying why (see the module's doc)."""
        article = self._article(article_id)
        version = self._version(article, locale)
        parsed = _sections(version.entry)
        sections = tuple(SectionInfo(s["anchor"], s["heading"], s["level"]) for s in parsed)
        text, anchor = version.entry["markdown"], ""
        if section:
            chosen = next((s for s in parsed if s["anchor"] == section), None)
            if chosen is None:
                anchors = ", ".join(s.anchor for s in sections)
                raise NotFound(f"article `{article_id}` has no section `{section}`; "
                               f"its sections are {anchors}")
            text, anchor = chosen["text"], section
        return ArticleView(article["id"], version.entry["title"], article["type"],
                           version.entry["summary"], self._url(version.entry["url"], anchor),
                           tuple(article["markets"]), tuple(article["products"]), sections, text,
                           anchor, tuple(article["related"]), version.locale, version.fallback)

    def macro(self, macro_id: str, locale: str | None = None) -> MacroView:
        """A reply macro in `locale` when a current translation exists, else in its own
        language with `fallback` saying why (see the module's doc)."""
        article = self._article(macro_id)
        if article["type"] != "macro":
            raise NotFound(f"`{macro_id}` is a {article['type']} article, not a macro")
        version = self._version(article, locale)
        return MacroView(article["id"], version.entry["title"], self._url(version.entry["url"]),
                         version.entry["markdown"], version.locale, version.fallback)

    def trees(self, *, market: str | None = None,
              product: str | None = None) -> list[TreeSummary]:
        """The decision trees (of `market` and `product` when given), by id."""
        return [t for t in self._summaries
                if (not market or market in t.markets) and (not product or product in t.products)]

    def tree(self, tree_id: str) -> Mapping[str, Any]:
        """A decision tree as the bundle has it (facts, nodes, outcomes)."""
        tree = self._trees.get(tree_id)
        if tree is None:
            raise NotFound(f"no decision tree `{tree_id[:80]}`; list_trees names them")
        return tree  # type: ignore[no-any-return]

    def walk(self, tree_id: str, facts: Mapping[str, object],
             locale: str | None = None) -> WalkResult:
        """The next question of `tree_id` given every fact known so far, or its outcome, whose
        macro text is in `locale` when a current translation exists (`macro_locale` and
        `macro_fallback` say which was served; see the module's doc)."""
        tree = self.tree(tree_id)
        self._locale(locale)
        return walk_tree(tree, facts, self._policies,
                         lambda ref: self._macro_text(ref, locale))

    # --- inside ---------------------------------------------------------------------------

    def _summary(self, tree: Mapping[str, Any]) -> TreeSummary:
        start = tree["nodes"][tree["start"]]
        return TreeSummary(tree["id"], tree["title"], tree["summary"], self._url(tree["url"]),
                           tuple(tree["markets"]), tuple(tree["products"]),
                           tree["facts"][start["ask"]]["question"] if "ask" in start else "")

    def _article(self, article_id: str) -> Any:
        article = self._articles.get(article_id)
        if article is None:
            raise NotFound(f"no article `{article_id[:80]}`; search finds article ids")
        return article

    def _url(self, url: str, anchor: str = "") -> str:
        return absolute(self._site_url, with_anchor(url, anchor))

    def _locale(self, locale: str | None) -> str | None:
        """`locale` as the bundle spells it (None stays None); ClientError when unknown."""
        if locale is None:
            return None
        known = self._locales.get(locale.lower())
        if known is None:
            raise ClientError(f"unknown locale `{locale[:40]}`; this knowledge base has "
                              f"{', '.join(self.locales)}")
        return known

    def _version(self, article: Mapping[str, Any], locale: str | None) -> _Version:
        """What to serve of `article` for `locale`: its current translation, or the source."""
        wanted = self._locale(locale)
        if wanted is None or wanted == article["locale"]:
            return _Version(article, article["locale"], "")
        found = next((t for t in article["translations"] if t["locale"] == wanted), None)
        if found is None:
            return _Version(article, article["locale"], "missing")
        if found["stale"]:
            return _Version(article, article["locale"], "stale")
        return _Version(found, wanted, "")

    def _macro_text(self, ref: Reference, locale: str | None) -> LocalText:
        version = self._version(self._articles[ref.id], locale)
        text = str(version.entry["markdown"])
        if ref.anchor:
            text = next((str(s["text"]) for s in _sections(version.entry)
                         if s["anchor"] == ref.anchor), text)
        return LocalText(text, version.locale, version.fallback)

    def _documents(self) -> Iterator[Document]:
        """One chunk per section; a macro is one chunk (it is used whole), found at its reply.

        Each section carries its article's title, summary and tags, so it is found by what the
        article is about; the lead (the text under the article's title, before its first
        heading) is found by its own words only: given the article's too, it would outrank,
        as the shortest chunk about the subject, the section that answers (tuned on the `tune`
        split)."""
        for article in self._articles.values():
            tags = " ".join([*article["tags"], article["type"]])
            sections = [s for s in article["sections"]
                        if s["heading"].strip().lower() not in UNSEARCHED_HEADINGS]
            if article["type"] == "macro" and sections:
                reply = next((s for s in sections if s["heading"].lower().startswith("reply")
                              and s["level"] > 1), sections[-1])
                chunks = [(reply["anchor"], " ".join(h for s in sections
                                                     for h in s["heading_path"][1:]),
                           "\n".join(s["text"] for s in sections), False)]
            else:
                chunks = [(s["anchor"], " ".join(s["heading_path"][1:]), s["text"],
                           s["level"] == 1 and len(sections) > 1) for s in sections]
            for anchor, headings, body, lead in chunks:
                context = ("", "", "") if lead else (article["title"], tags, article["summary"])
                yield Document(
                    key=f"{article['id']}#{anchor}", title=context[0], body=body,
                    headings=headings, tags=context[1], summary=context[2],
                    markets=tuple(article["markets"]), products=tuple(article["products"]),
                    kind=article["type"])

    def _result(self, key: str, snippet: str, score: float) -> SearchResult:
        article_id, _, anchor = key.partition("#")
        article = self._articles[article_id]
        section = next(s for s in article["sections"] if s["anchor"] == anchor)
        url_anchor = anchor if section["level"] > 1 else ""
        return SearchResult(key, article_id, anchor, article["title"], section["heading"],
                            article["type"], self._url(article["url"], url_anchor), snippet,
                            score)

