"""Article sources: shown (escaped) in the article header, carried in the bundle, listed on the
"Sources due for a re-check" page, with re-check intervals from the kb options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.config import ConfigError, config_from_options
from kb.export.bundle import source_entry
from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages import generate_pages
from kb.pages.article_header import article_header
from kb.pages.sources import SOURCES_DUE_PAGE, sources_due_markdown
from kbtest import make_kb

TODAY = dt.date(2026, 11, 1)

POLICY = """---
id: refund-policy
title: Refund policy
summary: The rules a refund follows.
type: policy
visibility: internal
status: published
owner: payments-ops-in
reviewed: 2026-10-01
markets: [IN]
products: [upi]
sources:
  - title: RBI TAT framework <script>alert(1)</script>
    type: regulation
    circular: DPSS.CO.PD No.629/02.01.014/2019-20
    checked: 2026-10-20
  - title: Card network timelines
    type: industry
    url: https://example.org/timelines?a=1&b="2"
    checked: 2026-05-01
---
# Refund policy

## Rules

A refund reaches the customer within the deadline its rail sets, counted in calendar days.
"""


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    root = make_kb(tmp_path / "kb", {"docs/guides/policy.md": POLICY})
    return load(load_config(root)).kb


def test_header_lists_each_source_escaped_with_its_check_date(kb: KnowledgeBase) -> None:
    block = article_header(kb.articles["refund-policy"], kb, TODAY)
    assert "<script>" not in block
    assert "RBI TAT framework &lt;script&gt;alert(1)&lt;/script&gt;" in block
    assert "circular <code>DPSS.CO.PD No.629/02.01.014/2019-20</code>" in block
    assert 'href="https://example.org/timelines?a=1&amp;b=&quot;2&quot;"' in block
    assert "regulation; checked 2026-10-20)" in block
    # industry sources are re-checked every 120 days: 2026-05-01 is overdue on 2026-11-01
    assert "checked 2026-05-01 " in block and "Re-check due" in block
    assert block.count("Re-check due") == 1


def test_header_of_an_article_without_sources_has_no_sources_line(kb: KnowledgeBase) -> None:
    assert "Sources:" not in article_header(kb.articles["guide-refund"], kb, TODAY)


def test_bundle_entry_carries_url_or_circular_and_the_date(kb: KnowledgeBase) -> None:
    first, second = kb.articles["refund-policy"].sources
    assert source_entry(first) == {
        "title": "RBI TAT framework <script>alert(1)</script>", "type": "regulation",
        "circular": "DPSS.CO.PD No.629/02.01.014/2019-20", "checked": "2026-10-20"}
    assert source_entry(second) == {
        "title": "Card network timelines", "type": "industry",
        "url": 'https://example.org/timelines?a=1&b="2"', "checked": "2026-05-01"}


def test_sources_due_page_lists_overdue_and_soon_due_sources(kb: KnowledgeBase) -> None:
    page = sources_due_markdown(kb)
    assert page.startswith("# Sources due for a re-check")
    assert "Card network timelines" in page and "overdue by 64 days" in page
    assert "RBI TAT framework" not in page  # due 2027-10-20: far off
    assert SOURCES_DUE_PAGE in {p.path for p in generate_pages(kb)}


def test_sources_due_page_says_when_nothing_is_due(tmp_path: Path) -> None:
    kb = load(load_config(make_kb(tmp_path / "kb"))).kb
    assert "No source is due for a re-check." in sources_due_markdown(kb)


def test_source_check_intervals_default_and_override_per_type(tmp_path: Path) -> None:
    default = config_from_options(tmp_path, {}).source_checks
    assert default.interval_for("regulation") == 365
    assert default.interval_for("industry") == 120
    assert default.error_after_days == 60
    custom = config_from_options(tmp_path, {"source_checks": {
        "interval_days": {"industry": 30}, "error_after_days": 10}}).source_checks
    assert custom.interval_for("industry") == 30
    assert custom.interval_for("regulation") == 365
    assert custom.error_after_days == 10
    with pytest.raises(ConfigError, match=r"source_checks\.interval_days"):
        config_from_options(tmp_path, {"source_checks": {"interval_days": {"industry": 0}}})
