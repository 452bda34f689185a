"""The quality reports as JSON-ready data (`--format json`): stable keys, rates as fractions,
None (null) where a figure could not be measured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kb.quality.agreement import AgreementFigures, AgreementReport, CaseLabels, landis_koch
from kb.quality.evaluation import EscalationError, EvalFigures, EvalReport
from kb.quality.metrics import DEFINITIONS, Figures, MetricsReport
from kb.quality.thresholds import Miss, Threshold

__all__ = ["agreement_json", "evaluation_json", "metrics_json", "thresholds_json"]

Json = dict[str, Any]


def thresholds_json(thresholds: Sequence[Threshold], misses: Sequence[Miss]) -> list[Json]:
    missed = {m.threshold.name: m for m in misses}
    return [{"name": t.name, "required": t.value, "better": t.better.value,
             "passed": t.name not in missed,
             "actual": missed[t.name].actual if t.name in missed else None}
            for t in thresholds]


# --- agreement --------------------------------------------------------------------------------

def agreement_json(report: AgreementReport) -> Json:
    return {
        "format": "kb-labels",
        "version": 1,
        "overall": _agreement(report.overall),
        "trees": [_agreement(t) for t in report.trees],
        "disagreements": [_case_labels(c) for c in report.disagreements],
        "expected_differs": [_case_labels(c) for c in report.expected_differs],
    }


def _agreement(f: AgreementFigures) -> Json:
    return {
        "scope": f.scope,
        "cases": f.cases,
        "annotations": {"none": f.unlabeled, "once": f.once, "twice": f.twice,
                        "more": f.more},
        "annotators": list(f.annotators),
        "observed_agreement": f.observed,
        "unanimous": f.unanimous,
        "base_rate": f.base_rate,
        "method": f.method,
        "kappa": f.kappa,
        "band": landis_koch(f.kappa),
        "cohen": [{"annotators": [p.first, p.second], "cases": p.cases,
                   "observed": p.kappa.observed, "expected": p.kappa.expected,
                   "kappa": p.kappa.kappa} for p in f.pairs],
        "fleiss": None if f.fleiss is None else {
            "observed": f.fleiss.observed, "expected": f.fleiss.expected,
            "kappa": f.fleiss.kappa},
    }


def _case_labels(c: CaseLabels) -> Json:
    return {"tree": c.tree, "case": c.case_id, "path": c.path, "line": c.line,
            "expected": c.expected, "majority": c.majority or None,
            "labels": [{"by": by, "outcome": outcome} for by, outcome in c.labels]}


# --- evaluation -------------------------------------------------------------------------------

def evaluation_json(report: EvalReport) -> Json:
    p = report.predictions
    return {
        "format": "kb-eval",
        "version": 1,
        "predictions": {
            "source": p.source, "lines": p.lines, "accepted": len(p.predictions),
            "rejected": p.rejected, "models": list(p.models()),
            "problems": [{"line": x.line, "message": x.message} for x in p.problems],
        },
        "overall": _eval(report.overall, confusion=False),
        "trees": [_eval(t, confusion=True) for t in report.trees],
    }


def _eval(f: EvalFigures, confusion: bool) -> Json:
    c = f.classification
    found: Json = {
        "scope": f.scope,
        "labeled": f.labeled,
        "predicted": f.predicted,
        "correct": f.correct,
        **f.figures(),
        "missing": list(f.missing),
        "outcomes": [{"outcome": o.outcome, "support": o.support, "predicted": o.predicted,
                      "correct": o.correct, "precision": o.precision, "recall": o.recall,
                      "f1": o.f1} for o in c.outcomes],
        "paths": {"compared": f.path_compared, "agreed": f.path_agreed,
                  "divergences": [{"case": d.case, "tree": d.tree, "node": d.node,
                                   "expected_next": d.expected_next,
                                   "predicted_next": d.predicted_next, "line": d.line}
                                  for d in f.divergences],
                  "wrong_questions": [{"node": n, "cases": k} for n, k in f.wrong_questions()]},
        "citations": {"given": f.citations_given, "correct": f.citations_correct},
        "escalation": {
            "truth_escalates": f.truth_escalates, "truth_stays": f.truth_stays,
            "under": [_escalation(e) for e in f.under_escalations],
            "over": [_escalation(e) for e in f.over_escalations],
        },
        "calibration": [{"low": b.low, "high": b.high, "count": b.count,
                         "mean_confidence": b.mean_confidence, "accuracy": b.accuracy}
                        for b in f.calibration],
        "breaches": [{"case": b.case, "tree": b.tree, "predicted": b.predicted,
                      "policies": list(b.policies), "reasons": list(b.reasons), "line": b.line}
                     for b in f.policy_breaches],
    }
    if confusion:
        found["confusion"] = {"labels": list(c.confusion.labels),
                              "counts": [list(row) for row in c.confusion.counts]}
    return found


def _escalation(e: EscalationError) -> Json:
    return {"case": e.case, "tree": e.tree, "expected": e.expected, "predicted": e.predicted,
            "line": e.line}


# --- metrics ----------------------------------------------------------------------------------

def metrics_json(report: MetricsReport) -> Json:
    check = report.check
    return {
        "format": "kb-metrics",
        "version": 1,
        "source": check.source,
        "input_format": check.format,
        "rows": check.rows,
        "good": check.good,
        "bad": check.bad,
        "bad_rows": [{check.unit: b.position, "reason": b.reason} for b in check.bad_rows],
        "definitions": dict(DEFINITIONS),
        "overall": _figures(report.overall),
        "by_channel": {k: _figures(f) for k, f in report.by_channel.items()},
        "by_tree": {k: _figures(f) for k, f in report.by_tree.items()},
        "by_tree_channel": [{"tree": t, "channel": ch, **_figures(f)}
                            for (t, ch), f in report.by_tree_channel.items()],
        "by_outcome": [{"tree": t, "outcome": o, **_figures(f)}
                       for (t, o), f in report.by_outcome.items()],
        "by_week": [{"week": w.isoformat(), **_figures(f)} for w, f in report.by_week.items()],
        "by_week_channel": [{"week": w.isoformat(), "channel": ch, **_figures(f)}
                            for (w, ch), f in report.by_week_channel.items()],
        "knowledge_base": {
            "unknown_trees": [{"tree": t, "cases": n} for t, n in report.unknown_trees],
            "unknown_outcomes": [{"tree": t, "outcome": o, "cases": n}
                                 for t, o, n in report.unknown_outcomes],
            "never_reached": [{"tree": t, "outcome": o} for t, o in report.never_reached],
            "trees_without_cases": list(report.trees_without_cases),
            "unknown_path_nodes": [{"tree": t, "node": n, "visits": v}
                                   for t, n, v in report.unknown_path_nodes],
        },
        "worst": {
            "min_cases": report.min_cases,
            "reopen": [{"tree": t, "outcome": o} for t, o in report.worst_reopen],
            "csat": [{"tree": t, "outcome": o} for t, o in report.worst_csat],
        },
        "traffic": {tree: {node: {"visits": n.visits, "drop_offs": n.drop_offs}
                           for node, n in nodes.items()}
                    for tree, nodes in report.traffic.items()},
    }


def _figures(f: Figures) -> Json:
    return {
        "cases": f.cases, "ai_cases": f.ai_cases, "contained": f.contained,
        "deflected": f.deflected, "escalated": f.escalated, "resolved": f.resolved,
        "first_contact_resolved": f.first_contact, "reopened": f.reopened,
        "csat_responses": f.csat_responses,
        **f.figures(),
    }
