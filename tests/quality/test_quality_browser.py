"""The Quality pages in Chromium, offline: charts render, the sample label shows, and no request
leaves 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from quality_kb import kb_root, load_kb

from browser.browser_support import Served, browser_unavailable, build_site, serve, stop
from kb.quality.sample import (
    SAMPLE_CASES,
    SAMPLE_PREDICTIONS,
    write_case_export,
    write_predictions,
)
from kbtest import cannot_run

pytestmark = pytest.mark.browser

PAGES = {"quality/evaluation/": 2, "quality/metrics/": 4}


@pytest.fixture(scope="module")
def quality_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = kb_root(tmp_path_factory.mktemp("quality-site"),
                   {"quality_predictions": SAMPLE_PREDICTIONS, "quality_cases": SAMPLE_CASES})
    kb = load_kb(root)
    write_predictions(kb, root / SAMPLE_PREDICTIONS)
    write_case_export(kb, root / SAMPLE_CASES, 800)
    folder = build_site(root, root / "site")
    served, server, thread = serve(folder)
    yield served
    stop(server, thread)


def test_quality_pages_render_their_charts_offline(quality_site: Served) -> None:
    reason = browser_unavailable()
    if reason:
        cannot_run("browser tests", reason)
    run = subprocess.run([sys.executable, str(Path(__file__).with_name(
        "quality_browser_check.py")), quality_site.url, *PAGES],
        capture_output=True, text=True, check=False, timeout=180)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["remote_requests"] == []
    for page, count in PAGES.items():
        assert "Sample data" in seen[page]["warning"], page
        charts = seen[page]["charts"]
        assert len(charts) == count, page
        for chart in charts:
            assert chart["width"] > 300 and chart["height"] > 100, (page, chart)
            assert "(sample data)" in chart["title"]
            # drawn marks and text labels (axes, values) are there, as SVG, not an image
            assert chart["paths"] > 3 and chart["texts"] > 3, (page, chart)


def test_sample_downloads_are_served(quality_site: Served) -> None:
    for name in ("sample-cases.csv", "sample-predictions.jsonl"):
        assert (Path(quality_site.root) / "quality" / name).stat().st_size > 0
