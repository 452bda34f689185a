"""`kb eval-route [MESSAGES]`: how well messages are routed to the right decision tree."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from kb.commands._report import add_report_options, fail_under, print_report
from kb.commands._shared import EXIT_CONTENT, EXIT_OK, UsageError, client_from_args, labeled_file

if TYPE_CHECKING:
    from kb.quality.route_eval import LabeledMessage


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from kb.quality.route_eval import ROUTE_FIGURES, ROUTING_SET

    p = sub.add_parser(
        "eval-route", help="measure routing on labeled messages: accuracy, per-tree "
                           "precision and recall, confusion",
        description="Route every labeled message (in its market, when it names one) with the "
                    "built-in router, or score an agent's routing predictions (--predictions, "
                    "JSONL: {\"message\": ..., \"tree\": <tree-id> or \"none\"}), and report "
                    "accuracy, each tree's and `none`'s precision and recall and the "
                    "confusion between trees, on the held-out `test` split unless --split "
                    "says otherwise. Exit 1 when an entry or a prediction line is malformed "
                    "(reported by line and left out) or a --fail-under threshold is missed.")
    p.add_argument("messages", nargs="?",
                   help=f"the labeled messages (default: {ROUTING_SET})")
    p.add_argument("--split", choices=("test", "tune", "all"), default="test")
    p.add_argument("--predictions", metavar="FILE",
                   help="score these routing predictions (JSONL) instead of the built-in router")
    p.add_argument("--calibrate", action="store_true",
                   help="print the no-tree threshold that routes the `tune` split best, and stop")
    p.add_argument("--bundle", metavar="FILE",
                   help="use this kb-bundle.json (default: this checkout's, built in memory)")
    add_report_options(p, "gate on figures, e.g. accuracy=0.85; known: "
                          + ", ".join(ROUTE_FIGURES))
    p.set_defaults(run=cmd_eval_route)


def cmd_eval_route(args: argparse.Namespace, out: TextIO) -> int:
    from kb.client.evaluation import calibrate_client, client_routes, read_client_routing_set
    from kb.quality.route_eval import ROUTE_FIGURES, ROUTING_SET, evaluate_routing
    from kb.quality.route_report import routing_json, routing_markdown, routing_text

    thresholds = fail_under(args, ROUTE_FIGURES)
    path = labeled_file(args, args.messages, ROUTING_SET)
    client = client_from_args(args)
    try:
        labeled = read_client_routing_set(client, path)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    for problem in labeled.problems:
        print(f"{path}:{problem.line}:{problem.column}: {problem.message} (left out)", file=out)
    if args.calibrate:
        print(f"no-tree threshold calibrated on the tune split: "
              f"{calibrate_client(client, labeled.messages)}", file=out)
        return EXIT_CONTENT if labeled.problems else EXIT_OK
    trees = [t["id"] for t in client.bundle["trees"]]
    predict: Callable[[LabeledMessage], str | None] = client_routes(client)
    rejected = 0
    if args.predictions:
        predict, rejected = _agent(args.predictions, labeled.messages, trees, out)
    report = evaluate_routing(labeled.messages, args.split, trees, predict)
    misses = print_report(args, out, thresholds, report.as_dict(),
                          as_json=lambda: routing_json(report),
                          as_text=lambda: routing_text(report),
                          as_markdown=lambda: routing_markdown(report))
    return EXIT_CONTENT if misses or labeled.problems or rejected else EXIT_OK


def _agent(source: str, messages: Sequence[LabeledMessage], trees: list[str],
           out: TextIO) -> tuple[Callable[[LabeledMessage], str | None], int]:
    """The agent's predictions as a predictor, and how many lines were rejected (each
    reported by its line number)."""
    from kb.quality.route_eval import read_route_predictions

    path = Path(source)
    try:
        with path.open("rb") as handle:
            found = read_route_predictions(handle, {m.message for m in messages}, trees)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    for problem in found.problems:
        print(f"{path}:{problem.line}: {problem.message} (line left out)", file=out)

    def predict(message: LabeledMessage) -> str | None:
        prediction = found.predictions.get(message.message)
        return prediction.tree if prediction else None

    return predict, len(found.problems)
