"""The plugin's static assets: every file in `assets/`, copied into the site under `assets/kb/`.

Stylesheets (`.css`) are linked from every page, and scripts (`.js`, or `.mjs` as modules) are
loaded on every page, in file-name order. Other files (images, data) are copied for the pages or
scripts that use them. All of them are served from the site itself: nothing from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

__all__ = ["ASSETS_DIR", "SITE_PREFIX", "add_asset_files", "asset_paths", "link_assets"]

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
#: where the assets land in the site (and their paths as MkDocs files)
SITE_PREFIX = "assets/kb"


def asset_paths() -> list[tuple[str, Path]]:
    """(site path, source file) for every asset, sorted; hidden files are skipped."""
    if not ASSETS_DIR.is_dir():
        return []
    found = []
    for source in sorted(ASSETS_DIR.rglob("*")):
        rel = source.relative_to(ASSETS_DIR)
        if source.is_file() and not any(part.startswith(".") for part in rel.parts):
            found.append((f"{SITE_PREFIX}/{rel.as_posix()}", source))
    return found


def link_assets(config: MkDocsConfig) -> None:
    """Link every stylesheet and script asset from every page."""
    for site_path, source in asset_paths():
        if source.suffix == ".css" and site_path not in config.extra_css:
            config.extra_css.append(site_path)
        elif source.suffix in (".js", ".mjs"):
            if any(str(s) == site_path for s in config.extra_javascript):
                continue
            script = ExtraScriptValue(site_path)
            if source.suffix == ".mjs":
                script.type = "module"
            config.extra_javascript.append(script)


def add_asset_files(files: Files, config: MkDocsConfig) -> None:
    """Add every asset to the site's files (copied as-is into site/assets/kb/)."""
    for site_path, source in asset_paths():
        if files.get_file_from_path(site_path) is None:
            files.append(File.generated(config, site_path, abs_src_path=str(source)))
