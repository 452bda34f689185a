"""`kb new`: every file it writes passes `kb lint` as written; it never overwrites."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from kbtest import make_kb, run_cli

INDEX = ("# Guides\n\nHow-to guides.\n\n- [Refund guide](refund.md)\n"
         "- [Refund on its way](reply-refund.md)\n")
ARTICLE = ("--id", "guides-chargeback-basics", "--section", "guides", "--title",
           "Chargebacks: the basics", "--summary", "What a chargeback is and who decides it.",
           "--type", "reference", "--markets", "IN,BR", "--products", "cards",
           "--owner", "risk-ops")
COMMON = ("--summary", "Decides a thing.", "--markets", "IN", "--products", "upi",
          "--owner", "risk-ops")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: nothing is asked
    return make_kb(tmp_path / "kb", {"docs/guides/index.md": INDEX})


def lints_clean(root: Path) -> None:
    code, out = run_cli(root, "lint", "--strict", "--no-cache")
    assert code == 0, out
    assert "0 errors, 0 warnings" in out


def test_an_article_passes_lint_and_joins_its_section_index(kb: Path) -> None:
    code, out = run_cli(kb, "new", "article", *ARTICLE)
    assert code == 0
    assert out.splitlines() == ["wrote docs/guides/chargeback-basics.md",
                                "wrote docs/guides/index.md"]
    text = (kb / "docs/guides/chargeback-basics.md").read_text()
    assert 'title: "Chargebacks: the basics"\n' in text
    assert "status: draft\nowner: risk-ops\nreviewed: 2026-11-01\n" in text
    assert (kb / "docs/guides/index.md").read_text() == INDEX + (
        "- [Chargebacks: the basics](chargeback-basics.md) (draft)\n")
    lints_clean(kb)


def test_a_macro_is_public_and_passes_lint(kb: Path) -> None:
    code, _ = run_cli(kb, "new", "macro", "--id", "reply-chargeback-filed", "--section",
                      "guides", "--title", "Chargeback filed", *COMMON)
    assert code == 0
    text = (kb / "docs/guides/reply-chargeback-filed.md").read_text()
    assert "type: macro\nvisibility: public\n" in text
    lints_clean(kb)


def test_a_tree_comes_with_one_case_per_outcome_and_both_pass(kb: Path) -> None:
    code, out = run_cli(kb, "new", "tree", "--id", "chargeback-triage", "--title",
                        "Chargeback triage", "--article", "guide-refund", *COMMON)
    assert code == 0
    assert out.splitlines() == ["wrote decision_trees/chargeback-triage.yaml",
                                "wrote decision_trees/chargeback-triage.cases.yaml"]
    lints_clean(kb)
    code, out = run_cli(kb, "test")
    assert code == 0
    assert "chargeback-triage: 2 cases, outcomes 2/2" in out


def test_cases_for_an_existing_tree_reach_every_outcome(kb: Path) -> None:
    (kb / "decision_trees/refund.cases.yaml").unlink()
    code, _ = run_cli(kb, "new", "cases", "--id", "refund")
    assert code == 0
    lints_clean(kb)
    code, out = run_cli(kb, "test")
    assert code == 0
    assert "refund: 3 cases, outcomes 3/3" in out


@pytest.mark.parametrize(("argv", "message"), [
    (("article", *ARTICLE[:1], "Guides_Basics", *ARTICLE[2:]),
     "--id `Guides_Basics` is not kebab-case"),
    (("article", *ARTICLE[:1], "guide-refund", *ARTICLE[2:]),
     "id `guide-refund` is taken: ids are unique across articles and trees"),
    (("tree", "--id", "index", "--title", "T", "--article", "guide-refund", *COMMON),
     "tree id `index` is reserved"),
    (("cases", "--id", "no-such-tree"), "--id `no-such-tree` is not one of: refund"),
    (("article", *ARTICLE[:-1], "nobody"), "--owner `nobody` is not one of: payments-ops-in"),
    (("article", *ARTICLE[:11], "XX,IN", *ARTICLE[12:]),
     "--markets: XX not in the configured vocabulary: IN, BR"),
    (("article", *ARTICLE[:3], "nowhere", *ARTICLE[4:]), "--section `nowhere` is not one of"),
    (("tree", "--id", "t", "--title", "T", "--article", "nope", *COMMON),
     "--article `nope` is not an article agents may be sent to"),
    (("article", "--id", "guides-x"), "kb new article needs --section (one of: guides)"),
])
def test_bad_input_exits_two_and_writes_nothing(kb: Path, argv: tuple[str, ...], message: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p for p in kb.rglob("*") if p.is_file())
    code, out = run_cli(kb, "new", *argv)
    assert (code, out) == (2, "")
    assert message in capsys.readouterr().err
    assert sorted(p for p in kb.rglob("*") if p.is_file()) == before
    assert (kb / "docs/guides/index.md").read_text() == INDEX


def test_never_overwrites(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (kb / "docs/guides/chargeback-basics.md").write_text("mine\n")
    assert run_cli(kb, "new", "article", *ARTICLE)[0] == 2
    assert ("docs/guides/chargeback-basics.md already exists: kb new never overwrites a file"
            in capsys.readouterr().err)
    assert (kb / "docs/guides/chargeback-basics.md").read_text() == "mine\n"
    assert run_cli(kb, "new", "cases", "--id", "refund")[0] == 2


def test_on_a_terminal_it_asks_for_what_is_missing_offering_the_vocabularies(
        kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = ["guides-asked", "guides", "reference", "Asked for", "Asked for on a terminal.",
               "risk-ops", "IN", "upi"]
    monkeypatch.setattr(sys, "stdin", Terminal("\n".join(answers) + "\n"))
    code, out = run_cli(kb, "new", "article")
    assert code == 0
    assert "section (guides): " in out
    assert "type (policy, procedure, troubleshooting, reference): " in out
    assert "owner (payments-ops-in, risk-ops): " in out
    assert "markets (IN, BR): " in out
    assert "wrote docs/guides/asked.md" in out
    lints_clean(kb)
