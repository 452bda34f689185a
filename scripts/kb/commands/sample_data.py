"""`kb sample-data`: regenerate the synthetic sample behind the shipped Quality pages."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from kb.commands._shared import EXIT_OK, UsageError, date_arg, load_kb
from kb.quality.sample import (
    SAMPLE_CASES,
    SAMPLE_PREDICTIONS,
    SAMPLE_SEED,
    write_case_export,
    write_predictions,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sample-data", help="regenerate the synthetic sample predictions and case export",
        description="Writes a seeded, synthetic predictions file (answers to the KB's labeled "
                    "cases) and case export (cases over the KB's trees and outcomes). The same "
                    "KB and options always give the same bytes. Nothing in them is real.")
    p.add_argument("--predictions", default=SAMPLE_PREDICTIONS,
                   help=f"where to write the predictions (default {SAMPLE_PREDICTIONS}, "
                        "relative to the repository root)")
    p.add_argument("--cases", default=SAMPLE_CASES,
                   help=f"where to write the case export (default {SAMPLE_CASES}; .csv, "
                        ".jsonl or .parquet)")
    p.add_argument("--seed", type=int, default=SAMPLE_SEED)
    p.add_argument("--rows", type=int, default=3000, help="case export rows (default 3000)")
    p.add_argument("--weeks", type=int, default=13, help="weeks the export spans (default 13)")
    p.add_argument("--start", type=date_arg, default=dt.date(2026, 1, 5),
                   help="the first day of the export (default 2026-01-05)")
    p.set_defaults(run=cmd_sample_data)


def cmd_sample_data(args: argparse.Namespace, out: TextIO) -> int:
    if args.rows < 1 or args.weeks < 1:
        raise UsageError("--rows and --weeks must be at least 1")
    kb = load_kb(args).kb
    root = kb.config.root
    predictions = root / Path(args.predictions)
    cases = root / Path(args.cases)
    try:
        lines = write_predictions(kb, predictions, args.seed)
        rows = write_case_export(kb, cases, args.rows, args.seed, args.weeks, args.start)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {lines} prediction(s) to {args.predictions} and {rows} case row(s) to "
          f"{args.cases} (seed {args.seed}); synthetic data, not real cases", file=out)
    return EXIT_OK
