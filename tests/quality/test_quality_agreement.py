"""Kappa and agreement figures against hand-computed values and scikit-learn's oracle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_kb import kb_root, load_kb
from sklearn.metrics import cohen_kappa_score

from kb.quality.agreement import agreement_report, cohen_kappa, fleiss_kappa, landis_koch
from kbtest import run_cli

# Fleiss (1971) as worked on Wikipedia: 10 subjects, 14 raters, 5 categories; kappa 0.210
FLEISS_TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def test_cohen_kappa_by_hand_and_oracle() -> None:
    a = ["done", "wait", "esc", "wait", "done", "wait"]
    b = ["done", "esc", "esc", "wait", "wait", "wait"]
    k = cohen_kappa(a, b)
    # p_o = 4/6; p_e = (2*1 + 3*3 + 1*2) / 36 = 13/36; kappa = (24-13)/(36-13) = 11/23
    assert k.observed == pytest.approx(4 / 6)
    assert k.expected == pytest.approx(13 / 36)
    assert k.kappa == pytest.approx(11 / 23)
    assert k.kappa == pytest.approx(cohen_kappa_score(a, b))


@pytest.mark.parametrize("a, b", [
    (["x", "y", "x", "x", "y", "z"], ["x", "y", "y", "x", "y", "x"]),
    (["p"] * 9 + ["q"], ["p"] * 10),
    (["a", "b", "c", "d"], ["d", "c", "b", "a"]),
])
def test_cohen_kappa_matches_scikit_learn(a: list[str], b: list[str]) -> None:
    assert cohen_kappa(a, b).kappa == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_kappa_undefined_when_chance_agreement_is_total() -> None:
    assert cohen_kappa(["a", "a"], ["a", "a"]).kappa is None


def test_fleiss_kappa_worked_example() -> None:
    items = [[str(j) for j, n in enumerate(row) for _ in range(n)] for row in FLEISS_TABLE]
    k = fleiss_kappa(items)
    assert k.observed == pytest.approx(0.378, abs=5e-4)
    assert k.expected == pytest.approx(0.213, abs=5e-4)
    assert k.kappa == pytest.approx(0.20993, abs=5e-5)


def test_fleiss_kappa_of_two_raters_by_hand() -> None:
    items = [["d", "d"], ["w", "e"], ["e", "e"], ["w", "w"], ["d", "w"], ["w", "w"]]
    # P = 4/6; P_e = (3/12)^2 + (6/12)^2 + (3/12)^2 = 0.375; kappa = (2/3 - 3/8) / (5/8) = 7/15
    assert fleiss_kappa(items).kappa == pytest.approx(7 / 15)


@pytest.mark.parametrize("kappa, band", [
    (-0.1, "poor"), (0.0, "slight"), (0.2, "slight"), (0.21, "fair"), (0.5, "moderate"),
    (0.61, "substantial"), (0.81, "almost perfect"), (None, ""),
])
def test_landis_koch_bands(kappa: float | None, band: str) -> None:
    assert landis_koch(kappa) == band


def test_agreement_report_per_tree(tmp_path: Path) -> None:
    report = agreement_report(load_kb(kb_root(tmp_path)))
    (tree,) = report.trees
    assert (tree.scope, tree.cases, tree.unlabeled, tree.once, tree.twice, tree.more) == (
        "refund", 7, 0, 1, 6, 0)
    assert tree.method == "Cohen"
    assert tree.kappa == pytest.approx(11 / 23)
    assert tree.observed == pytest.approx(4 / 6)
    assert tree.base_rate == pytest.approx(0.5)
    assert tree.fleiss is not None and tree.fleiss.kappa == pytest.approx(7 / 15)
    assert [c.case_id for c in report.disagreements] == ["r-2", "r-5"]
    assert [(c.case_id, c.majority) for c in report.expected_differs] == [("r-6", "wait")]
    assert report.overall.kappa == pytest.approx(11 / 23)


def test_three_annotators_use_fleiss(tmp_path: Path) -> None:
    three = "[{by: a, outcome: done}, {by: b, outcome: done}, {by: c, outcome: %s}]"
    cases = (
        "tree: refund\ncases:\n"
        "  - {id: r-1, description: a, facts: {arrived: true}, expected: done,\n"
        f"     annotations: {three % 'wait'}}}\n"
        "  - {id: r-2, description: b, facts: {arrived: true}, expected: done,\n"
        f"     annotations: {three % 'done'}}}\n"
    )
    report = agreement_report(load_kb(kb_root(tmp_path, files={
        "decision_trees/refund.cases.yaml": cases})))
    tree = report.trees[0]
    assert tree.method == "Fleiss" and tree.more == 2
    # P = (1/3 + 1) / 2 = 2/3; p = (5/6, 1/6); P_e = 26/36; kappa = (24/36 - 26/36) / (10/36)
    assert tree.kappa == pytest.approx(-0.2)


def test_kb_labels_text_json_and_fail_under(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    code, text = run_cli(root, "labels")
    assert code == 0
    assert "refund" in text and "0.48" in text and "Cohen" in text and "moderate" in text
    assert "refund.cases.yaml" in text and "r-2: ann-a=wait, ann-b=escalate" in text
    assert "r-6: expected escalate, majority wait" in text
    code, text = run_cli(root, "labels", "--format", "json")
    data = json.loads(text)
    assert data["overall"]["kappa"] == pytest.approx(11 / 23)
    assert [c["case"] for c in data["disagreements"]] == ["r-2", "r-5"]
    assert run_cli(root, "labels", "--fail-under", "kappa=0.4")[0] == 0
    code, text = run_cli(root, "labels", "--fail-under", "kappa=0.6")
    assert code == 1 and "threshold missed: kappa" in text
    assert run_cli(root, "labels", "--fail-under", "nonsense=1")[0] == 2
    code, text = run_cli(root, "labels", "--format", "markdown")
    assert code == 0 and "| refund |" in text
