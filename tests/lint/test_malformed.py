"""Malformed input never crashes: one file per failure, each exit 1 with a positioned diagnostic."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli import main
from kbtest import FIXTURES, make_kb

MALFORMED = sorted((FIXTURES / "malformed").iterdir())
EXPECTED_CODE = {
    "not-utf8.md": "KB001",
    "empty.md": "KB002",
    "unterminated-front-matter.md": "KB003",
    "front-matter-list.md": "KB009",
    "duplicate-key.md": "KB005",
    "front-matter-syntax.md": "KB004",
    "alias-bomb.yaml": "KB006",
    "custom-tag.yaml": "KB007",
    "syntax-error.yaml": "KB004",
    "not-a-mapping.yaml": "KB009",
    "yes-is-not-a-boolean.yaml": "KB104",
    "deep-nesting.yaml": "KB010",
    "bracket-bomb.md": "KB010",
}


def _place(root: Path, source: Path) -> str:
    folder = "docs/malformed" if source.suffix == ".md" else "decision_trees"
    target = root / folder / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return f"{folder}/{source.name}"


def test_every_malformed_file_has_an_expectation() -> None:
    assert sorted(p.name for p in MALFORMED) == sorted(EXPECTED_CODE)


@pytest.mark.parametrize("source", MALFORMED, ids=lambda p: p.name)
def test_malformed_file_gives_positioned_diagnostic(source: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = make_kb(tmp_path)
    rel = _place(root, source)
    out = io.StringIO()
    code = main(["--root", str(root), "lint", str(root / rel)], out=out)
    text = out.getvalue()
    assert code == 1, text
    assert re.search(rf"^{re.escape(rel)}:\d+:\d+: {EXPECTED_CODE[source.name]} ", text, re.M), text
    assert "Traceback" not in text + capsys.readouterr().err


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    root = make_kb(tmp_path, {"docs/huge.md": "---\nid: huge\n---\n" + "word " * 250_000})
    out = io.StringIO()
    assert main(["--root", str(root), "lint"], out=out) == 1
    assert re.search(r"^docs/huge.md:1:1: KB008 ", out.getvalue(), re.M)


def test_whole_process_never_prints_a_traceback(tmp_path: Path) -> None:
    root = make_kb(tmp_path)
    for source in MALFORMED:
        _place(root, source)
    proc = subprocess.run([sys.executable, "-m", "kb", "--root", str(root), "lint"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    for source in MALFORMED:
        assert source.name in proc.stdout
