"""`kb metrics`: figures by hand, the same from CSV, JSONL and Parquet, bad rows by number."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from quality_kb import GOOD_ROWS, csv_text, jsonl_text, kb_root, load_kb, write_parquet

from kb.cli import main
from kb.quality.metrics import compute_metrics

BAD_CSV_LINES = [
    "c8,2026-01-15T00:00:00Z,bot,refund,done,false,true,false,50,,",
    "c9,2026-01-15T00:00:00Z,ai,refund,done,false,true,false,-5,,",
    "c2,2026-01-16T00:00:00Z,human,refund,done,false,true,false,50,,",
    "c10,2026-01-15,ai,refund",
    "c11,yesterday,ai,refund,done,maybe,true,false,50,7,",
]


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {"csv": tmp_path / "cases.csv", "jsonl": tmp_path / "cases.jsonl",
             "parquet": tmp_path / "cases.parquet"}
    files["csv"].write_text(csv_text(GOOD_ROWS))
    files["jsonl"].write_text(jsonl_text(GOOD_ROWS))
    write_parquet(files["parquet"], GOOD_ROWS)
    return files


def test_figures_by_hand(tmp_path: Path) -> None:
    kb = load_kb(kb_root(tmp_path))
    report = compute_metrics(kb, _files(tmp_path)["csv"], "csv")
    f = report.overall
    assert (report.check.rows, report.check.good, report.check.bad) == (7, 7, 0)
    assert (f.cases, f.ai_cases) == (7, 4)
    assert f.containment == pytest.approx(1 / 4)   # c1 only: not escalated, resolved, kept
    assert f.deflection == pytest.approx(3 / 4)    # c1, c2, c4
    assert f.escalation == pytest.approx(2 / 7)    # c3, c5
    assert f.fcr == pytest.approx(3 / 7)           # c1, c6, c7
    assert f.reopen == pytest.approx(1 / 7)        # c2
    assert f.aht == pytest.approx(1780 / 7)
    assert f.aht_p90 == pytest.approx(480.0)       # 400 + 0.4 * (600 - 400)
    assert (f.csat_responses, f.csat_mean) == (5, pytest.approx(3.8))
    assert f.csat_satisfied_share == pytest.approx(3 / 5)
    assert report.by_channel["ai"].cases == 4 and report.by_channel["human"].containment is None
    assert list(report.by_week) == [dt.date(2026, 1, 5), dt.date(2026, 1, 12)]
    assert [w.cases for w in report.by_week.values()] == [3, 4]
    assert report.by_outcome[("refund", "wait")].reopen == pytest.approx(1 / 2)
    assert report.unknown_trees == (("legacy-tree", 1),)
    assert report.never_reached == ()
    traffic = report.traffic["refund"]
    assert (traffic["arrived"].visits, traffic["arrived"].drop_offs) == (4, 0)
    assert (traffic["age"].visits, traffic["age"].drop_offs) == (3, 1)
    assert (traffic["done"].visits, traffic["wait"].visits, traffic["escalate"].visits) == (
        1, 1, 1)
    assert report.walks == {"refund": 4}


def test_csv_jsonl_and_parquet_give_the_same_figures(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    results = {}
    for fmt, path in _files(tmp_path).items():
        out = io.StringIO()
        assert main(["--root", str(root), "metrics", str(path), "--format", "json"],
                    out=out) == 0
        data = json.loads(out.getvalue())
        for key in ("source", "input_format"):
            data.pop(key)
        results[fmt] = data
    assert results["csv"] == results["jsonl"] == results["parquet"]


def test_bad_rows_are_reported_by_line_and_excluded(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    path = tmp_path / "cases.csv"
    path.write_text(csv_text(GOOD_ROWS, BAD_CSV_LINES))
    report = compute_metrics(load_kb(root), path, "csv")
    check = report.check
    assert (check.rows, check.good, check.bad) == (12, 7, 5)
    reasons = {b.position: b.reason for b in check.bad_rows}
    assert set(reasons) == {9, 10, 11, 12, 13}       # header is line 1, c1 line 2
    assert "channel `bot` is not ai or human" in reasons[9]
    assert "handle_seconds `-5`" in reasons[10]
    assert "case_id `c2` repeats line 3" in reasons[11]
    assert "columns" in reasons[12]
    assert all(x in reasons[13] for x in ("created_at `yesterday`", "escalated `maybe`",
                                          "csat `7`"))
    # figures count the good rows only: the same as without the bad lines
    assert report.overall.cases == 7 and report.overall.aht == pytest.approx(1780 / 7)
    out = io.StringIO()
    assert main(["--root", str(root), "metrics", str(path)], out=out) == 1
    text = out.getvalue()
    assert "12 row(s), 7 counted, 5 rejected" in text
    assert f"{path}: line 11: case_id `c2` repeats line 3" in text


def test_bad_jsonl_lines_and_parquet_rows_by_number(tmp_path: Path) -> None:
    kb = load_kb(kb_root(tmp_path))
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text(jsonl_text(GOOD_ROWS[:2]) + "{broken\n\n[1]\n"
                     + jsonl_text([("c9", "2026-01-05", "ai", "refund", "done", "yes?", True,
                                    False, 5, None, None)]))
    check = compute_metrics(kb, jsonl, "jsonl").check
    assert (check.good, check.bad) == (2, 3)
    assert [(b.position, b.reason.split(" ")[0]) for b in check.bad_rows] == [
        (3, "not"), (5, "expected"), (6, "escalated")]
    parquet = tmp_path / "cases.parquet"
    rows = [*GOOD_ROWS[:3], ("c9", "2026-01-05T00:00:00Z", "robot", "refund", "done", False,
                             True, False, 5, 9, None)]
    write_parquet(parquet, rows)
    check = compute_metrics(kb, parquet, "parquet").check
    assert check.unit == "row" and [b.position for b in check.bad_rows] == [4]


def test_fail_under_and_usage_errors(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    path = _files(tmp_path)["csv"]

    def run(*argv: str) -> int:
        return main(["--root", str(root), "metrics", str(path), *argv], out=io.StringIO())

    assert run("--fail-under", "containment=0.25,reopen=0.2") == 0
    assert run("--fail-under", "containment=0.3") == 1
    assert run("--fail-under", "aht=200") == 1
    assert run("--fail-under", "bogus=1") == 2
    assert main(["--root", str(root), "metrics", str(tmp_path / "none.csv")],
                out=io.StringIO()) == 2
    odd = tmp_path / "cases.txt"
    odd.write_text(csv_text(GOOD_ROWS))
    assert main(["--root", str(root), "metrics", str(odd)], out=io.StringIO()) == 2
    assert main(["--root", str(root), "metrics", str(odd), "--input-format", "csv"],
                out=io.StringIO()) == 0


def test_missing_columns_and_unreadable_files_exit_one(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    root = kb_root(tmp_path)
    path = tmp_path / "cases.csv"
    path.write_text("case_id,created_at\nc1,2026-01-05\n")
    assert main(["--root", str(root), "metrics", str(path)], out=io.StringIO()) == 1
    assert "required column(s) missing: channel" in capsys.readouterr().err
    bad = tmp_path / "cases.parquet"
    bad.write_bytes(b"not parquet at all")
    assert main(["--root", str(root), "metrics", str(bad)], out=io.StringIO()) == 1
    assert "cannot read as parquet" in capsys.readouterr().err


def test_markdown_output(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    out = io.StringIO()
    assert main(["--root", str(root), "metrics", str(_files(tmp_path)["csv"]), "--format",
                 "markdown"], out=out) == 0
    text = out.getvalue()
    assert "# Program metrics" in text and "Tree in the data but not in the knowledge base: " \
        "`legacy-tree`" in text and "<svg" not in text


def test_hostile_jsonl_rows_never_crash_or_echo(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    huge_id = "z" * 2_000_000
    rows = [(huge_id, *GOOD_ROWS[0][1:]), (huge_id, *GOOD_ROWS[1][1:])]
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text("[" * 100_000 + "]" * 100_000 + "\n"
                     + '{"case_id": "n1", "handle_seconds": ' + "9" * 5_000 + "}\n"
                     + jsonl_text(rows))
    out = io.StringIO()
    code = main(["--root", str(root), "metrics", str(jsonl)], out=out)
    assert code == 1
    text = out.getvalue()
    assert "line 1: expected a JSON object" in text
    assert "repeats line 3" in text
    assert len(text) < 20_000
