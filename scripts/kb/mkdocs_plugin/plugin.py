"""The `kb` MkDocs plugin: a thin adapter that puts the core's knowledge base into the site.

Per build it loads the KB once and lints it (errors stop the build, in `mkdocs build` and
`mkdocs serve` alike; lint warnings such as a stale review are logged at info level, so a
strict build still publishes them, with the stale badge on the page), adds the generated pages
and the assets, opens every article with its metadata block, sanitises every HTML fragment made
from content (`kb.sanitise`; titles are escaped before MkDocs prints them), puts a
Content-Security-Policy on every page (`csp`), writes the agent exports after the site, and
sends each page's content to Pagefind's indexer as soon as it is finished, and has the index
written while MkDocs renders the pages, unless mkdocs.yml picks Material's search
(`pagefind_search`, `pagefind_service`; under `kb build` the indexer is kb's, else the
plugin's own).
Each event is a guard plus one delegation to the core.

Both cores work: the lint runs in a forked child while this process generates the pages, and
the agent exports are made in another child, started once the lint is clean, while MkDocs
renders (`kb.forked`). A lint that outlasts the page generation is awaited only where MkDocs'
emptying of the site folder would lose a previous site; otherwise (a `kb build` staging folder,
a first build) MkDocs reads the pages meanwhile and the lint is reported once it ends, at the
latest before any page is written. Once the lint is reported, this process keeps no reference
to the knowledge base, so MkDocs renders in the memory it would use without the plugin.
This package is the only code that imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kb.audience import (
    AUDIENCE_ENV,
    EXIT_WHEN_BUILT_ENV,
    TODAY_ENV,
    Audience,
    audience_named,
    help_center_markdown,
    public_articles,
)
from kb.buildinfo import BuildInfoError, build_info
from kb.config import ConfigError, KbConfig
from kb.diagnostics import Diagnostic, Severity
from kb.export import build_exports, write_files_atomically
from kb.forked import Background, BackgroundFailed
from kb.html_blocks import lift_html_blocks, restore_html_blocks, sanitise_outside_blocks
from kb.lint import lint_kb
from kb.loader import load
from kb.mkdocs_plugin import assets, csp
from kb.mkdocs_plugin.config import KbPluginConfig, kb_config
from kb.mkdocs_plugin.feedback import feedback_block, issues_url
from kb.mkdocs_plugin.last_good import LastGoodSite
from kb.mkdocs_plugin.navigation import is_compact, site_nav
from kb.mkdocs_plugin.pagefind_search import (
    INDEX_DIR,
    ResultLabel,
    is_indexed,
    mark_page,
    result_labels,
    search_copy,
    shard_count,
    write_shards_file,
)
from kb.mkdocs_plugin.pagefind_service import (
    FEED_ENV,
    PageFeed,
    PagefindFailed,
    PagefindService,
    room_to_write,
)
from kb.mkdocs_plugin.search_rank import search_boost
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, PageJob
from kb.pages.article_header import article_headers, help_center_headers, with_header
from kb.pages.help_center import help_center_home
from kb.pages.indexes import PARTS_FOLDER, section_tree_lists
from kb.pages.references import References, link_references, reference_index
from kb.render import REQUIRED_EXTENSIONS
from kb.sanitise import escape_title, sanitise_html
from kb.translations import locale_of

__all__ = ["KbPlugin"]

log = get_plugin_logger(__name__)

#: where `mkdocs serve --dirty` keeps the generated pages' sources, under the KB root
SERVE_PAGES = Path(".kb-cache", "serve-pages")


@dataclass(slots=True)
class SiteParts:
    """What one build adds to the site, computed once before MkDocs reads any page."""

    pages: list[GeneratedPage]
    #: page titles by docs path (articles, section indexes, generated pages), for the nav
    titles: dict[str, str]
    #: each article's header block (HTML) by docs path
    headers: dict[str, str]
    nav_max_pages: int | None
    #: the agent exports as {file name: bytes}, being made in a child while MkDocs renders
    #: (None while the lint they wait for still runs: see `pending`)
    exports: Background[dict[str, bytes]] | None
    #: the language of each translated page by docs path (others are in the site's language)
    locales: dict[str, str] = field(default_factory=dict)
    #: docs paths of the generated pages
    generated: frozenset[str] = frozenset()
    #: the HTML blocks lifted out of a generated page's Markdown until its HTML is rendered
    lifted: dict[str, list[str]] = field(default_factory=dict)
    #: the authored pages this audience may see (docs path: plain text); None: every one
    authored: dict[str, str] | None = None
    #: what a search result says of each article and tree page (kind, visibility), by docs path
    labels: dict[str, ResultLabel] = field(default_factory=dict)
    #: the tree and macro ids authored pages may link, for this audience
    references: References | None = None
    #: each section page's list of its trees (HTML) by docs path
    section_trees: dict[str, str] = field(default_factory=dict)
    #: the lint, when MkDocs goes on reading pages while it runs (see `prepare`)
    pending: PendingLint | None = None
    #: the generated pages still being made in a child (listed now, read when MkDocs reads them)
    later: LaterPages | None = None

    def __post_init__(self) -> None:
        self.generated = frozenset(p.path for p in self.pages) \
            | frozenset(self.later.titles if self.later is not None else ())


@dataclass(slots=True)
class LaterPages:
    """Generated pages a child is still making (`PageJob`): their titles are known at once, their
    Markdown is taken when MkDocs first reads one of them. MkDocs reads the generated pages after
    the authored ones, by when the child has usually ended."""

    job: PageJob
    #: title by docs path, for the nav
    titles: dict[str, str]
    _made: dict[str, str] | None = None

    def pages(self) -> list[GeneratedPage]:
        """The pages, once the child has made them; PluginError if it could not."""
        return [GeneratedPage(path, markdown) for path, markdown in self._taken().items()]

    def markdown(self, path: str) -> str:
        """The Markdown of the page at `path` (one of `titles`)."""
        return self._taken()[path]

    def _taken(self) -> dict[str, str]:
        if self._made is None:
            try:
                self._made = {p.path: p.markdown for p in self.job.made()}
            except BackgroundFailed as exc:
                raise PluginError(f"kb: internal error making the generated pages: {exc}") \
                    from exc
        return self._made


@dataclass(slots=True)
class PendingLint:
    """The lint of the knowledge base, still running in its child, and what follows a clean
    result (the agent exports, started then)."""

    checks: Background[list[Diagnostic]]
    then: Callable[[], Background[dict[str, bytes]]]

    def settle(self, parts: SiteParts) -> None:
        """Report the lint (PluginError on errors) and start what follows it, in `parts`."""
        self.report()
        parts.exports = self.then()

    def report(self) -> None:
        """Wait for the lint and report it: warnings logged, PluginError listing the errors."""
        try:
            report_lint(self.checks.result())
        except BackgroundFailed as exc:
            raise PluginError(f"kb: internal error: {exc}") from exc
        finally:
            self.checks.cancel()


class KbPlugin(BasePlugin[KbPluginConfig]):  # type: ignore[no-untyped-call]
    """Adds the knowledge base (pages, checks, exports) to an MkDocs Material site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.kb_config: KbConfig | None = None
        self.audience: Audience = "internal"
        self.parts: SiteParts | None = None
        #: `mkdocs serve --dirty`: only pages whose source changed are rebuilt
        self.serve_dirty = False
        #: `mkdocs serve`: the last good site stays served while a rebuild fails
        self.last_good = LastGoodSite()
        #: the tracker's new-issue address for the feedback links (None: no links)
        self.feedback_url: str | None = None
        #: where this build sends its pages' copies for Pagefind (None: no index is built)
        self.search_feed: PageFeed | None = None
        #: the indexer this process started and writes the index with (None under `kb build`,
        #: whose own indexer this build feeds through FEED_ENV)
        self.indexer: PagefindService | None = None
        #: the last build got through `on_post_build` and no error followed
        self.built = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # with this event MkDocs keeps one plugin object across the rebuilds of a serve
        self.serve_dirty = command == "serve" and dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.kb_config = configure(self.config, config)
        try:
            self.audience = audience_named(os.environ.get(AUDIENCE_ENV, ""))
            if os.environ.get(TODAY_ENV):
                today = dt.date.fromisoformat(os.environ[TODAY_ENV])
                self.kb_config = replace(self.kb_config, today=today)
            self.feedback_url = issues_url(config.extra)
        except ValueError as exc:
            raise PluginError(f"kb: {exc}") from None
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.built = False
        # before MkDocs empties site_dir: content errors never cost the previous site
        if self.kb_config is None:
            return
        site = Path(config.site_dir)
        self.parts = prepare(self.kb_config, self.audience, lint_later=nothing_to_lose(site))
        self._start_search(site)

    # late, so that the nav also holds pages other plugins and hooks add
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.parts is None:
            return files
        # a dirty rebuild skips a page whose source is older than its output: generated pages
        # get a source file that is rewritten only when their content changes
        folder = (self.kb_config.root / SERVE_PAGES if self.serve_dirty and self.kb_config
                  else None)
        if self.parts.authored is not None:
            files = only_authored(files, config, self.parts.authored)
        add_site_files(files, config, self.parts, folder)
        if self.search_feed is not None and self.kb_config is not None:
            pages = len(files.documentation_pages())
            self.search_feed.split(shard_count(pages, self.kb_config.search_shard_pages))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        self._settle_lint(wait=False)
        _quiet_published_status(page)
        _escape_meta_title(page)
        boost = search_boost(page.file.src_uri)
        if boost is not None and "search" not in page.meta:
            page.meta["search"] = {"boost": boost}
        if self.parts is not None and self.parts.authored is not None \
                and page.file.src_uri in self.parts.authored:
            return help_center_markdown(markdown, page.file.src_uri, self.parts.authored)
        if self.parts is None or page.file.src_uri not in self.parts.generated:
            return markdown
        # a generated page's HTML blocks go around Markdown, which would only re-parse them
        lifted, self.parts.lifted[page.file.src_uri] = lift_html_blocks(markdown)
        return lifted

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        if self.parts is None:
            return sanitise_html(html)
        blocks = self.parts.lifted.pop(page.file.src_uri, None)
        if blocks is None:
            html = sanitise_html(html)
        else:
            # the lifted blocks are the kb's own HTML, which escapes or sanitises what it takes
            # from content; only what Python-Markdown rendered goes through the sanitiser
            html = sanitise_outside_blocks(html, sanitise_html)
            try:
                html = restore_html_blocks(html, blocks)
            except ValueError as exc:
                raise PluginError(f"kb: {page.file.src_uri}: {exc}") from None
        source = page.file.src_uri
        if self.parts.references is not None and source not in self.parts.generated:
            html = link_references(html, source, self.parts.references)
        header = self.parts.headers.get(source) or self.parts.section_trees.get(source)
        html = with_header(html, header) if header else html
        html += self._feedback(page)
        if self.search_feed is not None:
            self._send_search_copy(html, page, config)
        return html

    def _send_search_copy(self, content: str, page: Page, config: MkDocsConfig) -> None:
        """Send Pagefind the page's search copy, made from its finished `content`, unless the
        page keeps out of search (as Material's search would leave it out)."""
        assert self.search_feed is not None and self.parts is not None
        marks = search_marks(page, self.parts)
        if marks is None:
            return
        lang = self.parts.locales.get(page.file.src_uri) or str(config.theme["language"])
        self.search_feed.add(page.file.dest_uri, search_copy(
            content, title=page.title or config.site_name, lang=lang,
            weight=marks[0], label=marks[1]))

    def on_env(self, env: Environment, /, *, config: MkDocsConfig,
               files: Files) -> Environment | None:
        # every page is read and none written yet: the last moment a lint error may stop
        # the build with nothing of it in the site folder
        self._settle_lint(wait=True)
        feed = self.search_feed
        if feed is not None and feed.sent:
            # every page's copy is sent: the shards are known, and Pagefind writes them while
            # MkDocs renders if there is room
            write_shards_file(Path(config.site_dir) / INDEX_DIR, feed.filled)
            if room_to_write(feed.largest):
                feed.write(Path(config.site_dir) / INDEX_DIR)
        return env

    def _settle_lint(self, wait: bool) -> None:
        """Report the lint still running in its child, once it has ended (or now, `wait`)."""
        parts = self.parts
        if parts is None or parts.pending is None or not (wait or parts.pending.checks.ready()):
            return
        pending, parts.pending = parts.pending, None
        pending.settle(parts)

    def _feedback(self, page: Page) -> str:
        """The feedback links under an article or a tree page (when a tracker is configured;
        never in the help center, whose readers are customers)."""
        source = page.file.src_uri
        is_tree = source.startswith("trees/") and source != "trees/index.md"
        if self.feedback_url is None or self.parts is None or self.parts.authored is not None \
                or not (source in self.parts.headers or is_tree):
            return ""
        return feedback_block(self.feedback_url, page.title or source, source)

    @property
    def pagefind(self) -> bool:
        """True when the site is searched with Pagefind (the `search` option)."""
        return self.kb_config is not None and self.kb_config.search == "pagefind"

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        locale = self.parts.locales.get(page.file.src_uri) if self.parts is not None else None
        output = with_lang(output, locale) if locale else output
        if self.pagefind:
            output = pagefind_markup(output, page, self.parts)
        return csp.with_policy(output, wasm=self.pagefind)

    def on_post_template(self, output_content: str, /, *, template_name: str,
                         config: MkDocsConfig) -> str | None:
        """The theme's own pages (404.html) carry the policy too; sitemap.xml is not HTML."""
        return csp.with_policy(output_content, wasm=self.pagefind) \
            if template_name.endswith(".html") else output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.parts is None:
            return
        self._settle_lint(wait=True)
        assert self.parts.exports is not None, "the exports start once the lint is clean"
        try:
            exports = self.parts.exports.result()
        except BackgroundFailed as exc:
            raise PluginError(f"kb: internal error making the agent exports: {exc}") from exc
        write_files_atomically(Path(config.site_dir), exports)
        try:
            if self.indexer is not None and self.search_feed is not None:
                self.indexer.write(Path(config.site_dir) / INDEX_DIR, self.search_feed.filled)
        except PagefindFailed as exc:
            raise PluginError(f"kb: the search index was not built: {exc}") from None
        finally:
            self._stop_search()
        self.built = True

    def on_build_error(self, *, error: Exception) -> None:
        self.built = False  # a strict build's warnings, for one, fail it after on_post_build
        if self.parts is not None and self.parts.pending is not None:
            pending, self.parts.pending = self.parts.pending, None
            try:
                pending.report()
            except PluginError as lint:  # content the lint rejects may be what failed
                log.error(str(lint))
        if self.parts is not None and self.parts.exports is not None:
            self.parts.exports.cancel()
        if self.parts is not None and self.parts.later is not None:
            self.parts.later.job.cancel()
        self._stop_search()
        self.last_good.failed(error)

    @event_priority(-100)  # after every other plugin's
    def on_shutdown(self) -> None:
        """In `kb build`'s MkDocs child, a successful build ends the process here: Python would
        otherwise free every object MkDocs made, one by one (about 0.5 s at 1,000 articles),
        with `kb build` waiting for nothing else."""
        if self.built and os.environ.get(EXIT_WHEN_BUILT_ENV) == "1":
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

    def _start_search(self, site: Path) -> None:
        """Open the feed of this build's pages to Pagefind, if it indexes at all: the one
        `kb build` hands over (it writes the index itself), else an indexer of our own."""
        self._stop_search()
        # a dirty preview rebuild keeps the index of the first build: re-indexing every page
        # would cost seconds per save at thousands of articles (restart to re-index)
        if not self.pagefind or (self.serve_dirty and is_indexed(site)):
            return
        handed = os.environ.pop(FEED_ENV, "")
        try:
            if handed:
                self.search_feed = PageFeed.from_env(handed)
                return
            self.indexer = PagefindService.start()
        except (ValueError, OSError, PagefindFailed) as exc:
            raise PluginError(f"kb: the search index cannot be built: {exc}") from None
        self.search_feed = self.indexer.feed()

    def _stop_search(self) -> None:
        if self.search_feed is not None:
            self.search_feed.close()
        if self.indexer is not None:
            self.indexer.close()
        self.search_feed = self.indexer = None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer | None:
        self.last_good.install(server)
        if self.kb_config is None:
            return server
        trees = self.kb_config.root / self.kb_config.trees_dir
        if trees.is_dir():
            server.watch(str(trees))
        return server


def configure(options: KbPluginConfig, config: MkDocsConfig) -> KbConfig:
    """The validated kb options; also enables what the kb pages need (admonitions, assets)."""
    try:
        validated = kb_config(options, config)
    except ConfigError as exc:
        raise PluginError(f"kb: configuration error: {exc}") from None
    for name in REQUIRED_EXTENSIONS:
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
    assets.link_assets(config)
    material_search = [name for name in config.plugins if name in MATERIAL_SEARCH]
    if validated.search == "pagefind" and material_search:
        raise PluginError("kb: configuration error: the site is searched with Pagefind "
                          "(kb option `search: pagefind`, the default); remove the `search` "
                          "plugin from mkdocs.yml, or set `search: material` to keep it")
    if validated.search == "material" and not material_search:
        raise PluginError("kb: configuration error: kb option `search: material` needs "
                          "Material's `search` plugin in mkdocs.yml's `plugins`")
    return validated


#: the names MkDocs gives Material's search plugin in `config.plugins`
MATERIAL_SEARCH = frozenset({"search", "material/search"})


def pagefind_markup(page_html: str, page: Page, parts: SiteParts | None) -> str:
    """The built page marked for Pagefind (see `search_marks`)."""
    marks = search_marks(page, parts)
    return page_html if marks is None else mark_page(page_html, weight=marks[0], label=marks[1])


def search_marks(page: Page, parts: SiteParts | None) -> tuple[float | None,
                                                               ResultLabel | None] | None:
    """How Pagefind indexes `page`: its weight, from the same table as Material's boosts, and
    its result label; None for a page Material's search would leave out (nothing indexed)."""
    search = page.meta.get("search")
    if isinstance(search, dict) and search.get("exclude"):
        return None
    label = parts.labels.get(page.file.src_uri) if parts is not None else None
    return search_boost(page.file.src_uri), label


def prepare(config: KbConfig, audience: Audience = "internal", *,
            lint_later: bool = False) -> SiteParts:
    """Everything one build adds, computed once: the KB is loaded, linted (in a child, while
    the pages are made here) and, when clean, its exports started in another child. Also vets
    the build's identity (commit and time; SOURCE_DATE_EPOCH before MkDocs trips over it).
    The public audience gets its own home page, only its articles (headed by their language
    switcher only), no exports.

    With `lint_later`, a lint still running once the pages are made is not awaited: it is left
    `pending`, for the plugin to report once it ends (at the latest when every page is read,
    before any is written), so that MkDocs reads pages meanwhile instead of waiting."""
    # files unchanged since the last build or `kb lint` come from .kb-cache/, not a new parse
    loaded = load(config, cache=True)
    kb = loaded.kb
    checks = Background(lambda: lint_kb(kb, loaded.problems, loaded.ambiguous,
                                        digests=loaded.digests).diagnostics)
    try:
        parts, exports = _site_parts(kb, audience)
    except BuildInfoError as exc:
        checks.cancel()
        raise PluginError(f"kb: {exc}") from None
    except Exception:
        # content the lint rejects may trip what reads it: then the lint's errors say why
        PendingLint(checks, _no_exports).report()
        raise
    pending = PendingLint(checks, exports)
    if lint_later and not checks.ready():
        parts.pending = pending
    else:
        pending.settle(parts)
    return parts


def _site_parts(kb: KnowledgeBase, audience: Audience) -> tuple[
        SiteParts, Callable[[], Background[dict[str, bytes]]]]:
    """What `prepare` adds besides the lint: the site's parts, and what starts the exports."""
    build = build_info(kb.config.root)
    job = PageJob(kb, parallel=True)  # the costly pages are made in a child meanwhile
    try:
        headers = article_headers(kb)
        pages = job.here(kb)
        later = LaterPages(job, job.outline(kb))
    except BaseException:
        job.cancel()
        raise
    titles = page_titles(kb, pages, later.titles)
    prefix = kb.config.docs_dir.strip("/") + "/"
    locales = {a.path.removeprefix(prefix): locale_of(a) for a in kb.all_articles()
               if a.translation is not None}
    if audience == "public":
        job.cancel()
        return public_parts(kb, locales), _no_exports

    def exports() -> Background[dict[str, bytes]]:
        return Background(lambda: build_exports(kb, build))

    return SiteParts(pages, titles, headers, kb.config.nav_max_pages, None, locales,
                     labels=result_labels(kb), references=reference_index(kb, audience),
                     section_trees=section_tree_lists(kb), later=later), exports


def _no_exports() -> Background[dict[str, bytes]]:
    return Background(dict, parallel=False)


def nothing_to_lose(site: Path) -> bool:
    """Whether MkDocs' emptying of `site` removes nothing: it is missing, or holds only the
    dot-entries MkDocs leaves alone (a `kb build` staging folder). Only then may the lint
    still run while MkDocs empties the folder and reads the pages."""
    try:
        with os.scandir(site) as entries:
            return all(entry.name.startswith(".") for entry in entries)
    except FileNotFoundError:
        return True


_HTML_LANG = re.compile(r'<html lang="[^"]*"')


def with_lang(page_html: str, locale: str) -> str:
    """A page's HTML with its `<html lang>` set to `locale`, so screen readers and search
    read it in its own language."""
    return _HTML_LANG.sub(f'<html lang="{escape(locale)}"', page_html, count=1)


def public_parts(kb: KnowledgeBase, locales: dict[str, str]) -> SiteParts:
    """The help center: its home page and the public, published articles (each linking its
    other languages, in its own `lang`); nothing else."""
    prefix = kb.config.docs_dir.strip("/") + "/"
    home = help_center_home(kb)
    shown = public_articles(kb)
    authored = {a.path.removeprefix(prefix): a.body.text for a in shown}
    titles = {path: title for path, title in page_titles(kb, [home]).items()
              if path in authored or path == home.path}
    labels = {path: label for path, label in result_labels(kb).items() if path in authored}
    return SiteParts([home], titles, help_center_headers(kb, shown), kb.config.nav_max_pages,
                     None, {p: tag for p, tag in locales.items() if p in authored},
                     authored=authored, labels=labels, references=reference_index(kb, "public"))


def only_authored(files: Files, config: MkDocsConfig, allowed: Mapping[str, str]) -> Files:
    """`files` without the docs folder's files other than the `allowed` pages: an allowlist,
    so no other page, data file or picture of the docs folder reaches the site."""
    docs = Path(config.docs_dir).resolve()
    kept = [f for f in files
            if f.src_uri in allowed or not _inside(Path(f.abs_src_path or ""), docs)]
    return Files(kept)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder)


def report_lint(diagnostics: list[Diagnostic]) -> None:
    """Log lint warnings at info level; raise PluginError listing the errors, if any.

    Warnings are for authors (`kb lint --strict` gates on them), while the site shows their
    effect (a stale badge) rather than refusing to build.
    """
    for d in diagnostics:
        if d.severity is not Severity.ERROR:
            log.info(_describe(d.format(), d.hint))
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        listing = "\n".join(f"  {_describe(d.format(), d.hint)}" for d in errors)
        raise PluginError(
            f"kb: {len(errors)} lint error{'s' if len(errors) != 1 else ''} in the knowledge "
            f"base; the site is not built until they are fixed (`kb lint` lists them too):\n"
            f"{listing}"
        )


def add_site_files(files: Files, config: MkDocsConfig, parts: SiteParts,
                   folder: Path | None = None) -> None:
    """The generated pages and the assets; and, unless mkdocs.yml has a `nav`, the nav.
    With `folder`, generated pages are backed by files there (see `add_generated`)."""
    if folder is not None and parts.later is not None:
        # a dirty rebuild compares each page's Markdown with its file's: wanted now
        parts.pages, parts.later = parts.pages + parts.later.pages(), None
    add_generated(files, config, parts.pages, folder, parts.later)
    assets.add_asset_files(files, config)
    if config.nav is None:
        # a large group's listing pages are linked from its browse page: not every page's nav
        pages = [f.src_uri for f in files.documentation_pages()
                 if not f.src_uri.startswith(PARTS_FOLDER)]
        config.nav = site_nav(pages, parts.titles, parts.nav_max_pages)
        if is_compact(len(pages), parts.nav_max_pages):
            # the nav leaves articles out on purpose: MkDocs need not list thousands of them
            config.validation.nav.omitted_files = logging.DEBUG


def add_generated(files: Files, config: MkDocsConfig, pages: list[GeneratedPage],
                  folder: Path | None = None, later: LaterPages | None = None) -> None:
    """Add every generated page as a documentation file; a clash with an authored file is fatal.

    Pages live in memory, or, with `folder`, in files there that are written only when their
    content changed, so that their age tells a dirty rebuild whether to render them again.
    The `later` pages come after the others, read when MkDocs reads them (`LaterFile`)."""
    for path in [p.path for p in pages] + list(later.titles if later is not None else ()):
        existing = files.get_file_from_path(path)
        if existing is not None:
            raise PluginError(
                f"kb: docs/{path} is generated by the kb plugin; rename or remove the "
                f"authored file {existing.src_uri}"
            )
    for page in pages:
        if folder is None:
            files.append(File.generated(config, page.path, content=page.markdown))
            continue
        source = folder / page.path
        data = page.markdown.encode("utf-8")
        if not source.is_file() or source.read_bytes() != data:
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(data)
        files.append(File.generated(config, page.path, abs_src_path=str(source)))
    if later is not None:
        for path in sorted(later.titles):
            files.append(LaterFile.of(config, path, later))


class LaterFile(File):
    """A generated page whose Markdown is still being made: MkDocs reads it (`content_string`)
    only when it converts the page."""

    _later: LaterPages | None = None

    @classmethod
    def of(cls, config: MkDocsConfig, path: str, later: LaterPages) -> LaterFile:
        file = cast(LaterFile, cls.generated(config, path, content=""))
        file._later = later
        return file

    def _take(self) -> None:
        if self._later is not None:
            self._content, self._later = self._later.markdown(self.src_uri), None

    @property
    def content_string(self) -> str:
        self._take()
        return super().content_string

    @content_string.setter
    def content_string(self, value: str) -> None:
        self._set(value)

    @property
    def content_bytes(self) -> bytes:
        self._take()
        return super().content_bytes

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self._set(value)

    def _set(self, value: str | bytes) -> None:
        """Content set by another plugin replaces the page still being made."""
        self._later = None
        self._content = value
        self.abs_src_path = None


def page_titles(kb: KnowledgeBase, pages: list[GeneratedPage],
                later: Mapping[str, str] | None = None) -> dict[str, str]:
    """Titles by docs path, for the nav: articles, section indexes and generated pages (and
    the `later` ones, still being made, by their outline), as HTML text (MkDocs' templates
    print nav titles unescaped)."""
    prefix = kb.config.docs_dir.strip("/") + "/"
    titles = {a.path.removeprefix(prefix): a.meta.title for a in kb.all_articles()
              if a.meta.title}
    titles.update({s.path.removeprefix(prefix): s.title for s in kb.section_pages if s.title})
    for page in pages:
        title = _first_heading(page.markdown)
        if title:
            titles[page.path] = title
    titles.update({path: title for path, title in (later or {}).items() if title})
    return {path: escape_title(title) for path, title in titles.items()}


def _first_heading(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def _quiet_published_status(page: Page) -> None:
    """Material marks nav entries with an icon per `status`; only deprecated and draft are
    worth one, so the `published` most articles carry is dropped from the page's meta."""
    if page.meta.get("status") == "published":
        del page.meta["status"]


def _escape_meta_title(page: Page) -> None:
    """The front matter's title as HTML text: Material prints `page.meta.title` unescaped in
    `<title>`, and MkDocs makes it the page's title wherever the nav gives none."""
    title = page.meta.get("title")
    if isinstance(title, str):
        page.meta["title"] = escape_title(title)


def _describe(where_what: str, hint: str) -> str:
    return f"{where_what} (hint: {hint})" if hint else where_what
