"""Writes the pages `kb build` publishes into a docs folder of plain Markdown files: a copy of
the authored docs/, every page the plugin generates (`generate_pages`) and the plugin's assets;
prints, as YAML, the nav the plugin would build for that set of pages (titles as its
`page_titles` gives them), the assets to link from every page, and a one-line summary.

    python same_pages.py ROOT TARGET
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from kb.loader import load, load_config
from kb.mkdocs_plugin import assets
from kb.mkdocs_plugin.navigation import site_nav
from kb.mkdocs_plugin.plugin import page_titles
from kb.pages import generate_pages


def main(argv: list[str]) -> int:
    config = load_config(Path(argv[0]))
    target = Path(argv[1])
    kb = load(config).kb
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(config.root / config.docs_dir, target)
    authored = sum(1 for _ in target.rglob("*.md"))
    pages = generate_pages(kb)
    for page in pages:
        path = target / page.path
        if path.exists():
            print(f"docs/{page.path} is both authored and generated", file=sys.stderr)
            return 1
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.markdown, encoding="utf-8")
    css: list[str] = []
    scripts: list[str | dict[str, str]] = []
    for site_path, source in assets.asset_paths():
        path = target / site_path
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, path)
        if source.suffix == ".css":
            css.append(site_path)
        elif source.suffix == ".js":
            scripts.append(site_path)
        elif source.suffix == ".mjs":
            scripts.append({"path": site_path, "type": "module"})
    every = [p.relative_to(target).as_posix() for p in sorted(target.rglob("*.md"))]
    nav = site_nav(every, page_titles(kb, pages), kb.config.nav_max_pages)
    summary = (f"{authored} authored + {len(pages)} generated pages, "
               f"{len(assets.asset_paths())} asset files")
    print(yaml.safe_dump({"nav": nav, "extra_css": css, "extra_javascript": scripts,
                          "summary": summary}, sort_keys=False, allow_unicode=True, width=10_000))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
