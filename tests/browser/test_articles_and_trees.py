"""Articles and trees know each other, on the shipped site at laptop and phone sizes: an
article a tree cites opens with "Walk this case", a section page lists its trees, and tree and
macro ids written as code in an article are links to their pages."""

from __future__ import annotations

import pytest
from browser_support import REPO, Web

from kb.loader import load, load_config
from kb.pages.article_header import trees_for

pytestmark = pytest.mark.browser

KB = load(load_config(REPO)).kb
SIZES = [(1366, 900), (390, 844)]
ARTICLE = "upi/failed-debit/"
TREE = "upi-debited-not-credited"


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["laptop", "phone"])
def test_walk_this_case_opens_the_tree_from_the_article(web: Web, width: int,
                                                        height: int) -> None:
    web.page.set_viewport_size({"width": width, "height": height})
    page = web.goto(ARTICLE)
    button = page.get_by_role("link", name=f"Walk this case: {KB.trees[TREE].meta.title}")
    assert button.count() == 1
    box = button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, "the button is on screen"
    button.click()
    page.wait_for_load_state()
    assert page.url == web.url(f"trees/{TREE}/")
    page.locator(".kb-walker-question").wait_for()


def test_every_article_a_tree_cites_offers_its_tree(web: Web) -> None:
    cited = {n.outcome.article for t in KB.trees.values() for n in t.outcomes()
             if n.outcome is not None}
    article = KB.articles["upi-tat-compensation"]
    assert article.id in cited
    page = web.goto("upi/tat-compensation/")
    names = page.locator(".kb-walk-this-case a").all_inner_texts()
    assert names == [f"Walk this case: {t.meta.title}" for t in trees_for(article, KB)]
    assert f"Walk this case: {KB.trees[TREE].meta.title}" in names


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["laptop", "phone"])
def test_the_section_page_lists_its_trees(web: Web, width: int, height: int) -> None:
    web.page.set_viewport_size({"width": width, "height": height})
    page = web.goto("upi/")
    listing = page.locator(".kb-section-trees")
    titles = listing.locator("a").all_inner_texts()
    assert KB.trees[TREE].meta.title in titles
    assert "Card dispute triage" not in titles  # a tree of another section
    listing.get_by_role("link", name=KB.trees[TREE].meta.title).click()
    page.wait_for_load_state()
    assert page.url == web.url(f"trees/{TREE}/")


def test_a_tree_id_written_as_code_is_a_link(web: Web) -> None:
    page = web.goto(ARTICLE)
    link = page.locator(f"article a.kb-ref:has(code:text-is('{TREE}'))").first
    assert link.inner_text() == TREE  # the text stays as the author wrote it
    assert link.get_attribute("title") == f"Decision tree: {KB.trees[TREE].meta.title}"
    link.click()
    page.wait_for_load_state()
    assert page.url == web.url(f"trees/{TREE}/")


def test_a_macro_id_written_as_code_is_a_link(web: Web) -> None:
    page = web.goto("upi/collect-request-scams/")
    link = page.locator("article a.kb-ref:has(code:text-is('reply-upi-collect-scam'))").first
    link.click()
    page.wait_for_load_state()
    assert page.url == web.url("replies/reply-upi-collect-scam/")
