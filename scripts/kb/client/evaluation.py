"""The client's search and routing measured on labeled sets (`kb eval-search`,
`kb eval-route`, the agents' page)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kb.client.client import Client
from kb.quality.route_eval import (
    NO_TREE,
    LabeledMessage,
    RoutingSet,
    calibrate,
    read_routing_set,
)
from kb.quality.search_eval import (
    LabeledQuery,
    QuerySet,
    SearchEvaluation,
    evaluate_search,
    read_queries,
)


def evaluate_client_search(client: Client, queries: Path,
                           split: str = "test") -> tuple[QuerySet, SearchEvaluation]:
    """The labeled queries of `queries` (each searched in its market, when it names one) and
    the figures of `split`. OSError when the file cannot be read."""
    sections = {a["id"]: {s["anchor"] for s in a["sections"]} for a in client.bundle["articles"]}
    query_set = read_queries(queries, sections)

    def search(query: LabeledQuery) -> list[tuple[str, str]]:
        return [(r.section_id, r.article_id)
                for r in client.search(query.query, market=query.market or None, limit=10)]

    return query_set, evaluate_search(query_set.queries, split, search)


def read_client_routing_set(client: Client, path: Path) -> RoutingSet:
    """The labeled routing messages of `path`, checked against the client's trees and their
    examples. OSError when the file cannot be read."""
    trees = client.bundle["trees"]
    return read_routing_set(path, {t["id"] for t in trees},
                            (e for t in trees for e in t["routing"]["examples"]))


def client_routes(client: Client, threshold: float | None = None
                  ) -> Callable[[LabeledMessage], str]:
    """The built-in router as a predictor: each message routed in its market, when it names
    one, at `threshold` (the router's own when None)."""

    def predict(message: LabeledMessage) -> str:
        route = client.route(message.message, market=message.market or None,
                             threshold=threshold)
        return route.tree_id or NO_TREE

    return predict


def calibrate_client(client: Client, messages: Sequence[LabeledMessage]) -> float:
    """The no-tree threshold calibrated on the `tune` messages only."""
    scored = []
    for message in messages:
        if message.split != "tune":
            continue
        route = client.route(message.message, market=message.market or None, limit=1)
        best = route.matches[0] if route.matches else None
        scored.append((message.tree, best.tree_id if best else "", best.score if best else 0.0))
    return calibrate(scored)
