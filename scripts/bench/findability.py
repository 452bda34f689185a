"""Findability of the built site: clicks from the home page, and its search in Chromium."""

from __future__ import annotations

import argparse
import collections
import functools
import html as html_text
import http.server
import importlib.metadata
import importlib.util
import posixpath
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
#: how many article titles the search check types, and how far down their page must be
SEARCH_SAMPLE = 20
SEARCH_TOP = 5
#: the results count as shown once the results panel has not changed for this long
SEARCH_SETTLED_MS = 250
#: `href` of every `<a>`; MkDocs and Material write attributes in double quotes, and a regular
#: expression reads thousands of pages many times faster than an HTML parser
_HREF = re.compile(r"""<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def built_pages(site: Path) -> set[str]:
    """Every HTML page of a built site, as a path relative to the site folder."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def page_links(page: str, html: str, pages: set[str]) -> set[str]:
    """The pages (of `pages`) that the `<a href>`s of `page`, whose HTML is `html`, point to.

    Relative and root-relative URLs are resolved against `page`; a folder URL (`x/`) means
    `x/index.html`; the fragment and query are dropped, so a link to an anchor of the same page
    leads nowhere new; links with a scheme or host (another site, mailto:) are left out.
    """
    here = posixpath.dirname(page)
    found: set[str] = set()
    for m in _HREF.finditer(html):
        href = html_text.unescape(next(g for g in m.groups() if g is not None))
        parts = urllib.parse.urlsplit(href)
        path = urllib.parse.unquote(parts.path)
        if parts.scheme or parts.netloc or not path:
            continue
        joined = posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                    else posixpath.join(here, path))
        if path.endswith("/") or joined not in pages:
            joined = posixpath.normpath(posixpath.join(joined, "index.html"))
        if joined in pages:
            found.add(joined)
    return found


def click_depths(site: Path, pages: set[str], start: str = "index.html") -> dict[str, int]:
    """Clicks from `start` to every page reachable from it (breadth-first over `<a href>`s
    between the built pages); `start` itself is 0. Empty when there is no `start` page."""
    if start not in pages:
        return {}
    depth = {start: 0}
    queue = collections.deque([start])
    while queue:
        page = queue.popleft()
        html = (site / page).read_text(encoding="utf-8", errors="replace")
        for target in sorted(page_links(page, html, pages)):
            if target not in depth:
                depth[target] = depth[page] + 1
                queue.append(target)
    return depth


def published_articles(docs: Path) -> dict[str, str]:
    """Title by docs path (relative to `docs`) of every article whose status is published."""
    found: dict[str, str] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        end = text.find("\n---\n", 4)
        if not text.startswith("---\n") or end < 0:
            continue
        meta = yaml.load(text[4:end], Loader=loader)
        if isinstance(meta, dict) and "id" in meta and meta.get("status") == "published":
            found[path.relative_to(docs).as_posix()] = str(meta.get("title", ""))
    return found


def built_page(docs_path: str, pages: set[str]) -> str:
    """The built page (relative to the site) of the Markdown file `docs_path`."""
    stem = docs_path.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return posixpath.join(folder, "index.html")
    as_folder = f"{stem}/index.html"
    return as_folder if as_folder in pages or f"{stem}.html" not in pages else f"{stem}.html"


def clicks_report(depths: Mapping[str, int], articles: Sequence[str]) -> dict[str, Any]:
    """How many of `articles` (built pages) are how many clicks away; which are unreachable."""
    reached = collections.Counter(depths[a] for a in articles if a in depths)
    unreachable = [a for a in articles if a not in depths]
    return {"articles": len(articles), "max": max(reached, default=None),
            "distribution": {str(k): reached[k] for k in sorted(reached)},
            "unreachable": len(unreachable), "unreachable_examples": unreachable[:5]}


def findability(site: Path, docs: Path, args: argparse.Namespace,
                logs: Path) -> dict[str, dict[str, Any]]:
    """Clicks from the home page to every published article of the built `site`, and whether
    the site's search finds a sample of them by title (skipped without a browser)."""
    pages = built_pages(site)
    articles = {built_page(path, pages): title
                for path, title in published_articles(docs).items()}
    t0 = time.perf_counter()
    clicks = clicks_report(click_depths(site, pages), sorted(articles))
    clicks["seconds"] = round(time.perf_counter() - t0, 2)
    if args.skip_search:
        return {"clicks": clicks, "search": {"skipped": "--skip-search"}}
    return {"clicks": clicks, "search": search_check(site, articles, args.seed, logs)}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def search_unavailable() -> str:
    """Why the search check cannot run here ('' when it can)."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright's Python package is not installed"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}"
    return ""


@dataclass(frozen=True, slots=True)
class SearchUi:
    """How a reader reaches one engine's search: the opener, the box, the results panel and
    the links of its results, in order; and the element whose `data-answered` names the query
    the whole list answers ('' for an engine that does not say)."""

    opener: str
    box: str
    results: str
    link: str
    answered: str = ""


SEARCH_UIS = {
    "material": SearchUi("label.md-search__icon, input.md-search__input",
                         "input.md-search__input", ".md-search-result",
                         ".md-search-result__list > .md-search-result__item a"),
    "pagefind": SearchUi("button.kb-search__open", "#kb-search-input", ".kb-search__results",
                         ".kb-search__results .kb-search__link", "dialog.kb-search"),
}


def search_engine(site: Path) -> str:
    """The engine a built site searches with: Pagefind when it holds Pagefind's index."""
    return "pagefind" if (site / "pagefind").is_dir() else "material"


#: records, in the page, the time of the last key in the search box, of the last change to
#: the results panel, and of the first result on screen (milliseconds since the page opened)
SEARCH_WATCH_JS = """([box, results, link]) => {
  const watch = window.__kbBench = {key: 0, change: 0, first: 0};
  document.querySelector(box).addEventListener(
    "keydown", () => { watch.key = performance.now(); }, true);
  new MutationObserver(() => {
    watch.change = performance.now();
    if (!watch.first && document.querySelector(link)) watch.first = watch.change;
  }).observe(document.querySelector(results), {childList: true, subtree: true,
                                                characterData: true});
}"""
SEARCH_SETTLED_JS = f"""() => {{
  const watch = window.__kbBench;
  return watch.change > watch.key && performance.now() - watch.change > {SEARCH_SETTLED_MS};
}}"""
#: true once the list answers the query (the arguments: `SearchUi.answered`, the query); an
#: engine that shows a query's results while a later one is searched marks which it answers
SEARCH_ANSWERED_JS = """([answered, query]) =>
  document.querySelector(answered)?.dataset.answered === query.trim()"""


def wait_for_answer(page: Any, ui: SearchUi, query: str, timeout_ms: float) -> None:
    """Wait until the results shown answer `query` and have stopped changing (an engine that
    does not say which query its list answers: until the list stops changing)."""
    if ui.answered:
        page.wait_for_function(SEARCH_ANSWERED_JS, arg=[ui.answered, query], timeout=timeout_ms)
    page.wait_for_function(SEARCH_SETTLED_JS, timeout=timeout_ms)


def search_check(site: Path, articles: Mapping[str, str], seed: int,
                 logs: Path) -> dict[str, Any]:
    """Serve `site` on 127.0.0.1, open it in headless Chromium and type a fixed sample of
    article titles into its search box (Pagefind's or Material's): is the article among the
    first results, and how long from the last keystroke until the results settle.

    Material searches on every keyup, so the title is filled in and only its last character
    typed: one search per title, timed alone.
    """
    why = search_unavailable()
    if why:
        return {"skipped": why}
    from playwright.sync_api import Error as BrowserError
    from playwright.sync_api import TimeoutError as BrowserTimeout
    from playwright.sync_api import sync_playwright

    sample = random.Random(seed).sample(sorted(articles.items()),
                                        min(SEARCH_SAMPLE, len(articles)))
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    found: list[dict[str, Any]] = []
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(base)
                ui = SEARCH_UIS[search_engine(site)]
                page.evaluate(SEARCH_WATCH_JS, [ui.box, ui.results, ui.link])
                page.locator(ui.opener).first.click()
                box = page.locator(ui.box)

                def query(text: str) -> tuple[list[str], float]:
                    box.fill(text[:-1])
                    box.press_sequentially(text[-1])
                    wait_for_answer(page, ui, text, 60_000)
                    ms = float(page.evaluate("() => __kbBench.change - __kbBench.key"))
                    links: list[str] = page.eval_on_selector_all(
                        ui.link, "(links) => links.map((a) => a.href)")
                    return list(dict.fromkeys(urllib.parse.urlsplit(u).path
                                              for u in links)), ms

                query("payment")  # the first search waits for the index to load
                ready = time.perf_counter() - start
                prefix = urllib.parse.urlsplit(base).path
                for built, title in sample:
                    url = prefix + built.removesuffix("index.html")
                    try:
                        links, ms = query(title)
                    except BrowserTimeout:  # no results within a minute: not found
                        found.append({"title": title, "url": url, "top": False, "rank": None,
                                      "ms": None})
                        continue
                    # rank among the results Material has rendered (it renders more on scroll)
                    rank = links.index(url) + 1 if url in links else None
                    found.append({"title": title, "url": url,
                                  "top": rank is not None and rank <= SEARCH_TOP, "rank": rank,
                                  "ms": round(ms, 1)})
            finally:
                browser.close()
    except BrowserError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        (logs / "search-check.log").write_text(str(exc), encoding="utf-8")
        return {"problem": f"{first} (see search-check.log)", "queries": found}
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    times = [q["ms"] for q in found if q["ms"] is not None]
    return {"sample": len(found), "found": sum(q["top"] for q in found), "top": SEARCH_TOP,
            "median_ms": round(statistics.median(times), 1) if times else None,
            "timed_out": len(found) - len(times), "index_ready_seconds": round(ready, 2),
            "queries": found}
