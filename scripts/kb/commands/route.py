"""`kb route MESSAGE`: which decision tree applies to a customer message."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import TextIO

from kb.commands._shared import EXIT_OK, UsageError, client_from_args


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "route", help="which decision tree applies to a customer message",
        description="Rank the decision trees for a customer message by how well it matches "
                    "their routing examples and `applies_when`, with the examples that "
                    "matched; say `no tree applies` when the best score is under the "
                    "calibrated threshold. Same message, same answer.")
    p.add_argument("message", help="the customer's message, as written")
    p.add_argument("--market", help="route among the trees of this market only (e.g. IN)")
    p.add_argument("--limit", type=int, default=5, help="at most this many trees (1-50)")
    p.add_argument("--bundle", metavar="FILE",
                   help="route with this kb-bundle.json (default: this checkout's, built in "
                        "memory)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=cmd_route)


def cmd_route(args: argparse.Namespace, out: TextIO) -> int:
    from kb.client import ClientError

    client = client_from_args(args)
    try:
        route = client.route(args.message, market=args.market, limit=args.limit)
    except ClientError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        print(json.dumps(asdict(route), indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    if route.no_tree:
        print(f"no tree applies (best score under {route.threshold})", file=out)
    else:
        print(f"applies: {route.tree_id}", file=out)
    for rank, match in enumerate(route.matches, start=1):
        print(f"{rank}. {match.tree_id} ({match.score}): {match.title}", file=out)
        for example in match.examples:
            print(f"     matched example: {example}", file=out)
    return EXIT_OK
