"""Search quality against labeled queries: recall@1, recall@5 and MRR, per market and overall.

A labeled query names the article sections (`article-id#anchor`) or whole articles (`article-id`)
that answer it. It is *found at k* when one of its answers is among the first k results; recall@k
is the share of queries found at k, MRR the mean of 1/rank of the first answer (0 when none of
the first ten results answers). Each query belongs to a split: `tune` (the only queries used to
tune the search) or `test` (the figures reported).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from kb.quality.labeled_sets import SPLITS, Problem, read_entries
from kb.quality.thresholds import Better

#: where a knowledge base keeps its labeled search queries, from its root
SEARCH_QUERIES = "evaluation/search-queries.yaml"
DEPTH = 10
MAX_QUERY_CHARS = 500

SEARCH_FIGURES: Mapping[str, Better] = {
    "recall_at_1": Better.HIGHER,
    "recall_at_5": Better.HIGHER,
    "mrr": Better.HIGHER,
}


@dataclass(frozen=True, slots=True)
class LabeledQuery:
    query: str
    answers: tuple[str, ...]
    market: str
    split: str
    line: int


@dataclass(frozen=True, slots=True)
class QuerySet:
    queries: tuple[LabeledQuery, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Figures:
    queries: int
    recall_at_1: float | None
    recall_at_5: float | None
    mrr: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {"recall_at_1": self.recall_at_1, "recall_at_5": self.recall_at_5,
                "mrr": self.mrr}


@dataclass(frozen=True, slots=True)
class Miss:
    """A query whose first answer is not in the first five results."""

    query: LabeledQuery
    rank: int | None
    top: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchEvaluation:
    split: str
    overall: Figures
    #: market ('' for queries of no market) -> figures
    markets: Mapping[str, Figures]
    misses: tuple[Miss, ...]


def read_queries(path: Path, articles: Mapping[str, Collection[str]]) -> QuerySet:
    """The labeled queries of `path`; `articles` maps each article id to its section anchors.
    A malformed entry or an answer naming no exported section is a problem, and left out."""
    problems: list[Problem] = []
    queries = tuple(
        LabeledQuery(str(entry["query"]), tuple(cast(list[str], entry["answers"])),
                     str(entry.get("market", "")), str(entry["split"]), line)
        for entry, line in read_entries(path, "queries",
                                        lambda e: _entry_problem(e, articles), problems))
    return QuerySet(queries, tuple(problems))


def _entry_problem(entry: object, articles: Mapping[str, Collection[str]]) -> str:
    if not isinstance(entry, dict):
        return "each query is a mapping with query, answers and split"
    unknown = sorted(set(entry) - {"query", "answers", "market", "split"})
    if unknown:
        return f"unknown key `{unknown[0]}` (known: query, answers, market, split)"
    query, answers, split = entry.get("query"), entry.get("answers"), entry.get("split")
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY_CHARS:
        return f"`query` takes a text of 1 to {MAX_QUERY_CHARS} characters"
    if split not in SPLITS:
        return f"`split` takes one of {', '.join(SPLITS)}"
    if "market" in entry and not isinstance(entry["market"], str):
        return "`market` takes a market code such as IN or BR"
    if not isinstance(answers, list) or not answers or \
            not all(isinstance(a, str) for a in answers):
        return "`answers` takes a list of `article-id#anchor` or `article-id`"
    for answer in answers:
        article, _, anchor = answer.partition("#")
        if article not in articles or (anchor and anchor not in articles[article]):
            return f"answer `{answer[:120]}` is no exported article or section"
    return ""


def evaluate_search(queries: Sequence[LabeledQuery], split: str,
                    search: Callable[[LabeledQuery], Sequence[tuple[str, str]]]
                    ) -> SearchEvaluation:
    """Figures of the queries of `split` ('all' for both); `search(query)` gives the ranked
    (section id, article id) pairs of the results."""
    chosen = [q for q in queries if split == "all" or q.split == split]
    ranks: list[tuple[LabeledQuery, int | None]] = []
    misses: list[Miss] = []
    for query in chosen:
        results = list(search(query))[:DEPTH]
        rank = next((i + 1 for i, (section, article) in enumerate(results)
                     if section in query.answers or article in query.answers), None)
        ranks.append((query, rank))
        if rank is None or rank > 5:
            misses.append(Miss(query, rank, tuple(s for s, _ in results[:3])))
    markets = sorted({q.market for q in chosen})
    return SearchEvaluation(
        split, _figures([r for _, r in ranks]),
        {m: _figures([r for q, r in ranks if q.market == m]) for m in markets},
        tuple(misses))


def _figures(ranks: Sequence[int | None]) -> Figures:
    if not ranks:
        return Figures(0, None, None, None)
    n = len(ranks)
    return Figures(n, sum(1 for r in ranks if r == 1) / n,
                   sum(1 for r in ranks if r is not None and r <= 5) / n,
                   sum(1 / r for r in ranks if r is not None) / n)


def evaluation_text(report: SearchEvaluation) -> str:
    lines = [f"search quality on the {report.split} split: {report.overall.queries} queries",
             f"{'market':<10} {'queries':>7} {'recall@1':>9} {'recall@5':>9} {'MRR':>6}"]
    rows = [*((m or "(none)", f) for m, f in report.markets.items()), ("overall", report.overall)]
    for name, figures in rows:
        lines.append(f"{name:<10} {figures.queries:>7} {percent(figures.recall_at_1):>9} "
                     f"{percent(figures.recall_at_5):>9} {_num(figures.mrr):>6}")
    if report.misses:
        lines.append("")
        lines.append("not in the first five:")
        for miss in report.misses:
            where = f"rank {miss.rank}" if miss.rank else "not in the first ten"
            lines.append(f"  line {miss.query.line}: {miss.query.query!r} ({where}); "
                         f"expected {', '.join(miss.query.answers)}; got "
                         f"{', '.join(miss.top) or 'nothing'}")
    return "\n".join(lines)


def evaluation_markdown(report: SearchEvaluation) -> str:
    lines = [f"Search quality on the `{report.split}` split ({report.overall.queries} queries).",
             "", "| market | queries | recall@1 | recall@5 | MRR |",
             "| --- | ---: | ---: | ---: | ---: |"]
    rows = [*((m or "(none)", f) for m, f in report.markets.items()),
            ("**overall**", report.overall)]
    for name, f in rows:
        lines.append(f"| {name} | {f.queries} | {percent(f.recall_at_1)} "
                     f"| {percent(f.recall_at_5)} | {_num(f.mrr)} |")
    return "\n".join(lines)


def evaluation_json(report: SearchEvaluation) -> dict[str, object]:
    return {
        "split": report.split,
        "overall": {"queries": report.overall.queries, **report.overall.as_dict()},
        "markets": {m: {"queries": f.queries, **f.as_dict()} for m, f in report.markets.items()},
        "misses": [{"line": m.query.line, "query": m.query.query,
                    "answers": list(m.query.answers), "rank": m.rank, "top": list(m.top)}
                   for m in report.misses],
    }


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
