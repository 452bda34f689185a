"""`kb eval PREDICTIONS`: an AI agent's predictions against the labeled cases."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from kb.commands._report import add_report_options, fail_under, print_report
from kb.commands._shared import EXIT_CONTENT, EXIT_OK, UsageError, load_kb
from kb.quality.evaluation import EVAL_FIGURES, evaluate
from kb.quality.predictions import read_predictions
from kb.quality.report_json import evaluation_json
from kb.quality.report_markdown import evaluation_markdown
from kb.quality.report_text import evaluation_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval", help="evaluate an AI agent's predictions (JSONL) against the labeled cases",
        description="Accuracy, per-outcome precision/recall/F1, confusion matrices, path and "
                    "citation accuracy, coverage, under- and over-escalation and calibration, "
                    "per tree and overall. Each line of PREDICTIONS is a JSON object with "
                    "`case` and `outcome`, optionally `path`, `citations`, `confidence`, "
                    "`model`. Exit 1 when a line is rejected or a --fail-under threshold is "
                    "missed.")
    p.add_argument("predictions", help="the predictions file (JSONL)")
    add_report_options(p, "gate on overall figures, e.g. accuracy=0.95,under_escalation=0.01 "
                          "or policy_breaches=0 (higher-is-better figures are minimums; "
                          "under_escalation, over_escalation, ece and policy_breaches "
                          "maximums); known: " + ", ".join(EVAL_FIGURES))
    p.set_defaults(run=cmd_eval)


def cmd_eval(args: argparse.Namespace, out: TextIO) -> int:
    thresholds = fail_under(args, EVAL_FIGURES)
    path = Path(args.predictions)
    if not path.is_file():
        raise UsageError(f"{args.predictions}: no such file")
    kb = load_kb(args).kb
    try:
        predictions = read_predictions(path, kb, source=args.predictions)
    except OSError as exc:
        raise UsageError(f"cannot read {args.predictions}: {exc.strerror or exc}") from None
    report = evaluate(kb, predictions)
    misses = print_report(args, out, thresholds, report.overall.figures(),
                          as_json=lambda: evaluation_json(report),
                          as_text=lambda: evaluation_text(report),
                          as_markdown=lambda: evaluation_markdown(report))
    return EXIT_CONTENT if misses or predictions.rejected else EXIT_OK
