"""What agent exports may show: the exported items, and references resolved against them alone.

Exports fail closed: an article is exported only when it is `public` or `internal` and
`published` or `deprecated`; a tree only when it is `internal` and `published` or `deprecated`.
Nor is an item that is not in effect on the build's day (`kb.effective`).
A reference to anything else (restricted, draft, missing) resolves to None, so no exported
item can carry the id, URL or title of an item the exports must not show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from kb.buildinfo import SiteInfo
from kb.effective import in_effect
from kb.links import LinkResolver
from kb.model import Article, KnowledgeBase, Link, Pos, Tree
from kb.urls import page_url, tree_url, with_anchor

EXPORTED_ARTICLE_VISIBILITIES = ("public", "internal")
EXPORTED_TREE_VISIBILITIES = ("internal",)
EXPORTED_STATUSES = ("published", "deprecated")

JsonObject = dict[str, object]


def article_is_exported(article: Article) -> bool:
    meta = article.meta
    return (bool(meta.id) and meta.visibility in EXPORTED_ARTICLE_VISIBILITIES
            and meta.status in EXPORTED_STATUSES)


def tree_is_exported(tree: Tree) -> bool:
    meta = tree.meta
    return (bool(meta.id) and meta.visibility in EXPORTED_TREE_VISIBILITIES
            and meta.status in EXPORTED_STATUSES)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a Markdown link of an article leads, when it leads to an article or a tree page."""

    kind: Literal["article", "tree"]
    id: str
    anchor: str
    #: True when the target exists but the exports must not show it
    hidden: bool


@dataclass(frozen=True, slots=True)
class ExportScope:
    kb: KnowledgeBase
    site: SiteInfo
    articles: dict[str, Article]
    trees: dict[str, Tree]
    #: where links lead, over every article and section page (shown or not)
    links: LinkResolver

    @classmethod
    def of(cls, kb: KnowledgeBase, site: SiteInfo) -> ExportScope:
        """The exported articles and trees of `kb`, each sorted by id."""
        # a translation travels inside its source's entry, never as an article of its own
        today = kb.config.judged_on()
        articles = {a.id: a for a in sorted(kb.articles.values(), key=lambda a: a.id)
                    if article_is_exported(a) and a.translation is None
                    and in_effect(kb, a, today)}
        trees = {t.id: t for t in sorted(kb.trees.values(), key=lambda t: t.id)
                 if tree_is_exported(t) and in_effect(kb, t, today)}
        pages = [*(a.path for a in kb.all_articles()), *(p.path for p in kb.section_pages)]
        links = LinkResolver.of(kb.config.docs_dir, pages, kb.trees, lambda _: False)
        return cls(kb, site, articles, trees, links)

    def shows(self, item_id: str) -> bool:
        return item_id in self.articles or item_id in self.trees

    def visible_ids(self, ids: tuple[str, ...]) -> list[str]:
        """The ids the exports may show, in order, without repeats."""
        return list(dict.fromkeys(i for i in ids if self.shows(i)))

    def article_url(self, article: Article) -> str:
        return page_url(self.kb.config.docs_dir, article.path,
                        self.kb.config.use_directory_urls)

    def tree_url(self, tree: Tree) -> str:
        return tree_url(tree.id, self.kb.config.use_directory_urls)

    def article_ref(self, article_id: str, anchor: str = "") -> JsonObject | None:
        """`{id, anchor, url, title}` of an exported article, or None."""
        article = self.articles.get(article_id)
        if article is None:
            return None
        return {"id": article.id, "anchor": anchor,
                "url": with_anchor(self.article_url(article), anchor),
                "title": article.meta.title}

    def tree_ref(self, tree_id: str, anchor: str = "") -> JsonObject | None:
        tree = self.trees.get(tree_id)
        if tree is None:
            return None
        return {"id": tree.id, "anchor": anchor,
                "url": with_anchor(self.tree_url(tree), anchor), "title": tree.meta.title}

    def link_targets(self, article: Article) -> Iterator[tuple[Link, LinkTarget]]:
        """Every link of `article` that leads to an article or a tree page (shown or hidden)."""
        for link in article.body.links:
            target = self._resolve(article, link)
            if target is not None:
                yield link, target

    def hides(self, article: Article, href: str) -> bool:
        """Whether `href`, written in `article`, leads to an item the exports must not show."""
        site = self.site.url.rstrip("/")
        if site and href.startswith(site + "/"):
            href = href[len(site):]  # an absolute URL of this site is one of its pages
        target, _, anchor = href.partition("#")
        found = self._resolve(article, Link(target, anchor, "", Pos(0, 0)))
        return found is not None and found.hidden

    def _resolve(self, article: Article, link: Link) -> LinkTarget | None:
        found = self.links.resolve(article.path, link.target, link.anchor)
        if found.kind == "generated" and found.tree:
            return LinkTarget("tree", found.tree, link.anchor, found.tree not in self.trees)
        target = self.kb.articles_by_path.get(found.path)
        if found.kind not in ("page", "site-url") or target is None or not target.id:
            return None
        return LinkTarget("article", target.id, link.anchor, target.id not in self.articles)
