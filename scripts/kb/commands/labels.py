"""`kb labels`: annotation agreement per tree and overall, and the cases to adjudicate."""

from __future__ import annotations

import argparse
from typing import TextIO

from kb.commands._report import add_report_options, fail_under, print_report
from kb.commands._shared import EXIT_CONTENT, EXIT_OK, load_kb
from kb.quality.agreement import agreement_report
from kb.quality.report_json import agreement_json
from kb.quality.report_markdown import agreement_markdown
from kb.quality.report_text import agreement_text
from kb.quality.thresholds import Better

FIGURES = {"kappa": Better.HIGHER, "agreement": Better.HIGHER}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "labels", help="annotation agreement: Cohen's/Fleiss' kappa, cases to adjudicate",
        description="Agreement between the independent annotations of labeled cases, per tree "
                    "and overall: how many cases are labeled once, twice or more, observed "
                    "agreement, Cohen's kappa (two annotators) or Fleiss' kappa (more), the "
                    "cases whose annotators disagree and those whose `expected` differs from "
                    "the annotators' majority.")
    add_report_options(p, "exit 1 unless the overall figures meet these minimums "
                          f"({', '.join(FIGURES)}), e.g. kappa=0.6")
    p.set_defaults(run=cmd_labels)


def cmd_labels(args: argparse.Namespace, out: TextIO) -> int:
    thresholds = fail_under(args, FIGURES)
    report = agreement_report(load_kb(args).kb)
    misses = print_report(args, out, thresholds, report.figures(),
                          as_json=lambda: agreement_json(report),
                          as_text=lambda: agreement_text(report),
                          as_markdown=lambda: "\n".join(agreement_markdown(report)))
    return EXIT_CONTENT if misses else EXIT_OK
