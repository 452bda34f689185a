"""KB2xx: links between pages and references by id (related, superseded_by, outcomes)."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from kb.diagnostics import Finding, Severity
from kb.links import LinkKind, LinkResolver
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Article, Body, KnowledgeBase, Link, Tree
from kb.urls import page_url


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the site built from a file in docs/: an article or a section index."""

    path: str
    body: Body
    #: the page's site URL without slashes at either end ('' for the home page)
    url: str


@dataclass(frozen=True, slots=True)
class LinkedPage:
    """Where one link in one page leads."""

    source: Page
    link: Link
    kind: LinkKind
    #: the repo-relative path the link resolves to ('' for external and empty links)
    path: str
    #: the page it lands on (for `self`, `page` and `site-url`)
    target: Page | None


@dataclass(frozen=True, slots=True)
class SiteMap:
    docs_dir: str
    pages: dict[str, Page]
    resolver: LinkResolver


def site_map(ctx: LintContext) -> SiteMap:
    """Every page by path and by URL, computed once per lint run."""
    key = ("links-site-map",)
    found = ctx.memo.get(key)
    if isinstance(found, SiteMap):
        return found
    kb = ctx.kb
    docs_dir = kb.config.docs_dir.strip("/") or "docs"
    pages: dict[str, Page] = {}
    for article in kb.all_articles():
        pages[article.path] = Page(article.path, article.body,
                                   _page_key(docs_dir, article.path))
    for section in kb.section_pages:
        pages[section.path] = Page(section.path, section.body, _page_key(docs_dir, section.path))
    resolver = LinkResolver.of(docs_dir, pages, kb.trees,
                               lambda path: path in kb.files or ctx.is_file(path))
    result = SiteMap(docs_dir, pages, resolver)
    ctx.memo[key] = result
    return result


def resolve_link(site: SiteMap, page: Page, link: Link) -> LinkedPage:
    """Classify one link of `page`: where it leads, and whether lint can vouch for it."""
    found = site.resolver.resolve(page.path, link.target, link.anchor)
    target = site.pages.get(found.path) if found.kind in ("self", "page", "site-url") else None
    return LinkedPage(page, link, found.kind, found.path, target)


def linked_pages(ctx: LintContext) -> list[LinkedPage]:
    """Every link of every article and section page, resolved once per lint run."""
    key = ("links-resolved",)
    found = ctx.memo.get(key)
    if isinstance(found, list):
        return found
    site = site_map(ctx)
    resolved = [resolve_link(site, page, link)
                for page in site.pages.values() for link in page.body.links]
    ctx.memo[key] = resolved
    return resolved


def _written(link: Link) -> str:
    return link.target + (f"#{link.anchor}" if link.anchor else "")


def _relative(from_path: str, to_path: str) -> str:
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


def _close(word: str, choices: Iterable[str], what: str, prefix: str = "") -> str:
    """A hint naming the nearest of `choices`, or listing a few when none is near."""
    pool = sorted(set(choices))
    near = difflib.get_close_matches(word, pool, n=3, cutoff=0.6)
    if near:
        return "did you mean " + " or ".join(f"`{prefix}{n}`" for n in near) + "?"
    if not pool:
        return f"there are no {what}s"
    shown = ", ".join(f"`{prefix}{c}`" for c in pool[:8])
    more = f" and {len(pool) - 8} more" if len(pool) > 8 else ""
    return f"existing {what}s: {shown}{more}"


def _no_page_hint(site: SiteMap, page: Page, target: str) -> str:
    """Suggest the .md file whose URL's last part is nearest to the link's last part."""
    last = [part for part in target.split("/") if part not in ("", ".", "..")]
    by_name = {p.url.rsplit("/", 1)[-1]: p for p in site.pages.values() if p.url}
    near = difflib.get_close_matches(last[-1], by_name, n=1, cutoff=0.6) if last else []
    if near:
        return f"did you mean `{_relative(page.path, by_name[near[0]].path)}`? link to the .md file"
    return "link to the .md file with a path relative to this file, e.g. `../upi/failed-debit.md`"


@rule("KB201", "broken-link", scope="kb")
def broken_link(ctx: LintContext) -> Iterator[Finding]:
    """A relative link whose target file does not exist.

    What it checks:
        Every relative link in an article or section `index.md` leads to a file that exists,
        resolved against the folder of the linking file, and stays inside `docs/`; a site URL
        (`/upi/failed-debit/`) must name a page (KB206 then asks for the `.md` file) or a
        generated tree page (`trees/<tree-id>/`). External URLs and `mailto:` links are not
        checked; `#anchor` parts are checked by KB202.
    Why it matters:
        A broken link is a dead end for a specialist mid-case, and agents receive it as a
        reference to nothing. Files outside `docs/` are not part of the site at all.
    Bad:
        ```markdown
        See [reversal timelines](../upi/failed-debt.md#reversal-timelines).
        ```
    Good:
        ```markdown
        See [reversal timelines](../upi/failed-debit.md#reversal-timelines).
        ```
    """
    site = site_map(ctx)
    for linked in linked_pages(ctx):
        link, page = linked.link, linked.source
        written = _written(link)
        if linked.kind == "empty":
            yield Finding.at(page.path, link.pos, f"link `[{link.text}]()` has no target",
                             "write the relative path of the .md file it should open")
        elif linked.kind == "missing":
            names = [_relative(page.path, p) for p in site.pages]
            near = difflib.get_close_matches(_relative(page.path, linked.path), names, n=3,
                                             cutoff=0.6)
            hint = ("did you mean " + " or ".join(f"`{n}`" for n in near) + "?" if near else
                    "link to an existing .md file, relative to this file's folder")
            yield Finding.at(page.path, link.pos,
                             f"link `{written}` points to {linked.path}, which does not exist",
                             hint)
        elif linked.kind == "outside":
            yield Finding.at(page.path, link.pos,
                             f"link `{written}` points outside {site.docs_dir}/ "
                             f"(to {linked.path})",
                             "only files under docs/ are part of the site; link to a page "
                             "there, or to the file's full https:// URL")
        elif linked.kind == "no-page":
            yield Finding.at(page.path, link.pos,
                             f"link `{written}` is a site URL that names no page of this site",
                             _no_page_hint(site, page, link.target))


@rule("KB202", "missing-anchor", scope="kb")
def missing_anchor(ctx: LintContext) -> Iterator[Finding]:
    """A link's `#anchor` is not a heading of the page it points to.

    What it checks:
        The `#anchor` of a link to an article or section page (or of a pure `#anchor` link on
        the same page) equals the anchor of one of that page's headings, as the site's table
        of contents generates it.
    Why it matters:
        A stale anchor silently drops the reader at the top of a long article instead of the
        section that answers the case; headings are renamed more often than files.
    Bad:
        ```markdown
        See [timelines](../upi/failed-debit.md#reversal-timeline).
        ```
    Good:
        ```markdown
        See [timelines](../upi/failed-debit.md#reversal-timelines).
        ```
    """
    for linked in linked_pages(ctx):
        link, target = linked.link, linked.target
        if target is None or not link.anchor or linked.kind not in ("self", "page", "site-url"):
            continue
        anchor = unquote(link.anchor)
        anchors = target.body.anchors()
        if anchor in anchors:
            continue
        where = "this page" if linked.kind == "self" else target.path
        yield Finding.at(linked.source.path, link.pos,
                         f"anchor `#{anchor}` is not a heading of {where}",
                         _close(anchor, anchors, "anchor", "#"))


def _items(kb: KnowledgeBase) -> Iterator[Article | Tree]:
    yield from kb.all_articles()
    yield from kb.all_trees()


@rule("KB203", "unknown-reference", scope="kb")
def unknown_reference(ctx: LintContext) -> Iterator[Finding]:
    """`related` or `superseded_by` names no article.

    What it checks:
        Every id in `related` and the id in `superseded_by` is the id of an existing article
        (a tree may also be superseded by a tree), and nothing is superseded by itself.
    Why it matters:
        Related articles and successors are followed by specialists and agents; an unknown id
        is a dead end, and an article superseded by itself sends its readers in a circle.
    Bad:
        ```yaml
        id: upi-collect-request-limits
        status: deprecated
        superseded_by: upi-collect-fraud
        ```
    Good:
        ```yaml
        id: upi-collect-request-limits
        status: deprecated
        superseded_by: upi-collect-request-fraud
        ```
    """
    kb = ctx.kb
    for item in _items(kb):
        meta, doc = item.meta, item.source
        for i, ref in enumerate(meta.related):
            if ref in kb.articles:
                continue
            what = "a decision tree, not an article" if ref in kb.trees else "no article"
            yield Finding.at(item.path, doc.pos("related", i),
                             f"`related` lists `{ref}`, which is {what}",
                             _close(ref, kb.articles, "article id"))
        successor = meta.superseded_by
        if not successor:
            continue
        if successor == meta.id:
            yield Finding.at(item.path, doc.pos("superseded_by"),
                             f"`{meta.id}` is superseded by itself",
                             "name the article that replaces this one")
        elif successor not in kb.articles and not (isinstance(item, Tree)
                                                    and successor in kb.trees):
            yield Finding.at(item.path, doc.pos("superseded_by"),
                             f"`superseded_by` names `{successor}`, which is no article",
                             _close(successor, kb.articles, "article id"))


@rule("KB204", "outcome-article", scope="tree")
def outcome_article(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An outcome's `article` names no article, or no heading of it.

    What it checks:
        Every outcome's `article: <id>#<anchor>` names an existing article, and the anchor,
        when given, is a heading anchor of that article.
    Why it matters:
        The outcome's article is the source behind the step: specialists open it and agents
        receive it with the answer. A wrong id or anchor leaves them without it.
    Bad:
        ```yaml
        article: upi-failed-debit#reversal-timeline
        ```
    Good:
        ```yaml
        article: upi-failed-debit#reversal-timelines
        ```
    """
    kb = ctx.kb
    for node in tree.outcomes():
        outcome = node.outcome
        if outcome is None or not outcome.article:
            continue
        article = kb.articles.get(outcome.article)
        if article is not None and (not outcome.anchor
                                    or outcome.anchor in article.body.anchors()):
            continue  # positions are looked up only for what is reported
        pos = tree.source.pos(*node.path, "outcome", "article")
        if article is None:
            what = "a decision tree, not an article" if outcome.article in kb.trees \
                else "no article"
            yield Finding.at(tree.path, pos,
                             f"outcome `{node.id}` cites `{outcome.article}`, which is {what}",
                             _close(outcome.article, kb.articles, "article id"))
        elif outcome.anchor and outcome.anchor not in article.body.anchors():
            yield Finding.at(tree.path, pos,
                             f"outcome `{node.id}` cites `#{outcome.anchor}`, which is not a "
                             f"heading of `{article.id}` ({article.path})",
                             _close(outcome.anchor, article.body.anchors(), "anchor", "#"))


@rule("KB205", "outcome-macro", scope="tree")
def outcome_macro(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An outcome's `macro` names no macro article.

    What it checks:
        Every outcome's `macro` is the id of an existing article with `type: macro`.
    Why it matters:
        The macro is the approved reply an agent sends to the customer; a wrong id leaves the
        agent without one, and a non-macro article would be sent to a customer as if approved.
    Bad:
        ```yaml
        macro: upi-failed-debit          # a troubleshooting article
        ```
    Good:
        ```yaml
        macro: reply-upi-reversal-pending
        ```
    """
    kb = ctx.kb
    for node in tree.outcomes():
        outcome = node.outcome
        if outcome is None or not outcome.macro:
            continue
        article = kb.articles.get(outcome.macro)
        if article is not None and article.type == "macro":
            continue  # positions are looked up only for what is reported
        pos = tree.source.pos(*node.path, "outcome", "macro")
        if article is None:
            yield Finding.at(tree.path, pos,
                             f"outcome `{node.id}` uses macro `{outcome.macro}`, which is no "
                             "article", _close(outcome.macro, _macro_ids(ctx), "macro"))
        elif article.type != "macro":
            yield Finding.at(tree.path, pos,
                             f"outcome `{node.id}` uses `{outcome.macro}` as a macro, but it "
                             f"is a {article.type or 'untyped'} article",
                             "name an article with `type: macro`; cite this one in `article`"
                             if not outcome.article else
                             "name an article with `type: macro`")


@rule("KB206", "site-url-link", scope="kb", severity=Severity.WARNING)
def site_url_link(ctx: LintContext) -> Iterator[Finding]:
    """A link to a page's site URL instead of its `.md` file.

    What it checks:
        Links between pages point to the `.md` file (`../upi/failed-debit.md`), not to the URL
        the site gives it (`/upi/failed-debit/`, `../failed-debit/`).
    Why it matters:
        Lint can check a file and its headings but not a URL; URLs change with the site's
        settings and folder moves, and MkDocs only rewrites links to `.md` files, so URL links
        break silently.
    Bad:
        ```markdown
        See [failed debits](/upi/failed-debit/#reversal-timelines).
        ```
    Good:
        ```markdown
        See [failed debits](../upi/failed-debit.md#reversal-timelines).
        ```
    """
    for linked in linked_pages(ctx):
        if linked.kind != "site-url" or linked.target is None:
            continue
        link, page = linked.link, linked.source
        fixed = _relative(page.path, linked.target.path)
        if link.anchor:
            fixed += f"#{link.anchor}"
        yield Finding.at(page.path, link.pos,
                         f"link `{_written(link)}` is a site URL of {linked.target.path}",
                         f"link to the file instead: `[{link.text}]({fixed})`")


def _macro_ids(ctx: LintContext) -> list[str]:
    """Ids of every macro article, computed once per run (only when a hint needs them)."""
    key = ("macro-ids",)
    if key not in ctx.memo:
        ctx.memo[key] = [a.id for a in ctx.kb.articles.values() if a.type == "macro"]
    ids: list[str] = ctx.memo[key]  # type: ignore[assignment]
    return ids


def _page_key(docs_dir: str, path: str) -> str:
    """The directory-style URL MkDocs gives `path`, without slashes (a key of `by_url`)."""
    return page_url(docs_dir, path).strip("/")
