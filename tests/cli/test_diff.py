"""`kb diff` on real git repositories made in a temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kb.changes.compare import CaseChange, KbDiff
from kb.changes.report import MARKDOWN_LIMIT, diff_markdown
from kbtest import edit, make_kb, run_cli

TREE = "decision_trees/refund.yaml"
GUIDE = "docs/guides/refund.md"
REPLY = "docs/guides/reply-refund.md"


def git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="Author", GIT_AUTHOR_EMAIL="author@example.org",
               GIT_COMMITTER_NAME="Author", GIT_COMMITTER_EMAIL="author@example.org",
               GIT_CONFIG_NOSYSTEM="1", HOME=str(root.parent))
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          env=env, check=True)
    return done.stdout.strip()


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def change_kb(root: Path) -> None:
    """A threshold that moves case r-2 (2 days) to `escalate`, a guide made restricted, the
    reply renamed, and a new outcome."""
    edit(root, TREE, "{when: {lt: 7}, next: wait}", "{when: {lt: 2}, next: wait}")
    edit(root, GUIDE, "visibility: internal", "visibility: restricted")
    (root / "docs/replies").mkdir()
    shutil.move(root / REPLY, root / "docs/replies/reply-refund.md")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str, str]:
    root = make_kb(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    base = commit_all(root, "base")
    change_kb(root)
    head = commit_all(root, "head")
    return root, base, head


def diff_json(root: Path, *argv: str) -> dict[str, Any]:
    code, out = run_cli(root, "diff", *argv, "--format", "json")
    assert code == 0, out
    parsed: dict[str, Any] = json.loads(out)
    return parsed


def test_two_commits_show_what_changes_for_reviewers(repo: tuple[Path, str, str]) -> None:
    root, base, head = repo
    diff = diff_json(root, base, head)
    assert (diff["format"], diff["version"]) == ("kb-diff", 1)
    assert diff["cases"] == [{"tree": "refund", "case": "r-2", "expected": "wait",
                              "old": "wait", "new": "escalate", "parts_at": "age"}]
    assert diff["fields"] == [{"kind": "article", "id": "guide-refund", "field": "visibility",
                               "old": "internal", "new": "restricted"}]
    assert diff["exports"] == [{"kind": "article", "id": "guide-refund", "move": "leaves"}]
    assert diff["renamed"] == [{"kind": "article", "id": "reply-refund", "old_path": REPLY,
                                "new_path": "docs/replies/reply-refund.md"}]
    assert diff["facts"] == [{"tree": "refund", "fact": "days", "change": "thresholds",
                              "old": "7", "new": "2"}]
    assert [(i["kind"], i["id"]) for i in diff["text"]] == [("article", "reply-refund"),
                                                             ("tree", "refund")]
    assert diff["added"] == diff["removed"] == diff["outcomes"] == []


def test_text_and_markdown_name_the_case_and_where_paths_part(
        repo: tuple[Path, str, str]) -> None:
    root, base, head = repo
    for fmt in ("text", "markdown"):
        code, out = run_cli(root, "diff", base, head, "--format", fmt)
        assert code == 0
        assert ("tree `refund` case `r-2`: wait -> escalate (paths part at `age`; does not "
                "match expected `wait`)") in out
        assert "article `guide-refund` leaves the agent exports" in out


def test_outcomes_added_and_removed(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "repo")
    git(root, "init", "-q")
    base = commit_all(root, "base")
    edit(root, TREE, "next: wait}", "next: hold}")
    edit(root, TREE, "  wait:\n", "  hold:\n")
    diff = diff_json(root, base)
    assert [(o["node"], o["change"]) for o in diff["outcomes"]] == [("hold", "added"),
                                                                    ("wait", "removed")]
    # the case's walk now ends at `hold`: the last node both walks visit is `age`
    assert [(c["old"], c["new"], c["parts_at"]) for c in diff["cases"]] == [
        ("wait", "hold", "age")]


def test_head_defaults_to_the_working_tree_and_says_it_is_dirty(
        repo: tuple[Path, str, str]) -> None:
    root, _, head = repo
    code, out = run_cli(root, "diff", head)
    assert code == 0
    assert out.splitlines() == [f"kb diff {head} ({head[:12]}) -> working tree",
                                "no change to articles, trees, cases or the agent exports"]
    edit(root, GUIDE, "status: published", "status: draft")
    (root / "docs/guides/new.md").write_text((root / GUIDE).read_text().replace(
        "id: guide-refund", "id: guide-new"))
    diff = diff_json(root, head)
    assert diff["head"] == "working tree (with uncommitted changes)"
    assert [a["id"] for a in diff["added"]] == ["guide-new"]
    assert diff["fields"][0]["field"] == "status"


def test_a_shallow_checkout_works_once_the_base_is_fetched(
        repo: tuple[Path, str, str], tmp_path: Path) -> None:
    origin, base, _ = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(clone))
    code, _ = run_cli(clone, "diff", base)
    assert code == 2
    git(clone, "fetch", "-q", "--depth=1", "origin", base)
    assert diff_json(clone, base)["cases"][0]["case"] == "r-2"


def test_a_kb_in_a_subfolder_of_the_checkout(tmp_path: Path) -> None:
    top = tmp_path / "top"
    root = make_kb(top / "kb")
    git(top, "init", "-q")
    base = commit_all(top, "base")
    change_kb(root)
    assert diff_json(root, base)["cases"][0]["new"] == "escalate"


@pytest.mark.parametrize(("argv", "message"), [
    (("no-such-rev",), "kb: error: unknown revision `no-such-rev`"),
    (("main", "nope"), "kb: error: unknown revision `nope`"),
    (("--", "-p"), "kb: error: `-p` is not a revision"),
])
def test_unknown_revisions_exit_two(repo: tuple[Path, str, str], argv: tuple[str, ...],
                                    message: str, capsys: pytest.CaptureFixture[str]) -> None:
    root, _, _ = repo
    code, out = run_cli(root, "diff", *argv)
    assert (code, out) == (2, "")
    assert capsys.readouterr().err.strip() == message


def test_a_shallow_checkout_says_to_fetch(repo: tuple[Path, str, str], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    origin, base, _ = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(clone))
    assert run_cli(clone, "diff", base)[0] == 2
    assert f"fetch it first (git fetch --depth=1 origin {base})" in capsys.readouterr().err


def test_not_a_git_checkout_exits_two(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(kb_dir, "diff", "main")
    assert code == 2
    assert "is not in a git checkout: kb diff compares git revisions" in capsys.readouterr().err


def test_a_revision_without_the_kb_exits_two(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README").write_text("before the knowledge base\n")
    git(root, "init", "-q")
    base = commit_all(root, "empty")
    make_kb(root)
    assert run_cli(root, "diff", base)[0] == 2
    assert f"revision {base[:12]} has no mkdocs.yml at the top" in capsys.readouterr().err


def test_markdown_stays_under_a_comment_and_counts_what_it_cuts() -> None:
    cases = tuple(CaseChange("tree-with-a-long-name", f"case-{i:05d}", "wait", "wait",
                             "escalate", "age") for i in range(5000))
    text = diff_markdown(KbDiff("main", "head", cases=cases))
    assert len(text) <= MARKDOWN_LIMIT
    assert "**Labeled cases whose walk now ends at a different outcome** (5000)" in text
    shown = text.count("- tree `tree-with-a-long-name`")
    assert 0 < shown < 5000
    assert f"- ... and {5000 - shown} more" in text


def _limits(article_id: str, extra: str) -> str:
    return (f"---\nid: {article_id}\ntitle: Limits {article_id}\nsummary: The limits.\n"
            "type: reference\nvisibility: internal\nowner: payments-ops-in\n"
            f"reviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n{extra}---\n"
            "# Limits\n\n## Daily limit\n\nThe daily limit applies.\n")


def test_what_takes_effect_in_the_next_30_days(tmp_path: Path) -> None:
    """A new limits article taking effect on 1 November supersedes the old one: a diff judged
    within 30 days before lists both changes, in every format; one judged earlier does not."""
    root = make_kb(tmp_path / "repo", {
        "docs/guides/limits-old.md": _limits("limits-old", "status: published\n")})
    git(root, "init", "-q")
    base = commit_all(root, "base")
    edit(root, "docs/guides/limits-old.md", "status: published",
         "status: deprecated\nsuperseded_by: limits-new")
    (root / "docs/guides/limits-new.md").write_text(
        _limits("limits-new", "status: published\neffective_from: 2026-11-01\n"))
    head = commit_all(root, "new limits from 1 November")
    diff = diff_json(root, base, head, "--today", "2026-10-10")
    assert diff["today"] == "2026-10-10"
    assert diff["upcoming"] == [
        {"day": "2026-11-01", "kind": "takes effect", "item_id": "limits-new",
         "title": "Limits limits-new", "path": "docs/guides/limits-new.md"},
        {"day": "2026-11-01", "kind": "ends", "item_id": "limits-old",
         "title": "Limits limits-old", "path": "docs/guides/limits-old.md"}]
    # on 10 October the new article is not yet exported and the old one still is
    assert diff["exports"] == [] and [a["id"] for a in diff["added"]] == ["limits-new"]
    line = ("2026-11-01: `limits-new` takes effect (docs/guides/limits-new.md): "
            "Limits limits-new")
    for fmt, heading in (("text", "Taking effect or ending in the next 30 days (2):"),
                         ("markdown", "**Taking effect or ending in the next 30 days** (2)")):
        code, out = run_cli(root, "diff", base, head, "--today", "2026-10-10", "--format", fmt)
        assert code == 0 and heading in out and line in out, out
    assert diff_json(root, base, head, "--today", "2026-09-30")["upcoming"] == []
    # from the day on, the old article has left the exports and the new one entered them
    after = diff_json(root, base, "--today", "2026-11-01")
    assert after["upcoming"] == []
    assert after["exports"] == [{"kind": "article", "id": "limits-new", "move": "enters"},
                                {"kind": "article", "id": "limits-old", "move": "leaves"}]
