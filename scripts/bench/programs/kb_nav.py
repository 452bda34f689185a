"""Prints, as mkdocs.yml, the `nav` the kb plugin gives the authored pages (titles from the
loaded KB, as the plugin takes them; generated pages are not part of a bare build).

    python kb_nav.py ROOT
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from kb.loader import load, load_config
from kb.mkdocs_plugin.navigation import site_nav


def main(argv: list[str]) -> int:
    config = load_config(Path(argv[0]))
    kb = load(config).kb
    docs = config.root / config.docs_dir
    prefix = config.docs_dir.strip("/") + "/"
    titles = {a.path.removeprefix(prefix): a.meta.title for a in kb.all_articles()}
    titles.update({s.path.removeprefix(prefix): s.title for s in kb.section_pages if s.title})
    pages = [p.relative_to(docs).as_posix() for p in sorted(docs.rglob("*.md"))]
    nav = site_nav(pages, titles, config.nav_max_pages)
    print(yaml.safe_dump({"nav": nav}, sort_keys=False, allow_unicode=True, width=10_000))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
