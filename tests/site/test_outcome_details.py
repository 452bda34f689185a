"""What the walker shows first at an outcome, made at build time: the next step in words, the
reply as text to paste, the deadline as authored; and the trees an article or section offers."""

from __future__ import annotations

from pathlib import Path

from kb.graph import known_facts
from kb.loader import load, load_config
from kb.model import Deadline, Outcome
from kb.pages.article_header import trees_citing, trees_for
from kb.pages.indexes import section_tree_lists
from kb.pages.trees import next_action, reply_text, walker_data
from kbtest import make_kb

REPO = Path(__file__).resolve().parents[2]
SHIPPED = load(load_config(REPO)).kb


def _outcome(resolution: str, queue: str = "", sla: float | None = None) -> Outcome:
    return Outcome("Title", resolution, "specialist", "a", "", "", "", queue, sla)


def test_the_next_step_is_in_words() -> None:
    assert next_action(_outcome("escalate", "payments-in-l2", 24), has_reply=True) == (
        "Escalate to the payments-in-l2 queue, due within 24 hours. "
        "Send the customer the reply below.")
    assert next_action(_outcome("escalate", "fraud-response", 1), has_reply=False) == (
        "Escalate to the fraud-response queue, due within 1 hour. "
        "Tell the customer what the guidance below says.")
    assert next_action(_outcome("resolve"), has_reply=True) == \
        "Send the customer the reply below, then close the case."
    assert next_action(_outcome("inform"), has_reply=True) == \
        "Send the customer the reply below; nothing needs escalating."


def test_the_reply_is_text_to_paste() -> None:
    markdown = ("Hi {{name}},\n\nThe payment did not\ngo through, **so** it comes back.\n\n"
                "- one\n  more\n- two\n1. three")
    assert reply_text(markdown) == ("Hi {{name}},\n\nThe payment did not go through, so it "
                                    "comes back.\n\n- one more\n- two\n1. three")


def test_the_walker_carries_the_deadline_and_the_reply() -> None:
    data = walker_data(SHIPPED.trees["upi-debited-not-credited"], SHIPPED)
    outcome = data["nodes"]["wait-for-reversal"]["outcome"]  # type: ignore[index]
    assert outcome["deadline"] == {  # type: ignore[index]
        "label": "Reversal due", "since": "days_since_payment", "by": "payment_type",
        "days": {"p2p": 1.0, "merchant": 5.0}, "fills": "reversal_due_date",
        "start_fills": "payment_date"}
    details = data["outcome_details"]["wait-for-reversal"]  # type: ignore[index]
    assert "{{reversal_due_date}}" in details["reply"]["text"]  # type: ignore[index]
    assert details["reply"]["placeholders"]["reversal_due_date"] == "date"  # type: ignore[index]


def test_the_loader_reads_a_deadline() -> None:
    outcome = SHIPPED.trees["pix-med-refund"].nodes["guide-contest-button"].outcome
    assert outcome is not None
    assert outcome.deadline == Deadline(label="MED request deadline (80 days from the Pix)",
                                        since="days_since_pix", days=80,
                                        start_fills="payment_date")


def test_known_facts_are_those_asked_on_every_path() -> None:
    tree = SHIPPED.trees["upi-debited-not-credited"]
    known = known_facts(tree)
    assert known["status"] == frozenset()
    assert {"app_status", "debited", "payment_type", "days_since_payment"} <= \
        known["wait-for-reversal"]
    # pending payments skip the reversal question; failed ones ask it
    assert "reversal_status" not in known["wait-for-final-status"]
    assert "reversal_status" in known["wait-for-reversal"]


def test_an_article_offers_the_trees_that_cite_or_name_it(tmp_path: Path) -> None:
    root = make_kb(tmp_path, {"docs/guides/mentions.md": (
        "---\nid: mentions\ntitle: Mentions\nsummary: Mentions.\ntype: reference\n"
        "visibility: internal\nstatus: published\nowner: payments-ops-in\n"
        "reviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n---\n# Mentions\n\n"
        "Walk `refund`.\n")})
    kb = load(load_config(root)).kb
    assert [t.id for t in trees_for(kb.articles["mentions"], kb)] == ["refund"]
    assert [t.id for t in trees_for(kb.articles["guide-refund"], kb)] == ["refund"]


def test_a_section_lists_the_trees_citing_its_articles() -> None:
    lists = section_tree_lists(SHIPPED)
    assert "upi-debited-not-credited/" in lists["upi/index.md"]
    assert "card-dispute-triage/" not in lists["upi/index.md"]
    assert "card-dispute-triage/" in lists["cards/index.md"]
    assert "authoring/index.md" not in lists


def test_the_trees_citing_an_article_come_from_one_index() -> None:
    """The index `article_headers` builds once gives each article what asking every tree
    gives."""
    cited = trees_citing(SHIPPED)
    for article in SHIPPED.all_articles():
        every_tree = [t.id for t in sorted(SHIPPED.trees.values(), key=lambda t: t.id)
                      if any(n.outcome is not None and n.outcome.article == article.id
                             for n in t.nodes.values())]
        assert [t.id for t in cited.get(article.id, [])] == every_tree
        assert trees_for(article, SHIPPED, cited) == trees_for(article, SHIPPED)


def test_a_section_lists_exactly_the_trees_citing_an_article_below_it() -> None:
    """Each tree's cited folders, computed once, pick the trees that checking every outcome
    against every section picks."""
    lists = section_tree_lists(SHIPPED)
    for section in SHIPPED.section_pages:
        page = section.path.removeprefix("docs/")
        folder = page.rpartition("/")[0]
        citing = [t for t in SHIPPED.trees.values()
                  if any(n.outcome is not None and n.outcome.article in SHIPPED.articles
                         and SHIPPED.articles[n.outcome.article].path.startswith(
                             f"docs/{folder}/") for n in t.outcomes())] if folder else []
        assert (page in lists) == bool(citing), page
        for tree in citing:
            assert f"{tree.id}/" in lists[page]


def test_a_section_lists_the_trees_citing_an_article_at_any_depth_below_it(
        tmp_path: Path) -> None:
    guide = (REPO / "tests/fixtures/rules/_base/docs/guides/refund.md").read_text()
    root = make_kb(tmp_path, {"docs/guides/refund.md": None,
                              "docs/guides/deep/er/refund.md": guide,
                              "docs/guides/index.md": "# Guides\n",
                              "docs/guides/deep/index.md": "# Deep\n",
                              "docs/guides/deep/er/index.md": "# Deeper\n",
                              "docs/guides/deeper/index.md": "# Not below\n"})
    lists = section_tree_lists(load(load_config(root)).kb)
    assert sorted(lists) == ["guides/deep/er/index.md", "guides/deep/index.md",
                             "guides/index.md"]
    assert all("refund/" in listing for listing in lists.values())
