"""The payload site: a copy of the shipped repository plus a hostile contributor's content.

`tests/fixtures/payloads/` puts script into every page type (article body and title, section
index, tree title, summary, questions, outcome titles and guidance). The site is built with the
kb plugin's lint gate turned off, as if lint had missed every payload: what the site publishes
must be safe on its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAYLOADS = REPO / "tests" / "fixtures" / "payloads"

#: every page type, as URLs relative to the site root, that shows a payload
PAGES = (
    "",                                   # home: the section list
    "payloads/",                          # a section index
    "payloads/attack/",                   # an article
    "trees/",                             # the trees index
    "trees/payload-tree/",                # a tree page: diagram, tables, guidance
    "trees/payload-tree/#walk=arrived:true",   # the walker, at an outcome with guidance
    "trees/payload-tree/#walk=arrived:false",
    "browse/products/",                   # the browse pages
    "browse/markets/",
    "browse/teams/",
)

#: builds the site with `report_lint` (which stops a build on lint errors) made a no-op
_BUILD = """
import sys
import kb.mkdocs_plugin.plugin as plugin
plugin.report_lint = lambda diagnostics: None
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--no-strict", "-q", "-d", sys.argv[1]]
cli()
"""


def payload_root(target: Path) -> Path:
    """A copy of the repository's content and config with the payloads added, at `target`."""
    for name in ("docs", "decision_trees"):
        shutil.copytree(REPO / name, target / name)
        shutil.copytree(PAYLOADS / name, target / name, dirs_exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return target


def build_payload_site(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """Build the payload site at `root` into `site`, lint errors ignored."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-c", _BUILD, str(site)], cwd=root, env=env,
                          capture_output=True, text=True, check=False, timeout=600)
