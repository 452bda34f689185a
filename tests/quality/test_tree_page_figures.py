"""Each tree page carries its own quality figures, and its diagram the traffic per node."""

from __future__ import annotations

from pathlib import Path

from kb.loader import load, load_config
from kb.pages.trees import tree_pages
from kb.quality import node_traffic
from kbtest import REPO, make_kb


def test_tree_pages_show_figures_and_traffic_from_the_configured_data() -> None:
    kb = load(load_config(REPO)).kb
    traffic = node_traffic(kb)["upi-debited-not-credited"]
    page = next(p for p in tree_pages(kb) if p.path == "trees/upi-debited-not-credited.md")
    assert "\n## Quality\n" in page.markdown
    start = traffic[kb.trees["upi-debited-not-credited"].start]
    assert f"{start.visits:,} walks · {start.drop_offs:,} stopped here" in page.markdown
    assert page.markdown.count('class="kb-traffic"') == len(traffic)


def test_tree_pages_without_quality_data_have_neither(tmp_path: Path) -> None:
    kb = load(load_config(make_kb(tmp_path))).kb
    page = next(iter(tree_pages(kb)))
    assert "## Quality" not in page.markdown
    assert "kb-traffic" not in page.markdown
