"""`kb lint`, `kb test` and `kb walk` as a user runs them: output, formats and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kb.cli import main
from kbtest import run_cli

TREE = "decision_trees/refund.yaml"
ARTICLE = "docs/guides/refund.md"


def _plant_unknown_key(root: Path, rel: str = ARTICLE) -> None:
    path = root / rel
    path.write_text(path.read_text().replace("tags: [refund]\n", "tags: [refund]\ncolour: red\n"))


def test_clean_kb_exits_zero_with_summary(kb_dir: Path) -> None:
    code, out = run_cli(kb_dir, "lint")
    assert code == 0
    assert out.strip().endswith("0 errors, 0 warnings in 4 files")


def test_error_exits_one_with_position_code_and_hint(kb_dir: Path) -> None:
    _plant_unknown_key(kb_dir)
    code, out = run_cli(kb_dir, "lint")
    assert code == 1
    assert f"{ARTICLE}:13:1: KB101 unknown key `colour`" in out
    assert "  hint: known keys:" in out
    assert "1 error, 0 warnings" in out


def test_json_format_is_machine_readable(kb_dir: Path) -> None:
    _plant_unknown_key(kb_dir)
    code, out = run_cli(kb_dir, "lint", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["errors"] == 1
    assert data["diagnostics"][0] | {"hint": ""} == {
        "path": ARTICLE, "line": 13, "col": 1, "code": "KB101", "severity": "error",
        "message": "unknown key `colour` in the document", "hint": "",
    }


def test_github_format_emits_workflow_annotations(kb_dir: Path) -> None:
    _plant_unknown_key(kb_dir)
    _, out = run_cli(kb_dir, "lint", "--format", "github")
    assert out.startswith(f"::error file={ARTICLE},line=13,col=1,title=KB101::unknown key")


def test_sarif_format_names_rule_and_region(kb_dir: Path) -> None:
    _plant_unknown_key(kb_dir)
    _, out = run_cli(kb_dir, "lint", "--format", "sarif")
    result = json.loads(out)["runs"][0]["results"][0]
    assert result["ruleId"] == "KB101"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 13,
                                                                    "startColumn": 1}


def test_strict_fails_on_warnings_only(kb_dir: Path) -> None:
    # reviewed long enough ago to be stale (a warning) but not overdue (an error)
    path = kb_dir / ARTICLE
    path.write_text(path.read_text().replace("reviewed: 2026-10-01", "reviewed: 2026-06-20"))
    code, out = run_cli(kb_dir, "lint")
    assert code == 0 and "warning" in out
    strict_code, _ = run_cli(kb_dir, "lint", "--strict")
    assert strict_code == 1


def test_lint_of_some_files_reports_only_them(kb_dir: Path) -> None:
    _plant_unknown_key(kb_dir)
    code, out = run_cli(kb_dir, "lint", str(kb_dir / TREE))
    assert code == 0, out
    assert "in 1 file" in out
    code, out = run_cli(kb_dir, "lint", str(kb_dir / "docs"))
    assert code == 1 and "KB101" in out


def test_lint_of_one_file_still_resolves_references_elsewhere(kb_dir: Path) -> None:
    # the tree cites guide-refund#escalation, which lives outside the selection
    code, out = run_cli(kb_dir, "lint", str(kb_dir / TREE))
    assert code == 0, out
    article = kb_dir / ARTICLE
    article.write_text(article.read_text().replace("## Escalation", "## Later"))
    code, out = run_cli(kb_dir, "lint", str(kb_dir / TREE))
    assert code == 1 and TREE in out


@pytest.mark.parametrize("rel", ["mkdocs.yml", "docs/notes.txt", "decision_trees/refund.md"])
def test_lint_of_a_file_that_is_not_content_says_so(kb_dir: Path, rel: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (kb_dir / rel).touch()
    code, out = run_cli(kb_dir, "lint", str(kb_dir / rel))
    assert (code, out) == (2, "")
    assert f"kb: error: {kb_dir / rel} is not a content file" in capsys.readouterr().err


def test_a_mkdocs_yml_that_is_not_utf8_is_a_configuration_error(
        kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (kb_dir / "mkdocs.yml").write_bytes(b"site_name: caf\xe9\n")
    assert run_cli(kb_dir, "lint")[0] == 2
    assert "kb: configuration error: mkdocs.yml is not UTF-8 text" in capsys.readouterr().err


def test_usage_errors_exit_two(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(kb_dir, "lint", "--format", "xml")[0] == 2
    assert run_cli(kb_dir, "lint", str(kb_dir / "nope.md"))[0] == 2
    assert main(["--root", str(kb_dir / "docs"), "lint"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_kb_test_passes_and_reports_coverage(kb_dir: Path) -> None:
    code, out = run_cli(kb_dir, "test")
    assert code == 0
    assert "refund: 3 cases, outcomes 3/3, branches 4/4" in out
    assert out.strip().endswith("3 passed, 0 failed")


def test_kb_test_reports_mismatch_with_path(kb_dir: Path) -> None:
    cases = kb_dir / "decision_trees/refund.cases.yaml"
    cases.write_text(cases.read_text().replace("days: 9}\n    expected: escalate",
                                               "days: 9}\n    expected: wait"))
    code, out = run_cli(kb_dir, "test")
    assert code == 1
    assert "case r-3 expected wait, reached escalate" in out
    assert "path: arrived[arrived=false] -> age[days=9] -> escalate" in out
    assert "2 passed, 1 failed" in out


def test_kb_test_lists_what_no_case_reaches(kb_dir: Path) -> None:
    cases = kb_dir / "decision_trees/refund.cases.yaml"
    text = cases.read_text()
    cases.write_text(text[: text.index("  - id: r-3")])
    code, out = run_cli(kb_dir, "test")
    assert code == 0
    assert "outcome never reached: escalate" in out
    assert "branch never taken: age: default -> escalate" in out
    assert run_cli(kb_dir, "test", "--strict-coverage")[0] == 1


def test_walk_with_facts_prints_path_and_outcome(kb_dir: Path) -> None:
    code, out = run_cli(kb_dir, "walk", "refund", "--facts", "arrived=false", "days=7")
    assert code == 0
    assert "1. Has the refund arrived? -> false  [arrived]" in out
    assert "2. How many days since the refund was issued? -> 7  [age]" in out
    assert "Outcome: Escalate the refund  [escalate]" in out
    assert "queue: payments-in-l2, SLA: 24 hours" in out
    assert "article: Refund guide (docs/guides/refund.md#escalation)" in out


def test_walk_with_missing_fact_says_which(kb_dir: Path) -> None:
    code, out = run_cli(kb_dir, "walk", "refund", "--facts", "arrived=false")
    assert code == 1
    assert "give it with --facts days=VALUE" in out


def test_walk_rejects_badly_typed_fact(kb_dir: Path) -> None:
    assert run_cli(kb_dir, "walk", "refund", "--facts", "arrived=yes")[0] == 2
    assert run_cli(kb_dir, "walk", "nope")[0] == 2


@pytest.mark.parametrize("raw", ["nan", "inf", "-Infinity", "1e999"])
def test_walk_rejects_a_number_that_is_not_finite(kb_dir: Path, raw: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(kb_dir, "walk", "refund", "--facts", "arrived=false", f"days={raw}")[0] == 2
    assert f"days takes a finite number, not `{raw}`" in capsys.readouterr().err


def test_interactive_walk_asks_typed_questions(kb_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("maybe\nfalse\n-3\nnan\n2\n"))
    code, out = run_cli(kb_dir, "walk", "refund")
    assert code == 0
    assert "Has the refund arrived? [true/false]" in out
    assert "arrived takes true or false, not `maybe`" in out
    assert "days is at least 0" in out
    assert "days takes a finite number, not `nan`" in out
    assert "Outcome: Wait for the refund  [wait]" in out
    assert "reply: Refund on its way (reply-refund)" in out


def test_interactive_walk_stops_cleanly_at_end_of_input(kb_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run_cli(kb_dir, "walk", "refund")[0] == 2



def _commands(argv: list[str]) -> list[str]:
    from kb.cli import build_parser

    parser = build_parser(argv)
    action = next(a for a in parser._actions if a.dest == "command")
    assert action.choices is not None
    return list(action.choices)


@pytest.mark.parametrize(("argv", "command"), [
    (["lint"], "lint"),
    (["--root", "lint", "lint", "--strict"], "lint"),
    (["--root=kb", "sample-data", "--help"], "sample-data"),
])
def test_a_command_named_on_the_command_line_is_the_only_one_imported(argv: list[str],
                                                                      command: str) -> None:
    # some commands import large libraries (DuckDB, Matplotlib): `kb lint` must not pay for them
    assert _commands(argv) == [command]


@pytest.mark.parametrize("argv", [[], ["--help"], ["lnt"], ["--ro", "kb", "lint"]])
def test_without_a_plain_command_every_command_is_known(argv: list[str]) -> None:
    assert {"lint", "check", "sql", "eval", "serve", "sample-data"} <= set(_commands(argv))


def test_an_unknown_command_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lnt"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'lnt'" in err and "'sample-data'" in err
