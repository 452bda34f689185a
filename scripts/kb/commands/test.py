"""`kb test`: walk every labeled case through its tree; report mismatches and coverage."""

from __future__ import annotations

import argparse
from typing import TextIO

from kb.casetest import CaseReport, branch_label, run_cases
from kb.commands._shared import EXIT_CONTENT, EXIT_OK, add_cache_option, load_kb


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("test", help="walk every labeled case through its tree")
    p.add_argument("--strict-coverage", action="store_true",
                   help="fail when an outcome or branch has no case")
    add_cache_option(p)
    p.set_defaults(run=cmd_test)


def cmd_test(args: argparse.Namespace, out: TextIO) -> int:
    loaded = load_kb(args)
    kb = loaded.kb
    report = run_cases(kb)
    print_failures(report, out)
    print("coverage:", file=out)
    for tree_id in sorted(report.coverage):
        cov = report.coverage[tree_id]
        outcomes = len(cov.outcome_hits)
        reached = outcomes - len(cov.unreached_outcomes())
        branches = len(cov.branch_hits)
        taken = branches - len(cov.untaken_branches())
        print(f"  {tree_id}: {cov.cases} cases, outcomes {reached}/{outcomes}, "
              f"branches {taken}/{branches}", file=out)
        for outcome in cov.unreached_outcomes():
            print(f"    outcome never reached: {outcome}", file=out)
        for node_id, index in cov.untaken_branches():
            print(f"    branch never taken: {branch_label(cov.tree, node_id, index)}", file=out)
    passed = len(report.results) - len(report.failures)
    print(f"{passed} passed, {len(report.failures)} failed", file=out)
    if args.strict_coverage and any(
        c.unreached_outcomes() or c.untaken_branches() for c in report.coverage.values()
    ):
        return EXIT_CONTENT
    return EXIT_CONTENT if report.failures or report.orphans else EXIT_OK


def print_failures(report: CaseReport, out: TextIO) -> None:
    """Each case whose walk ends elsewhere than expected, with its path; orphan case files."""
    for failure in report.failures:
        case = failure.case
        got = failure.walk.outcome or "nothing (stuck)"
        print(f"{failure.path}:{case.pos.line}:{case.pos.col}: case {case.id} expected "
              f"{case.expected}, reached {got}", file=out)
        print(f"  path: {failure.walk.describe()}", file=out)
    for path in report.orphans:
        print(f"{path}: cases for an unknown tree (see kb lint)", file=out)
