"""The tree diagrams in Chromium at a laptop's and a phone's size: the box fits the window, the
diagram zooms (buttons, keys, pinch) and pans inside it, and once a walk has started it shows
the walked path with the rest faded."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import REPO, Web, answer
from playwright.sync_api import Page

from kb.casetest import run_cases
from kb.loader import load, load_config
from kb.model import KnowledgeBase

pytestmark = pytest.mark.browser

KB: KnowledgeBase = load(load_config(REPO)).kb
TREE_IDS = sorted(KB.trees)
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
#: the tree whose diagram is widest: the hardest to fit
WIDE = "pix-med-refund" if "pix-med-refund" in KB.trees else TREE_IDS[0]


def at_size(web: Web, size: str, path: str) -> Page:
    width, height = SIZES[size]
    web.page.set_viewport_size({"width": width, "height": height})
    page = web.goto(path)
    page.locator(".kb-diagram-controls").wait_for()
    return page


def geometry(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("""() => {
        const box = document.querySelector('.kb-tree-diagram');
        const svg = box.querySelector('svg.kb-tree-svg');
        const b = box.getBoundingClientRect(), s = svg.getBoundingClientRect();
        return {boxWidth: b.width, boxHeight: b.height, boxLeft: b.left, boxRight: b.right,
                innerWidth: box.clientWidth, innerHeight: box.clientHeight,
                svgWidth: s.width, svgHeight: s.height,
                drawnWidth: parseFloat(svg.getAttribute('width')),
                windowWidth: window.innerWidth, windowHeight: window.innerHeight,
                level: document.querySelector('.kb-diagram-level').textContent,
                path: box.classList.contains('kb-diagram--path')};
    }""")
    return result


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("tree_id", TREE_IDS)
def test_the_diagram_box_never_exceeds_the_window(web: Web, size: str, tree_id: str) -> None:
    page = at_size(web, size, f"trees/{tree_id}/")
    g = geometry(page)
    assert g["boxHeight"] <= g["windowHeight"]
    assert g["boxLeft"] >= 0 and g["boxRight"] <= g["windowWidth"]
    # drawn at actual size (text 12.5 px), the rest reached by panning inside the box
    assert g["level"] == "100%"
    assert g["svgWidth"] == pytest.approx(g["drawnWidth"], abs=1)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_buttons_and_keys_zoom_and_fit(web: Web, size: str) -> None:
    page = at_size(web, size, f"trees/{WIDE}/")
    drawn = geometry(page)["drawnWidth"]
    page.get_by_role("button", name="Zoom in").click()
    assert geometry(page)["svgWidth"] == pytest.approx(drawn * 1.25, abs=1)
    assert geometry(page)["level"] == "125%"
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    assert geometry(page)["svgWidth"] == pytest.approx(drawn * 0.8, abs=1)
    page.get_by_role("button", name="Fit the whole diagram").click()
    g = geometry(page)
    assert g["svgWidth"] <= g["innerWidth"] + 1 and g["svgHeight"] <= g["innerHeight"] + 1
    page.get_by_role("button", name="Actual size").click()
    assert geometry(page)["svgWidth"] == pytest.approx(drawn, abs=1)
    # the keyboard, on the focused diagram
    page.locator(".kb-tree-diagram").focus()
    page.keyboard.press("+")
    assert geometry(page)["level"] == "125%"
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert geometry(page)["level"] == "80%"
    page.keyboard.press("0")
    assert geometry(page)["level"] == "100%"
    page.keyboard.press("f")
    g = geometry(page)
    assert g["svgWidth"] <= g["innerWidth"] + 1


def test_a_trackpad_pinch_zooms_and_a_drag_pans(web: Web) -> None:
    page = at_size(web, "desktop", f"trees/{WIDE}/")
    box = page.locator(".kb-tree-diagram")
    box.scroll_into_view_if_needed()
    rect = box.bounding_box()
    assert rect is not None
    page.mouse.move(rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2)
    page.keyboard.down("Control")  # Chromium reports a trackpad pinch as a ctrl + wheel
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_function("document.querySelector('.kb-diagram-level').textContent !== '100%'")
    assert int(geometry(page)["level"].rstrip("%")) > 100
    before = page.evaluate("document.querySelector('.kb-tree-diagram').scrollLeft")
    x, y = rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y, steps=5)
    page.mouse.up()
    after = page.evaluate("document.querySelector('.kb-tree-diagram').scrollLeft")
    assert after > before


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_started_walk_shows_the_walked_path(web: Web, size: str) -> None:
    results = [r for r in run_cases(KB).results if r.tree == WIDE and r.passed]
    result = max(results, key=lambda r: len(r.walk.steps))
    page = at_size(web, size, f"trees/{WIDE}/")
    assert geometry(page)["path"] is False
    steps = result.walk.steps
    assert len(steps) >= 2, "the widest tree has walks of two answers or more"
    answer(page, steps[0].value)
    page.wait_for_function(
        "document.querySelector('.kb-tree-diagram').classList.contains('kb-diagram--path')")
    button = page.get_by_role("button", name="Walked path only")
    assert button.get_attribute("aria-pressed") == "true"
    faded = page.evaluate("""() => {
        const nodes = [...document.querySelectorAll('svg.kb-tree-svg .kb-node')];
        return nodes.map((n) => [n.classList.contains('kb-visited')
            || n.classList.contains('kb-current'), getComputedStyle(n).opacity]);
    }""")
    assert {opacity for walked, opacity in faded if walked} == {"1"}
    assert {opacity for walked, opacity in faded if not walked} == {"0.25"}
    # the reader can ask for the whole tree, and that choice sticks while walking on
    button.click()
    assert geometry(page)["path"] is False
    assert button.get_attribute("aria-pressed") == "false"
    answer(page, steps[1].value)
    assert page.locator("svg.kb-tree-svg .kb-node.kb-visited").count() >= 2
    assert geometry(page)["path"] is False
