"""Walking trees read from kb-bundle.json alone, with the page's own example code, agrees with
`kb test` on every labeled case; the example's branch semantics are kb.walk's."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from export_support import GOLDEN_KB, REPO, exports_of, load_kb, page_walk_code, page_walker

from kb.buildinfo import build_info
from kb.casetest import run_cases
from kb.export import build_exports
from kb.pages.bundle_format import bundle_format_markdown, walk_example_source
from kb.when import holds as branch_holds


def test_the_page_shows_the_shipped_example_verbatim() -> None:
    assert page_walk_code() == walk_example_source()
    assert "def walk(" in page_walk_code()


def _bundle_outcomes(root: Path, bundle_bytes: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """(bundle walk outcome, kb test outcome) per case id, for cases of exported trees."""
    walker = page_walker()
    bundle = json.loads(bundle_bytes)
    trees = {t["id"]: t for t in bundle["trees"]}
    kb = load_kb(root)
    by_bundle: dict[str, str] = {}
    by_kb: dict[str, str] = {}
    for result in run_cases(kb).results:
        if result.tree not in trees:
            continue
        key = f"{result.tree}/{result.case.id}"
        try:
            outcome, _, _ = walker["walk"](trees[result.tree], dict(result.case.facts))
        except walker["Stuck"]:
            outcome = ""
        by_bundle[key] = outcome
        by_kb[key] = result.walk.outcome
    return by_bundle, by_kb


def test_cases_walked_through_the_small_bundle_match_kb_test() -> None:
    by_bundle, by_kb = _bundle_outcomes(GOLDEN_KB, exports_of(GOLDEN_KB)["kb-bundle.json"])
    assert len(by_bundle) == 7
    assert by_bundle == by_kb


def test_cases_walked_through_the_real_bundle_match_kb_test() -> None:
    files = build_exports(load_kb(REPO), build_info(REPO))
    by_bundle, by_kb = _bundle_outcomes(REPO, files["kb-bundle.json"])
    assert len(by_bundle) >= 50, "the shipped content has labeled cases for its trees"
    assert by_bundle == by_kb


VALUES: list[Any] = [True, False, 0, 1, 1.0, 2, 4.5, 48, 48.0, 72, -1, "a", "b", "1", "true",
                     None]
WHENS: list[Any] = [True, False, 1, 48, 4.5, "a", "1", [True], ["a", "b"], [1, "a"], [],
                    {"lt": 48}, {"lte": 48}, {"gt": 1, "lt": 48}, {"gte": 1.0}, {},
                    {"lt": "48"}, {"eq": 1}]


def test_the_example_branch_semantics_are_kb_walk_semantics() -> None:
    holds = page_walker()["holds"]
    for when, value in itertools.product(WHENS, VALUES):
        assert holds(when, value) == branch_holds(when, value), (when, value)


def test_the_example_reports_a_stuck_walk() -> None:
    walker = page_walker()
    tree = json.loads(exports_of(GOLDEN_KB)["kb-bundle.json"])["trees"][0]
    with pytest.raises(walker["Stuck"], match="needs the fact 'rail'"):
        walker["walk"](tree, {"arrived": False})
    with pytest.raises(walker["Stuck"], match="no branch of rail holds"):
        walker["walk"](tree, {"arrived": False, "rail": "cash"})
    node_id, outcome, path = walker["walk"](tree, {"arrived": False, "rail": "upi", "days": 45})
    assert (node_id, outcome["queue"], path) == ("fraud-review", "fraud-response",
                                                 ["arrived", "rail", "age", "fraud-review"])


def test_the_example_runs_as_a_script(tmp_path: Path) -> None:
    (tmp_path / "kb-bundle.json").write_bytes(exports_of(GOLDEN_KB)["kb-bundle.json"])
    script = tmp_path / "walk_bundle.py"
    script.write_text(page_walk_code(), encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(script), "kb-bundle.json", "refund-triage",
                               *args], cwd=tmp_path, capture_output=True, text=True, check=False)

    done = run("arrived=false", "rail=upi", "days=2")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "arrived -> rail -> age -> wait",
        "Wait for the refund (inform, handled by ai)",
        "article: refunds/timelines/#upi-refunds",
    ]
    stuck = run("arrived=false")
    assert stuck.returncode == 1 and stuck.stdout.startswith("stuck: rail needs the fact")


def test_the_documented_command_works_on_the_real_bundle(tmp_path: Path) -> None:
    page = " ".join(bundle_format_markdown().split())
    match = re.search(r"`python walk_bundle\.py kb-bundle\.json ([^`]+)`", page)
    assert match, "the page shows how to run the example"
    files = build_exports(load_kb(REPO), build_info(REPO))
    (tmp_path / "kb-bundle.json").write_bytes(files["kb-bundle.json"])
    (tmp_path / "walk_bundle.py").write_text(page_walk_code(), encoding="utf-8")
    done = subprocess.run([sys.executable, "walk_bundle.py", "kb-bundle.json",
                           *match.group(1).split()], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "article: " in done.stdout
