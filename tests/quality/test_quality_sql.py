"""`kb sql`: the case export and the KB as tables, joined ad hoc."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_kb import GOOD_ROWS, csv_text, kb_root, predictions_text

from kbtest import run_cli


def run(root: Path, *argv: str) -> tuple[int, str]:
    return run_cli(root, "sql", *argv)


def test_join_case_data_with_kb_tables(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    cases = tmp_path / "cases.csv"
    cases.write_text(csv_text(GOOD_ROWS))
    code, text = run(root, """
        SELECT o.resolution, count(*) AS cases, sum(c.handle_seconds) AS seconds
        FROM case_export c JOIN outcomes o ON o.tree = c.tree AND o.node = c.outcome
        GROUP BY o.resolution ORDER BY o.resolution""", "--cases", str(cases),
        "--format", "json")
    assert code == 0
    assert json.loads(text) == [
        {"resolution": "escalate", "cases": 2, "seconds": 800.0},
        {"resolution": "inform", "cases": 2, "seconds": 220.0},
        {"resolution": "resolve", "cases": 2, "seconds": 360.0},
    ]


def test_kb_tables(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    code, text = run(root, "SELECT n.id, n.kind, n.question FROM nodes n JOIN trees t "
                           "ON t.id = n.tree WHERE n.kind = 'question' ORDER BY n.id",
                     "--format", "csv")
    assert code == 0
    assert text.splitlines() == [
        "id,kind,question", "age,question,How many days since the refund was issued?",
        "arrived,question,Has the refund arrived?"]
    code, text = run(root, "SELECT c.id, count(a.annotator) AS n FROM cases c LEFT JOIN "
                           "annotations a ON a.case_id = c.id GROUP BY c.id ORDER BY c.id "
                           "LIMIT 2")
    assert code == 0 and "r-1" in text and "(2 rows)" in text
    code, text = run(root, "SELECT count(*) AS n FROM articles WHERE list_contains(markets, "
                           "'IN')", "--format", "markdown")
    assert code == 0 and text.startswith("| n |")
    code, text = run(root, "SELECT count(*) AS n FROM branches")
    assert code == 0


def test_predictions_table_and_rejections(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = kb_root(tmp_path)
    path = tmp_path / "p.jsonl"
    path.write_text(predictions_text())
    code, text = run(root, "SELECT count(*) AS n FROM predictions p JOIN cases c "
                           "ON c.id = p.case_id WHERE p.outcome = c.expected",
                     "--predictions", str(path), "--format", "csv")
    assert text.splitlines() == ["n", "3"]
    assert code == 1 and "5 rejected line(s)" in capsys.readouterr().err


def test_bad_sql_and_usage_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = kb_root(tmp_path)
    assert run(root, "SELEC nonsense")[0] == 2
    assert "Parser Error" in capsys.readouterr().err
    assert run(root, "SELECT 1", "--cases", str(tmp_path / "none.csv"))[0] == 2


def test_uses_the_configured_files_by_default(tmp_path: Path) -> None:
    root = kb_root(tmp_path, {"quality_cases": "data/cases.csv",
                              "quality_predictions": "data/p.jsonl"})
    (root / "data").mkdir()
    (root / "data" / "cases.csv").write_text(csv_text(GOOD_ROWS))
    (root / "data" / "p.jsonl").write_text(predictions_text(
        [{"case": "r-1", "outcome": "done", "confidence": 0.5}]))
    code, text = run(root, "SELECT (SELECT count(*) FROM case_export) AS n, "
                           "(SELECT sum(confidence) FROM predictions) AS c, 0.25 AS d",
                     "--format", "json")
    assert (code, json.loads(text)) == (0, [{"n": 7, "c": 0.5, "d": 0.25}])
    code, _ = run(root, "SELECT count(*) FROM case_export", "--no-data")
    assert code == 2


@pytest.mark.parametrize("query", [
    "COPY (SELECT 1 AS x) TO '{out}'",
    "ATTACH '{out}' AS other",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM read_csv('{secret}')",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT 1; COPY (SELECT 1 AS x) TO '{out}'",
    "SELECT 1; SELECT 2",
    "SET enable_external_access = true",
    "SELECT * FROM query('COPY (SELECT 1 AS x) TO ''{out}''')",
    "CREATE TABLE t AS SELECT 1",
    "PRAGMA enable_profiling",
])
def test_only_one_confined_read_only_statement(tmp_path: Path, query: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = kb_root(tmp_path)
    out = tmp_path / "written.csv"
    secret = tmp_path / "secret.csv"
    secret.write_text("token\nkb-secret-7f3a\n")
    code, text = run(root, query.format(out=out, secret=secret))
    assert code == 2
    assert "kb-secret-7f3a" not in text and "root:" not in text
    assert capsys.readouterr().err.startswith("kb sql: ")
    assert not out.exists()


def test_confined_after_loading_the_case_data(tmp_path: Path) -> None:
    root = kb_root(tmp_path)
    cases = tmp_path / "cases.csv"
    cases.write_text(csv_text(GOOD_ROWS))
    code, text = run(root, "WITH n AS (SELECT count(*) AS c FROM case_export) SELECT c FROM n",
                     "--cases", str(cases), "--format", "csv")
    assert (code, text.splitlines()) == (0, ["c", "7"])
    code, _ = run(root, f"SELECT * FROM read_csv('{cases}')", "--cases", str(cases))
    assert code == 2
