"""What keeps the first search result quick (assets/kb-search.js): Pagefind starts once the page
is idle, before the reader opens the search (or, with the browser's Save-Data on, only when the
reader heads for it), and a query typed over before it could be searched is never searched."""

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
