"""Helpers for the browser tests: whether Chromium can run, building and serving a site, and a
browser context that records every request it makes.

A module of its own (not conftest.py), so test modules import it by a name that no other
folder's conftest can shadow.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Callable
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


def search(web: Web, query: str, attempts: int = 3) -> list[str]:
    """Type `query` into Material's search box; the result links, resolved to absolute URLs
    (without the fragment and Material's highlight query). Typing again when no result shows:
    on a busy machine the search worker may still be building its index when the query
    arrives, and Material does not run an earlier query once it is ready."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = web.page
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    for attempt in range(attempts):
        box.fill("")
        box.press_sequentially(query, delay=20)
        try:
            page.locator(".md-search-result__item").first.wait_for()
            break
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
    links: list[str] = page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link",
        "(links) => links.map((a) => a.href)")
    return [urlunsplit((*urlsplit(u)[:3], "", "")) for u in links]
