"""Helpers for the browser tests: whether Chromium can run, building and serving a site, and a
browser context that records every request it makes.

A module of its own (not conftest.py), so test modules import it by a name that no other
folder's conftest can shadow.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: URL schemes that never touch the network
LOCAL_SCHEMES = ("data", "blob", "about")


def browser_unavailable() -> str:
    """Why the browser tests cannot run here ('' when they can)."""
    if not CHROMIUM.is_file():
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return ""


# --- the site -----------------------------------------------------------------------------------


def build_site(root: Path, site: Path) -> Path:
    """`mkdocs build --strict` of the site at `root` into `site`; fails the test with the build's
    output when the build fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=root, capture_output=True, text=True, check=False, env=env,
    )
    if done.returncode != 0:
        pytest.fail(f"mkdocs build of {root} failed:\n{done.stdout}\n{done.stderr}",
                    pytrace=False)
    return site


def shipped_site(root: Path, marker: str, added: str) -> Path:
    """The shipped content (docs/ and decision_trees/) copied into `root`, with the repository's
    mkdocs.yml, `added` put after its first `marker` line, and built into `root`/site."""
    for name in ("docs", "decision_trees"):
        shutil.copytree(REPO / name, root / name)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert marker in config, f"mkdocs.yml has no {marker!r}"
    (root / "mkdocs.yml").write_text(config.replace(marker, marker + added, 1), encoding="utf-8")
    return build_site(root, root / "site")


def build_site_with(build: Callable[[Path, Path], subprocess.CompletedProcess[str]], root: Path,
                    site: Path) -> Path:
    """`build(root, site)`; fails the test with the build's output when the build fails."""
    done = build(root, site)
    if done.returncode != 0:
        pytest.fail(f"build of {root} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the browser drops connections it no longer needs; that is not a failure


@dataclass
class Served:
    """A folder served over HTTP on 127.0.0.1."""

    root: Path
    url: str
    host: str
    port: int


def serve(folder: Path) -> tuple[Served, SiteServer, threading.Thread]:
    """Serve `folder` (it may not exist yet) on 127.0.0.1 at a free port, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = SiteServer(("127.0.0.1", 0), handler)
    port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name=f"site-{port}", daemon=True)
    thread.start()
    return Served(folder, f"http://127.0.0.1:{port}/", "127.0.0.1", port), server, thread


def stop(server: SiteServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[Served]:
    """`folder` served (see `serve`) while the block runs."""
    served, server, thread = serve(folder)
    try:
        yield served
    finally:
        stop(server, thread)


# --- the browser --------------------------------------------------------------------------------


def is_local(url: str, served: Served) -> bool:
    """True for requests to the served site itself (or that need no network at all)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.scheme in ("http", "https", "ws") and parts.hostname == served.host
            and parts.port == served.port)


@dataclass
class Web:
    """One browser context on a served site, recording every request it makes."""

    served: Served
    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)

    def url(self, path: str = "") -> str:
        return self.served.url + path.lstrip("/")

    def goto(self, path: str = "") -> Page:
        self.page.goto(self.url(path))
        return self.page

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not is_local(u, self.served)]


def open_web(browser: Browser, served: Served) -> Web:
    """A new context on `served` that records every request and refuses any to elsewhere."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    web = Web(served, context, context.new_page())

    def record(request: Request) -> None:
        web.requests.append(request.url)

    def guard(route: Route) -> None:
        if is_local(route.request.url, served):
            route.continue_()
        else:
            route.abort()

    context.on("request", record)
    context.route("**/*", guard)
    web.page.set_default_timeout(10_000)
    return web


@contextlib.contextmanager
def browsing(browser: Browser, served: Served) -> Iterator[Web]:
    """A fresh context on `served` (see `open_web`) while the block runs; once it has ended
    without error, fails if any request left 127.0.0.1."""
    web = open_web(browser, served)
    try:
        yield web
    finally:
        web.context.close()
    assert web.remote_requests() == [], "requests left 127.0.0.1"


def open_search(web: Web) -> None:
    """Open the site's search dialog with its header button."""
    web.page.locator("button.kb-search__open").click()
    web.page.locator("#kb-search-input").wait_for()


def search_results(web: Web, query: str) -> list[str]:
    """Type `query` into the open search dialog; the result links once the list answers it, as
    they are written (site-absolute, with the fragment of the section that matched)."""
    page = web.page
    box = page.locator("#kb-search-input")
    box.fill(query)
    page.wait_for_function(
        "(q) => document.querySelector('dialog.kb-search').dataset.answered === q", arg=query,
        timeout=20_000)
    links: list[str] = page.eval_on_selector_all(
        "dialog.kb-search .kb-search__link", "(links) => links.map((a) => a.href)")
    return links


def search(web: Web, query: str) -> list[str]:
    """Open the search on the current page and type `query`; the result pages, resolved to
    absolute URLs without the fragment."""
    if not web.page.locator("dialog.kb-search[open]").count():
        open_search(web)
    return [urlunsplit((*urlsplit(u)[:3], "", "")) for u in search_results(web, query)]


def value_text(value: object) -> str:
    """A fact value as the walker writes it (JavaScript's String(): 72.0 is `72`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def answer(page: Page, value: object) -> None:
    """Answer the walker's current question with `value`, by typing a number or clicking."""
    question = page.locator(".kb-walker-question")
    number = question.locator("input[type=number]")
    if number.count():
        number.fill(value_text(value))
        question.get_by_role("button", name="Next").click()
    else:
        question.locator(f'button[data-value="{value_text(value)}"]').click()
