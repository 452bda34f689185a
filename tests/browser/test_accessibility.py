"""axe-core on every page type of the shipped site, in Chromium, at a laptop's and a phone's size
(light scheme) and at the laptop's size in the dark scheme: no serious or critical violation.

axe-core comes pinned from a package registry, never a CDN: the `axe-playwright-python` wheel
pinned in requirements.lock carries `axe.min.js`, whose version and sha256 are checked here
before it runs. It is evaluated in the page (the site's Content-Security-Policy would refuse a
script element). Every rule axe runs by default is kept, and the `label-content-name-mismatch`
rule (experimental, so off by default) is turned on: a control's accessible name must contain
its visible text. No rule is turned off.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from browser_support import REPO, Served, Web, open_search, open_web, search_results
from playwright.sync_api import Browser, Page

from kb.loader import load, load_config
from kb.model import Article, KnowledgeBase

pytestmark = pytest.mark.browser

_AXE_PACKAGE = importlib.util.find_spec("axe_playwright_python")
assert _AXE_PACKAGE is not None and _AXE_PACKAGE.origin, "axe-playwright-python is installed"
AXE_JS = Path(_AXE_PACKAGE.origin).parent / "axe.min.js"
#: the axe-core release inside axe-playwright-python 0.1.8 (requirements.lock), and its digest
AXE_VERSION = "4.12.1"
AXE_SHA256 = "84494fec757e4710dc751c8d7a636e457f4532f08f85c86dc9070133fbff53bc"
#: a page type's check: visit its pages in the given browser context, return what axe found
Check = Callable[[Web], list["Violation"]]
#: impacts that fail the test
FAILING = ("serious", "critical")

KB: KnowledgeBase = load(load_config(REPO)).kb

#: (width, height, colour scheme) of each configuration
CONFIGS: dict[str, tuple[int, int, Literal["light", "dark"]]] = {
    "desktop-light": (1366, 900, "light"),
    "phone-light": (390, 844, "light"),
    "desktop-dark": (1366, 900, "dark"),
}


def _page_of(article: Article) -> str:
    return article.path.removeprefix(KB.config.docs_dir.strip("/") + "/").removesuffix(
        ".md") + "/"


def _first(test: Callable[[Article], bool], what: str) -> str:
    found = sorted((a for a in KB.articles.values() if test(a)), key=lambda a: a.path)
    assert found, f"the shipped content has {what}"
    return _page_of(found[0])


ARTICLE = _first(lambda a: a.meta.status == "published" and a.meta.visibility != "restricted"
                 and a.type != "macro" and "/" in a.path.removeprefix("docs/"),
                 "a published article in a section")
RESTRICTED = _first(lambda a: a.meta.visibility == "restricted", "a restricted article")
DEPRECATED = _first(lambda a: a.meta.status == "deprecated", "a deprecated article")
MACRO = _first(lambda a: a.type == "macro", "a macro")
SECTION = ARTICLE.split("/")[0] + "/"
TREE = ("upi-debited-not-credited" if "upi-debited-not-credited" in KB.trees
        else sorted(KB.trees)[0])
#: at most this many pages of a generated family (browse, quality, agents) are checked
FAMILY_LIMIT = 8


# --- axe ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Violation:
    """One failing axe rule on one page, with the elements it found."""

    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    summary: str

    def report(self) -> str:
        shown = "\n".join(f"      {t}" for t in self.targets[:5])
        more = f"\n      ... and {len(self.targets) - 5} more" if len(self.targets) > 5 else ""
        return (f"  {self.page}: {self.rule} ({self.impact}) {self.help}\n{shown}{more}\n"
                f"      fix: {self.summary}")


_RUN_AXE = """async () => {
  const result = await axe.run(document, {
    resultTypes: ['violations'],
    rules: {'label-content-name-mismatch': {enabled: true}},
  });
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
    summary: (v.nodes[0] && v.nodes[0].failureSummary || '').split('\\n').slice(0, 3).join(' '),
  }));
}"""


def axe_violations(page: Page, name: str) -> list[Violation]:
    """The serious and critical axe violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    found: list[dict[str, object]] = page.evaluate(_RUN_AXE)
    return [Violation(name, str(v["rule"]), str(v["impact"]), str(v["help"]),
                      tuple(str(t) for t in v["targets"]),  # type: ignore[attr-defined]
                      str(v["summary"]))
            for v in found if v["impact"] in FAILING]


def assert_no_violations(violations: list[Violation]) -> None:
    if violations:
        pytest.fail("axe-core found serious or critical violations:\n"
                    + "\n".join(v.report() for v in violations), pytrace=False)


# --- pages ----------------------------------------------------------------------------------------


def visit(web: Web, path: str) -> Page:
    """The page at `path`, once the theme and the kb's scripts have done their work."""
    page = web.goto(path)
    page.wait_for_selector("html[data-kb-a11y='ready']", state="attached")
    return page


def single(path: str) -> Check:
    def check(web: Web) -> list[Violation]:
        page = visit(web, path)
        if page.locator(".kb-walker").count():
            page.locator(".kb-walker-question").wait_for()
        return axe_violations(page, path or "/")
    return check


def family(folder: str, limit: int = FAMILY_LIMIT) -> Check:
    """The built pages under `folder` (its index first), at most `limit` of them."""
    def check(web: Web) -> list[Violation]:
        root = web.served.root
        found = sorted(p.parent.relative_to(root).as_posix() + "/"
                       for p in (root / folder).rglob("index.html"))
        assert found, f"the site has pages under {folder}/"
        violations = []
        for path in found[:limit]:
            violations += axe_violations(visit(web, path), path)
        return violations
    return check


def answer_first(page: Page) -> None:
    """Answer the walker's current question with its first choice (or the smallest number)."""
    question = page.locator(".kb-walker-question")
    number = question.locator("input[type=number]")
    if number.count():
        number.fill(number.get_attribute("min") or "1")
        question.get_by_role("button", name="Next").click()
    else:
        question.locator("button[data-value]").first.click()


def tree_walk(web: Web) -> list[Violation]:
    """The tree page with one answer given, then at the outcome its first answers lead to."""
    path = f"trees/{TREE}/"
    page = visit(web, path)
    page.locator(".kb-walker-question").wait_for()
    answer_first(page)
    page.locator(".kb-walker-step").first.wait_for()
    violations = axe_violations(page, path + " (one answer given)")
    for _ in range(40):
        if page.locator(".kb-walker-outcome").count():
            break
        answer_first(page)
    page.locator(".kb-walker-outcome").wait_for()
    return violations + axe_violations(page, path + " (at the outcome)")


def search_open(web: Web) -> list[Violation]:
    """The home page with the search dialog open on results."""
    page = visit(web, "")
    open_search(web)
    assert search_results(web, "refund")
    assert page.get_by_role("dialog", name="Search").count() == 1
    return axe_violations(page, "/ (search open)")


CHECKS: dict[str, Check] = {
    "home": single(""),
    "section": single(SECTION),
    "article": single(ARTICLE),
    "restricted-article": single(RESTRICTED),
    "deprecated-article": single(DEPRECATED),
    "macro": single(MACRO),
    "tree-index": single("trees/"),
    "tree-before-walk": single(f"trees/{TREE}/"),
    "tree-during-and-after-walk": tree_walk,
    "browse-pages": family("browse"),
    "quality-pages": family("quality"),
    "agent-pages": family("agents"),
    "search-open": search_open,
}
#: at a phone's size the generated families (long, and laid out alike) are checked by their
#: first page; the dark scheme where its colours differ from the light one's: links, code,
#: walker, diagram and search
PHONE = {**CHECKS, "browse-pages": family("browse", 1), "quality-pages": family("quality", 1),
         "agent-pages": family("agents", 1)}
DARK = {k: CHECKS[k] for k in ("home", "article", "tree-during-and-after-walk", "search-open")}
DARK["agent-pages"] = family("agents", 1)
BY_CONFIG = {"desktop-light": CHECKS, "phone-light": PHONE, "desktop-dark": DARK}
CASES = [(config, kind) for config, checks in BY_CONFIG.items() for kind in checks]


@pytest.fixture
def configured(request: pytest.FixtureRequest, browser: Browser, site: Served) -> Iterator[Web]:
    width, height, scheme = CONFIGS[request.param]
    session = open_web(browser, site)
    session.page.set_viewport_size({"width": width, "height": height})
    session.page.emulate_media(color_scheme=scheme)
    yield session
    session.context.close()
    assert session.remote_requests() == [], "requests left 127.0.0.1"


def test_axe_core_is_the_pinned_release() -> None:
    source = AXE_JS.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, (
        f"{AXE_JS} is not the pinned axe-core {AXE_VERSION}: update AXE_SHA256 only together "
        "with the pin in requirements.lock")
    assert source.startswith(f"/*! axe v{AXE_VERSION}".encode())


def test_axe_reports_a_planted_violation(web: Web) -> None:
    """The check can fail: an image without a text alternative is a critical violation."""
    page = visit(web, ARTICLE)
    page.evaluate("""() => { const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; img.width = 20; img.height = 20;
        document.querySelector('.md-content__inner').prepend(img); }""")
    found = axe_violations(page, ARTICLE)
    assert [v.rule for v in found] == ["image-alt"]
    assert "image-alt (critical)" in found[0].report()


@pytest.mark.parametrize(("configured", "config", "kind"), [(c, c, k) for c, k in CASES],
                         indirect=["configured"], ids=[f"{c}-{k}" for c, k in CASES])
def test_no_serious_or_critical_violation(configured: Web, config: str, kind: str) -> None:
    assert_no_violations(BY_CONFIG[config][kind](configured))


def test_the_dark_configuration_is_really_dark(browser: Browser, site: Served) -> None:
    """The dark runs test the slate scheme, not the light one twice."""
    session = open_web(browser, site)
    try:
        session.page.emulate_media(color_scheme="dark")
        page = visit(session, ARTICLE)
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    finally:
        session.context.close()


# --- phone and laptop layout ----------------------------------------------------------------------


def _translation() -> list[str]:
    """A page with a language switcher (an article that exists in several languages)."""
    found = sorted((a for a in KB.all_articles() if a.translation is not None),
                   key=lambda a: a.path)
    return [_page_of(found[0])] if found else []


def _biggest_tree() -> str:
    return max(sorted(KB.trees.values(), key=lambda t: t.id), key=lambda t: len(t.nodes)).id


ARTICLES = sorted({ARTICLE, RESTRICTED, DEPRECATED, MACRO, *_translation()})
LAYOUT_PAGES = ["trees/", *ARTICLES, f"trees/{TREE}/", f"trees/{_biggest_tree()}/"]


@pytest.mark.parametrize(("configured", "config"), [(c, c) for c in ("desktop-light",
                         "phone-light")], indirect=["configured"], ids=["desktop", "phone"])
def test_no_page_scrolls_sideways(configured: Web, config: str) -> None:
    wide = {}
    for path in LAYOUT_PAGES:
        page = visit(configured, path)
        width, window = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        if width > window:
            wide[path] = (width, window)
    assert wide == {}, f"{config}: pages wider than the window (scrollWidth, innerWidth)"


@pytest.mark.parametrize("configured", ["phone-light"], indirect=True)
def test_an_article_starts_on_the_first_phone_screen(configured: Web) -> None:
    late = {}
    for path in ARTICLES:
        page = visit(configured, path)
        meta = page.locator("details.kb-article-meta")
        assert meta.count() == 1 and meta.get_attribute("open") is None, path
        top = page.evaluate("""() => {
            const first = [...document.querySelectorAll('.md-content__inner > p')]
                .find((p) => !p.closest('.admonition, details'));
            return first ? first.getBoundingClientRect().top : null; }""")
        assert top is not None, f"{path} has a paragraph of its own"
        if top >= page.viewport_size["height"]:  # type: ignore[index]
            late[path] = top
    assert late == {}, "articles whose first paragraph starts below the first phone screen"


@pytest.mark.parametrize("configured", ["phone-light"], indirect=True)
def test_the_article_details_open_on_demand(configured: Web) -> None:
    page = visit(configured, ARTICLE)
    meta = page.locator("details.kb-article-meta")
    summary = meta.locator("summary")
    assert summary.bounding_box()["height"] < 80  # type: ignore[index]  # about two lines
    assert not meta.get_by_text("Products:").is_visible()
    summary.click()
    for field in ("Owner:", "Last review:", "Visibility:", "Status:", "Markets:", "Products:"):
        assert meta.get_by_text(field).is_visible(), field


@pytest.mark.parametrize("configured", ["phone-light"], indirect=True)
def test_the_tree_index_is_a_list(configured: Web) -> None:
    page = visit(configured, "trees/")
    assert page.locator(".md-content table").count() == 0
    cards = page.locator("ul.kb-listing > li")
    assert cards.count() == len(KB.trees)
    first = cards.first
    for term in ("Owner:", "Markets:", "Products:", "Labeled cases:"):
        assert first.get_by_text(term).is_visible(), term
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
