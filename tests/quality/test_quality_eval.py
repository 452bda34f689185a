"""`kb eval`: classification figures by hand and against scikit-learn; bad lines; gating."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_kb import BAD_LINES, kb_root, load_kb, predictions_text
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from kb.quality.evaluation import classification, evaluate
from kb.quality.predictions import parse_predictions
from kbtest import run_cli


def _report(tmp_path: Path):  # type: ignore[no-untyped-def]
    kb = load_kb(kb_root(tmp_path))
    lines = predictions_text().encode().splitlines(keepends=True)
    return evaluate(kb, parse_predictions(lines, kb, "p.jsonl"))


def test_bad_lines_are_reported_by_number_and_excluded(tmp_path: Path) -> None:
    report = _report(tmp_path)
    p = report.predictions
    assert {x.line for x in p.problems} == set(BAD_LINES)
    for problem in p.problems:
        assert BAD_LINES[problem.line] in problem.message
    assert p.lines == 10 and p.rejected == 5 and len(p.predictions) == 5
    assert [x.case for x in p.predictions] == ["r-1", "r-2", "r-3", "r-4", "r-5"]


def test_figures_by_hand(tmp_path: Path) -> None:
    f = _report(tmp_path).tree("refund")
    assert f is not None
    # truth: done, wait, escalate, wait, done; agent: done, escalate, wait, wait, done
    assert (f.labeled, f.predicted, f.correct) == (7, 5, 3)
    assert f.accuracy == pytest.approx(3 / 5)
    assert f.coverage == pytest.approx(5 / 7)
    assert f.missing == ("r-6", "r-7")
    scores = {o.outcome: o for o in f.classification.outcomes}
    assert (scores["done"].precision, scores["done"].recall, scores["done"].f1) == (1, 1, 1)
    assert (scores["wait"].precision, scores["wait"].recall) == (0.5, 0.5)
    assert scores["wait"].f1 == pytest.approx(0.5)
    assert (scores["escalate"].precision, scores["escalate"].recall) == (0, 0)
    assert f.classification.macro_f1 == pytest.approx(0.5)
    assert f.classification.confusion.labels == ("done", "wait", "escalate")
    assert f.classification.confusion.counts == ((2, 0, 0), (0, 1, 1), (0, 1, 0))
    # r-3 should escalate and did not; r-2 should not and did
    assert [e.case for e in f.under_escalations] == ["r-3"]
    assert f.under_escalation == pytest.approx(1.0)
    assert [e.case for e in f.over_escalations] == ["r-2"]
    assert f.over_escalation == pytest.approx(1 / 4)
    # paths: r-1 and r-4 (completed with its outcome) agree; r-2 and r-3 leave at `age`
    assert (f.path_compared, f.path_agreed) == (4, 2)
    assert [(d.case, d.node, d.expected_next, d.predicted_next) for d in f.divergences] == [
        ("r-2", "age", "wait", "escalate"), ("r-3", "age", "escalate", "wait")]
    assert f.wrong_questions() == [("age", 2)]
    # citations: r-1, r-4 cite the expected section; r-2 the wrong one; r-3 no anchor
    assert (f.citations_given, f.citations_correct) == (4, 2)
    # buckets .6 (1 right), .7 (wrong), .8 (wrong), .9 (0.9 and 0.95, right)
    assert [(b.low, b.count) for b in f.calibration] == [(0.6, 1), (0.7, 1), (0.8, 1), (0.9, 2)]
    assert f.ece == pytest.approx(0.35 / 5 + 0.7 / 5 + 0.8 / 5 + 2 / 5 * 0.075)


def test_classification_matches_scikit_learn() -> None:
    truth = ["a", "b", "c", "a", "b", "c", "a", "a", "b"]
    predicted = ["a", "b", "a", "a", "c", "c", "b", "a", "b"]
    labels = ["a", "b", "c"]
    result = classification(list(zip(truth, predicted, strict=True)), labels)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0)
    for i, o in enumerate(result.outcomes):
        assert o.precision == pytest.approx(precision[i])
        assert o.recall == pytest.approx(recall[i])
        assert o.f1 == pytest.approx(f1[i])
        assert o.support == support[i]
    assert [list(r) for r in result.confusion.counts] == confusion_matrix(
        truth, predicted, labels=labels).tolist()
    _, _, macro, _ = precision_recall_fscore_support(truth, predicted, average="macro",
                                                     zero_division=0)
    assert result.macro_f1 == pytest.approx(macro)


def test_kb_eval_reports_rejections_and_exits_one(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    path = tmp_path / "p.jsonl"
    path.write_text(predictions_text())
    code, text = run_cli(root, "eval", str(path))
    assert code == 1
    assert "10 prediction line(s), 5 accepted, 5 rejected" in text
    assert f"{path}:6: outcome `refunded` is not a node of tree `refund`" in text
    assert "line 3: r-3 (refund): expected escalate, predicted wait" in text
    code, text = run_cli(root, "eval", str(path), "--format", "json")
    data = json.loads(text)
    assert data["predictions"]["rejected"] == 5
    assert [x["line"] for x in data["predictions"]["problems"]] == sorted(BAD_LINES)
    assert data["overall"]["accuracy"] == pytest.approx(0.6)
    assert data["trees"][0]["confusion"]["counts"] == [[2, 0, 0], [0, 1, 1], [0, 1, 0]]
    code, text = run_cli(root, "eval", str(path), "--format", "markdown")
    assert "## Under-escalations" in text and "| `r-3` |" in text


def test_fail_under_gates_a_clean_file(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    path = tmp_path / "good.jsonl"
    path.write_text(predictions_text([
        {"case": "r-1", "outcome": "done"}, {"case": "r-2", "outcome": "wait"},
        {"case": "r-3", "outcome": "escalate"}, {"case": "r-4", "outcome": "wait"},
        {"case": "r-5", "outcome": "wait"}]))
    assert run_cli(root, "eval", str(path))[0] == 0
    assert run_cli(root, "eval", str(path), "--fail-under",
               "accuracy=0.8,under_escalation=0.01")[0] == 0
    code, text = run_cli(root, "eval", str(path), "--fail-under", "accuracy=0.95")
    assert code == 1 and "threshold missed: accuracy is 0.8; required accuracy >= 0.95" in text
    code, text = run_cli(root, "eval", str(path), "--fail-under", "over_escalation=0")
    assert code == 0
    code, text = run_cli(root, "eval", str(path), "--fail-under", "citation_accuracy=0.5")
    assert code == 1 and "not measured" in text
    code, text = run_cli(root, "eval", str(path), "--fail-under", "accuracy=95%",
                         "--format", "json")
    assert code == 1 and json.loads(text)["thresholds"][0]["passed"] is False


@pytest.mark.parametrize("argv", [
    ["eval", "missing.jsonl"],
    ["eval", "p.jsonl", "--fail-under", "accuracy"],
    ["eval", "p.jsonl", "--fail-under", "speed=1"],
    ["eval", "p.jsonl", "--fail-under", "accuracy=high"],
])
def test_usage_errors_exit_two(tmp_path: Path, argv: list[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = kb_root(tmp_path)
    (tmp_path / "p.jsonl").write_text(predictions_text())
    monkeypatch.chdir(tmp_path)
    assert run_cli(root, *argv)[0] == 2


def test_garbage_file_never_crashes(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage\n[1, 2]\nnull\n{\"case\": 5, \"outcome\": []}\n"
                     b"{\"case\": \"r-1\", \"outcome\": \"done\", \"path\": \"arrived\"}\n"
                     b"{\"case\": \"r-1\", \"outcome\": \"done\", \"confidence\": NaN}\n")
    code, text = run_cli(root, "eval", str(path))
    assert code == 1 and "6 rejected" in text


SIGNAL_TREE_PATCH = ("    min: 0\n", "    min: 0\n    signals:\n      fraud-loss: {gte: 9}\n")
FRAUD_POLICY = """\
policies:
  fraud-loss:
    title: Money lost to fraud
    why: A refund missing for 9 days or more goes to a specialist within a day.
    resolutions: [escalate]
    handled_by: [specialist]
    queues: [payments-in-l2]
    max_sla_hours: 24
"""


def test_policy_breaches_are_counted_apart_and_gate(tmp_path: Path) -> None:
    base = (Path(__file__).parent.parent / "fixtures/rules/_base/decision_trees/refund.yaml")
    tree = base.read_text(encoding="utf-8").replace(*SIGNAL_TREE_PATCH)
    root = kb_root(tmp_path, files={"decision_trees/refund.yaml": tree,
                                    "decision_trees/policies.yaml": FRAUD_POLICY})
    path = tmp_path / "p.jsonl"
    # r-3 (9 days) and r-6 (10 days) raise fraud-loss: sent to `wait` and `done` they breach
    # it; r-2 (2 days) raises nothing, so escalating it is an ordinary error only
    path.write_text(predictions_text([
        {"case": "r-1", "outcome": "done"}, {"case": "r-2", "outcome": "escalate"},
        {"case": "r-3", "outcome": "wait"}, {"case": "r-6", "outcome": "done"}]))
    kb = load_kb(root)
    report = evaluate(kb, parse_predictions(path.read_bytes().splitlines(keepends=True), kb,
                                            "p.jsonl"))
    o = report.overall
    assert o.correct == 1 and o.figures()["policy_breaches"] == 2
    assert [(b.case, b.predicted, b.policies, b.line) for b in o.policy_breaches] == [
        ("r-3", "wait", ("fraud-loss",), 3), ("r-6", "done", ("fraud-loss",), 4)]
    assert o.policy_breaches[0].reasons == (
        "resolution `inform` is not `escalate`", "handled_by `ai` is not `specialist`",
        "no queue, where `payments-in-l2` is required",
        "no SLA, where at most 24 h is required")
    code, text = run_cli(root, "eval", str(path), "--fail-under", "policy_breaches=0")
    assert code == 1
    assert "Policy breaches (a case raises a risk signal, the agent chose an outcome its " \
           "policy forbids): 2" in text
    assert "  line 3: r-3 (refund): predicted wait, breaks fraud-loss: resolution `inform`" in text
    assert "threshold missed: policy_breaches is 2; required policy_breaches <= 0" in text
    code, text = run_cli(root, "eval", str(path), "--format", "json")
    overall = json.loads(text)["overall"]
    assert overall["policy_breaches"] == 2
    assert [b["case"] for b in overall["breaches"]] == ["r-3", "r-6"]
    code, text = run_cli(root, "eval", str(path), "--format", "markdown")
    assert "## Policy breaches" in text and "| `r-6` | refund | `done` | `fraud-loss` |" in text
    # the same cases sent where the policy allows: no breach, the gate passes
    path.write_text(predictions_text([
        {"case": "r-3", "outcome": "escalate"}, {"case": "r-6", "outcome": "escalate"}]))
    assert run_cli(root, "eval", str(path), "--fail-under", "policy_breaches=0")[0] == 0


def test_hostile_lines_are_bounded_rejections(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    path = tmp_path / "p.jsonl"
    huge_case = "x" * 3_000_000
    path.write_text(predictions_text([
        "[" * 100_000 + "]" * 100_000,
        '{"case": "r-1", "outcome": "done", "confidence": ' + "9" * 5_000 + "}",
        '{"case": "r-1", "outcome": "done", "confidence": ' + "9" * 4_000 + "}",
        {"case": "r-1", "outcome": "y" * 500_000},
        {"case": huge_case, "outcome": "done"},
        {"case": "r-1", "outcome": "done"},
    ]))
    code, text = run_cli(root, "eval", str(path), "--format", "json")
    assert code == 1
    problems = json.loads(text)["predictions"]["problems"]
    assert [p["line"] for p in problems] == [1, 2, 3, 4, 5]
    assert "nested too deeply" in problems[0]["message"]
    assert "over 1,048,576 bytes" in problems[4]["message"]
    assert all(len(p["message"]) < 300 for p in problems)
    assert len(text) < 10_000
