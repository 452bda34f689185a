"""`kb eval-search`: figures against hand-computed ones, the shipped set, and bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from kb.quality.search_eval import LabeledQuery, evaluate_search, read_queries
from kbtest import REPO


def q(query: str, answers: tuple[str, ...], market: str = "", split: str = "test") -> LabeledQuery:
    return LabeledQuery(query, answers, market, split, 1)


def test_figures_match_hand_computed_ones() -> None:
    ranked = {
        "a": [("x#1", "x"), ("y#1", "y")],            # rank 1
        "b": [("y#1", "y"), ("z#2", "z")],            # rank 2 (article id answers)
        "c": [(f"n#{i}", "n") for i in range(6)] + [("w#1", "w")],  # rank 7: not @5
        "d": [("n#1", "n")],                          # not found
    }
    queries = [q("a", ("x#1",), "IN"), q("b", ("z",), "IN"), q("c", ("w#1",), "BR"),
               q("d", ("w#9",), "BR"), q("e", ("x#1",), "IN", split="tune")]
    report = evaluate_search(queries, "test", lambda query: ranked[query.query])
    assert report.overall.queries == 4
    assert report.overall.recall_at_1 == pytest.approx(1 / 4)
    assert report.overall.recall_at_5 == pytest.approx(2 / 4)
    assert report.overall.mrr == pytest.approx((1 + 1 / 2 + 1 / 7 + 0) / 4)
    assert report.markets["IN"].recall_at_5 == 1.0
    assert report.markets["BR"].mrr == pytest.approx((1 / 7) / 2)
    assert [m.query.query for m in report.misses] == ["c", "d"]
    assert evaluate_search(queries, "tune", lambda query: ranked["a"]).overall.queries == 1


def test_bad_entries_are_reported_by_line_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(
        "queries:\n"
        '  - {query: "upi refund", answers: ["a#one"], split: test}\n'
        '  - {query: "no answers", answers: [], split: test}\n'
        '  - {query: "bad split", answers: ["a"], split: train}\n'
        '  - {query: "unknown", answers: ["a#nope"], split: test}\n'
        '  - {query: "extra key", answers: ["a"], split: test, colour: red}\n', encoding="utf-8")
    found = read_queries(path, {"a": {"one"}})
    assert [x.query for x in found.queries] == ["upi refund"]
    assert [(p.line, p.message.split(" ")[0]) for p in found.problems] == [
        (3, "`answers`"), (4, "`split`"), (5, "answer"), (6, "unknown")]


def test_the_shipped_queries_keep_their_figures_on_the_held_out_split() -> None:
    """A regression gate under the README's figures (recall@5 0.907, MRR 0.744 on `test`)."""
    stream = io.StringIO()
    code = main(["--root", str(REPO), "eval-search", "--format", "json",
                 "--fail-under", "recall_at_5=0.9,mrr=0.74"], stream)
    report = json.loads(stream.getvalue())
    assert code == 0, report["misses"]
    assert report["split"] == "test" and report["overall"]["queries"] >= 60
    assert set(report["markets"]) >= {"IN", "BR"}


def test_the_shipped_set_is_large_and_covers_each_language() -> None:
    text = (REPO / "evaluation" / "search-queries.yaml").read_text(encoding="utf-8")
    queries = yaml.safe_load(text)["queries"]
    assert len(queries) >= 80
    assert sum(1 for x in queries if x["split"] == "tune") >= 15
    assert sum(1 for x in queries if x.get("market") == "BR") >= 15


def test_missing_file_and_bad_threshold_are_usage_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(REPO), "eval-search", str(tmp_path / "none.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["--root", str(REPO), "eval-search", "--fail-under", "recall=2"]) == 2
    assert "--fail-under" in capsys.readouterr().err


def test_a_malformed_entry_fails_the_run(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text('queries:\n  - {query: "refund", answers: ["no-such-article"], split: test}\n',
                    encoding="utf-8")
    stream = io.StringIO()
    assert main(["--root", str(REPO), "eval-search", str(path)], stream) == 1
    assert f"{path}:2:5: answer `no-such-article` is no exported article" in stream.getvalue()
