"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against the real site.

The shipped site (docs/ and decision_trees/ with the repository's mkdocs.yml) is built once per
session into a temporary folder and served by `http.server` on 127.0.0.1 at a free port. Every
test gets a fresh browser context that records every request and refuses any that would leave
127.0.0.1; the test fails afterwards if one was attempted.

Without /usr/bin/chromium (or Playwright) the tests are skipped with the reason, except under
CI=true, where they fail: CI must never pass by skipping them.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    CHROMIUM,
    LAUNCH_ARGS,
    REPO,
    Served,
    Web,
    browser_unavailable,
    browsing,
    build_site,
    serve,
    serving,
    shipped_site,
    stop,
)

from kbtest import cannot_run, in_ci

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = browser_unavailable()
    if not reason or in_ci():
        return  # under CI=true the `playwright` fixture fails instead
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shipped site, built once and served for the whole session."""
    with serving(build_site(REPO, tmp_path_factory.mktemp("browser-site") / "site")) as served:
        yield served


@pytest.fixture(scope="session")
def instant_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shipped content built with Material's instant navigation turned on."""
    root = tmp_path_factory.mktemp("instant-kb")
    for name in ("docs", "decision_trees"):
        shutil.copytree(REPO / name, root / name)
    # instant navigation follows only links in sitemap.xml, whose URLs come from site_url and
    # must match the served origin, port included: bind first, then build
    served, server, thread = serve(root / "site")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "  features:\n"
    assert marker in config, "mkdocs.yml lists theme features"
    config = config.replace(marker, marker + "    - navigation.instant\n", 1)
    config = re.sub(r"(?m)^site_url:.*$", "", config) + f'\nsite_url: "{served.url}"\n'
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    try:
        build_site(root, root / "site")
        yield served
    finally:
        stop(server, thread)


#: the shard size that splits the shipped site's search index into several shards
SHARD_PAGES = 40


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shipped content built with its search index split into shards of SHARD_PAGES."""
    with serving(shipped_site(tmp_path_factory.mktemp("sharded-kb"), "  - kb:\n",
                              f"      search_shard_pages: {SHARD_PAGES}\n")) as served:
        yield served


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    reason = browser_unavailable()
    if reason:
        cannot_run("browser tests", reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=LAUNCH_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def web(browser: Browser, site: Served) -> Iterator[Web]:
    """A fresh context on the shipped site; fails the test if any request left 127.0.0.1."""
    with browsing(browser, site) as session:
        yield session


@pytest.fixture
def sharded_web(browser: Browser, sharded_site: Served) -> Iterator[Web]:
    """A fresh context on the build whose index is in shards; fails on any remote request."""
    with browsing(browser, sharded_site) as session:
        yield session


@pytest.fixture
def instant_web(browser: Browser, instant_site: Served) -> Iterator[Web]:
    """A fresh context on the instant-navigation build; fails the test on any remote request."""
    with browsing(browser, instant_site) as session:
        yield session
