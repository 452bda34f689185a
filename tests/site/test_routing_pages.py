"""Routing on the site: tree pages and the tree index say when a tree applies, and the Quality
section's routing page shows the figures with the confusion matrix as SVG and as a table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.client import Client
from kb.loader import load, load_config
from kb.pages import generate_pages
from kb.pages.agent_access import LIVE_ACCESS_PAGE
from kb.pages.indexes import TREES_INDEX
from kb.pages.quality import ROUTING_PAGE, routing_page_markdown
from kb.pages.trees import tree_markdown
from kbtest import REPO, make_kb


def test_a_tree_page_shows_when_it_applies_its_examples_and_where_not_for_goes() -> None:
    kb = load(load_config(REPO)).kb
    page = tree_markdown(kb.trees["upi-wrong-recipient"], kb)
    section = page[page.index("## When this tree applies"):page.index("## Walk the tree")]
    assert "sent a UPI payment to the wrong person" in section
    assert section.count("<li>") == 10 + 2
    assert '→ <a href="../pix-med-refund/">Pix refund or MED eligibility</a>' in section


def test_the_tree_index_quotes_applies_when_and_the_first_examples(tmp_path: Path) -> None:
    kb = load(load_config(make_kb(tmp_path))).kb
    index = next(p.markdown for p in generate_pages(kb) if p.path == TREES_INDEX)
    assert ("<p>A customer waits for a refund that has not arrived. For example: “My refund "
            "has not arrived yet”; “The refund was issued a week ago and I still do not have "
            "it”; “When will I get my refund?”.</p>") in index


def test_the_routing_page_has_figures_a_confusion_svg_and_table() -> None:
    kb = load(load_config(REPO)).kb
    assert ROUTING_PAGE in {p.path for p in generate_pages(kb)}
    page = routing_page_markdown(kb)
    accuracy = re.search(r"accuracy \*\*(\d+\.\d)%\*\*", page)
    assert accuracy is not None and float(accuracy.group(1)) >= 85.0  # the README's figure: 0.853
    assert "| expected \\ routed |" in page and "<svg" in page
    assert "<title id=\"routing-confusion-title\">" in page
    # the table's diagonal for a tree no message of the held-out split left
    header = next(line for line in page.splitlines() if line.startswith("| expected \\ routed |"))
    column = [c.strip() for c in header.split("|")].index("`merchant-refund-not-received`")
    row = next(line for line in page.splitlines()
               if line.startswith("| `merchant-refund-not-received` |") and line.count("|") > 6)
    assert [c.strip() for c in row.split("|")][column] == "10"


def test_without_a_routing_set_the_page_says_so(tmp_path: Path) -> None:
    kb = load(load_config(make_kb(tmp_path))).kb
    assert "No labeled routing messages" in routing_page_markdown(kb)


def test_one_agents_client_serves_every_page_that_measures_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The live-access page and the routing page measure the same in-memory bundle, built once
    per generation (building it is most of their cost), and none is kept after."""
    kb = load(load_config(REPO)).kb
    built: list[object] = []
    real = Client.from_kb.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Client], knowledge: object) -> Client:
        built.append(knowledge)
        return real(cls, knowledge)  # type: ignore[no-any-return]

    monkeypatch.setattr(Client, "from_kb", classmethod(counted))
    paths = {p.path for p in generate_pages(kb)}
    assert {ROUTING_PAGE, LIVE_ACCESS_PAGE} <= paths
    assert built == [kb]
    generate_pages(kb)
    assert built == [kb, kb]  # a second generation measures afresh
