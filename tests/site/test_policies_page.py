"""The Safety policies page, the signal column of a tree's facts table, and the walker's data."""

from __future__ import annotations

from pathlib import Path

from kb.loader import load, load_config
from kb.pages import generate_pages
from kb.pages.indexes import POLICIES_PAGE
from kb.pages.policies import policies_markdown
from kb.pages.trees import tree_markdown, walker_data
from kbtest import REPO, make_kb

TREE = "decision_trees/refund.yaml"
POLICIES = """\
policies:
  fraud-loss:
    title: Money lost to fraud
    why: A refund *missing* for long goes to a specialist.
    resolutions: [escalate]
    queues: [payments-in-l2]
    max_sla_hours: 24
"""


def _kb(tmp_path: Path, threshold: int):  # type: ignore[no-untyped-def]
    base = (Path(__file__).parent.parent / "fixtures/rules/_base" / TREE).read_text()
    tree = base.replace("    min: 0\n", f"    min: 0\n    signals:\n      fraud-loss: {{gte: "
                        f"{threshold}}}\n")
    root = make_kb(tmp_path, {TREE: tree, "decision_trees/policies.yaml": POLICIES})
    return load(load_config(root)).kb


def test_the_page_says_which_trees_raise_a_policy_and_whether_it_is_proved(
        tmp_path: Path) -> None:
    proved = policies_markdown(_kb(tmp_path / "a", 30))
    assert "## Money lost to fraud" in proved and "A refund *missing* for long" in proved
    assert "- resolution: `escalate`" in proved and "- SLA: at most 24 hours" in proved
    assert "| [Refund triage](../../trees/refund/) | `days` | `days` >= 30 | proved on every " \
           "path |" in proved
    broken = policies_markdown(_kb(tmp_path / "b", 5))
    assert "| **not proved**: `wait` |" in broken


def test_the_page_is_generated_only_with_a_policies_file(tmp_path: Path) -> None:
    kb = _kb(tmp_path / "a", 30)
    assert POLICIES_PAGE in {p.path for p in generate_pages(kb)}
    assert "safety policies" in next(p.markdown for p in generate_pages(kb)
                                     if p.path == "index.md")
    bare = load(load_config(make_kb(tmp_path / "b"))).kb
    assert POLICIES_PAGE not in {p.path for p in generate_pages(bare)}


def test_the_tree_page_marks_signal_facts_and_the_walker_gets_their_policies(
        tmp_path: Path) -> None:
    kb = _kb(tmp_path, 30)
    tree = kb.trees["refund"]
    page = tree_markdown(tree, kb)
    assert "<th>Risk signals</th>" in page
    assert '<strong class="kb-signal"><code>fraud-loss</code></strong> when \u2265 30' in page
    data = walker_data(tree, kb)
    assert data["facts"]["days"]["signals"] == {"fraud-loss": {"gte": 30}}
    assert data["policies"]["fraud-loss"]["queues"] == ["payments-in-l2"]


def test_the_shipped_policies_are_all_proved() -> None:
    page = policies_markdown(load(load_config(REPO)).kb)
    assert "not proved" not in page
    assert page.count("proved on every path") >= 10
