"""Run by test_quality_browser.py in its own process (Playwright's sync API cannot start inside
another test's running event loop): open pages of a served site in Chromium and print, as JSON,
what a reader sees of the Quality charts.

    python quality_browser_check.py http://127.0.0.1:PORT/ quality/metrics/ ...
"""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

from playwright.sync_api import Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def main(base: str, pages: list[str]) -> dict[str, object]:
    origin = urlsplit(base).netloc
    requests: list[str] = []
    found: dict[str, object] = {}

    def guard(route: Route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == origin:
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda r: requests.append(r.url))
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(10_000)
        for path in pages:
            page.goto(base + path)
            warning = page.locator(".admonition.warning").first
            charts = []
            svgs = page.locator("figure.kb-chart svg")
            for i in range(svgs.count()):
                svg = svgs.nth(i)
                svg.scroll_into_view_if_needed()
                box = svg.bounding_box() or {"width": 0, "height": 0}
                charts.append({
                    "width": box["width"], "height": box["height"],
                    "title": svg.locator("title").first.text_content() or "",
                    "paths": svg.locator("path").count(),
                    "texts": svg.locator("text").count(),
                })
            found[path] = {"warning": warning.inner_text() if warning.is_visible() else "",
                           "charts": charts}
        browser.close()
    found["remote_requests"] = [u for u in requests if urlsplit(u).netloc != origin
                                and urlsplit(u).scheme not in ("data", "blob", "about")]
    return found


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2:])))
