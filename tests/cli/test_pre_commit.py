"""The pre-commit hooks: the files they pass are exactly the content files, and kb lint then
reports on those files only while resolving references against the whole knowledge base."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from kb.loader import content_files, load_config
from kbtest import REPO, edit, make_kb, run_cli

#: what pre-commit requires of a hook in .pre-commit-hooks.yaml, and what it may carry
REQUIRED = {"id", "name", "entry", "language"}
KNOWN = REQUIRED | {"description", "files", "exclude", "types", "types_or", "exclude_types",
                    "require_serial", "pass_filenames", "args", "stages", "always_run",
                    "minimum_pre_commit_version", "verbose", "alias", "additional_dependencies",
                    "language_version", "log_file", "fail_fast"}


def published_hook() -> dict[str, Any]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    hook: dict[str, Any] = hooks[0]
    return hook


def local_hooks() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}


def test_the_published_hook_has_the_fields_pre_commit_reads() -> None:
    hook = published_hook()
    assert REQUIRED <= hook.keys() <= KNOWN
    assert (hook["id"], hook["entry"], hook["language"]) == ("kb-lint", "kb lint", "python")
    assert hook.get("pass_filenames", True) is True


def test_this_repository_runs_the_same_lint_and_ruff() -> None:
    hooks = local_hooks()
    assert set(hooks) == {"kb-lint", "ruff"}
    assert hooks["kb-lint"]["files"] == published_hook()["files"]
    assert shlex.split(hooks["kb-lint"]["entry"])[1:] == ["lint"]
    assert shlex.split(hooks["ruff"]["entry"])[1:] == ["check"]


def test_the_hook_passes_exactly_the_content_files() -> None:
    pattern = re.compile(published_hook()["files"])
    tracked = [p.relative_to(REPO).as_posix() for folder in ("docs", "decision_trees")
               for p in (REPO / folder).rglob("*") if p.is_file()]
    tracked += ["mkdocs.yml", "README.md", "pyproject.toml"]
    passed = {rel for rel in tracked if pattern.search(rel)}
    assert passed == set(content_files(load_config(REPO)))


def run_hook(root: Path, *files: str) -> tuple[int, str]:
    """The hook as pre-commit runs it: its entry, then the staged files its pattern matches."""
    hook = published_hook()
    chosen = [str(root / f) for f in files if re.search(hook["files"], f)]
    return run_cli(root, *shlex.split(hook["entry"])[1:], "--no-cache", *chosen)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb")
    # a finding in a file the commit does not touch
    edit(root, "docs/guides/reply-refund.md", "products: [upi]\n", "products: [upi]\ncolour: red\n")
    return root


def test_only_the_files_passed_are_reported(kb: Path) -> None:
    code, out = run_hook(kb, "docs/guides/refund.md", "mkdocs.yml")
    assert code == 0, out
    assert "reply-refund.md" not in out


def test_references_still_resolve_against_the_whole_kb(kb: Path) -> None:
    edit(kb, "docs/guides/refund.md", "(reply-refund.md)", "(reply-refund.md#no-such-heading)")
    code, out = run_hook(kb, "docs/guides/refund.md")
    assert code == 1
    assert "docs/guides/refund.md:" in out and "KB202" in out
    assert "colour" not in out
    # and an id taken by a file outside the commit is still a duplicate
    edit(kb, "decision_trees/refund.yaml", "id: refund", "id: guide-refund")
    assert "KB107" in run_hook(kb, "decision_trees/refund.yaml")[1]
