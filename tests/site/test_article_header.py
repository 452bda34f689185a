"""The block that opens every article page: words for every state, links that resolve."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages.article_header import (
    HUMANS_ONLY,
    article_header,
    article_headers,
    freshness,
    with_header,
)
from kbtest import make_kb

TODAY = dt.date(2026, 11, 1)

DEPRECATED = """---
id: old-refund
title: Old refund guide
summary: The refund guide before the 2025 rules.
type: procedure
visibility: internal
status: deprecated
superseded_by: guide-refund
owner: payments-ops-in
reviewed: 2024-01-10
markets: [IN]
products: [upi]
---
# Old refund guide

## Timelines

Refunds used to take ten days.
"""


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    root = make_kb(tmp_path / "kb", {"docs/old/old-refund.md": DEPRECATED})
    return load(load_config(root)).kb


def _with(kb: KnowledgeBase, article_id: str, **meta: object) -> KnowledgeBase:
    article = kb.articles[article_id]
    changed = replace(article, meta=replace(article.meta, **meta))  # type: ignore[arg-type]
    kb.articles[article_id] = changed
    kb.articles_by_path[article.path] = changed
    return kb


def test_header_names_owner_review_visibility_status_markets_products(kb: KnowledgeBase) -> None:
    block = article_header(kb.articles["guide-refund"], kb, TODAY)
    assert ('<strong>Owner:</strong> <a href="../../browse/teams/#payments-ops-in">'
            "payments-ops-in</a>") in block
    assert "<strong>Last review:</strong> 2026-10-01 (next review due 2027-01-29)" in block
    assert "<strong>Visibility:</strong> " in block and "Internal" in block
    assert "<strong>Status:</strong> Published" in block
    assert '<strong>Markets:</strong> <a href="../../browse/markets/#in">IN</a>' in block
    assert '<strong>Products:</strong> <a href="../../browse/products/#upi">upi</a>' in block
    assert "Stale" not in block and HUMANS_ONLY not in block


def test_links_follow_the_sites_url_style(kb: KnowledgeBase) -> None:
    kb.config = replace(kb.config, use_directory_urls=False)
    block = article_header(kb.articles["guide-refund"], kb, TODAY)
    assert '<a href="../browse/teams.html#payments-ops-in">' in block


def test_the_block_is_kept_out_of_search(kb: KnowledgeBase) -> None:
    block = article_header(kb.articles["old-refund"], kb, TODAY)
    blocks = block.count("<div ") + block.count("<details ")
    assert blocks == block.count("data-search-exclude") == 2


def test_metadata_is_one_line_with_the_details_on_demand(kb: KnowledgeBase) -> None:
    block = article_header(kb.articles["guide-refund"], kb, TODAY)
    summary = block[block.index("<summary>"):block.index("</summary>")]
    assert summary == ('<summary><span class="kb-article-meta-label">About this article:</span> '
                       "payments-ops-in \u00b7 reviewed 2026-10-01 \u00b7 IN \u00b7 Internal")
    assert '<details class="admonition info kb-article-meta" data-search-exclude>' in block
    assert "<details open" not in block  # closed until the reader asks
    details = block[block.index("</summary>"):]
    assert "<strong>Products:</strong>" in details and "<strong>Status:</strong>" in details


def test_the_one_line_summary_says_stale(kb: KnowledgeBase) -> None:
    late = TODAY + dt.timedelta(days=200)
    block = article_header(kb.articles["guide-refund"], kb, late)
    summary = block[block.index("<summary>"):block.index("</summary>")]
    assert 'reviewed 2026-10-01 <span class="kb-badge kb-badge--stale">Stale</span>' in summary


def test_stale_badge_is_text_and_counts_days_from_the_build_date(kb: KnowledgeBase) -> None:
    article = kb.articles["guide-refund"]  # a procedure: reviewed every 120 days
    due = dt.date(2027, 1, 29)
    assert "Stale" not in article_header(article, kb, due)
    block = article_header(article, kb, due + dt.timedelta(days=3))
    assert '<span class="kb-badge kb-badge--stale">Stale</span>' in block
    assert "review overdue by 3 days (was due 2027-01-29; reviewed every 120 days)" in block
    assert freshness(article, due + dt.timedelta(days=1), kb).overdue_days == 1


def test_restricted_article_gets_the_humans_only_banner_first(kb: KnowledgeBase) -> None:
    kb = _with(kb, "guide-refund", visibility="restricted")
    block = article_header(kb.articles["guide-refund"], kb, TODAY)
    assert block.startswith('<div class="admonition danger kb-humans-only" data-search-exclude>'
                            f'\n<p class="admonition-title">{HUMANS_ONLY}</p>')
    assert "Restricted" in block


def test_deprecated_article_links_its_successor(kb: KnowledgeBase) -> None:
    block = article_header(kb.articles["old-refund"], kb, TODAY)
    assert '<div class="admonition warning kb-deprecated" data-search-exclude>' in block
    assert 'superseded by <a href="../../guides/refund/">Refund guide</a>' in block
    assert 'Use <a href="../../guides/refund/">Refund guide</a> instead.' in block
    assert "Stale" not in block, "deprecated articles are no longer reviewed"


def test_draft_article_says_so(kb: KnowledgeBase) -> None:
    kb = _with(kb, "guide-refund", status="draft")
    block = article_header(kb.articles["guide-refund"], kb, TODAY)
    assert '<div class="admonition note kb-draft" data-search-exclude>' in block
    assert "AI agents never receive it" in block


def test_block_goes_after_the_title(kb: KnowledgeBase) -> None:
    html = '<h1 id="refund-guide">Refund guide</h1>\n<h2 id="steps">Steps</h2>\n'
    page = with_header(html, "<div>HEADER</div>\n")
    assert page == ('<h1 id="refund-guide">Refund guide</h1>\n<div>HEADER</div>\n'
                    '\n<h2 id="steps">Steps</h2>\n')


def test_block_goes_first_when_the_page_does_not_open_with_a_title(kb: KnowledgeBase) -> None:
    html = "<p>Some text.</p>\n<h1>Later</h1>\n"
    assert with_header(html, "<div>HEADER</div>\n") == "<div>HEADER</div>\n" + html


def test_every_article_and_nothing_else_has_a_header(kb: KnowledgeBase) -> None:
    headers = article_headers(kb)
    assert set(headers) == {a.path.removeprefix("docs/") for a in kb.all_articles()}
    assert "old/old-refund.md" in headers and "browse/index.md" not in headers


def test_text_is_escaped(kb: KnowledgeBase) -> None:
    kb = _with(kb, "guide-refund", title="Refund <2026> & *guide*")
    block = article_header(kb.articles["old-refund"], kb, TODAY)
    assert ">Refund &lt;2026&gt; &amp; *guide*</a>" in block
