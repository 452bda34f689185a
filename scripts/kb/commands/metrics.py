"""`kb metrics CASES`: program metrics from the support tool's case export, with DuckDB."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from kb.commands._report import add_report_options, fail_under, print_report
from kb.commands._shared import EXIT_CONTENT, EXIT_OK, UsageError, load_kb
from kb.quality.casedata import FORMATS, CaseDataError, detect_format
from kb.quality.metrics import METRIC_FIGURES, compute_metrics
from kb.quality.report_json import metrics_json
from kb.quality.report_markdown import metrics_markdown
from kb.quality.report_text import metrics_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "metrics", help="program metrics (containment, FCR, AHT, CSAT...) from a case export",
        description="Containment, deflection, escalation, first-contact resolution, reopen "
                    "rate, average and p90 handle time and CSAT per channel, tree, outcome and "
                    "week, cross-referenced with the KB, from a CSV, JSONL or Parquet export "
                    "queried in place by DuckDB. Bad rows are counted and listed with their "
                    "line (row for Parquet) and never counted; any makes the exit code 1.")
    p.add_argument("cases", help="the case export (.csv, .jsonl or .parquet)")
    p.add_argument("--input-format", choices=FORMATS, default="",
                   help="the export's format when its extension does not say")
    p.add_argument("--max-bad-rows", type=int, default=100, metavar="N",
                   help="list at most N bad rows (all are counted; default 100)")
    p.add_argument("--min-cases", type=int, default=20, metavar="N",
                   help="outcomes need N cases to be ranked among the worst (default 20)")
    add_report_options(p, "gate on overall figures, e.g. containment=0.4,reopen=0.1 "
                          "(escalation, reopen, aht and aht_p90 are maximums); known: "
                          + ", ".join(METRIC_FIGURES))
    p.set_defaults(run=cmd_metrics)


def cmd_metrics(args: argparse.Namespace, out: TextIO) -> int:
    thresholds = fail_under(args, METRIC_FIGURES)
    if args.max_bad_rows < 0 or args.min_cases < 1:
        raise UsageError("--max-bad-rows must be 0 or more and --min-cases 1 or more")
    path = Path(args.cases)
    if not path.is_file():
        raise UsageError(f"{args.cases}: no such file")
    try:
        fmt = detect_format(path, args.input_format)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    kb = load_kb(args).kb
    try:
        report = compute_metrics(kb, path, fmt, max_listed=args.max_bad_rows,
                                 min_cases=args.min_cases, source=args.cases)
    except CaseDataError as exc:
        print(f"kb metrics: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    misses = print_report(args, out, thresholds, report.figures(),
                          as_json=lambda: metrics_json(report),
                          as_text=lambda: metrics_text(report),
                          as_markdown=lambda: metrics_markdown(report, kb))
    return EXIT_CONTENT if misses or report.check.bad else EXIT_OK
