"""A title typed exactly lists its page first, even when Pagefind ranks the page below the
results the list shows (assets/kb-search.js): many titles share all of its words, and their
pages repeat them, so the page's own score is among the lowest; the query, searched again as a
phrase, finds it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import Served, browsing, build_site, search, serving

from kbtest import make_kb

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

TITLE = "Refund status after a bank holiday"
TARGET = "guides/holiday-refund-status/"
#: what each rival page is about: its title holds every word of TITLE, never as that phrase
RIVALS = ("marketplace sellers", "salary payments", "subscriptions", "joint accounts",
          "business accounts", "recurring mandates", "merchant payments", "card top-ups",
          "wallet loads", "utility bills", "school fees", "insurance premiums",
          "loan instalments", "rent payments")
#: Pagefind's ranked results, for the query `TITLE`, by their paths (the page's own Pagefind)
RANKED_JS = """async ([script, query]) => {
  const pagefind = await import(script);
  const found = await pagefind.search(query);
  const pages = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  return pages.map((page) => new URL(page.url, location.href).pathname);
}"""


def article(slug: str, title: str, body: str) -> str:
    return (f"---\nid: {slug}\ntitle: {title}\nsummary: {title}.\ntype: reference\n"
            "visibility: internal\nstatus: published\nowner: payments-ops-in\n"
            "reviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n---\n"
            f"# {title}\n\n{body}\n")


def rival(topic: str) -> str:
    sentences = [f"After a bank holiday, {topic} settle in the next cycle.",
                 f"The refund status shows pending for {topic} until the bank confirms.",
                 f"A bank holiday delays {topic}; the refund status then says queued.",
                 f"Read the refund status again the morning after a bank holiday for {topic}."]
    return "\n\n".join(sentences * 3)


@pytest.fixture(scope="module")
def rivals_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    files = {f"docs/guides/{TARGET.split('/')[1]}.md":
             article("holiday-refund-status", TITLE, "Check the ledger first.")}
    for n, topic in enumerate(RIVALS):
        files[f"docs/guides/rival-{n}.md"] = article(
            f"rival-{n}", f"After a bank holiday, refund status for {topic}", rival(topic))
    root = make_kb(tmp_path_factory.mktemp("rivals-kb") / "kb", files)
    with serving(build_site(root, root / "site")) as served:
        yield served


def test_a_title_typed_exactly_lists_its_page_first_when_pagefind_ranks_it_low(
        browser: Browser, rivals_site: Served) -> None:
    with browsing(browser, rivals_site) as web:
        web.goto("")
        ranked = web.page.evaluate(RANKED_JS, [web.url("pagefind/pagefind.js"), TITLE])
        assert len(ranked) == 10 and "/" + TARGET not in ranked, \
            "the page must rank below the results shown, or this test proves nothing"
        found = search(web, TITLE)
        assert found[0] == web.url(TARGET), found
        assert len(found) == 10, "the list still shows ten results"
