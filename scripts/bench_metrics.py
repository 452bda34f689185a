"""Benchmark `kb metrics` on a large synthetic case export (default: ten million rows).

Generates the export with a fixed seed from the repository's own knowledge base into a
temporary folder, then runs `kb metrics` on it as a whole process (start-up, KB load, DuckDB
read and every figure) and prints the figures of the run. The export is deleted afterwards.

    .venv/bin/python scripts/bench_metrics.py              # 10,000,000 rows, CSV
    .venv/bin/python scripts/bench_metrics.py --rows 20000 --input-format parquet
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.loader import load, load_config
from kb.quality.sample import write_case_export

REPO = Path(__file__).resolve().parent.parent
SEED = 20260105


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--input-format", choices=("csv", "jsonl", "parquet"), default="csv")
    parser.add_argument("--weeks", type=int, default=52, help="weeks the export spans")
    parser.add_argument("--root", type=Path, default=REPO, help="the knowledge base to use")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")

    kb = load(load_config(args.root.resolve())).kb
    kb_command = Path(sys.executable).with_name("kb")
    command = [str(kb_command)] if kb_command.exists() else [sys.executable, "-m", "kb"]
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as folder:
        export = Path(folder) / f"cases.{args.input_format}"
        started = time.perf_counter()
        write_case_export(kb, export, args.rows, seed=SEED, weeks=args.weeks)
        generated = time.perf_counter() - started

        load_before = os.getloadavg()[0]
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        run = subprocess.run(
            [*command, "--root", str(args.root), "metrics", str(export), "--format", "json"],
            capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime
                                                            - cpu_before.ru_stime)
        size = export.stat().st_size
    if run.returncode != 0:
        print(f"kb metrics exited {run.returncode}:\n{run.stderr}", file=sys.stderr)
        return 1
    report = json.loads(run.stdout)
    overall = report["overall"]
    figures = [
        ("rows", f"{args.rows:,}"),
        ("format", args.input_format),
        ("file size", f"{size / 1e6:,.1f} MB"),
        ("generate seconds", f"{generated:.2f}"),
        ("kb metrics seconds (whole process)", f"{elapsed:.2f}"),
        ("kb metrics CPU seconds (user + system)", f"{cpu:.2f}"),
        ("rows per second", f"{args.rows / elapsed:,.0f}"),
        ("rows counted", f"{report['good']:,}"),
        ("rows rejected", f"{report['bad']:,}"),
        ("containment", _pct(overall["containment"])),
        ("escalation rate", _pct(overall["escalation"])),
        ("first-contact resolution", _pct(overall["fcr"])),
        ("average handle time", f"{overall['aht']:.1f} s"),
        ("machine", f"{os.cpu_count()} CPU, {platform.python_implementation()} "
                    f"{platform.python_version()}, load average {load_before:.2f} at start"),
    ]
    width = max(len(name) for name, _ in figures)
    for name, value in figures:
        print(f"{name.ljust(width)}  {value}")
    return 0


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


if __name__ == "__main__":
    sys.exit(main())
