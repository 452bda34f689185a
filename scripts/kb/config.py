"""The kb options, read from the `kb` plugin entry in `mkdocs.yml` without building the site.

The same `KbConfig` serves the CLI, the linter and the mkdocs plugin, so the vocabularies an
author sees in lint are exactly the ones the site build enforces.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to change."""


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    #: days after `reviewed` before an article of that type is stale (a warning)
    interval_days: Mapping[str, int]
    #: days past the interval after which staleness is an error
    error_after_days: int

    def interval_for(self, kind: str) -> int:
        return self.interval_days.get(kind, self.interval_days.get("default", 180))

    def days_overdue(self, kind: str, since: dt.date, today: dt.date) -> int:
        """Days past the interval for `kind` that a date `since` is on `today` (0 or less:
        not yet due)."""
        return (today - since).days - self.interval_for(kind)


#: how often each type of source is re-checked, in days, when mkdocs.yml does not say
SOURCE_CHECK_DEFAULTS: Mapping[str, int] = {
    "regulation": 365, "scheme-rule": 180, "network-rule": 180, "guidance": 180,
    "industry": 120, "default": 180,
}


@dataclass(frozen=True, slots=True)
class TranslationPolicy:
    #: per market, the locales every customer-facing macro for that market must exist in
    required_locales: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: days after the source's `reviewed` date after which a stale translation is an error
    stale_error_after_days: int = 14


@dataclass(frozen=True, slots=True)
class KbConfig:
    root: Path
    docs_dir: str = "docs"
    trees_dir: str = "decision_trees"
    markets: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    review: ReviewPolicy = field(
        default_factory=lambda: ReviewPolicy(interval_days={"default": 180}, error_after_days=90)
    )
    #: how often an article's `sources` are re-checked, per source type (same shape as review)
    source_checks: ReviewPolicy = field(
        default_factory=lambda: ReviewPolicy(interval_days=SOURCE_CHECK_DEFAULTS,
                                             error_after_days=60)
    )
    #: documented test values that the privacy rules must not flag
    pii_allow: tuple[str, ...] = ()
    #: the largest content file read, in bytes
    max_file_bytes: int = 1_000_000
    #: the day freshness is judged on; None means today
    today: dt.date | None = None
    #: a predictions file and a case export for the Quality pages (optional)
    quality_predictions: str = ""
    quality_cases: str = ""
    #: the nav lists every page up to this many; beyond, sections list only their index page
    nav_max_pages: int = 400
    #: MkDocs' `use_directory_urls` (`a/b/` rather than `a/b.html`), for links the core writes
    use_directory_urls: bool = True
    #: the names of mkdocs.yml's `markdown_extensions`: lint renders bodies as the site does
    markdown_extensions: tuple[str, ...] = ()
    #: repo-relative paths of symbolic links under the docs and trees folders that may stay
    #: (each must also resolve inside the repository)
    allow_symlinks: tuple[str, ...] = ()
    #: team -> the GitHub handle (`@org/team` or `@user`) that reviews its content (CODEOWNERS)
    code_owners: Mapping[str, str] = field(default_factory=dict)
    translations: TranslationPolicy = field(default_factory=TranslationPolicy)
    #: the site's search engine: one of SEARCH_ENGINES
    search: str = "pagefind"
    #: Pagefind's index is split into shards of about this many pages (see `pagefind_search`)
    search_shard_pages: int = 1500

    def judged_on(self) -> dt.date:
        return self.today or dt.date.today()


OPTION_DOCS: dict[str, str] = {
    "trees_dir": "Folder of decision trees and case files, relative to mkdocs.yml.",
    "markets": "Market codes an article or tree may name in `markets`.",
    "products": "Product codes an article or tree may name in `products`.",
    "teams": "Teams that may own content (`owner`).",
    "queues": "Specialist queues an escalation outcome may name (`queue`).",
    "tags": "Tags an article or tree may carry.",
    "review": "`interval_days` per article type (trees use `tree`) and `error_after_days` past it.",
    "source_checks": "`interval_days` per source type (`regulation`, `scheme-rule`, "
                     "`network-rule`, `guidance`, `industry`, `default`) and `error_after_days`.",
    "pii_allow": "Documented test values the privacy rules accept (exact strings).",
    "max_file_bytes": "Content files larger than this are refused.",
    "today": "Judge freshness on this date (YYYY-MM-DD) instead of today; for reproducible runs.",
    "quality_predictions": "A predictions JSONL for the Quality pages.",
    "quality_cases": "A case export (CSV, JSONL or Parquet) for the Quality pages.",
    "nav_max_pages": "The nav lists every page up to this many; beyond it, each section lists "
                     "only its index page, which links every article of the section.",
    "allow_symlinks": "Symbolic links under docs/ and the trees folder that may stay "
                      "(repo-relative paths; each must resolve inside the repository).",
    "code_owners": "Team -> GitHub handle (`@org/team` or `@user`) that `kb owners` writes "
                   "into CODEOWNERS, so the owning team reviews its content.",
    "translations": "`required_locales` (market: [locale, ...]) that customer-facing macros "
                    "for a market must exist in, and `stale_error_after_days`: days after the "
                    "source's `reviewed` date that a stale translation turns from a warning "
                    "into an error.",
    "search": "The site's search: `pagefind` (the default: an index split into fragments, "
              "loaded as a query needs them) or `material` (Material's `search` plugin, which "
              "mkdocs.yml must then list).",
    "search_shard_pages": "Pagefind's index is split into shards of about this many pages, "
                          "searched together: a query's time grows with the square of the "
                          "pages one index holds.",
}

#: the site search engines the kb plugin can set up (`search` option)
SEARCH_ENGINES = ("pagefind", "material")


def config_from_options(root: Path, options: Mapping[str, object],
                        docs_dir: str = "docs", use_directory_urls: bool = True,
                        markdown_extensions: tuple[str, ...] = ()) -> KbConfig:
    """Validate the plugin options (a mapping from mkdocs.yml) into a KbConfig."""
    unknown = sorted(set(options) - set(OPTION_DOCS))
    if unknown:
        raise ConfigError(f"unknown kb option(s) {', '.join(unknown)}; "
                          f"known: {', '.join(OPTION_DOCS)}")

    def words(key: str) -> tuple[str, ...]:
        value = options.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"kb option `{key}` must be a list of strings")
        return tuple(value)

    review = _interval_policy(options, "review", {"default": 180}, 90)
    source_checks = _interval_policy(options, "source_checks", SOURCE_CHECK_DEFAULTS, 60)

    today_raw = options.get("today")
    today: dt.date | None = None
    if isinstance(today_raw, dt.date):
        today = today_raw
    elif isinstance(today_raw, str):
        try:
            today = dt.date.fromisoformat(today_raw)
        except ValueError as exc:
            raise ConfigError(f"kb option `today` must be a date (YYYY-MM-DD): {exc}") from None
    elif today_raw is not None:
        raise ConfigError("kb option `today` must be a date (YYYY-MM-DD)")

    max_bytes = _positive_int(options, "max_file_bytes", 1_000_000)
    nav_max_pages = _positive_int(options, "nav_max_pages", 400)
    search_shard_pages = _positive_int(options, "search_shard_pages", 1500)

    def text(key: str) -> str:
        value = options.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"kb option `{key}` must be a string")
        return value

    return KbConfig(
        root=root,
        docs_dir=docs_dir,
        trees_dir=text("trees_dir") or "decision_trees",
        markets=words("markets"),
        products=words("products"),
        teams=words("teams"),
        queues=words("queues"),
        tags=words("tags"),
        review=review,
        source_checks=source_checks,
        pii_allow=words("pii_allow"),
        max_file_bytes=max_bytes,
        today=today,
        quality_predictions=text("quality_predictions"),
        quality_cases=text("quality_cases"),
        nav_max_pages=nav_max_pages,
        use_directory_urls=use_directory_urls,
        markdown_extensions=markdown_extensions,
        allow_symlinks=words("allow_symlinks"),
        code_owners=_code_owners(options.get("code_owners", {}), words("teams")),
        translations=_translation_policy(options.get("translations", {})),
        search=_one_of(text("search") or "pagefind", "search", SEARCH_ENGINES),
        search_shard_pages=search_shard_pages,
    )


def _one_of(value: str, key: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"kb option `{key}` must be one of {', '.join(allowed)}, not {value!r}")
    return value


#: a GitHub user (`@name`) or team (`@org/team`): CODEOWNERS accepts nothing looser from us
GITHUB_HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9._-]+)?$")


def _code_owners(raw: object, teams: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise ConfigError("kb option `code_owners` must map team names to GitHub handles")
    unknown = sorted(set(raw) - set(teams))
    if unknown:
        raise ConfigError(f"kb option `code_owners` names teams not in `teams`: "
                          f"{', '.join(unknown)}")
    bad = sorted(v for v in raw.values() if not GITHUB_HANDLE.match(v))
    if bad:
        raise ConfigError(f"kb option `code_owners`: not a GitHub handle (@user or @org/team): "
                          f"{', '.join(bad)}")
    return dict(raw)
def _interval_policy(options: Mapping[str, object], key: str, intervals: Mapping[str, int],
                     error_after: int) -> ReviewPolicy:
    """The `interval_days` and `error_after_days` under option `key`; intervals named there
    replace the defaults one by one."""
    raw = options.get(key, {})
    if not isinstance(raw, Mapping):
        raise ConfigError(f"kb option `{key}` must be a mapping")
    given = raw.get("interval_days", {})
    if not isinstance(given, Mapping) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in given.values()
    ):
        raise ConfigError(f"kb option `{key}.interval_days` must map types to positive day counts")
    after = raw.get("error_after_days", error_after)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise ConfigError(f"kb option `{key}.error_after_days` must be a non-negative integer")
    return ReviewPolicy(interval_days={**intervals, **given}, error_after_days=after)




def _translation_policy(raw: object) -> TranslationPolicy:
    if not isinstance(raw, Mapping):
        raise ConfigError("kb option `translations` must be a mapping")
    unknown = sorted(set(raw) - {"required_locales", "stale_error_after_days"})
    if unknown:
        raise ConfigError(f"unknown kb option(s) translations.{', translations.'.join(unknown)}")
    required = raw.get("required_locales", {})
    if not isinstance(required, Mapping) or not all(
        isinstance(m, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for m, v in required.items()
    ):
        raise ConfigError("kb option `translations.required_locales` must map markets to "
                          "lists of locales")
    days = _positive_int(raw, "stale_error_after_days", 14)
    return TranslationPolicy({m: tuple(v) for m, v in required.items()}, days)


def _positive_int(options: Mapping[str, object], key: str, default: int) -> int:
    value = options.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"kb option `{key}` must be a positive integer")
    return value
