"""Reading the kb plugin's options out of mkdocs.yml, without MkDocs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kb.config import ConfigError, KbConfig, config_from_options
from kb.mkdocs_yml import read_mkdocs_yml


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds mkdocs.yml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise ConfigError(f"no mkdocs.yml in {start} or any folder above it")


def load_config(root: Path) -> KbConfig:
    """The KbConfig from `root/mkdocs.yml`; ConfigError says what is wrong."""
    path = root / "mkdocs.yml"
    raw = read_mkdocs_yml(root)
    options: dict[str, Any] | None = None
    for entry in raw.get("plugins") or []:
        if isinstance(entry, dict) and "kb" in entry:
            options = entry["kb"] or {}
        elif entry == "kb":
            options = {}
    if options is None:
        raise ConfigError(f"{path.name} does not enable the `kb` plugin under `plugins:`")
    if not isinstance(options, dict):
        raise ConfigError("the `kb` plugin options must be a mapping")
    directory_urls = raw.get("use_directory_urls", True)
    if not isinstance(directory_urls, bool):
        raise ConfigError(f"{path.name}: `use_directory_urls` must be true or false")
    return config_from_options(root, options, docs_dir=str(raw.get("docs_dir") or "docs"),
                               use_directory_urls=directory_urls,
                               markdown_extensions=_extension_names(raw.get("markdown_extensions")))


def _extension_names(entries: object) -> tuple[str, ...]:
    """The names in mkdocs.yml's `markdown_extensions` (a name, or a name with its options)."""
    if not isinstance(entries, list):
        return ()
    names = (entry if isinstance(entry, str) else next(iter(entry), None)
             for entry in entries if isinstance(entry, str | dict))
    return tuple(name for name in names if isinstance(name, str))
