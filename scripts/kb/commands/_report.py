"""What the report commands (`kb eval`, `kb metrics`, `kb labels`) share: the `--format` and
`--fail-under` options, and printing a report with the thresholds it misses."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from kb.commands._shared import UsageError
from kb.quality.report_json import thresholds_json
from kb.quality.thresholds import Better, Miss, Threshold, check_thresholds, parse_thresholds

REPORT_FORMATS = ("text", "json", "markdown")


def add_report_options(parser: argparse.ArgumentParser, fail_under_help: str) -> None:
    parser.add_argument("--format", choices=REPORT_FORMATS, default="text")
    parser.add_argument("--fail-under", metavar="NAME=VALUE,...", help=fail_under_help)


def fail_under(args: argparse.Namespace, figures: Mapping[str, Better]) -> list[Threshold]:
    """The thresholds `--fail-under` gives (none without it); UsageError when they are wrong."""
    if not args.fail_under:
        return []
    try:
        return parse_thresholds(args.fail_under, figures)
    except ValueError as exc:
        raise UsageError(f"--fail-under: {exc}") from None


def print_report(args: argparse.Namespace, out: TextIO, thresholds: list[Threshold],
                 figures: Mapping[str, float | None], *, as_json: Callable[[], dict[str, Any]],
                 as_text: Callable[[], str], as_markdown: Callable[[], str]) -> list[Miss]:
    """Print the report in the `--format` asked for, with the thresholds it misses (a list in
    JSON, a line each otherwise); those misses."""
    misses = check_thresholds(thresholds, figures)
    if args.format == "json":
        data = as_json()
        if thresholds:
            data["thresholds"] = thresholds_json(thresholds, misses)
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    else:
        print(as_text() if args.format == "text" else as_markdown(), file=out)
        for miss in misses:
            print(f"threshold missed: {miss.describe()}", file=out)
    return misses
