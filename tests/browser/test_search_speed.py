"""What keeps the first search result quick (assets/kb-search.js): Pagefind starts once the page
is idle, before the reader opens the search (or, with the browser's Save-Data on, only when the
reader heads for it); a query typed over before it could be searched is never searched; a
search's results show as their fragments arrive, the first before the others are in; and the
answer to a query the reader has typed on from still shows while the latest is searched, but
never over the latest's answer or over a box the reader has emptied."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from browser_support import Web, open_search

if TYPE_CHECKING:
    from playwright.sync_api import Route

pytestmark = pytest.mark.browser

#: what Pagefind fetches before it can search: its script, its worker, WebAssembly, metadata
START = ("/pagefind/pagefind.js", "/pagefind/pagefind-worker.js", "/pagefind/wasm.",
         "/pagefind/pagefind.en_")
#: records, in the page, the query of every search that Pagefind's worker is asked to run
SEARCH_SPY = """(() => {
  const post = Worker.prototype.postMessage;
  window.__kbSearches = [];
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.method === "search") window.__kbSearches.push(message.args[0]);
    return post.call(this, message, ...rest);
  };
})();"""
#: the result links on screen, and the query the whole list answers
SHOWN_JS = """() => [document.querySelectorAll('.kb-search__results .kb-search__link').length,
  document.querySelector('dialog.kb-search').dataset.answered || '']"""
#: records, in the page, each query the result list has answered, in order
ANSWERS_SPY = """() => {
  window.__kbAnswers = [];
  new MutationObserver(() => {
    const answered = document.querySelector('dialog.kb-search').dataset.answered;
    if (answered && window.__kbAnswers.at(-1) !== answered) window.__kbAnswers.push(answered);
  }).observe(document.querySelector('dialog.kb-search'), {attributes: true});
}"""
#: a browser whose reader asked to save data
SAVE_DATA = "Object.defineProperty(navigator, 'connection', {value: {saveData: true}});"


def started(web: Web) -> list[str]:
    """The parts of Pagefind's start that the page has requested so far."""
    return [part for part in START if any(part in url for url in web.requests)]


def wait_for_start(web: Web, seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while len(started(web)) < len(START) and time.monotonic() < deadline:
        web.page.wait_for_timeout(50)
    return started(web)


def test_pagefind_starts_once_the_page_is_idle_before_the_search_opens(web: Web) -> None:
    web.goto("")
    assert wait_for_start(web) == list(START)
    assert web.page.locator("dialog.kb-search[open]").count() == 0
    fetched = len(web.requests)
    open_search(web)
    web.page.locator("#kb-search-input").fill("chargeback")
    web.page.wait_for_function(
        "() => document.querySelector('dialog.kb-search').dataset.answered === 'chargeback'")
    again = [u for u in web.requests[fetched:] if any(part in u for part in START)]
    assert again == [], again  # the search used what was already there


def test_with_save_data_pagefind_waits_for_the_reader_to_head_for_the_search(web: Web) -> None:
    web.page.add_init_script(SAVE_DATA)
    web.goto("")
    web.page.wait_for_timeout(2500)  # past the idle start's deadline (2 s)
    assert started(web) == []
    web.page.locator("button.kb-search__open").hover()
    assert wait_for_start(web) == list(START)


def test_a_query_typed_over_before_pagefind_is_ready_is_never_searched(web: Web) -> None:
    held: list[Route] = []

    def hold(route: Route) -> None:  # Pagefind is not ready until its index entry arrives
        held.append(route)

    web.context.route("**/pagefind/pagefind-entry.json*", hold)
    web.page.add_init_script(SEARCH_SPY)
    web.goto("")
    open_search(web)
    box = web.page.locator("#kb-search-input")
    for typed in ("c", "ch", "charge", "chargeback"):
        box.fill(typed)
    web.page.wait_for_timeout(300)
    assert held, "Pagefind asked for its index"
    assert web.page.evaluate("() => window.__kbSearches") == []
    for route in held:
        route.continue_()
    web.page.wait_for_function(
        "() => document.querySelector('dialog.kb-search').dataset.answered === 'chargeback'")
    assert web.page.evaluate("() => window.__kbSearches") == ["chargeback"]


def hold_fragments(web: Web) -> list[Route]:
    """Hold every result fragment the page asks for, in the order asked, until released."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    web.context.route("**/pagefind/fragment/**", hold)
    return held


def wait_for_held(web: Web, held: list[Route], count: int) -> None:
    deadline = time.monotonic() + 10
    while len(held) < count and time.monotonic() < deadline:
        web.page.wait_for_timeout(20)
    assert len(held) >= count, f"{len(held)} fragments asked for, expected {count}"


def test_the_first_result_shows_before_the_other_fragments_are_in(web: Web) -> None:
    held = hold_fragments(web)
    web.goto("")
    open_search(web)
    web.page.locator("#kb-search-input").fill("refund")
    wait_for_held(web, held, 2)
    web.page.wait_for_timeout(200)
    assert web.page.evaluate(SHOWN_JS) == [0, ""]
    released = 0
    while web.page.evaluate(SHOWN_JS)[0] == 0:  # release them one at a time, as asked
        assert released < len(held), "every fragment is in and nothing shows"
        held[released].continue_()
        released += 1
        web.page.wait_for_timeout(100)
    shown, answered = web.page.evaluate(SHOWN_JS)
    assert released < len(held), "the first result waited for every fragment"
    assert answered == "", "the list is not complete yet"
    for route in held[released:]:
        route.continue_()
    web.page.wait_for_function(
        "() => document.querySelector('dialog.kb-search').dataset.answered === 'refund'")
    assert web.page.evaluate(SHOWN_JS)[0] > shown


def test_a_typed_over_query_answer_shows_until_the_latest_is_answered(web: Web) -> None:
    held = hold_fragments(web)
    web.page.add_init_script(SEARCH_SPY)
    web.goto("")
    open_search(web)
    web.page.evaluate(ANSWERS_SPY)
    box = web.page.locator("#kb-search-input")
    box.fill("refund")
    wait_for_held(web, held, 1)  # its search is done: its results are being fetched
    box.fill("chargeback")
    web.page.wait_for_timeout(200)
    assert web.page.evaluate("() => window.__kbSearches") == ["refund"]
    web.context.unroute("**/pagefind/fragment/**")
    for route in held:
        route.continue_()
    web.page.wait_for_function(
        "() => document.querySelector('dialog.kb-search').dataset.answered === 'chargeback'")
    assert web.page.evaluate("() => window.__kbAnswers") == ["refund", "chargeback"]
    assert web.page.evaluate("() => window.__kbSearches") == ["refund", "chargeback"]


def test_results_that_arrive_after_the_box_was_emptied_never_show(web: Web) -> None:
    held = hold_fragments(web)
    web.goto("")
    open_search(web)
    box = web.page.locator("#kb-search-input")
    box.fill("refund")
    wait_for_held(web, held, 2)
    box.fill("")
    for route in held:
        route.continue_()
    web.page.wait_for_timeout(500)
    assert web.page.evaluate(SHOWN_JS) == [0, ""]
