"""`kb eval-search [QUERIES]`: the search's recall@1, recall@5 and MRR on labeled queries."""

from __future__ import annotations

import argparse
from typing import TextIO

from kb.commands._report import add_report_options, fail_under, print_report
from kb.commands._shared import EXIT_CONTENT, EXIT_OK, UsageError, client_from_args, labeled_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from kb.quality.search_eval import SEARCH_FIGURES, SEARCH_QUERIES

    p = sub.add_parser(
        "eval-search", help="measure search on labeled queries: recall@1, recall@5, MRR",
        description="Run every labeled query (in its market, when it names one) through the "
                    "agents' search (`kb.client`, `kb mcp`) and report recall@1, recall@5 and "
                    "MRR per market and overall, on the held-out `test` split unless --split "
                    "says otherwise. Exit 1 when an entry is malformed or a --fail-under "
                    "threshold is missed.")
    p.add_argument("queries", nargs="?", help=f"the labeled queries (default: {SEARCH_QUERIES})")
    p.add_argument("--split", choices=("test", "tune", "all"), default="test")
    p.add_argument("--bundle", metavar="FILE",
                   help="search this kb-bundle.json (default: this checkout's, built in memory)")
    add_report_options(p, "gate on overall figures, e.g. recall_at_5=0.9,mrr=0.7; known: "
                          + ", ".join(SEARCH_FIGURES))
    p.set_defaults(run=cmd_eval_search)


def cmd_eval_search(args: argparse.Namespace, out: TextIO) -> int:
    from kb.client.evaluation import evaluate_client_search
    from kb.quality.search_eval import (
        SEARCH_FIGURES,
        SEARCH_QUERIES,
        evaluation_json,
        evaluation_markdown,
        evaluation_text,
    )

    thresholds = fail_under(args, SEARCH_FIGURES)
    path = labeled_file(args, args.queries, SEARCH_QUERIES)
    client = client_from_args(args)
    try:
        query_set, report = evaluate_client_search(client, path, args.split)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    for problem in query_set.problems:
        print(f"{path}:{problem.line}:{problem.column}: {problem.message} (left out)", file=out)
    misses = print_report(args, out, thresholds, report.overall.as_dict(),
                          as_json=lambda: evaluation_json(report),
                          as_text=lambda: evaluation_text(report),
                          as_markdown=lambda: evaluation_markdown(report))
    return EXIT_CONTENT if misses or query_set.problems else EXIT_OK
