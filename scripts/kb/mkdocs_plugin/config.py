"""The `kb` plugin's options in mkdocs.yml: the same options as `kb.config`, typed for MkDocs.

MkDocs checks the shapes; `kb.config.config_from_options` then validates the values exactly as
the CLI does, so `kb lint` and the site build always agree on vocabularies and review policy.
A test keeps this schema and `kb.config.OPTION_DOCS` in step.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig

from kb.config import SEARCH_ENGINES, KbConfig, config_from_options

__all__ = ["KbPluginConfig", "kb_config"]


class KbPluginConfig(Config):  # type: ignore[no-untyped-call]
    """Options of the `kb` plugin (`plugins: [kb: {...}]` in mkdocs.yml)."""

    trees_dir = c.Type(str, default="decision_trees")
    """Folder of decision trees and case files, relative to mkdocs.yml."""

    markets = c.ListOfItems(c.Type(str), default=[])
    """Market codes an article or tree may name in `markets` (e.g. `[IN, BR]`)."""

    products = c.ListOfItems(c.Type(str), default=[])
    """Product codes an article or tree may name in `products` (e.g. `[upi, pix]`)."""

    teams = c.ListOfItems(c.Type(str), default=[])
    """Teams that may own content (`owner`)."""

    queues = c.ListOfItems(c.Type(str), default=[])
    """Specialist queues an escalation outcome may name (`queue`)."""

    tags = c.ListOfItems(c.Type(str), default=[])
    """Tags an article or tree may carry."""

    review = c.Type(dict, default={})
    """Review policy: `interval_days` per article type (trees use `tree`, others `default`) and
    `error_after_days`, the days past the interval after which staleness is an error."""

    source_checks = c.Type(dict, default={})
    """How often an article's `sources` are re-checked: `interval_days` per source type
    (`regulation`, `scheme-rule`, `network-rule`, `guidance`, `industry`, `default`) and
    `error_after_days`, past which an overdue check is an error. Types not named keep their
    defaults (365 days for regulations, 120 for industry sources, 180 for the rest)."""

    pii_allow = c.ListOfItems(c.Type(str), default=[])
    """Documented test values the privacy rules accept (exact strings)."""

    max_file_bytes = c.Type(int, default=1_000_000)
    """Content files larger than this many bytes are refused."""

    today = c.Optional(c.Type((str, dt.date)))
    """Judge freshness on this date (YYYY-MM-DD) instead of the build day; for reproducible
    builds and tests. Stale badges on article pages use the same day."""

    quality_predictions = c.Type(str, default="")
    """A predictions JSONL for the Quality pages (optional)."""

    quality_cases = c.Type(str, default="")
    """A case export (CSV, JSONL or Parquet) for the Quality pages (optional)."""

    nav_max_pages = c.Type(int, default=400)
    """The nav lists every page up to this many; beyond it, each section lists only its index
    page (which links every article of the section), so each page's nav stays small and a
    5,000-article site builds in linear time. Search and the browse pages reach every page."""

    allow_symlinks = c.ListOfItems(c.Type(str), default=[])
    """Symbolic links under docs/ and the trees folder that may stay (repo-relative paths; each
    must resolve inside the repository). Every other link is refused (KB011)."""

    code_owners = c.Type(dict, default={})
    """Team -> GitHub handle (`@org/team` or `@user`) that `kb owners` writes into CODEOWNERS,
    so the owning team is asked to review its content."""
    translations = c.Type(dict, default={})
    """Translations: `required_locales` (market: [locale, ...]) that customer-facing macros for
    a market must exist in, and `stale_error_after_days`, the days after the source's `reviewed`
    date after which a stale translation is an error rather than a warning."""

    search = c.Choice(SEARCH_ENGINES, default="pagefind")
    """The site's search: `pagefind` (the default; its index is built over the site after the
    build, and a query loads only the index fragments it needs) or `material` (Material's own
    `search` plugin, which mkdocs.yml must then list; it is refused beside `pagefind`)."""

    search_shard_pages = c.Type(int, default=1500)
    """Pagefind's index is split into shards of about this many pages, which the site's search
    loads and searches together: a query's time grows with the square of the pages one index
    holds that contain its words, and writing an index takes memory in proportion to its pages
    (see `kb.mkdocs_plugin.pagefind_search`)."""


def kb_config(options: KbPluginConfig, config: MkDocsConfig) -> KbConfig:
    """The validated KbConfig for this site; `kb.config.ConfigError` when a value is wrong."""
    root = Path(config.config_file_path or ".").resolve().parent
    docs_dir = Path(os.path.relpath(Path(config.docs_dir).resolve(), root)).as_posix()
    raw: dict[str, Any] = dict(options)
    return config_from_options(root, raw, docs_dir=docs_dir,
                               use_directory_urls=config.use_directory_urls,
                               markdown_extensions=tuple(
                                   e for e in config.markdown_extensions if isinstance(e, str)))
