"""The shipped site search (Pagefind) by keyboard alone, with its result labels, offline.

A specialist opens the search with "/", types, moves through the results with the arrow keys
or Tab, and opens one with Enter, landing on the section that matched; each result says what
it is (tree, article, macro) and whether it is restricted; and nothing is fetched from beyond
the site (the `web` fixture aborts every request that leaves 127.0.0.1, and fails the test
if one was attempted)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_support import REPO, Web, search_results

from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.urls import page_url

pytestmark = pytest.mark.browser

KB: KnowledgeBase = load(load_config(REPO)).kb
FOCUSED = "() => document.activeElement && document.activeElement.getAttribute('href')"


def type_query(web: Web, query: str) -> list[str]:
    """Open the search with "/" and type `query` key by key; the result links."""
    page = web.page
    page.keyboard.press("/")
    page.locator("#kb-search-input").wait_for()
    assert page.evaluate("() => document.activeElement.id") == "kb-search-input"
    page.keyboard.type(query, delay=15)
    page.wait_for_function(
        "(q) => document.querySelector('dialog.kb-search').dataset.answered === q", arg=query)
    return [a.removeprefix(web.served.url.rstrip("/"))
            for a in page.eval_on_selector_all(".kb-search__link",
                                               "(ls) => ls.map((a) => a.getAttribute('href'))")]


def test_arrow_keys_and_tab_move_through_the_results_and_enter_opens_one(web: Web) -> None:
    page = web.goto("")
    links = type_query(web, "chargeback reason code")
    assert len(links) >= 2, links
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED) == links[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED) == links[1]
    page.keyboard.press("ArrowUp")
    assert page.evaluate(FOCUSED) == links[0]
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == links[1]
    page.keyboard.press("Enter")
    target = urlsplit(web.url(links[1]))
    page.wait_for_url(lambda url: urlsplit(url).path == target.path)
    # the result opens at the section that matched
    assert target.fragment, links[1]
    assert page.locator(f"[id='{target.fragment}']").count() == 1


def test_enter_in_the_box_opens_the_first_result_at_its_anchor(web: Web) -> None:
    page = web.goto("")
    links = type_query(web, "Pix refund or MED eligibility")
    page.keyboard.press("Enter")
    page.wait_for_url(web.url(links[0]))
    fragment = urlsplit(links[0]).fragment
    assert fragment and page.locator(f"[id='{fragment}']").is_visible()


def test_escape_closes_the_search(web: Web) -> None:
    page = web.goto("")
    type_query(web, "refund")
    page.keyboard.press("Escape")
    assert page.locator("dialog.kb-search[open]").count() == 0


def _labels(web: Web, path: str) -> list[str]:
    """The kind and restricted badges of the result for the page at `path`."""
    item = web.page.locator(".kb-search__link", has=web.page.locator(
        f"xpath=self::a[starts-with(@href, '/{path}')]"))
    return item.first.locator(".kb-search__kind, .kb-search__restricted").all_inner_texts()


def test_each_result_names_its_kind_and_marks_restricted_pages(web: Web) -> None:
    restricted = next(a for a in sorted(KB.articles.values(), key=lambda a: a.id)
                      if a.meta.visibility == "restricted" and a.type != "macro")
    macro = next(a for a in sorted(KB.articles.values(), key=lambda a: a.id)
                 if a.type == "macro" and a.meta.visibility != "restricted"
                 and a.translation is None)
    tree = KB.trees["card-dispute-triage"]
    cases = ((restricted.meta.title, page_url(KB.config.docs_dir, restricted.path),
              ["Article", "Restricted"]),
             (macro.meta.title, page_url(KB.config.docs_dir, macro.path), ["Macro"]),
             (tree.meta.title, f"trees/{tree.id}/", ["Tree"]))
    web.goto("")
    web.page.locator("button.kb-search__open").click()
    for title, path, expected in cases:
        links = [urlsplit(u).path for u in search_results(web, title)]
        assert "/" + path in links, (title, links)
        assert _labels(web, path) == expected, (title, path)


def test_search_loads_its_index_from_the_site_alone(web: Web) -> None:
    web.goto("")
    found = type_query(web, "sim swap")
    assert found
    index = [u for u in web.requests if "/pagefind/" in u]
    assert any(u.endswith(".pf_fragment") for u in index) and any(
        ".wasm" in u or "wasm." in u for u in index), index
    assert all(u.startswith(web.served.url) for u in index)
    assert web.remote_requests() == []


def test_a_tree_is_found_by_its_questions_and_outcome_titles(web: Web) -> None:
    tree = KB.trees["upi-debited-not-credited"]
    question = next(iter(tree.facts.values())).question
    outcome = next(n.outcome.title for n in tree.outcomes() if n.outcome is not None)
    web.goto("")
    web.page.locator("button.kb-search__open").click()
    for text in (question, outcome):
        links = [urlsplit(u).path for u in search_results(web, text)]
        assert f"/trees/{tree.id}/" in links[:5], (text, links)
