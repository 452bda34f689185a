"""Index pages as Markdown: every item listed with title, type, visibility and summary.

The listings are HTML blocks whose links are final URLs, relative to the page in the site's URL
style (`trees/refund/` is reached from `browse/products/` as `../../trees/refund/`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kb.html_blocks import OPENING
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
    assert ('<tr><td><a href="../../guides/refund/">Refund guide</a></td><td>procedure</td>'
            "<td>internal</td><td>How a refund") in upi_part
    assert ('<tr><td><a href="../../trees/refund/">Refund triage</a></td><td>decision tree</td>'
            "<td>internal</td>") in upi_part
    assert "<td>restricted (humans only)</td>" in pix_part
    assert "No articles or decision trees for this product yet." in page[cards:]


def test_listings_are_html_blocks_under_markdown_headings(kb: KnowledgeBase) -> None:
    page = _pages(kb)[PRODUCTS_PAGE]
    blocks = [line for line in page.splitlines() if line.startswith(OPENING)]
    assert len(blocks) == 2  # upi and pix; cards has no items
    assert all(f"\n\n{b}\n" in page for b in blocks)
    assert "\n## upi\n" in page and "<h2" not in page


def test_grouped_pages_are_left_out_of_search(kb: KnowledgeBase) -> None:
    pages = _pages(kb)
    for path in (PRODUCTS_PAGE, MARKETS_PAGE, TEAMS_PAGE):
        assert pages[path].startswith("---\nsearch:\n  exclude: true\n---\n\n# By "), path
    for path in ("browse/index.md", TREES_INDEX):
        assert not pages[path].startswith("---"), path


def test_links_follow_use_directory_urls(kb: KnowledgeBase) -> None:
    flat = replace(kb, config=replace(kb.config, use_directory_urls=False))
    pages = _pages(flat)
    assert '<a href="../guides/refund.html">Refund guide</a>' in pages[PRODUCTS_PAGE]
    assert '<a href="refund.html">Refund triage</a>' in pages[TREES_INDEX]


def test_pipes_in_titles_do_not_break_tables(kb: KnowledgeBase) -> None:
    page = _pages(kb)[MARKETS_PAGE]
    assert '<a href="../../risk/fraud-signals/">Fraud signals | for specialists</a>' in page


def test_text_is_escaped_in_the_html(tmp_path: Path) -> None:
    tricky = RESTRICTED.replace("title: Fraud signals | for specialists",
                                'title: "Fraud <signals> & \\"rings\\""')
    root = make_kb(tmp_path / "kb", {"docs/risk/fraud-signals.md": tricky})
    page = _pages(load(load_config(root)).kb)[MARKETS_PAGE]
    assert '<a href="../../risk/fraud-signals/">Fraud &lt;signals&gt; &amp; "rings"</a>' in page


def test_teams_page_groups_by_owner(kb: KnowledgeBase) -> None:
    page = _pages(kb)[TEAMS_PAGE]
    risk = page[page.index("\n## risk-ops\n"):]
    assert "risk/fraud-signals/" in risk and "guides/refund/" not in risk


def test_markets_page_lists_an_item_under_each_of_its_markets(kb: KnowledgeBase) -> None:
    page = _pages(kb)[MARKETS_PAGE]
    assert page.count('"../../risk/fraud-signals/"') == 2


def test_tree_index_links_tree_pages_and_counts_cases(kb: KnowledgeBase) -> None:
    page = _pages(kb)[TREES_INDEX]
    assert ('<li class="kb-tree-card"><p class="kb-tree-card-title"><a href="refund/">'
            'Refund triage</a></p><p class="kb-tree-card-summary">Decides whether') in page
    assert "<dt>Visibility</dt><dd>internal</dd>" in page
    assert "<dt>Owner</dt><dd>payments-ops-in</dd>" in page
    assert "<dt>Markets</dt><dd>IN</dd>" in page and "<dt>Products</dt><dd>upi</dd>" in page
    assert page.rstrip().endswith("<dt>Labeled cases</dt><dd>3</dd></div></dl></li></ul></div>")
    assert "<table" not in page  # a list of cards: no table to scroll sideways on a phone


def test_home_page_is_left_to_an_authored_one(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", {"docs/index.md": "# Our home\n"})
    pages = _pages(load(load_config(root)).kb)
    assert HOME_PAGE not in pages


def test_group_anchor_matches_the_heading_slug() -> None:
    assert group_anchor("IN") == "in"
    assert group_anchor("payments-ops-in") == "payments-ops-in"
