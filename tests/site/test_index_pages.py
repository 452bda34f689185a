"""Index pages as Markdown: every item listed with title, type, visibility and summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages import generate_pages
from kb.pages.indexes import (
    HOME_PAGE,
    MARKETS_PAGE,
    PRODUCTS_PAGE,
    TEAMS_PAGE,
    TREES_INDEX,
    group_anchor,
    index_pages,
)
from kbtest import make_kb

RESTRICTED = """---
id: fraud-signals
title: Fraud signals | for specialists
summary: Signals of a fraud ring.
type: reference
visibility: restricted
status: published
owner: risk-ops
reviewed: 2026-10-01
markets: [IN, BR]
products: [pix]
---
# Fraud signals

## Signals

Many refunds from new devices for one payee within an hour.
"""


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    root = make_kb(tmp_path / "kb", {"docs/risk/fraud-signals.md": RESTRICTED})
    return load(load_config(root)).kb


def _pages(kb: KnowledgeBase) -> dict[str, str]:
    return {p.path: p.markdown for p in index_pages(kb)}


def test_index_pages_are_generated(kb: KnowledgeBase) -> None:
    paths = {p.path for p in generate_pages(kb)}
    assert {HOME_PAGE, "browse/index.md", PRODUCTS_PAGE, MARKETS_PAGE, TEAMS_PAGE,
            TREES_INDEX, "reference/lint-rules.md"} <= paths


def test_products_page_groups_by_configured_product(kb: KnowledgeBase) -> None:
    page = _pages(kb)[PRODUCTS_PAGE]
    upi, pix, cards = (page.index(f"\n## {p}\n") for p in ("upi", "pix", "cards"))
    assert upi < pix < cards
    upi_part, pix_part = page[upi:pix], page[pix:cards]
    assert "| [Refund guide](../guides/refund.md) | procedure | internal | How a refund" \
        in upi_part
    assert "| [Refund triage](../trees/refund.md) | decision tree | internal |" in upi_part
    assert "restricted (humans only)" in pix_part
    assert "No articles or decision trees for this product yet." in page[cards:]


def test_pipes_in_titles_do_not_break_tables(kb: KnowledgeBase) -> None:
    page = _pages(kb)[MARKETS_PAGE]
    assert r"[Fraud signals \| for specialists](../risk/fraud-signals.md)" in page


def test_teams_page_groups_by_owner(kb: KnowledgeBase) -> None:
    page = _pages(kb)[TEAMS_PAGE]
    risk = page[page.index("\n## risk-ops\n"):]
    assert "fraud-signals.md" in risk and "guides/refund.md" not in risk


def test_markets_page_lists_an_item_under_each_of_its_markets(kb: KnowledgeBase) -> None:
    page = _pages(kb)[MARKETS_PAGE]
    assert page.count("(../risk/fraud-signals.md)") == 2


def test_tree_index_links_tree_pages_and_counts_cases(kb: KnowledgeBase) -> None:
    page = _pages(kb)[TREES_INDEX]
    assert "| [Refund triage](refund.md) | decision tree | internal | Decides whether" in page
    assert page.rstrip().endswith("| 3 |")


def test_home_page_is_left_to_an_authored_one(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", {"docs/index.md": "# Our home\n"})
    pages = _pages(load(load_config(root)).kb)
    assert HOME_PAGE not in pages


def test_group_anchor_matches_the_heading_slug() -> None:
    assert group_anchor("IN") == "in"
    assert group_anchor("payments-ops-in") == "payments-ops-in"
