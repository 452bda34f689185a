"""`kb owners`: CODEOWNERS from each file's owner team and the `code_owners` map."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.commands.owners import HEADER, codeowners
from kb.loader import load, load_config
from kbtest import REPO, edit, make_kb, run_cli

OWNERS = ("      code_owners:\n        payments-ops-in: \"@acme/payments-in\"\n"
          "        risk-ops: \"@risk-lead\"\n")


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb")
    edit(root, "mkdocs.yml", "      queues:", OWNERS + "      queues:")
    return root


def test_the_committed_codeowners_is_current() -> None:
    committed = (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert committed == codeowners(load(load_config(REPO)).kb), "run `kb owners` and commit"


def test_each_content_file_goes_to_its_owner_team(kb: Path) -> None:
    edit(kb, "docs/guides/reply-refund.md", "owner: payments-ops-in", "owner: risk-ops")
    code, out = run_cli(kb, "owners")
    assert (code, out) == (0, "wrote .github/CODEOWNERS\n")
    assert (kb / ".github/CODEOWNERS").read_text() == HEADER + (
        "/decision_trees/refund.cases.yaml @acme/payments-in\n"
        "/decision_trees/refund.yaml @acme/payments-in\n"
        "/docs/guides/refund.md @acme/payments-in\n"
        "/docs/guides/reply-refund.md @risk-lead\n")


def test_a_team_without_a_handle_exits_two(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(kb, "mkdocs.yml", "        risk-ops: \"@risk-lead\"\n", "")
    edit(kb, "docs/guides/reply-refund.md", "owner: payments-ops-in", "owner: risk-ops")
    assert run_cli(kb, "owners")[0] == 2
    assert "no GitHub handle for team(s) risk-ops" in capsys.readouterr().err
    assert not (kb / ".github").exists()


@pytest.mark.parametrize(("entry", "message"), [
    ("        nobody: \"@acme/nobody\"\n", "`code_owners` names teams not in `teams`: nobody"),
    ("        risk-ops: \"risk@example.org\"\n", "not a GitHub handle (@user or @org/team)"),
    ("        risk-ops: \"@acme/risk ops\"\n", "not a GitHub handle (@user or @org/team)"),
])
def test_a_bad_map_is_a_configuration_error(kb: Path, entry: str, message: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    edit(kb, "mkdocs.yml", "        risk-ops: \"@risk-lead\"\n", entry)
    assert run_cli(kb, "owners")[0] == 2
    assert message in capsys.readouterr().err


def test_paths_are_matched_literally(kb: Path) -> None:
    (kb / "docs/guides/refund.md").rename(kb / "docs/guides/refund [old] #1.md")
    text = codeowners(load(load_config(kb)).kb)
    assert "/docs/guides/refund\\ \\[old\\]\\ \\#1.md @acme/payments-in\n" in text
