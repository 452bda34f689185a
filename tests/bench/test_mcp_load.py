"""scripts/bench/mcp_load.py at a small size: it runs, and prints every figure with no error.
Timings are never asserted (they are read from the script's output)."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor

from bench import mcp_load


def test_a_small_load_run_prints_every_figure() -> None:
    out = io.StringIO()
    # in a thread of its own: the browser tests' Playwright keeps an event loop running in the
    # test thread for the whole session
    with ThreadPoolExecutor(1) as pool:
        code = pool.submit(mcp_load.main, ["--sizes", "0", "--clients", "3", "--calls", "12"],
                           out).result()
    assert code == 0
    text = out.getvalue()
    assert re.search(r"3 clients x 12 calls in [0-9.]+ s \([0-9]+ calls/s\), 0 errors; "
                     r"server memory [0-9]+ MiB idle", text), text
    for tool in mcp_load.MIX:
        assert re.search(rf"  {tool} +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+\n", text), tool
