"""`kb check`: the pull-request gate. Load once; lint, walk every case, write the agent exports.

One process does what `kb lint`, `kb test` and `kb export` do one after the other, loading the
knowledge base once (from the content cache where files are unchanged) instead of three times.
The exports are made in a forked child while this process lints and walks the cases (both cores
work); they are written only when the gate passes, atomically, like `kb export` writes them,
and thrown away when it fails.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from kb.buildinfo import BuildInfoError, build_info
from kb.casetest import CaseReport, run_cases
from kb.commands._shared import (
    EXIT_CONTENT,
    EXIT_OK,
    UsageError,
    add_cache_option,
    date_arg,
    load_kb,
    run_lint,
)
from kb.commands.test import print_failures
from kb.export import build_exports, write_files_atomically
from kb.forked import Background
from kb.lint.report import FORMATS
from kb.loader import LoadResult

#: lint report formats that leave the output readable as lines (json and sarif are documents)
REPORT_FORMATS = ("text", "github")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check", help="the pull-request gate: lint, test the cases, write the agent exports",
        description="Load the knowledge base once; lint it, walk every labeled case through "
                    "its tree, and, when both pass, write the agent exports (kb-bundle.json, "
                    "its schema, kb-chunks.jsonl, llms.txt, llms-full.txt) atomically. Exits 1 "
                    "on any lint error (with --strict, any warning) or failing case.")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--out", metavar="DIR",
                        help="folder for the exports (default: site/ beside mkdocs.yml)")
    target.add_argument("--no-export", action="store_true", help="lint and test only")
    p.add_argument("--strict", action="store_true", help="lint warnings fail too")
    p.add_argument("--format", choices=REPORT_FORMATS, default="text",
                   help="format of the lint report (default: text)")
    p.add_argument("--today", type=date_arg, help="judge freshness on this date (YYYY-MM-DD)")
    add_cache_option(p)
    p.set_defaults(run=cmd_check)


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    loaded = load_kb(args)
    kb = loaded.kb
    exports: Background[dict[str, bytes]] | None = None
    if not args.no_export:
        try:
            info = build_info(kb.config.root)
        except BuildInfoError as exc:
            raise UsageError(str(exc)) from None
        exports = Background(lambda: build_exports(kb, info))
    try:
        return _gate(args, loaded, exports, out)
    finally:
        if exports is not None:
            exports.cancel()


def _gate(args: argparse.Namespace, loaded: LoadResult,
          exports: Background[dict[str, bytes]] | None, out: TextIO) -> int:
    kb = loaded.kb
    linted = run_lint(loaded)
    print(FORMATS[args.format](linted), file=out)
    cases = run_cases(kb)
    _print_cases(cases, out)
    failed = bool(linted.exit_code(strict=args.strict) or cases.failures or cases.orphans)
    if exports is None:
        print("exports: not written (--no-export)", file=out)
    elif failed:
        print("exports: not written; fix the problems above first", file=out)
    else:
        target = Path(args.out) if args.out else kb.config.root / "site"
        files = exports.result()
        try:
            write_files_atomically(target, files)
        except OSError as exc:
            raise UsageError(f"cannot write to {target}: {exc.strerror or exc}") from None
        print(f"exports: {', '.join(files)} written to {target}", file=out)
    return EXIT_CONTENT if failed else EXIT_OK


def _print_cases(report: CaseReport, out: TextIO) -> None:
    """Failing cases as `kb test` shows them, then its summary line (coverage is `kb test`'s)."""
    print_failures(report, out)
    passed = len(report.results) - len(report.failures)
    print(f"cases: {passed} passed, {len(report.failures)} failed", file=out)
