"""The site search side by side: Material's search and Pagefind, in headless Chromium, in one run.

    python scripts/bench/site_search.py --sizes 1000,5000 [--sample 20] [--no-real] [--out FILE]

For each size it generates the synthetic KB of `scripts/bench` (`bench.generator`, same seed),
builds its site twice with `mkdocs build` (the kb plugin's `search: pagefind`, the default, and
`search: material` with Material's `search` plugin as the repository configured it before), and
serves each from 127.0.0.1 to a fresh Chromium context (empty cache). For each engine it prints:

- bytes before the first result: every byte the server sent from opening the home page until
  the first result shows (the reader opens the search at once and types "payment"), as
  sent (this server does not compress) and as a static host sends it with gzip (each text file
  gzipped; Pagefind's index files are already compressed);
- seconds from opening the page to that first result, as the page saw it: from the
  navigation's start to the moment the first result link entered the list (results of what
  the reader has typed so far count: the reader sees them);
- time per keystroke: an article's title typed one character at a time, the median time from
  a key until the results stop changing;
- findability: how many of a fixed sample of published articles' titles, typed whole, list the
  article in the top 5.

With the real site (unless --no-real) it also builds the repository's own site both ways and
runs the labeled specialist queries (tests/fixtures/search/specialist-queries.yaml): the share
whose expected page is in the top 3. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if not __package__:  # run as a file: put scripts/ on the path so `bench` imports as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from bench import generator
from bench.findability import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SEARCH_SETTLED_JS,
    SEARCH_UIS,
    SEARCH_WATCH_JS,
    SearchUi,
    built_page,
    built_pages,
    published_articles,
    wait_for_answer,
)
from bench.report import table

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
QUERIES_FILE = REPO / "tests" / "fixtures" / "search" / "specialist-queries.yaml"
ENGINES = ("material", "pagefind")
TITLE_TOP, QUERY_TOP = 5, 3
#: what the reader types first: a word of many titles, unlike any whole title typed later (an
#: engine that ignores a repeated query would leave the results unchanged)
FIRST_QUERY = "payment"
#: Material's search as the repository configured it before Pagefind
MATERIAL_PLUGIN = ("  - search:\n      lang: [en, pt]\n      fields: {tags: {boost: 10}}\n"
                   "  - kb:\n      search: material\n")
#: files a static host would send gzipped (Pagefind's own index files are gzip already)
TEXT_SUFFIXES = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt", ".mjs")


# --- serving and counting bytes ----------------------------------------------------------------


@dataclass
class Counter:
    """Bytes the server sent, as sent and as gzip would have sent them."""

    sent: int = 0
    gzipped: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: Path, sent: int) -> None:
        zipped = sent
        if path.suffix in TEXT_SUFFIXES and path.is_file():
            zipped = len(gzip.compress(path.read_bytes(), 6))
        with self.lock:
            self.sent += sent
            self.gzipped += zipped

    def reset(self) -> None:
        with self.lock:
            self.sent = self.gzipped = 0


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    counter: Counter

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        before = source.tell()
        super().copyfile(source, outputfile)
        path = Path(self.translate_path(self.path))
        self.counter.add(path / "index.html" if path.is_dir() else path, source.tell() - before)


@contextlib.contextmanager
def served(site: Path) -> Iterator[tuple[str, Counter]]:
    """`site` served on 127.0.0.1 (URL, byte counter) while the block runs."""
    counter = Counter()
    handler = functools.partial(type("Handler", (_CountingHandler,), {"counter": counter}),
                                directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", counter
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- the two search interfaces -----------------------------------------------------------------


def query(page: Page, ui: SearchUi, text: str) -> list[str]:
    """Type `text` (all but its last character filled in, the last one pressed, so both
    engines search once) and return the result pages' paths once the results settle."""
    box = page.locator(ui.box)
    box.fill(text[:-1])
    box.press(text[-1])
    wait_for_answer(page, ui, text, 120_000)
    links: list[str] = page.eval_on_selector_all(ui.link, "(ls) => ls.map((a) => a.href)")
    return list(dict.fromkeys(urllib.parse.urlsplit(u).path for u in links))


def keystroke_ms(page: Page, ui: SearchUi, text: str) -> list[float]:
    """`text` typed one character at a time into an empty box: per key, the milliseconds
    until the results settle (keys that change nothing count as settled at once)."""
    from playwright.sync_api import TimeoutError as BrowserTimeout

    box = page.locator(ui.box)
    box.fill("")
    times = []
    for char in text:
        box.press(char)
        try:
            page.wait_for_function(SEARCH_SETTLED_JS, timeout=5_000)
        except BrowserTimeout:  # this key changed nothing
            continue
        times.append(float(page.evaluate("() => __kbBench.change - __kbBench.key")))
    return times


@dataclass(frozen=True, slots=True)
class Measured:
    """One engine on one site."""

    bytes_sent: int
    bytes_gzip: int
    first_result_s: float
    keystroke_ms: float | None
    titles_found: int
    titles: int
    index_bytes: int


def measure(site: Path, engine: str, sample: Sequence[tuple[str, str]], browser: Any) -> Measured:
    """Open `site` in a fresh context, search with `engine`; see the module's docstring."""
    ui = SEARCH_UIS[engine]
    with served(site) as (base, counter):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        try:
            page = context.new_page()
            counter.reset()
            page.goto(base)
            page.evaluate(SEARCH_WATCH_JS, [ui.box, ui.results, ui.link])
            page.locator(ui.opener).first.click()
            box = page.locator(ui.box)
            box.fill(FIRST_QUERY[:-1])
            box.press(FIRST_QUERY[-1])  # Material searches on a key, not on a fill
            # polled on every frame: a locator's wait retries ever more slowly (up to every
            # 500 ms), so the moment it noticed a result was not the moment the reader saw it
            page.wait_for_function("() => window.__kbBench.first > 0", timeout=180_000)
            first = float(page.evaluate("() => window.__kbBench.first")) / 1000
            sent, zipped = counter.sent, counter.gzipped
            wait_for_answer(page, ui, FIRST_QUERY, 120_000)
            prefix = urllib.parse.urlsplit(base).path
            found = 0
            for built, title in sample:
                links = query(page, ui, title)[:TITLE_TOP]
                found += (prefix + built.removesuffix("index.html")) in links
            keys = keystroke_ms(page, ui, sample[-1][1])
        finally:
            context.close()
    return Measured(sent, zipped, round(first, 2),
                    round(statistics.median(keys), 1) if keys else None, found, len(sample),
                    index_size(site, engine))


def index_size(site: Path, engine: str) -> int:
    """Bytes of the engine's index on disk."""
    folder = site / ("search" if engine == "material" else "pagefind")
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def specialist_share(site: Path, engine: str, browser: Any) -> tuple[int, int]:
    """(queries whose expected page is in the top 3, queries) on a build of the real site."""
    labeled: list[dict[str, str]] = yaml.safe_load(QUERIES_FILE.read_text(encoding="utf-8"))
    ui = SEARCH_UIS[engine]
    with served(site) as (base, _):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        try:
            page = context.new_page()
            page.goto(base)
            page.evaluate(SEARCH_WATCH_JS, [ui.box, ui.results, ui.link])
            page.locator(ui.opener).first.click()
            query(page, ui, "upi")  # the first query waits for the index
            hits = sum(("/" + item["expected"]) in query(page, ui, item["query"])[:QUERY_TOP]
                       for item in labeled)
        finally:
            context.close()
    return hits, len(labeled)


# --- building ----------------------------------------------------------------------------------


def material_config(config: Path) -> Path:
    """A copy of the site's mkdocs.yml, beside it, that searches with Material's plugin."""
    text = config.read_text(encoding="utf-8")
    if "  - kb:\n" not in text:
        raise SystemExit(f"{config}: no `  - kb:` entry under plugins")
    target = config.with_name("mkdocs-material-search.yml")
    target.write_text(text.replace("  - kb:\n", MATERIAL_PLUGIN, 1), encoding="utf-8")
    return target


def build(config: Path, site: Path) -> float:
    """`mkdocs build` of `config` into `site`; its seconds. Exits with the build's output when
    it fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                           "-d", str(site)], cwd=config.parent, env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build of {config} failed:\n{done.stdout}\n{done.stderr}")
    return round(time.perf_counter() - start, 1)


def both_sites(config: Path, work: Path) -> dict[str, tuple[Path, float]]:
    """The site of `config` built with each engine: (site folder, build seconds)."""
    configs = {"pagefind": config, "material": material_config(config)}
    return {engine: (work / f"site-{engine}", build(configs[engine], work / f"site-{engine}"))
            for engine in ENGINES}


# --- the run -----------------------------------------------------------------------------------


def run_size(size: int, args: argparse.Namespace, work: Path, browser: Any,
             out: TextIO) -> dict[str, Any]:
    root = work / f"kb-{size}"
    generator.generate(root, size, args.seed, generator.DEFAULT_TODAY)
    sites = both_sites(root / "mkdocs.yml", root)
    docs = root / "docs"
    pages = built_pages(sites["pagefind"][0])
    articles = sorted((built_page(path, pages), title)
                      for path, title in published_articles(docs).items())
    sample = random.Random(args.seed).sample(articles, min(args.sample, len(articles)))
    result: dict[str, Any] = {"size": size}
    for engine in ENGINES:
        site, seconds = sites[engine]
        result[engine] = asdict(measure(site, engine, sample, browser)) | {"build_s": seconds}
        print(f"  {size} articles, {engine}: {result[engine]}", file=out, flush=True)
    shutil.rmtree(root, ignore_errors=True)
    return result


def run_real(work: Path, browser: Any, out: TextIO) -> dict[str, Any]:
    root = work / "real"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(
        ".git", ".venv", "site", ".kb-cache", "__pycache__", "*.egg-info", "tests"))
    sites = both_sites(root / "mkdocs.yml", root)
    result: dict[str, Any] = {}
    for engine in ENGINES:
        hits, total = specialist_share(sites[engine][0], engine, browser)
        result[engine] = {"hits": hits, "queries": total}
        print(f"  real site, {engine}: {hits}/{total} labeled queries in the top {QUERY_TOP}",
              file=out, flush=True)
    return result


def mib(n: int) -> str:
    return f"{n / 1_048_576:.2f} MiB" if n >= 1_048_576 else f"{n / 1024:.0f} kB"


def report(sizes: Sequence[Mapping[str, Any]], real: Mapping[str, Any] | None) -> str:
    headers = ["articles", "search", "bytes before 1st result (sent / gzip)",
               "open to 1st result", "per keystroke (median)",
               f"titles in top {TITLE_TOP}", "index on disk"]
    if real:
        headers.append(f"labeled queries in top {QUERY_TOP} (real site)")
    rows = []
    for size in sizes:
        for engine in ENGINES:
            m = size[engine]
            row = [f"{size['size']:,}", engine, f"{mib(m['bytes_sent'])} / {mib(m['bytes_gzip'])}",
                   f"{m['first_result_s']:.2f} s",
                   "-" if m["keystroke_ms"] is None else f"{m['keystroke_ms']:.0f} ms",
                   f"{m['titles_found']}/{m['titles']}", mib(m["index_bytes"])]
            if real:
                row.append(f"{real[engine]['hits']}/{real[engine]['queries']}")
            rows.append(row)
    return table(headers, rows, right=set(range(2, len(headers))) - {1})


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000", help="articles per synthetic KB")
    parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
    parser.add_argument("--sample", type=int, default=20, help="titles typed per site")
    parser.add_argument("--no-real", action="store_true",
                        help="skip the labeled queries on the repository's own site")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = parse_args(argv)
    if not CHROMIUM.is_file():
        print(f"no Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kb-site-search-") as folder, \
            sync_playwright() as driver:
        work = Path(folder)
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
        try:
            sizes = [run_size(int(s), args, work, browser, out) for s in args.sizes.split(",")]
            real = None if args.no_real else run_real(work, browser, out)
        finally:
            browser.close()
    print(report(sizes, real), file=out)
    if args.out:
        args.out.write_text(json.dumps({"sizes": sizes, "real": real}, indent=2) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
