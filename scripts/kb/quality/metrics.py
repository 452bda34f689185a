"""Program metrics over the support tool's case export (`kb metrics`), computed by DuckDB.

Definitions (the team's support-metrics reference, section 5; `DEFINITIONS` below is the same
text the pages show). Every rate counts good rows only.

- **Containment** (automation) = AI-channel cases not escalated, resolved and not reopened ÷
  all AI-channel cases: the strict "contained" figure (resolution signal, no re-contact).
- **Deflection** = AI-channel cases not escalated ÷ all AI-channel cases (counts customers who
  gave up too); reported beside containment.
- **Escalation rate** = escalated cases ÷ cases (for the AI channel: handed to a human).
- **First-contact resolution (FCR)** = cases resolved, not reopened and not escalated ÷ cases.
  Measurement source: the export's `resolved` disposition and its `reopened` flag (the support
  tool matching a repeat contact to the case), not a survey.
- **Reopen rate** = reopened cases ÷ cases.
- **Average handle time (AHT)** = mean `handle_seconds` (talk + hold + after-contact work per
  contact, as the support tool records it); **p90** = its 90th percentile (interpolated).
- **CSAT** = mean of the 1-5 ratings given (cases without a rating do not count), with the share
  of ratings that are 4 or 5 and the number of responses.
- Weeks are ISO weeks (Monday to Sunday, UTC) of `created_at`.

Where rows carry a `path`: a node's **visits** are the paths that pass through it, its
**drop-offs** the paths that end at it while it is a question node (the walk stopped there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kb.model import KnowledgeBase
from kb.quality.casedata import CaseCheck, CaseDataError, connect, open_case_data
from kb.quality.thresholds import Better

__all__ = [
    "DEFINITIONS",
    "METRIC_FIGURES",
    "Figures",
    "MetricsReport",
    "NodeTraffic",
    "compute_metrics",
]

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Containment (automation)", "AI-channel cases not escalated, resolved and not reopened ÷ "
     "all AI-channel cases (the strict definition: a resolution signal and no re-contact)."),
    ("Deflection", "AI-channel cases not escalated ÷ all AI-channel cases; it also counts "
     "customers who gave up, so it is shown beside containment, never instead of it."),
    ("Escalation rate", "escalated cases ÷ cases (for the AI channel: handed to a human)."),
    ("First-contact resolution (FCR)", "cases resolved, not reopened and not escalated ÷ cases. "
     "Source: the export's `resolved` disposition and `reopened` flag (repeat contacts matched "
     "by the support tool), not a customer survey."),
    ("Reopen rate", "reopened cases ÷ cases."),
    ("Average handle time (AHT)", "mean of `handle_seconds` (talk + hold + after-contact work "
     "per contact); p90 is its 90th percentile."),
    ("CSAT", "mean of the 1-5 ratings customers gave after the contact (unrated cases do not "
     "count); also the share of ratings of 4 or 5."),
    ("Weeks", "ISO weeks (Monday to Sunday, UTC) of `created_at`."),
)

#: the figures `kb metrics --fail-under` can gate on, and which way is better
METRIC_FIGURES: Mapping[str, Better] = {
    "containment": Better.HIGHER,
    "deflection": Better.HIGHER,
    "fcr": Better.HIGHER,
    "csat": Better.HIGHER,
    "csat_satisfied": Better.HIGHER,
    "escalation": Better.LOWER,
    "reopen": Better.LOWER,
    "aht": Better.LOWER,
    "aht_p90": Better.LOWER,
}


@dataclass(frozen=True, slots=True)
class NodeTraffic:
    """How many walks in the case data passed through a node, and how many stopped there."""

    visits: int
    drop_offs: int

    @property
    def drop_off_rate(self) -> float | None:
        return self.drop_offs / self.visits if self.visits else None


@dataclass(frozen=True, slots=True)
class Figures:
    """The counts and times behind every metric, for one group of cases."""

    cases: int = 0
    ai_cases: int = 0
    contained: int = 0
    deflected: int = 0
    escalated: int = 0
    resolved: int = 0
    first_contact: int = 0
    reopened: int = 0
    aht: float | None = None
    aht_p90: float | None = None
    csat_responses: int = 0
    csat_mean: float | None = None
    csat_satisfied: int = 0

    @property
    def containment(self) -> float | None:
        return _rate(self.contained, self.ai_cases)

    @property
    def deflection(self) -> float | None:
        return _rate(self.deflected, self.ai_cases)

    @property
    def escalation(self) -> float | None:
        return _rate(self.escalated, self.cases)

    @property
    def fcr(self) -> float | None:
        return _rate(self.first_contact, self.cases)

    @property
    def reopen(self) -> float | None:
        return _rate(self.reopened, self.cases)

    @property
    def csat_satisfied_share(self) -> float | None:
        return _rate(self.csat_satisfied, self.csat_responses)

    def figures(self) -> dict[str, float | None]:
        return {
            "containment": self.containment,
            "deflection": self.deflection,
            "fcr": self.fcr,
            "csat": self.csat_mean,
            "csat_satisfied": self.csat_satisfied_share,
            "escalation": self.escalation,
            "reopen": self.reopen,
            "aht": self.aht,
            "aht_p90": self.aht_p90,
        }


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class MetricsReport:
    check: CaseCheck
    overall: Figures
    by_channel: Mapping[str, Figures]
    by_tree: Mapping[str, Figures]
    by_tree_channel: Mapping[tuple[str, str], Figures]
    by_outcome: Mapping[tuple[str, str], Figures]
    by_week: Mapping[dt.date, Figures]
    by_week_channel: Mapping[tuple[dt.date, str], Figures]
    #: trees in the data that the KB does not have, with their case counts
    unknown_trees: tuple[tuple[str, int], ...]
    #: (tree, outcome, cases): outcomes the KB's tree does not have as outcome nodes
    unknown_outcomes: tuple[tuple[str, str, int], ...]
    #: (tree, outcome): KB outcomes no case reached (trees with no cases at all excluded)
    never_reached: tuple[tuple[str, str], ...]
    #: KB trees with no case in the data
    trees_without_cases: tuple[str, ...]
    #: the outcomes with the highest reopen rate and the lowest CSAT ("where content needs work")
    worst_reopen: tuple[tuple[str, str], ...]
    worst_csat: tuple[tuple[str, str], ...]
    #: traffic per KB tree and node, from rows with a path
    traffic: Mapping[str, Mapping[str, NodeTraffic]] = field(default_factory=dict)
    #: rows with a path, per tree
    walks: Mapping[str, int] = field(default_factory=dict)
    #: (tree, node, visits): path nodes the KB's tree does not have
    unknown_path_nodes: tuple[tuple[str, str, int], ...] = ()
    #: the minimum cases (and CSAT responses) an outcome needs to be ranked among the worst
    min_cases: int = 20

    def figures(self) -> dict[str, float | None]:
        return self.overall.figures()


# Additive counts at the finest grain in one pass, rolled up here; the percentile, which does
# not add up, in a second pass over grouping sets. (One query doing both is several times
# slower in DuckDB on ten million rows.)
_COUNTS_SQL = """
SELECT channel, tree, outcome, CAST(date_trunc('week', created_at) AS DATE) AS week,
    count(*),
    count(*) FILTER (WHERE channel = 'ai'),
    count(*) FILTER (WHERE channel = 'ai' AND NOT escalated AND resolved AND NOT reopened),
    count(*) FILTER (WHERE channel = 'ai' AND NOT escalated),
    count(*) FILTER (WHERE escalated),
    count(*) FILTER (WHERE resolved),
    count(*) FILTER (WHERE resolved AND NOT reopened AND NOT escalated),
    count(*) FILTER (WHERE reopened),
    sum(handle_seconds),
    count(csat),
    sum(csat),
    count(*) FILTER (WHERE csat >= 4)
FROM case_export
GROUP BY ALL
"""

# GROUPING(channel, tree, outcome, week): a bit is 1 when that key is aggregated away
_ALL, _CHANNEL, _TREE, _TREE_CHANNEL, _OUTCOME, _WEEK, _WEEK_CHANNEL = 15, 7, 11, 3, 9, 14, 6

_P90_SQL = """
SELECT GROUPING(channel, tree, outcome, week), channel, tree, outcome, week,
    quantile_cont(handle_seconds, 0.9)
FROM (SELECT channel, tree, outcome, handle_seconds,
             CAST(date_trunc('week', created_at) AS DATE) AS week FROM case_export)
GROUP BY GROUPING SETS ((), (channel), (tree), (tree, channel), (tree, outcome), (week),
                        (week, channel))
"""

#: how each grouping's key is taken from (channel, tree, outcome, week)
_KEYS: dict[int, Callable[[str, str, str, dt.date], tuple[object, ...]]] = {
    _ALL: lambda ch, tree, outcome, week: (),
    _CHANNEL: lambda ch, tree, outcome, week: (ch,),
    _TREE: lambda ch, tree, outcome, week: (tree,),
    _TREE_CHANNEL: lambda ch, tree, outcome, week: (tree, ch),
    _OUTCOME: lambda ch, tree, outcome, week: (tree, outcome),
    _WEEK: lambda ch, tree, outcome, week: (week,),
    _WEEK_CHANNEL: lambda ch, tree, outcome, week: (week, ch),
}

_PATHS_SQL = """
SELECT tree, path, count(*) AS walks FROM case_export WHERE path IS NOT NULL GROUP BY ALL
"""


def compute_metrics(kb: KnowledgeBase, path: Path, fmt: str, max_listed: int = 100,
                    min_cases: int = 20, source: str = "") -> MetricsReport:
    """Check the export and compute every figure; CaseDataError when the file is unusable."""
    con = connect()
    try:
        check = open_case_data(con, path, fmt, max_listed=max_listed, source=source)
        return _report(con, kb, check, min_cases)
    except duckdb.Error as exc:
        raise CaseDataError(f"{source or path}: {str(exc).strip().splitlines()[0]}") from None
    finally:
        con.close()


def _report(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, check: CaseCheck,
            min_cases: int) -> MetricsReport:
    groups = _groups(con)
    def group(grouping_id: int) -> dict[tuple[object, ...], Figures]:
        return dict(sorted(groups.get(grouping_id, {}).items(), key=lambda kv: _sortable(kv[0])))

    by_outcome = {(str(k[0]), str(k[1])): f for k, f in group(_OUTCOME).items()}
    by_tree = {str(k[0]): f for k, f in group(_TREE).items()}
    traffic, walks, unknown_nodes = _traffic(con, kb) if check.has_path else ({}, {}, ())
    unknown_outcomes = tuple(
        (tree, outcome, f.cases) for (tree, outcome), f in by_outcome.items()
        if tree in kb.trees and _not_outcome(kb, tree, outcome)
    )
    never = tuple((t.id, n.id) for t in sorted(kb.trees.values(), key=lambda t: t.id)
                  if t.id in by_tree for n in t.outcomes() if (t.id, n.id) not in by_outcome)
    ranked = {k: f for k, f in by_outcome.items() if f.cases >= min_cases and k[0] in kb.trees
              and not _not_outcome(kb, *k)}
    worst_reopen = sorted((k for k, f in ranked.items() if f.reopened),
                          key=lambda k: (-(ranked[k].reopen or 0.0), -ranked[k].cases, k))[:5]
    worst_csat = sorted((k for k, f in ranked.items() if f.csat_responses >= min(10, min_cases)),
                        key=lambda k: (ranked[k].csat_mean or 0.0, -ranked[k].cases, k))[:5]
    overall = groups.get(_ALL, {}).get((), Figures())
    return MetricsReport(
        check=check,
        overall=overall,
        by_channel={str(k[0]): f for k, f in group(_CHANNEL).items()},
        by_tree=by_tree,
        by_tree_channel={(str(k[0]), str(k[1])): f for k, f in group(_TREE_CHANNEL).items()},
        by_outcome=by_outcome,
        by_week={_date(k[0]): f for k, f in group(_WEEK).items()},
        by_week_channel={(_date(k[0]), str(k[1])): f for k, f in group(_WEEK_CHANNEL).items()},
        unknown_trees=tuple((t, f.cases) for t, f in by_tree.items() if t not in kb.trees),
        unknown_outcomes=unknown_outcomes,
        never_reached=never,
        trees_without_cases=tuple(sorted(t for t in kb.trees if t not in by_tree)),
        worst_reopen=tuple(worst_reopen),
        worst_csat=tuple(worst_csat),
        traffic=traffic,
        walks=walks,
        unknown_path_nodes=unknown_nodes,
        min_cases=min_cases,
    )


def _groups(con: duckdb.DuckDBPyConnection) -> dict[int, dict[tuple[object, ...], Figures]]:
    """Figures for every grouping, keyed as `_KEYS` makes them."""
    p90: dict[tuple[int, tuple[object, ...]], float | None] = {}
    for grouping_id, channel, tree, outcome, week, value in con.execute(_P90_SQL).fetchall():
        key = _KEYS[int(grouping_id)](channel, tree, outcome, week)
        p90[(int(grouping_id), key)] = _float(value)
    sums: dict[int, dict[tuple[object, ...], list[float]]] = {g: {} for g in _KEYS}
    for channel, tree, outcome, week, *values in con.execute(_COUNTS_SQL).fetchall():
        numbers = [float(v) if isinstance(v, (int, float)) else 0.0 for v in values]
        for grouping_id, make_key in _KEYS.items():
            bucket = sums[grouping_id].setdefault(make_key(channel, tree, outcome, week),
                                                  [0.0] * len(numbers))
            for i, v in enumerate(numbers):
                bucket[i] += v
    return {
        grouping_id: {key: _figures(values, p90.get((grouping_id, key)))
                      for key, values in found.items()}
        for grouping_id, found in sums.items()
    }


def _figures(values: list[float], p90: float | None) -> Figures:
    (cases, ai_cases, contained, deflected, escalated, resolved, first_contact, reopened,
     handle_sum, csat_n, csat_sum, csat_ok) = values
    return Figures(
        cases=int(cases), ai_cases=int(ai_cases), contained=int(contained),
        deflected=int(deflected), escalated=int(escalated), resolved=int(resolved),
        first_contact=int(first_contact), reopened=int(reopened),
        aht=handle_sum / cases if cases else None, aht_p90=p90,
        csat_responses=int(csat_n), csat_mean=csat_sum / csat_n if csat_n else None,
        csat_satisfied=int(csat_ok),
    )


def _traffic(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase
             ) -> tuple[dict[str, dict[str, NodeTraffic]], dict[str, int],
                        tuple[tuple[str, str, int], ...]]:
    # few distinct paths even in a year of cases: group by path in SQL, split them here
    visits: dict[tuple[str, str], int] = {}
    ends: dict[tuple[str, str], int] = {}
    walks: dict[str, int] = {}
    for tree, path, count in con.execute(_PATHS_SQL).fetchall():
        tree, n = str(tree), _int(count)
        nodes = [p.strip() for p in str(path).split(">") if p.strip()]
        for node in nodes:
            visits[(tree, node)] = visits.get((tree, node), 0) + n
        if nodes:
            ends[(tree, nodes[-1])] = ends.get((tree, nodes[-1]), 0) + n
        walks[tree] = walks.get(tree, 0) + n
    traffic: dict[str, dict[str, NodeTraffic]] = {}
    for tree in sorted(kb.trees.values(), key=lambda t: t.id):
        if tree.id not in walks:
            continue
        traffic[tree.id] = {
            node.id: NodeTraffic(
                visits.get((tree.id, node.id), 0),
                ends.get((tree.id, node.id), 0) if node.outcome is None else 0)
            for node in tree.nodes.values()
        }
    unknown = tuple(sorted(
        (tree, node, count) for (tree, node), count in visits.items()
        if tree in kb.trees and node not in kb.trees[tree].nodes
    ))
    return traffic, dict(sorted(walks.items())), unknown


def _not_outcome(kb: KnowledgeBase, tree_id: str, node_id: str) -> bool:
    node = kb.trees[tree_id].nodes.get(node_id)
    return node is None or node.outcome is None


def _sortable(key: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(k.isoformat() if isinstance(k, dt.date) else str(k) for k in key)


def _date(value: object) -> dt.date:
    assert isinstance(value, dt.date)
    return value


def _int(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) else 0


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None
