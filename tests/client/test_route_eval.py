"""Routing: `kb route`, `Client.route`, and `kb eval-route` against hand-computed figures, the
shipped set (held-out split), calibration on the tune split only, and bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from client_support import shipped_client

from kb.cli import main
from kb.quality.route_eval import (
    NO_TREE,
    LabeledMessage,
    calibrate,
    evaluate_routing,
    read_route_predictions,
    read_routing_set,
)
from kb.search.route import NO_TREE_BELOW
from kbtest import REPO


def m(message: str, tree: str, split: str = "test") -> LabeledMessage:
    return LabeledMessage(message, tree, "", split, 1)


def test_figures_match_hand_computed_ones() -> None:
    messages = [m("a1", "a"), m("a2", "a"), m("a3", "a"), m("b1", "b"), m("b2", "b"),
                m("n1", NO_TREE), m("n2", NO_TREE), m("t1", "a", split="tune")]
    routed = {"a1": "a", "a2": "a", "a3": "b", "b1": "b", "b2": NO_TREE, "n1": NO_TREE,
              "n2": "a", "t1": "b"}
    report = evaluate_routing(messages, "test", ["a", "b", "c"], lambda x: routed[x.message])
    assert (report.messages, report.answered, report.correct) == (7, 7, 4)
    assert report.accuracy == pytest.approx(4 / 7)
    a, b, c, none = report.labels
    assert (a.label, a.expected, a.predicted, a.correct) == ("a", 3, 3, 2)
    assert a.precision == pytest.approx(2 / 3) and a.recall == pytest.approx(2 / 3)
    assert b.precision == pytest.approx(1 / 2) and b.recall == pytest.approx(1 / 2)
    assert c.precision is None and c.recall is None  # never expected, never routed
    assert none.label == NO_TREE and none.precision == pytest.approx(1 / 2)
    assert report.as_dict()["no_tree_recall"] == pytest.approx(1 / 2)
    assert report.confusion == {"a": {"a": 2, "b": 1}, "b": {"b": 1, "none": 1},
                                "none": {"a": 1, "none": 1}}
    assert [x.message.message for x in report.misroutes] == ["a3", "b2", "n2"]


def test_unanswered_messages_count_only_in_coverage() -> None:
    messages = [m("a1", "a"), m("a2", "a"), m("n1", NO_TREE), m("n2", NO_TREE)]
    report = evaluate_routing(messages, "test", ["a"],
                              lambda x: {"a1": "a", "n1": "a"}.get(x.message))
    assert report.answered == 2 and report.coverage == 0.5 and report.accuracy == 0.5


def test_calibration_takes_the_middle_of_the_best_range() -> None:
    # scores 2 and 9 route right to their tree; 4 and 5 should be no tree
    scored = [("a", "a", 9.0), ("b", "b", 2.0), (NO_TREE, "a", 4.0), (NO_TREE, "b", 5.0)]
    # cuts: 0, 3, 4.5, 7, 10 -> right: 2, 1, 2, 3, 2: only 7 is best
    assert calibrate(scored) == 7.0
    # a message misrouted at any threshold (4.0) makes cuts 2.5 and 6.5 equally good: 4.5
    assert calibrate([("a", "a", 9.0), (NO_TREE, "a", 1.0), ("a", "b", 4.0)]) == 4.5


def test_bad_entries_are_reported_by_line_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "messages:\n"
        '  - {message: "paid the wrong upi id", tree: a, split: test}\n'
        '  - {message: "", tree: a, split: test}\n'
        '  - {message: "bad split", tree: a, split: train}\n'
        '  - {message: "unknown tree", tree: zz, split: test}\n'
        '  - {message: "extra key", tree: none, split: test, colour: red}\n'
        '  - {message: "My refund is LATE!", tree: a, split: tune}\n', encoding="utf-8")
    found = read_routing_set(path, {"a"}, ["my refund is late"])
    assert [x.message for x in found.messages] == ["paid the wrong upi id"]
    assert [(p.line, p.message.split(" ")[0]) for p in found.problems] == [
        (3, "`message`"), (4, "`split`"), (5, "`tree`"), (6, "unknown"), (7, "the")]


def test_bad_prediction_lines_are_reported_by_number_and_left_out() -> None:
    lines = [b'{"message": "m1", "tree": "a"}\n', b"not json\n", b"\n", b"[1]\n",
             b'{"message": "m9", "tree": "a"}\n', b'{"message": "m2", "tree": "zz"}\n',
             b'{"message": "m1", "tree": "none"}\n', b'{"message": "m2"}\n',
             b'{"message": "m2", "tree": "none"}\n']
    found = read_route_predictions(io.BytesIO(b"".join(lines)), {"m1", "m2"}, {"a"})
    assert {k: p.tree for k, p in found.predictions.items()} == {"m1": "a", "m2": "none"}
    assert [p.line for p in found.problems] == [2, 4, 5, 6, 7, 8]
    assert found.lines == 8


def test_route_is_deterministic_and_says_when_no_tree_applies() -> None:
    client = shipped_client()
    first = client.route("galti se galat UPI ID pe paise bhej diye", market="IN")
    assert first.tree_id == "upi-wrong-recipient" and not first.no_tree
    assert first == client.route("galti se galat UPI ID pe paise bhej diye", market="IN")
    assert first.matches[0].examples and first.matches[0].score >= first.threshold
    nothing = client.route("what is the weather like in Lisbon")
    assert nothing.no_tree and nothing.tree_id == ""
    assert all(match.tree_id != "pix-med-refund"
               for match in client.route("pix errado", market="IN").matches)


def test_kb_route_prints_trees_or_no_tree_in_text_and_json() -> None:
    out = io.StringIO()
    assert main(["--root", str(REPO), "route", "Fiz um Pix para a chave errada ontem"], out) == 0
    assert out.getvalue().startswith("applies: pix-med-refund\n1. pix-med-refund (")
    assert "matched example:" in out.getvalue()
    out = io.StringIO()
    assert main(["--root", str(REPO), "route", "hello there", "--format", "json"], out) == 0
    data = json.loads(out.getvalue())
    assert data["no_tree"] is True and data["tree_id"] == "" \
        and data["threshold"] == NO_TREE_BELOW
    out = io.StringIO()
    assert main(["--root", str(REPO), "route", "x", "--limit", "0"], out) == 2


def test_the_shipped_router_reaches_its_figures_on_the_held_out_split() -> None:
    """A regression gate under the README's figure (accuracy 0.853 on `test`)."""
    out = io.StringIO()
    code = main(["--root", str(REPO), "eval-route", "--format", "json",
                 "--fail-under", "accuracy=0.85"], out)
    data = json.loads(out.getvalue())
    assert code == 0, data
    assert data["split"] == "test" and data["messages"] >= 170 and data["accuracy"] >= 0.84
    assert set(data["confusion"]) == {*data["labels"]}


def test_the_shipped_threshold_is_the_one_calibrated_on_the_tune_split() -> None:
    out = io.StringIO()
    assert main(["--root", str(REPO), "eval-route", "--calibrate"], out) == 0
    assert out.getvalue().strip().endswith(f": {NO_TREE_BELOW}")


def test_the_shipped_set_has_enough_messages_per_tree_and_for_no_tree() -> None:
    client = shipped_client()
    trees = [t["id"] for t in client.bundle["trees"]]
    found = read_routing_set(REPO / "evaluation" / "routing.yaml", set(trees),
                             [e for t in client.bundle["trees"] for e in t["routing"]["examples"]])
    assert found.problems == ()
    counts = {label: sum(1 for x in found.messages if x.tree == label)
              for label in [*trees, NO_TREE]}
    assert min(counts[t] for t in trees) >= 15 and counts[NO_TREE] >= 30


def test_an_agents_predictions_are_scored_and_bad_lines_fail_the_run(tmp_path: Path) -> None:
    predictions = tmp_path / "routes.jsonl"
    predictions.write_text(
        '{"message": "Hello", "tree": "none"}\n'
        '{"message": "I want to close my account", "tree": "card-dispute-triage"}\n'
        "{oops\n", encoding="utf-8")
    out = io.StringIO()
    code = main(["--root", str(REPO), "eval-route", "--split", "all", "--predictions",
                 str(predictions), "--format", "json"], out)
    text = out.getvalue()
    assert code == 1
    assert f"{predictions}:3: not valid JSON" in text
    data = json.loads(text[text.index("{\n"):])
    assert data["answered"] == 2 and data["accuracy"] == 0.5 and data["messages"] == 255
