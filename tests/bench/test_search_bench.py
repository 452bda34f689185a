"""scripts/bench/site_search.py at a small size: both engines are built, searched in Chromium,
and every figure printed. Timings and sizes are never asserted (they are read from the output);
what is asserted is that each engine was measured and found the sampled titles."""

from __future__ import annotations

import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import site_search
from kbtest import cannot_run


def test_a_small_run_measures_both_engines(tmp_path: Path) -> None:
    if not site_search.CHROMIUM.is_file():
        cannot_run("the site search bench", f"no Chromium at {site_search.CHROMIUM}")
    out = io.StringIO()
    figures = tmp_path / "search.json"
    # in a thread of its own: the browser tests' Playwright keeps an event loop running in the
    # test thread for the whole session
    with ThreadPoolExecutor(1) as pool:
        code = pool.submit(site_search.main, ["--sizes", "30", "--sample", "3", "--no-real",
                                              "--out", str(figures)], out).result()
    assert code == 0, out.getvalue()
    text = out.getvalue()
    for engine in site_search.ENGINES:
        assert re.search(rf"\| 30 +\| {engine} +\| +[0-9.]+ (kB|MiB) / [0-9.]+ (kB|MiB) "
                         r"\| +[0-9.]+ s \| +([0-9]+ ms|-) \| +[0-3]/3 \|", text), (engine, text)
    sizes = json.loads(figures.read_text(encoding="utf-8"))["sizes"]
    for engine in site_search.ENGINES:
        measured = sizes[0][engine]
        assert measured["titles"] == 3 and measured["titles_found"] >= 2, (engine, measured)
        assert measured["bytes_sent"] > 0 and measured["index_bytes"] > 0


def test_the_material_variant_lists_materials_plugin_before_kb(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nplugins:\n  - kb:\n      today: 2026-06-30\n",
                      encoding="utf-8")
    text = site_search.material_config(config).read_text(encoding="utf-8")
    assert text == ("site_name: x\nplugins:\n  - search:\n      lang: [en, pt]\n"
                    "      fields: {tags: {boost: 10}}\n  - kb:\n      search: material\n"
                    "      today: 2026-06-30\n")
