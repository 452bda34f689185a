"""Property test: on random valid trees, the three walkers agree for random answers.

The Python walker (`kb.walk`), the site's JavaScript walker (walker.js, in Chromium) and the
bundle's walk example (`kb.export.walk_example`, run on kb-bundle.json) must reach the same
outcome by the same path, or all stop. Fixed seed and few examples in the suite; a nightly run
raises them with `KB_FUZZ_EXAMPLES`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.buildinfo import build_info
from kb.export import build_exports, walk_example
from kb.loader import load, load_config
from kb.pages.trees import walker_data
from kb.walk import walk
from kbtest import FIXTURES, make_kb

if TYPE_CHECKING:
    from playwright.sync_api import Browser

EXAMPLES = int(os.environ.get("KB_FUZZ_EXAMPLES", "15"))
WALKER_JS = Path(__file__).parents[2] / "scripts/kb/mkdocs_plugin/assets/walker.js"
GOLDEN_KB = FIXTURES / "golden" / "kb"
OPTIONS = ["upi", "card", "wallet"]
FACTS = {"flag": "boolean", "rail": "choice", "days": "number"}
OUTCOMES = ["out-a", "out-b", "out-c"]

_NUMBER = st.one_of(st.integers(-3, 40), st.sampled_from([0.5, 4.5, 5.0, 29.99]))


def _when(fact: str) -> st.SearchStrategy[Any]:
    if fact == "flag":
        return st.booleans()
    if fact == "rail":
        return st.one_of(st.sampled_from(OPTIONS), st.lists(st.sampled_from(OPTIONS),
                                                            min_size=1, max_size=2, unique=True))
    ops = st.dictionaries(st.sampled_from(["lt", "lte", "gt", "gte"]), _NUMBER,
                          min_size=1, max_size=2)
    return st.one_of(st.integers(0, 30), ops)


@st.composite
def trees(draw: st.DrawFn) -> dict[str, Any]:
    """A tree whose question nodes only lead forward: every walk ends."""
    count = draw(st.integers(1, 5))
    names = [f"q{i}" for i in range(count)]
    nodes: dict[str, Any] = {}
    for i, name in enumerate(names):
        fact = draw(st.sampled_from(sorted(FACTS)))
        later = names[i + 1:] + OUTCOMES
        branches = [{"when": draw(_when(fact)), "next": draw(st.sampled_from(later))}
                    for _ in range(draw(st.integers(1, 3)))]
        node: dict[str, Any] = {"ask": fact, "branches": branches}
        if draw(st.booleans()):
            node["default"] = draw(st.sampled_from(later))
        nodes[name] = node
    for outcome in OUTCOMES:
        nodes[outcome] = {"outcome": {"title": f"Outcome {outcome}", "resolution": "inform",
                                      "handled_by": "ai", "article": "refund-timelines"}}
    return nodes


ANSWERS = st.fixed_dictionaries({}, optional={
    "flag": st.booleans(), "rail": st.sampled_from(OPTIONS), "days": _NUMBER})


def _tree_yaml(nodes: dict[str, Any]) -> str:
    return yaml.safe_dump({
        "id": "fuzz-tree", "title": "Fuzz tree", "summary": "A random tree.",
        "visibility": "internal", "status": "published", "owner": "payments-ops-in",
        "reviewed": "2026-10-01", "markets": ["IN"], "products": ["upi"], "tags": ["refund"],
        "start": "q0",
        "facts": {"flag": {"question": "Flag?", "type": "boolean"},
                  "rail": {"question": "Rail?", "type": "choice", "options": OPTIONS},
                  "days": {"question": "Days?", "type": "number"}},
        "nodes": nodes,
    }, sort_keys=False)


def _bundle_walk(tree: dict[str, Any], facts: dict[str, Any]) -> tuple[str, list[str]]:
    try:
        outcome, _, path = walk_example.walk(tree, dict(facts))
    except walk_example.Stuck:
        return "", []
    return outcome, [node for node in path if node != outcome]


def test_python_js_and_bundle_walkers_agree(browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(content=WALKER_JS.read_text(encoding="utf-8"))
    counter = iter(range(10**6))

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(nodes=trees(), answers=st.lists(ANSWERS, min_size=1, max_size=6))
    def agree(nodes: dict[str, Any], answers: list[dict[str, Any]]) -> None:
        root = make_kb(tmp_path / str(next(counter)),
                       {"decision_trees/fuzz-tree.yaml": _tree_yaml(nodes)}, base=GOLDEN_KB)
        kb = load(load_config(root)).kb
        tree = kb.trees["fuzz-tree"]
        bundle = json.loads(build_exports(kb, build_info(root))["kb-bundle.json"])
        exported = next(t for t in bundle["trees"] if t["id"] == "fuzz-tree")
        js = page.evaluate("([tree, all]) => all.map((f) => window.kbWalker.walk(tree, f))",
                           [walker_data(tree, kb), answers])
        for facts, js_walk in zip(answers, js, strict=True):
            python = walk(tree, facts)
            python_nodes = [s.node for s in python.steps]
            assert js_walk["outcome"] == python.outcome, (nodes, facts)
            assert [s["node"] for s in js_walk["steps"]] == python_nodes, (nodes, facts)
            bundle_outcome, bundle_nodes = _bundle_walk(exported, facts)
            assert bundle_outcome == python.outcome, (nodes, facts)
            if python.outcome:
                assert bundle_nodes == python_nodes, (nodes, facts)

    try:
        agree()
    finally:
        page.close()
