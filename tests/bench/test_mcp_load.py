"""scripts/bench/mcp_load.py at a small size: it runs, and prints every figure with no error.
Timings are never asserted (they are read from the script's output)."""

from __future__ import annotations

import io
import re

from bench import mcp_load


def test_a_small_load_run_prints_every_figure() -> None:
    out = io.StringIO()
    assert mcp_load.main(["--sizes", "0", "--clients", "3", "--calls", "12"], out) == 0
    text = out.getvalue()
    assert re.search(r"3 clients x 12 calls in [0-9.]+ s \([0-9]+ calls/s\), 0 errors; "
                     r"server memory [0-9]+ MiB idle", text), text
    for tool in mcp_load.MIX:
        assert re.search(rf"  {tool} +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+\n", text), tool
