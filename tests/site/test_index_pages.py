"""Index pages as Markdown: every item listed with title, type, visibility and summary.

The listings are HTML blocks whose links are final URLs, relative to the page in the site's URL
style (`trees/refund/` is reached from `browse/products/` as `../../trees/refund/`)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from pathlib import Path

import pytest

from kb.html_blocks import OPENING
from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages import generate_pages, indexes
from kb.pages.indexes import (
    HOME_PAGE,
    MARKETS_PAGE,
    PARTS_FOLDER,
    PRODUCTS_PAGE,
    TEAMS_PAGE,
    TREES_INDEX,
    entries,
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
    assert ('<li><p class="kb-listing__title"><a href="../../guides/refund/">Refund guide</a>'
            '</p><p class="kb-listing__about">procedure · internal</p><p>How a refund') \
        in upi_part
    assert ('<li><p class="kb-listing__title"><a href="../../trees/refund/">Refund triage</a>'
            '</p><p class="kb-listing__about">decision tree · internal</p>') in upi_part
    assert "reference · restricted (humans only)</p>" in pix_part
    assert "<table" not in page  # a list wraps on a phone; a table would scroll
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


def test_pipes_in_titles_do_not_break_listings(kb: KnowledgeBase) -> None:
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
    assert ('<li><p class="kb-listing__title"><a href="refund/">Refund triage</a></p>'
            '<p class="kb-listing__about">decision tree · internal · Owner: payments-ops-in · '
            "Markets: IN · Products: upi · Labeled cases: 3</p><p>Decides whether") in page
    assert "<table" not in page


def test_home_page_is_left_to_an_authored_one(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", {"docs/index.md": "# Our home\n"})
    pages = _pages(load(load_config(root)).kb)
    assert HOME_PAGE not in pages


def test_group_anchor_matches_the_heading_slug() -> None:
    assert group_anchor("IN") == "in"
    assert group_anchor("payments-ops-in") == "payments-ops-in"


ARTICLE = """---
id: {id}
title: {title}
summary: About {title}.
type: procedure
visibility: internal
status: published
owner: payments-ops-in
reviewed: 2026-10-01
markets: [IN]
products: [upi]
---
# {title}

Text.
"""


@pytest.fixture
def large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """A KB whose upi group is large: limits lowered so a few articles make several pages."""
    monkeypatch.setattr(indexes, "GROUP_INLINE_MAX", 4)
    monkeypatch.setattr(indexes, "PAGE_ITEMS", 3)
    files = {f"docs/{folder}/{folder}-{n}.md": ARTICLE.format(id=f"{folder}-{n}",
                                                              title=f"{folder.title()} {n}")
             for folder, count in (("alpha", 7), ("beta", 2), ("alpha-2", 1))
             for n in range(count)}
    files["docs/alpha/index.md"] = "# Alpha section\n"
    root = make_kb(tmp_path / "kb", files)
    return load(load_config(root)).kb


def _linked_pages(markdown: str, here: str) -> set[str]:
    """The docs paths a page's Markdown links point at, relative `.md` links and HTML hrefs
    (directory URLs) alike."""
    found = {posixpath.normpath(posixpath.join(posixpath.dirname(here), m))
             for m in re.findall(r"\]\(([^)#]+\.md)", markdown)}
    base = here.removesuffix(".md") + "/"
    for href in re.findall(r'href="([^"#]+)"', markdown):
        url = posixpath.normpath(posixpath.join(base, href))
        found.add(url + ".md")
    return found


def test_a_large_group_is_listed_by_section_on_bounded_pages(large: KnowledgeBase) -> None:
    pages = _pages(large)
    page = pages[PRODUCTS_PAGE]
    upi = page[page.index("\n## upi\n"):page.index("\n## pix\n")]
    assert "13 items, by section:" in upi  # 10 articles here, the two of the base KB, its tree
    assert "<ul" not in upi  # the items are on their own pages
    assert ("- [Alpha section](parts/product/upi/alpha/1.md): 7 items on 3 pages" in upi)
    assert "- [alpha-2](parts/product/upi/alpha-2/1.md): 1 item\n" in upi
    assert "- [beta](parts/product/upi/beta/1.md): 2 items\n" in upi
    assert "- [Decision trees](parts/product/upi/trees/1.md): 1 item" in upi
    parts = {path: text for path, text in pages.items() if path.startswith(PARTS_FOLDER)}
    assert set(parts) >= {f"{PARTS_FOLDER}{path}.md" for path in (
        "product/upi/alpha/1", "product/upi/alpha/2", "product/upi/alpha/3",
        "product/upi/alpha-2/1", "market/in/alpha/1", "team/payments-ops-in/beta/1")}
    every = [p.path for p in generate_pages(large)]
    assert len(every) == len(set(every))  # a page number never meets a section's name
    for path, text in parts.items():
        assert text.startswith("---\nsearch:\n  exclude: true\n---\n"), path
        assert 1 <= text.count("<li>") <= indexes.PAGE_ITEMS, path
    second = parts["browse/parts/product/upi/alpha/2.md"]
    assert second.splitlines()[5] == "# upi: Alpha section (2 of 3)"
    assert "items 4 to 6 on this page" in second
    assert "Pages: [1](1.md) **2** [3](3.md)" in second
    assert "[By product, upi](../../../../products.md#upi)" in second


def test_every_item_is_reachable_from_each_grouped_page(large: KnowledgeBase) -> None:
    pages = _pages(large)
    items = {e.page for e in entries(large)}
    for start in (PRODUCTS_PAGE, MARKETS_PAGE, TEAMS_PAGE):
        seen, todo = {start}, [start]
        while todo:
            here = todo.pop()
            for target in _linked_pages(pages.get(here, ""), here):
                if target not in seen:
                    seen.add(target)
                    if target in pages:
                        todo.append(target)
        assert items <= seen, (start, items - seen)


def test_a_small_group_stays_on_its_grouped_page(kb: KnowledgeBase) -> None:
    pages = _pages(kb)
    assert not [p for p in pages if p.startswith(PARTS_FOLDER)]
