"""The quality reports as plain text for a terminal (`--format text`, the default)."""

from __future__ import annotations

from collections.abc import Sequence

from kb.quality.agreement import AgreementFigures, AgreementReport
from kb.quality.casedata import CaseCheck
from kb.quality.evaluation import EvalFigures, EvalReport
from kb.quality.metrics import MetricsReport
from kb.quality.predictions import PredictionFile
from kb.quality.report_columns import FIGURE_COLUMNS, agreement_cells, figure_cells, number, pct

__all__ = ["agreement_text", "evaluation_text", "metrics_text"]

#: bad lines or rows listed in full; the count always covers all of them
LISTED = 50


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned first column, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(header), *(line(r) for r in rows)]


# --- agreement --------------------------------------------------------------------------------

def agreement_text(report: AgreementReport) -> str:
    lines = ["Annotation agreement (Cohen's kappa for two annotators, Fleiss' kappa for more; "
             "bands: Landis & Koch)", ""]
    rows = [_agreement_row(f) for f in (*report.trees, report.overall)]
    lines += table(["tree", "cases", "none", "once", "twice", "more", "agreement", "base rate",
                    "kappa", "method", "band"], rows)
    if report.disagreements:
        lines += ["", f"Annotators disagree on {len(report.disagreements)} case(s), "
                      "to adjudicate:"]
        for c in report.disagreements:
            labels = ", ".join(f"{by}={outcome}" for by, outcome in c.labels)
            lines.append(f"  {c.path}:{c.line}:{c.col}: {c.case_id}: {labels} "
                         f"(expected {c.expected})")
    if report.expected_differs:
        lines += ["", f"`expected` differs from the annotators' majority in "
                      f"{len(report.expected_differs)} case(s):"]
        for c in report.expected_differs:
            lines.append(f"  {c.path}:{c.line}:{c.col}: {c.case_id}: expected {c.expected}, "
                         f"majority {c.majority}")
    if report.overall.multi == 0:
        lines += ["", "No case has two or more annotations yet: nothing to measure."]
    return "\n".join(lines)


def _agreement_row(f: AgreementFigures) -> list[str]:
    return [f.scope, *agreement_cells(f, "-")]


# --- evaluation -------------------------------------------------------------------------------

def evaluation_text(report: EvalReport) -> str:
    lines = _predictions_summary(report.predictions)
    lines += ["", "Per tree (accuracy over answered cases; escalation rates over cases whose "
                  "truth escalates / does not):"]
    rows = [_eval_row(f) for f in (*report.trees, report.overall)]
    lines += table(["tree", "labeled", "answered", "accuracy", "macro F1", "coverage", "paths",
                    "citations", "under-esc", "over-esc", "ECE"], rows)
    overall = report.overall
    for title, errors in (("Under-escalations (truth escalates, the agent did not)",
                           overall.under_escalations),
                          ("Over-escalations (the agent escalated, the truth does not)",
                           overall.over_escalations)):
        if errors:
            lines += ["", f"{title}: {len(errors)}"]
            lines += [f"  line {e.line}: {e.case} ({e.tree}): expected {e.expected}, "
                      f"predicted {e.predicted}" for e in errors]
    breaches = overall.policy_breaches
    lines += ["", f"Policy breaches (a case raises a risk signal, the agent chose an outcome its "
                  f"policy forbids): {len(breaches)}"]
    lines += [f"  line {b.line}: {b.case} ({b.tree}): predicted {b.predicted}, breaks "
              + ", ".join(b.policies) + ": " + "; ".join(b.reasons) for b in breaches]
    for tree in report.trees:
        wrong = [o for o in tree.classification.outcomes if o.support or o.predicted]
        if not wrong:
            continue
        lines += ["", f"{tree.scope}: per outcome"]
        lines += ["  " + r for r in table(
            ["outcome", "support", "predicted", "precision", "recall", "F1"],
            [[o.outcome, str(o.support), str(o.predicted), pct(o.precision), pct(o.recall),
              pct(o.f1)] for o in wrong])]
        questions = tree.wrong_questions()
        if questions:
            lines.append("  paths left the tree at: " + ", ".join(
                f"{node} ({n})" for node, n in questions))
        if tree.missing:
            lines.append("  no prediction for: " + ", ".join(tree.missing))
    if overall.calibration:
        lines += ["", "Calibration by confidence:"]
        lines += ["  " + r for r in table(
            ["confidence", "cases", "mean confidence", "accuracy"],
            [[f"{b.low:.1f}-{b.high:.1f}", str(b.count), pct(b.mean_confidence),
              pct(b.accuracy)] for b in overall.calibration])]
    return "\n".join(lines)


def _predictions_summary(p: PredictionFile) -> list[str]:
    models = ", ".join(p.models()) or "not given"
    lines = [f"{p.source}: {p.lines} prediction line(s), {len(p.predictions)} accepted, "
             f"{p.rejected} rejected (model: {models})"]
    for problem in p.problems[:LISTED]:
        lines.append(f"  {p.source}:{problem.line}: {problem.message}")
    if p.rejected > LISTED:
        lines.append(f"  ... and {p.rejected - LISTED} more rejected line(s) (--format json "
                     "lists all)")
    return lines


def _eval_row(f: EvalFigures) -> list[str]:
    return [f.scope, str(f.labeled), str(f.predicted), pct(f.accuracy),
            pct(f.classification.macro_f1), pct(f.coverage), pct(f.path_agreement),
            pct(f.citation_accuracy), pct(f.under_escalation), pct(f.over_escalation),
            number(f.ece, 3)]


# --- metrics ----------------------------------------------------------------------------------

def check_summary(check: CaseCheck) -> list[str]:
    lines = [f"{check.source} ({check.format}): {check.rows} row(s), {check.good} counted, "
             f"{check.bad} rejected"]
    for bad in check.bad_rows[:LISTED]:
        lines.append(f"  {check.source}: {check.unit} {bad.position}: {bad.reason}")
    if check.bad > min(len(check.bad_rows), LISTED):
        lines.append(f"  ... and {check.bad - min(len(check.bad_rows), LISTED)} more "
                     f"rejected row(s)")
    return lines


_FIGURE_HEADER = [column.text for column in FIGURE_COLUMNS]


def metrics_text(report: MetricsReport) -> str:
    lines = check_summary(report.check)
    lines += ["", "Containment and deflection are over AI-channel cases; FCR = resolved, not "
                  "reopened, not escalated (source: the export's resolved/reopened flags).", ""]
    rows = [["all", *figure_cells(report.overall)]]
    rows += [[f"channel {ch}", *figure_cells(f)] for ch, f in report.by_channel.items()]
    lines += table(["", *_FIGURE_HEADER], rows)
    lines += ["", "Per tree:"]
    lines += table(["tree", *_FIGURE_HEADER],
                   [[t, *figure_cells(f)] for t, f in report.by_tree.items()])
    lines += ["", "Per outcome:"]
    lines += table(["tree/outcome", *_FIGURE_HEADER],
                   [[f"{t}/{o}", *figure_cells(f)] for (t, o), f in report.by_outcome.items()])
    lines += ["", "Per week (Monday, UTC):"]
    lines += table(["week", *_FIGURE_HEADER],
                   [[w.isoformat(), *figure_cells(f)] for w, f in report.by_week.items()])
    lines += ["", f"Where the content needs work (outcomes with at least {report.min_cases} "
                  "cases):"]
    for title, keys in (("highest reopen rate", report.worst_reopen),
                        ("lowest CSAT", report.worst_csat)):
        lines.append(f"  {title}:")
        for tree, outcome in keys:
            f = report.by_outcome[(tree, outcome)]
            lines.append(f"    {tree}/{outcome}: {f.cases} cases, reopen {pct(f.reopen)}, "
                         f"CSAT {number(f.csat_mean)} ({f.csat_responses} ratings)")
        if not keys:
            lines.append("    none with enough cases")
    lines += ["", "Against the knowledge base:"]
    lines += [f"  tree not in the KB: {t} ({n} cases)" for t, n in report.unknown_trees]
    lines += [f"  outcome not in the KB: {t}/{o} ({n} cases)"
              for t, o, n in report.unknown_outcomes]
    lines += [f"  KB outcome never reached: {t}/{o}" for t, o in report.never_reached]
    lines += [f"  KB tree with no cases: {t}" for t in report.trees_without_cases]
    lines += [f"  path node not in the KB: {t}/{n} ({v} visits)"
              for t, n, v in report.unknown_path_nodes]
    if lines[-1] == "Against the knowledge base:":
        lines.append("  every tree and outcome in the data is in the KB, and every KB outcome "
                     "was reached")
    if report.traffic:
        lines += ["", "Drop-off per question node (walks that stopped there), where paths are "
                      "given:"]
        for tree, nodes in report.traffic.items():
            stops = [(n, t) for n, t in nodes.items() if t.drop_offs]
            summary = ", ".join(f"{n} {t.drop_offs}/{t.visits} ({pct(t.drop_off_rate)})"
                                for n, t in stops) or "none"
            lines.append(f"  {tree} ({report.walks.get(tree, 0)} walks): {summary}")
    return "\n".join(lines)
