"""Test helpers: build a small knowledge base in a temporary folder, load and lint it.

A module of its own (not conftest.py) so that tests import it by a name no other folder's
conftest can shadow.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from kb.cli import main
from kb.lint import LintResult, lint_kb
from kb.loader import LoadResult, load, load_config

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE_KB = FIXTURES / "rules" / "_base"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def cannot_run(what: str, reason: str) -> None:
    """Skip the test, saying why; under CI=true fail it instead: CI must never pass by skipping
    what it is there to run."""
    if in_ci():
        pytest.fail(f"CI=true: {what} must run, but {reason}", pytrace=False)
    pytest.skip(reason)


#: the routing metadata of the base tree, for tests that write a published tree of their own
ROUTING = "applies_when:" + (BASE_KB / "decision_trees" / "refund.yaml").read_text(
    encoding="utf-8").partition("\napplies_when:")[2]

FileSpec = str | Mapping[str, object] | None


def make_kb(target: Path, files: Mapping[str, FileSpec] | None = None,
            base: Path | None = BASE_KB) -> Path:
    """Copy `base` into `target`, then write `files` over it.

    A file's spec is its text; None deletes the base's file; a mapping
    `{text: ..., encoding: latin-1, repeat: N}` writes `text * N` in that encoding, and
    `{symlink: target}` makes a symbolic link to `target`.
    """
    if base is not None:
        shutil.copytree(base, target, dirs_exist_ok=True)
    for rel, spec in (files or {}).items():
        path = target / rel
        if spec is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, str):
            path.write_text(spec, encoding="utf-8")
        elif "symlink" in spec:
            path.symlink_to(str(spec["symlink"]))
        else:
            text = str(spec["text"]) * int(str(spec.get("repeat", 1)))
            path.write_bytes(text.encode(str(spec.get("encoding", "utf-8"))))
    return target


def load_and_lint(root: Path) -> tuple[LoadResult, LintResult]:
    loaded = load(load_config(root))
    return loaded, lint_kb(loaded.kb, loaded.problems, loaded.ambiguous)


def run_cli(root: Path, *argv: str) -> tuple[int, str]:
    """`kb --root ROOT ARGV...` in this process: the exit code and what it printed."""
    out = io.StringIO()
    code = main(["--root", str(root), *argv], out=out)
    return code, out.getvalue()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the first `old` with `new` in the file `rel` of the KB at `root`."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
