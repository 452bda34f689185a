"""`kb check`, the pull-request gate: one load; lint, cases and exports; exit 1 on any failure."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kb.buildinfo import build_info
from kb.export import EXPORT_FILES, build_exports
from kb.loader import load, load_config
from kb.loader import parse as parse_module
from kbtest import FIXTURES, edit, make_kb, run_cli

GOLDEN_KB = FIXTURES / "golden" / "kb"
ARTICLE = "docs/guides/refund.md"
CASES = "decision_trees/refund.cases.yaml"


def test_a_clean_kb_passes_and_gets_its_exports(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_kb(tmp_path / "kb", base=GOLDEN_KB)
    out = tmp_path / "out"
    code, printed = run_cli(root, "check", "--out", str(out))
    assert code == 0, printed
    assert printed.splitlines() == [
        "0 errors, 0 warnings in 15 files",
        "cases: 11 passed, 0 failed",
        f"exports: {', '.join(EXPORT_FILES)} written to {out}",
    ]
    expected = build_exports(load(load_config(root)).kb, build_info(root))
    assert {name: (out / name).read_bytes() for name in EXPORT_FILES} == expected


def test_exports_go_to_site_by_default(kb_dir: Path) -> None:
    code, printed = run_cli(kb_dir, "check")
    assert code == 0, printed
    assert sorted(p.name for p in (kb_dir / "site").iterdir()) == sorted(EXPORT_FILES)


def test_the_report_is_kb_lint_s_and_the_summary_kb_test_s(kb_dir: Path) -> None:
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    _, linted = run_cli(kb_dir, "lint")
    _, tested = run_cli(kb_dir, "test")
    code, printed = run_cli(kb_dir, "check", "--no-export")
    assert code == 1
    assert printed.startswith(linted)
    assert f"cases: {tested.splitlines()[-1]}\n" in printed


def test_a_lint_error_fails_the_gate_and_writes_nothing(kb_dir: Path, tmp_path: Path) -> None:
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "kb-bundle.json").write_text("previous\n", encoding="utf-8")
    code, printed = run_cli(kb_dir, "check", "--out", str(out))
    assert code == 1
    assert f"{ARTICLE}:13:1: KB101 unknown key `colour`" in printed
    assert "cases: 3 passed, 0 failed" in printed
    assert "exports: not written; fix the problems above first" in printed
    assert [p.name for p in out.iterdir()] == ["kb-bundle.json"]
    assert (out / "kb-bundle.json").read_text(encoding="utf-8") == "previous\n"


def test_a_failing_case_fails_the_gate(kb_dir: Path) -> None:
    text = (kb_dir / CASES).read_text(encoding="utf-8")
    expected = text.split("expected: ", 1)[1].split("\n", 1)[0]
    others = [line.split("expected: ", 1)[1] for line in text.splitlines()
              if "expected: " in line and not line.endswith(expected)]
    assert others, "the base cases must expect more than one outcome"
    edit(kb_dir, CASES, f"expected: {expected}", f"expected: {others[0]}")
    code, printed = run_cli(kb_dir, "check")
    assert code == 1
    assert f"expected {others[0]}, reached {expected}" in printed
    assert "cases: 2 passed, 1 failed" in printed
    assert "exports: not written" in printed
    assert not (kb_dir / "site").exists()


def test_warnings_pass_unless_strict(kb_dir: Path) -> None:
    edit(kb_dir, ARTICLE, "reviewed: 2026-10-01", "reviewed: 2026-06-01")
    code, printed = run_cli(kb_dir, "check", "--no-export")
    assert code == 0 and "KB501" in printed and "1 warning" in printed
    code, printed = run_cli(kb_dir, "check", "--no-export", "--strict")
    assert code == 1


def test_no_export_writes_nothing(kb_dir: Path) -> None:
    code, printed = run_cli(kb_dir, "check", "--no-export")
    assert code == 0
    assert printed.splitlines()[-1] == "exports: not written (--no-export)"
    assert not (kb_dir / "site").exists()


def test_github_format_for_the_lint_report(kb_dir: Path) -> None:
    edit(kb_dir, ARTICLE, "tags: [refund]\n", "tags: [refund]\ncolour: red\n")
    code, printed = run_cli(kb_dir, "check", "--no-export", "--format", "github")
    assert code == 1
    assert printed.startswith(f"::error file={ARTICLE},line=13,col=1,title=KB101::")


def test_out_and_no_export_exclude_each_other(kb_dir: Path) -> None:
    assert run_cli(kb_dir, "check", "--no-export", "--out", "x")[0] == 2


def test_check_loads_the_knowledge_base_once(kb_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: Counter[str] = Counter()
    real = parse_module.parse_text

    def counting(rel: str, text: str) -> parse_module.FileResult:
        parsed[rel] += 1
        return real(rel, text)

    monkeypatch.setattr("kb.loader.pool.parse_text", counting)
    assert run_cli(kb_dir, "check", "--no-cache")[0] == 0
    assert set(parsed.values()) == {1} and len(parsed) == 4
