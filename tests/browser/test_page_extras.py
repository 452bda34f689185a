"""What readers of other knowledge bases expect, in Chromium at a laptop's and a phone's size:
"Was this helpful? / Flag as outdated" opening a filled-in issue, breadcrumbs, dark mode that
keeps the diagram and walker readable, and a print view of a walk."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browser_support import REPO, Served, Web, open_web, serving, shipped_site
from playwright.sync_api import Browser, Page

from kb.casetest import run_cases
from kb.loader import load, load_config
from kb.model import KnowledgeBase

pytestmark = pytest.mark.browser

KB: KnowledgeBase = load(load_config(REPO)).kb
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
ISSUES = "https://issues.example.test/kb/issues/new"
#: a published article of a section (docs path without `docs/`)
ARTICLE_PATH = next(a.path.removeprefix("docs/") for a in sorted(KB.articles.values(),
                    key=lambda a: a.path) if a.path.startswith("docs/upi/"))
TREE = "upi-debited-not-credited" if "upi-debited-not-credited" in KB.trees else sorted(KB.trees)[0]


def walked_hash(tree_id: str) -> str:
    """The address fragment of the tree's longest passing labeled case."""
    results = [r for r in run_cases(KB).results if r.tree == tree_id and r.passed]
    steps = max(results, key=lambda r: len(r.walk.steps)).walk.steps
    parts = []
    for step in steps:
        value = step.value
        text = str(value).lower() if isinstance(value, bool) else (
            str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        parts.append(f"{quote(step.fact, safe='')}:{quote(text, safe='/')}")
    return "#walk=" + ",".join(parts)


@pytest.fixture(scope="module")
def feedback_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The shipped content with a feedback tracker configured."""
    with serving(shipped_site(tmp_path_factory.mktemp("feedback-kb"), "\nextra:\n",
                              f"  feedback_issues_url: {ISSUES}\n")) as served:
        yield served


@pytest.fixture(params=sorted(SIZES))
def sized(request: pytest.FixtureRequest, browser: Browser,
          feedback_site: Served) -> Iterator[Web]:
    session = open_web(browser, feedback_site)
    width, height = SIZES[request.param]
    session.page.set_viewport_size({"width": width, "height": height})
    yield session
    session.context.close()
    assert session.remote_requests() == [], "requests left 127.0.0.1"


def page_path(rel_path: str) -> str:
    return rel_path.removesuffix(".md") + "/"


def test_feedback_links_open_a_filled_in_issue(sized: Web) -> None:
    page = sized.goto(page_path(ARTICLE_PATH))
    block = page.locator("aside.kb-feedback")
    assert block.is_visible()
    assert "Was this helpful?" in block.inner_text()
    wanted = {"Yes": "Helpful", "No": "Not helpful", "Flag as outdated": "Outdated"}
    for text, prefix in wanted.items():
        href = block.get_by_role("link", name=text, exact=True).get_attribute("href")
        assert href is not None and href.startswith(ISSUES + "?")
        query = parse_qs(urlsplit(href).query)
        assert query["title"] == [f"{prefix}: {page.title().split(' - ')[0]}"]
        assert f"Source: docs/{ARTICLE_PATH}" in query["body"][0]
        assert query["labels"] == ["kb-feedback"]
    # tree pages have it too
    sized.goto(f"trees/{TREE}/")
    assert page.locator("aside.kb-feedback a").count() == 3


def test_breadcrumbs_lead_back_to_the_section(sized: Web) -> None:
    page = sized.goto(page_path(ARTICLE_PATH))
    crumbs = page.locator("nav.md-path a")
    assert crumbs.count() >= 2
    section = ARTICLE_PATH.split("/")[0]
    hrefs = [h or "" for h in crumbs.evaluate_all("(a) => a.map((l) => l.href)")]
    assert any(h.rstrip("/").endswith(f"/{section}") for h in hrefs)
    assert page.locator("nav.md-path").is_visible()


def luminance(rgb: str) -> float:
    values = [float(v) / 255 for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def colours(page: Page, selector: str) -> tuple[str, str]:
    """The text colour of the first `selector` and the first opaque background behind it."""
    found: list[str] = page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        let node = el, bg = 'rgba(0, 0, 0, 0)';
        while (node && node.nodeType === 1) {
            bg = getComputedStyle(node).backgroundColor;
            if (bg !== 'transparent' && !bg.startsWith('rgba(0, 0, 0, 0)')) break;
            node = node.parentNode;
        }
        return [getComputedStyle(el).color, bg];
    }""", selector)
    return found[0], found[1]


def test_dark_mode_keeps_the_walker_and_diagram_readable(sized: Web) -> None:
    page = sized.goto(f"trees/{TREE}/{walked_hash(TREE)}")
    page.locator(".kb-walker-outcome").wait_for()
    page.locator("label[title='Switch to dark mode']").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    for selector in (".kb-walker-outcome h3", ".kb-walker-step-question",
                     ".kb-walker-step-answer", ".kb-walker-path-title"):
        fg, bg = colours(page, selector)
        assert contrast(fg, bg) >= 4.5, (selector, fg, bg)
    # the diagram keeps its light drawing board, its dark text readable on it
    board = page.evaluate("getComputedStyle(document.querySelector('.kb-tree-diagram'))"
                          ".backgroundColor")
    assert board == "rgb(255, 255, 255)"
    text = page.evaluate("getComputedStyle(document.querySelector("
                         "'svg.kb-tree-svg .kb-node text tspan')).fill")
    assert contrast(text, board) >= 7
    # the choice sticks across pages
    sized.goto(page_path(ARTICLE_PATH))
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


def test_print_shows_the_walked_path_and_outcome_and_fits_the_diagram(sized: Web) -> None:
    page = sized.goto(f"trees/{TREE}/{walked_hash(TREE)}")
    page.locator(".kb-walker-outcome").wait_for()
    page.emulate_media(media="print")
    assert page.locator(".kb-walker-path").is_visible()
    assert page.locator(".kb-walker-step-answer").first.is_visible()
    assert page.locator(".kb-walker-outcome h3").is_visible()
    assert not page.locator(".kb-diagram-controls").is_visible()
    assert not page.locator("aside.kb-feedback").is_visible()
    fit = page.evaluate("""() => {
        const svg = document.querySelector('svg.kb-tree-svg');
        const content = document.querySelector('.md-content__inner');
        const s = svg.getBoundingClientRect(), c = content.getBoundingClientRect();
        return {svgRight: s.right, contentRight: c.right, svgLeft: s.left, contentLeft: c.left,
                faded: [...svg.querySelectorAll('.kb-node')].some(
                    (n) => getComputedStyle(n).opacity !== '1')};
    }""")
    assert fit["svgLeft"] >= fit["contentLeft"] - 1
    assert fit["svgRight"] <= fit["contentRight"] + 1
    assert fit["faded"] is False  # the whole tree prints, the walk marked in bold
    assert page.locator("svg.kb-tree-svg .kb-node.kb-current").count() == 1


def test_tree_pages_fold_their_quality_figures(sized: Web) -> None:
    page = sized.goto(f"trees/{TREE}/")
    folded = page.locator("h2#quality ~ details").first
    assert folded.get_attribute("open") is None
    figures = folded.get_by_text("Program metrics", exact=False).first
    assert not figures.is_visible()
    folded.locator("summary").click()
    assert figures.is_visible()


#: what a browse page has that scrolls sideways (a wide table in Material's scroll wrapper)
WIDER_THAN_SHOWN = """() => [...document.querySelectorAll('article.md-content__inner *')]
    .filter((el) => el.scrollWidth > el.clientWidth + 1
                    && getComputedStyle(el).overflowX !== 'visible')
    .map((el) => el.tagName + '.' + el.className)"""


def test_browse_pages_fit_the_screen(sized: Web) -> None:
    listed = 0
    paths = ["browse/products/", "browse/markets/", "browse/teams/", "trees/"]
    for path in paths:
        page = sized.goto(path)
        # a large group's items are on its own pages: check the first of those too
        part = page.locator('article a[href*="parts/"]').first
        if path == "browse/markets/" and part.count():
            paths.append(urlsplit(part.evaluate("(a) => a.href")).path.lstrip("/"))
        listed += page.locator("ul.kb-listing > li").count()
        assert page.evaluate(WIDER_THAN_SHOWN) == [], path
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], path  # type: ignore[index]
    assert listed > 0
