"""`kb labels`: annotation agreement per tree and overall, and the cases to adjudicate."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from kb.commands._shared import EXIT_CONTENT, EXIT_OK, UsageError, load_kb
from kb.quality.agreement import agreement_report
from kb.quality.report_json import agreement_json, thresholds_json
from kb.quality.report_markdown import agreement_markdown
from kb.quality.report_text import agreement_text
from kb.quality.thresholds import Better, check_thresholds, parse_thresholds

FIGURES = {"kappa": Better.HIGHER, "agreement": Better.HIGHER}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "labels", help="annotation agreement: Cohen's/Fleiss' kappa, cases to adjudicate",
        description="Agreement between the independent annotations of labeled cases, per tree "
                    "and overall: how many cases are labeled once, twice or more, observed "
                    "agreement, Cohen's kappa (two annotators) or Fleiss' kappa (more), the "
                    "cases whose annotators disagree and those whose `expected` differs from "
                    "the annotators' majority.")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--fail-under", metavar="NAME=VALUE,...",
                   help="exit 1 unless the overall figures meet these minimums "
                        f"({', '.join(FIGURES)}), e.g. kappa=0.6")
    p.set_defaults(run=cmd_labels)


def cmd_labels(args: argparse.Namespace, out: TextIO) -> int:
    thresholds = []
    if args.fail_under:
        try:
            thresholds = parse_thresholds(args.fail_under, FIGURES)
        except ValueError as exc:
            raise UsageError(f"--fail-under: {exc}") from None
    report = agreement_report(load_kb(args).kb)
    misses = check_thresholds(thresholds, report.figures())
    if args.format == "json":
        data = agreement_json(report)
        if thresholds:
            data["thresholds"] = thresholds_json(thresholds, misses)
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    else:
        text = (agreement_text(report) if args.format == "text"
                else "\n".join(agreement_markdown(report)))
        print(text, file=out)
        for miss in misses:
            print(f"threshold missed: {miss.describe()}", file=out)
    return EXIT_CONTENT if misses else EXIT_OK
