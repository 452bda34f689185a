"""The benchmark script runs at a small size and prints every figure."""

from __future__ import annotations

import subprocess
import sys

from kbtest import REPO

FIGURES = ("rows", "format", "file size", "generate seconds",
           "kb metrics seconds (whole process)", "kb metrics CPU seconds (user + system)",
           "rows per second", "rows counted",
           "rows rejected", "containment", "escalation rate", "first-contact resolution",
           "average handle time", "machine")


def test_bench_small_run_prints_every_figure() -> None:
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "bench_metrics.py"),
                          "--rows", "20000"], capture_output=True, text=True, check=False,
                         cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stderr
    printed = {line.split("  ")[0].strip(): line for line in run.stdout.splitlines()}
    for figure in FIGURES:
        assert figure in printed, figure
    assert "20,000" in printed["rows"] and printed["rows rejected"].endswith(" 0")
