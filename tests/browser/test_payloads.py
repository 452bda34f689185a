"""No script from content runs on the site: every page type of the payload site in Chromium.

The payload site (tests/payload_site.py) is the shipped repository plus content that puts script
in article bodies and titles, a section index, a tree's title, summary, questions, outcome
titles and guidance. It is built with the lint gate off, so the site's own defences are tested.
On every page type the test records every `alert`/`confirm`/`prompt` dialog, fires every
event-handler attribute it finds, follows every `javascript:` link, and reads
`window.__pwned`; nothing may have run.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import Served, build_site_with, open_web, search, serve, serving, stop

from kb.render import render_body
from kb.sanitise import sanitise_html
from payload_grammar import payload
from payload_site import PAGES, build_payload_site, payload_root

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

pytestmark = pytest.mark.browser

#: fires every inline handler and follows every script link on the page; returns __pwned
TRIGGER = """() => {
  for (const el of document.querySelectorAll('*')) {
    for (const attr of Array.from(el.attributes)) {
      if (attr.name.startsWith('on')) {
        el.dispatchEvent(new Event(attr.name.slice(2), {bubbles: false}));
      }
    }
  }
  for (const a of document.querySelectorAll('a[href]')) {
    if (/^javascript:/i.test(a.getAttribute('href').replace(/[\\s\\x00-\\x1f]/g, ''))) {
      a.click();
    }
  }
  return window.__pwned || null;
}"""


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = payload_root(tmp_path_factory.mktemp("payload-kb"))
    with serving(build_site_with(build_payload_site, root, root / "site")) as served:
        yield served


def visit(page: Page, url: str) -> object:
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    pwned = page.evaluate(TRIGGER)
    page.wait_for_timeout(200)
    return pwned


@pytest.mark.parametrize("path", PAGES)
def test_no_payload_runs(browser: Browser, payload_site: Served, path: str) -> None:
    web = open_web(browser, payload_site)
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    web.page.on("dialog", record)
    try:
        pwned = visit(web.page, web.url(path))
        assert (dialogs, pwned) == ([], None)
        assert web.remote_requests() == [], "requests left 127.0.0.1"
    finally:
        web.context.close()


def test_search_shows_a_hostile_title_as_text(browser: Browser, payload_site: Served) -> None:
    web = open_web(browser, payload_site)
    dialogs: list[str] = []
    web.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page = web.goto("payloads/attack/")
        assert search(web, "Attack article")
        assert page.evaluate(TRIGGER) is None
        assert dialogs == []
    finally:
        web.context.close()


def test_the_harness_catches_a_payload(browser: Browser, tmp_path: Path) -> None:
    """The check above can fail: the same harness on an unsanitised page reports the payload."""
    (tmp_path / "index.html").write_text(
        "<p>x</p><img src=x onerror=\"alert('raw')\"><a href=\"javascript:alert('link')\">l</a>"
        "<p onclick=\"window.__pwned='click'\">c</p>", encoding="utf-8")
    served, server, thread = serve(tmp_path)
    web = open_web(browser, served)
    dialogs: list[str] = []
    web.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        assert visit(web.page, served.url) == "click"
        assert set(dialogs) == {"link", "raw"}
    finally:
        web.context.close()
        stop(server, thread)


#: records every Content-Security-Policy violation in `window.__csp`
RECORD_VIOLATIONS = """document.addEventListener('securitypolicyviolation', e => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI);
});"""

SHIPPED_PAGES = ("", "upi/", "trees/", "browse/products/", "reference/lint-rules/",
                 "trees/upi-debited-not-credited/#walk=app_status:failed")


@pytest.mark.parametrize("path", SHIPPED_PAGES)
def test_the_policy_lets_the_site_work_and_blocks_nothing_of_its_own(browser: Browser,
                                                                   site: Served,
                                                                   path: str) -> None:
    web = open_web(browser, site)
    web.context.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    web.page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page = web.goto(path)
        page.wait_for_load_state("load")
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]')
        assert "object-src 'none'" in (policy.get_attribute("content") or "")
        if path == "":  # search runs in a worker the policy must allow
            assert search(web, "refund")
        page.wait_for_timeout(300)
        assert (page.evaluate("window.__csp || []"), errors) == ([], [])
    finally:
        web.context.close()


#: generated payloads per Chromium batch; KB_FUZZ_EXAMPLES raises it for a nightly run
BATCH = max(60, int(os.environ.get("KB_FUZZ_EXAMPLES", "0")) // 10)
EXTENSIONS = ("toc", "admonition", "attr_list", "tables", "pymdownx.details",
              "pymdownx.superfences")


def batch_page(publish: Callable[[str], str]) -> str:
    """One page holding a seeded batch of generated payloads, each as `publish` makes it."""
    rng = random.Random(20261205)
    texts = [payload(rng.choice) for _ in range(BATCH)]
    return "".join(f"<div>{publish(render_body(t, EXTENSIONS))}</div>" for t in texts)


def dialogs_on(browser: Browser, folder: Path, html: str) -> tuple[list[str], object]:
    (folder / "index.html").write_text(html, encoding="utf-8")
    served, server, thread = serve(folder)
    web = open_web(browser, served)
    dialogs: list[str] = []
    web.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        return dialogs, visit(web.page, served.url)
    finally:
        web.context.close()
        stop(server, thread)


def test_no_generated_payload_runs_once_sanitised(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "clean").mkdir()
    raw, _ = dialogs_on(browser, tmp_path / "raw", batch_page(lambda html: html))
    assert raw, "the batch holds payloads that run when published as rendered"
    assert dialogs_on(browser, tmp_path / "clean", batch_page(sanitise_html)) == ([], None)
