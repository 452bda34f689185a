"""The `kb` MkDocs plugin: a thin adapter that puts the core's knowledge base into the site.

Per build it loads the KB once and lints it (errors stop the build, in `mkdocs build` and
`mkdocs serve` alike; lint warnings such as a stale review are logged at info level, so a
strict build still publishes them, with the stale badge on the page), adds
the generated pages and the assets, opens every article with its metadata block, and writes
the agent exports after the site. Each event is a guard plus one delegation to the core.
This package is the only code that imports MkDocs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kb.buildinfo import BuildInfo, BuildInfoError, build_info
from kb.config import ConfigError, KbConfig
from kb.export import build_exports, write_files_atomically
from kb.lint import Severity, lint
from kb.lint.runner import RuleCrashed
from kb.loader import load
from kb.mkdocs_plugin import assets
from kb.mkdocs_plugin.config import KbPluginConfig, kb_config
from kb.mkdocs_plugin.navigation import site_nav
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, generate_pages
from kb.pages.article_header import article_markdown

__all__ = ["KbPlugin"]

log = get_plugin_logger(__name__)

#: extensions the generated Markdown relies on (article header, tree pages and their tables)
REQUIRED_EXTENSIONS = ("admonition", "attr_list", "pymdownx.details", "tables")


class KbPlugin(BasePlugin[KbPluginConfig]):  # type: ignore[no-untyped-call]
    """Adds the knowledge base (pages, checks, exports) to an MkDocs Material site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.kb_config: KbConfig | None = None
        self.kb: KnowledgeBase | None = None
        self.build: BuildInfo | None = None
        self.pages: list[GeneratedPage] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.kb_config = configure(self.config, config)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # before MkDocs empties site_dir: content errors never cost the previous site
        if self.kb_config is None:
            return
        self.kb, self.build, self.pages = prepare(self.kb_config)

    # late, so that the nav also holds pages other plugins and hooks add
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.kb is None:
            return files
        add_site_files(files, config, self.kb, self.pages)
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        if self.kb is None:
            return markdown
        return page_markdown(markdown, page, self.kb)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.kb is None or self.build is None:
            return
        write_files_atomically(Path(config.site_dir), build_exports(self.kb, self.build))

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer | None:
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
    return validated


def prepare(config: KbConfig) -> tuple[KnowledgeBase, BuildInfo, list[GeneratedPage]]:
    """Everything one build needs, computed once: the checked KB, the build's identity (commit
    and time, which also vets SOURCE_DATE_EPOCH before MkDocs trips over it) and the pages."""
    kb = load_checked(config)
    try:
        build = build_info(config.root)
    except BuildInfoError as exc:
        raise PluginError(f"kb: {exc}") from None
    return kb, build, generate_pages(kb)


def load_checked(config: KbConfig) -> KnowledgeBase:
    """Load and lint the KB once; errors raise PluginError listing them.

    Lint warnings are logged at info level: they are for authors (`kb lint --strict` gates on
    them), while the site shows their effect (a stale badge) rather than refusing to build.
    """
    # files unchanged since the last build or `kb lint` come from .kb-cache/, not a new parse
    loaded = load(config, cache=True)
    try:
        result = lint(loaded.kb, loaded.problems, loaded.ambiguous)
    except RuleCrashed as exc:
        raise PluginError(f"kb: internal error: {exc}") from exc
    for d in result.diagnostics:
        if d.severity is not Severity.ERROR:
            log.info(_describe(d.format(), d.hint))
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors:
        listing = "\n".join(f"  {_describe(d.format(), d.hint)}" for d in errors)
        raise PluginError(
            f"kb: {len(errors)} lint error{'s' if len(errors) != 1 else ''} in the knowledge "
            f"base; the site is not built until they are fixed (`kb lint` lists them too):\n"
            f"{listing}"
        )
    return loaded.kb


def add_site_files(files: Files, config: MkDocsConfig, kb: KnowledgeBase,
                   pages: list[GeneratedPage]) -> None:
    """The generated pages and the assets; and, unless mkdocs.yml has a `nav`, the nav."""
    add_generated(files, config, pages)
    assets.add_asset_files(files, config)
    if config.nav is None:
        config.nav = site_nav((f.src_uri for f in files.documentation_pages()),
                              page_titles(kb, pages), kb.config.nav_max_pages)


def page_markdown(markdown: str, page: Page, kb: KnowledgeBase) -> str:
    """An article's Markdown opened by its header block; other pages unchanged."""
    _quiet_published_status(page)
    return article_markdown(markdown, page.file.src_uri, kb)


def add_generated(files: Files, config: MkDocsConfig, pages: list[GeneratedPage]) -> None:
    """Add every generated page as a documentation file; a clash with an authored file is fatal."""
    for page in pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None:
            raise PluginError(
                f"kb: docs/{page.path} is generated by the kb plugin; rename or remove the "
                f"authored file {existing.src_uri}"
            )
        files.append(File.generated(config, page.path, content=page.markdown))


def page_titles(kb: KnowledgeBase, pages: list[GeneratedPage]) -> dict[str, str]:
    """Titles by docs path, for the nav: articles, section indexes and generated pages."""
    prefix = kb.config.docs_dir.strip("/") + "/"
    titles = {a.path.removeprefix(prefix): a.meta.title for a in kb.all_articles()
              if a.meta.title}
    titles.update({s.path.removeprefix(prefix): s.title for s in kb.section_pages if s.title})
    for page in pages:
        title = _first_heading(page.markdown)
        if title:
            titles[page.path] = title
    return titles


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


def _describe(where_what: str, hint: str) -> str:
    return f"{where_what} (hint: {hint})" if hint else where_what
