"""The feedback links' tracker address: https only (an allowlist), or none at all."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from kb.mkdocs_plugin.feedback import FEEDBACK_KEY, feedback_block, issues_url

TRACKER = "https://tracker.example.test/kb/issues/new"


@pytest.mark.parametrize("planted", [
    "javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
    "http://tracker.example.test/new", "//tracker.example.test/new", "https:///new",
    "https://tracker.example.test/new?title=x", 42,
])
def test_anything_but_an_https_address_is_refused(planted: object) -> None:
    with pytest.raises(ValueError, match=FEEDBACK_KEY):
        issues_url({FEEDBACK_KEY: planted})


def test_no_address_means_no_links() -> None:
    assert issues_url({}) is None
    assert issues_url({FEEDBACK_KEY: ""}) is None
    assert issues_url({FEEDBACK_KEY: TRACKER}) == TRACKER


def test_titles_with_markup_stay_text_in_the_link() -> None:
    block = feedback_block(TRACKER, 'Refunds <img src=x onerror="alert(1)">', "refunds/a.md")
    assert "<img" not in block
    href = block.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(href).query)["title"] == [
        'Helpful: Refunds <img src=x onerror="alert(1)">']
