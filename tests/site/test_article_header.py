"""The block that opens every article page: words for every state, links that resolve."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from kb.loader import load, load_config
from kb.loader.markdown_body import parse_body
from kb.model import KnowledgeBase
from kb.pages.article_header import HUMANS_ONLY, article_header, article_markdown, freshness
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
    assert "**Owner:** [payments-ops-in](../browse/teams.md#payments-ops-in)" in block
    assert "**Last review:** 2026-10-01 (next review due 2027-01-29)" in block
    assert "**Visibility:** " in block and "Internal" in block
    assert "**Status:** Published" in block
    assert "**Markets:** [IN](../browse/markets.md#in)" in block
    assert "**Products:** [upi](../browse/products.md#upi)" in block
    assert "Stale" not in block and HUMANS_ONLY not in block


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
    assert block.startswith(f'!!! danger kb-humans-only "{HUMANS_ONLY}"')
    assert "Restricted" in block


def test_deprecated_article_links_its_successor(kb: KnowledgeBase) -> None:
    block = article_header(kb.articles["old-refund"], kb, TODAY)
    assert '!!! warning kb-deprecated "Deprecated"' in block
    assert "superseded by [Refund guide](../guides/refund.md)" in block
    assert "Use [Refund guide](../guides/refund.md) instead." in block
    assert "Stale" not in block, "deprecated articles are no longer reviewed"


def test_draft_article_says_so(kb: KnowledgeBase) -> None:
    kb = _with(kb, "guide-refund", status="draft")
    block = article_header(kb.articles["guide-refund"], kb, TODAY)
    assert '!!! note kb-draft "Draft"' in block
    assert "AI agents never receive it" in block


def test_block_goes_after_the_title_and_adds_no_heading(kb: KnowledgeBase) -> None:
    article = kb.articles["guide-refund"]
    page = article_markdown(article.body.markdown, "guides/refund.md", kb)
    assert page.startswith("# Refund guide\n\n!!! info kb-article-meta")
    anchors = [h.anchor for h in parse_body(page, 1).headings]
    assert anchors == [h.anchor for h in article.body.headings]


def test_block_goes_first_when_the_body_has_no_title(kb: KnowledgeBase) -> None:
    page = article_markdown("Some text.\n\n## Later\n", "guides/refund.md", kb)
    assert page.startswith("!!! info kb-article-meta")
    assert page.endswith("Some text.\n\n## Later\n")


def test_a_hash_inside_a_code_fence_is_not_a_title(kb: KnowledgeBase) -> None:
    body = "```\n# not a title\n```\n"
    assert article_markdown(body, "guides/refund.md", kb).startswith("!!! info")


def test_pages_that_are_not_articles_are_unchanged(kb: KnowledgeBase) -> None:
    assert article_markdown("# Browse\n", "browse/index.md", kb) == "# Browse\n"


def test_link_text_is_escaped(kb: KnowledgeBase) -> None:
    kb = _with(kb, "guide-refund", title="Refund [2026] *guide*")
    block = article_header(kb.articles["old-refund"], kb, TODAY)
    assert r"[Refund \[2026\] \*guide\*](../guides/refund.md)" in block
