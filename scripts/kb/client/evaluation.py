"""The client's search measured on labeled queries (`kb eval-search`, the agents' page)."""

from __future__ import annotations

from pathlib import Path

from kb.client.client import Client
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
