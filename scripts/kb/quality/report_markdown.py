"""The quality reports as Markdown: the Quality pages of the site, a tree page's own figures,
and `--format markdown` of the commands (the same text without charts and site links).

Charts are inline SVG inside `<figure>` blocks; every chart's numbers are also in a table on
the same page. Pages built from the shipped sample open with a "Sample data" warning.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kb.html_blocks import html_block
from kb.model import KnowledgeBase
from kb.quality.agreement import AgreementReport, landis_koch
from kb.quality.casedata import CaseCheck
from kb.quality.evaluation import (
    EVAL_FIGURES,
    Confusion,
    EscalationError,
    EvalFigures,
    EvalReport,
    PolicyBreach,
)
from kb.quality.metrics import DEFINITIONS, Figures, MetricsReport, NodeTraffic
from kb.quality.predictions import PredictionFile
from kb.quality.report_columns import (
    FIGURE_COLUMNS,
    agreement_cells,
    figure_cells,
    number,
    pct,
    seconds,
)
from kb.quality.site_data import DataFile, QualityData

__all__ = [
    "EVALUATION_PAGE",
    "INDEX_PAGE",
    "METRICS_PAGE",
    "Site",
    "agreement_markdown",
    "evaluation_markdown",
    "index_markdown",
    "metrics_markdown",
    "tree_quality_markdown",
]

INDEX_PAGE = "quality/index.md"
EVALUATION_PAGE = "quality/evaluation.md"
METRICS_PAGE = "quality/metrics.md"

EVAL_DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Accuracy", "predictions whose outcome equals the case's `expected` ÷ predictions; "
     "coverage = labeled cases with a prediction ÷ labeled cases."),
    ("Precision, recall, F1", "per outcome, with the labeled case's `expected` as truth; macro "
     "F1 averages over the outcomes that occur, an undefined F1 counting as 0."),
    ("Path agreement", "predictions whose `path` equals the walk of the case's facts ÷ "
     "predictions with a path (cases whose facts do not walk to `expected` are left out)."),
    ("Citation accuracy", "predictions citing the expected outcome's article (and its section, "
     "when the outcome names one) ÷ predictions with citations."),
    ("Under-escalation", "the truth escalates to a specialist but the agent informed or "
     "resolved ÷ predictions whose truth escalates."),
    ("Over-escalation", "the agent escalated where the truth does not ÷ predictions whose truth "
     "does not escalate."),
    ("ECE", "expected calibration error: the gap between confidence and accuracy per "
     "confidence bucket (tenths), weighted by bucket size."),
    ("Policy breaches", "predictions for a case whose facts raise a risk signal, at an outcome "
     "the signal's safety policy forbids (a count, apart from ordinary errors)."),
)


@dataclass(frozen=True, slots=True)
class Site:
    """How a page links out: into the site (pages) or not at all (command output)."""

    #: the page's own path relative to docs/ ('' for command output: no links, no charts)
    page: str = ""
    sample: bool = False

    @property
    def charts(self) -> bool:
        return bool(self.page)

    def link(self, text: str, target: str, anchor: str = "") -> str:
        """A relative link to a docs path, or plain text outside the site."""
        if not self.page:
            return text
        rel = posixpath.relpath(target, posixpath.dirname(self.page) or ".")
        return f"[{text}]({rel}{'#' + anchor if anchor else ''})"


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[object]],
          align: str = "") -> list[str]:
    """A Markdown table; `align` has one letter per column (l or r, default r but the first)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def sample_notice(what: str) -> list[str]:
    return [
        '!!! warning "Sample data"',
        f"    {what} comes from the small synthetic sample shipped with the knowledge base "
        "(made by `kb sample-data` with a fixed seed), not from real support cases or a real "
        "agent. Point `quality_predictions` and `quality_cases` in `mkdocs.yml` at real files "
        "to measure the real program.",
        "",
    ]


def error_notice(path: str, error: str) -> list[str]:
    return ['!!! failure "Data file not usable"', f"    `{path}`: {cell(error)}", ""]


def figure(svg: str, title: str, chart_id: str, caption: str) -> list[str]:
    """A chart as a marked HTML block: the kb's own SVG, kept out of the content sanitiser."""
    from kb.quality import charts

    return [html_block("\n".join([
        '<figure class="kb-chart" style="width: 100%; margin: 1.2em 0;">',
        charts.inline_svg(svg, title, chart_id),
        f"<figcaption>{caption}</figcaption>", "</figure>"])), ""]


def _title(text: str, site: Site) -> str:
    return f"{text} (sample data)" if site.sample else text


def _download(site: Site, data: DataFile) -> str:
    if data.published_as and site.page:
        name = posixpath.basename(data.published_as)
        return site.link(f"Download {name}", data.published_as)
    return f"`{data.path}` (not published with the site)"


# --- index ------------------------------------------------------------------------------------

def index_markdown(kb: KnowledgeBase, data: QualityData) -> str:
    site = Site(INDEX_PAGE, data.sample)
    lines = ["# Quality", ""]
    if data.sample:
        lines += sample_notice("Everything in this section")
    lines += [
        "How well the knowledge base and the agents that use it serve customers: the AI "
        "agent's answers checked against labeled cases, and program metrics from the support "
        "tool's case export. Figures count only rows that passed the checks; rejected lines "
        "and rows are listed on each page.",
        "",
        *table(["Figure", "Value", "Details"], _headlines(data, site), "lrl"),
        "",
        "## Data files",
        "",
    ]
    for label, f in (("Agent predictions (JSONL)", data.predictions),
                     ("Case export", data.cases)):
        if f is None:
            lines.append(f"- {label}: not configured")
            continue
        state = f"not usable: {f.error}" if f.error else _file_state(data, f)
        lines.append(f"- {label}: {_download(site, f)} — {state}")
    lines += ["", *agreement_markdown(data.agreement, level=2), "",
              "## Definitions", "",
              "The support-metrics definitions these pages use (from the team's payments "
              "operations reference, section 5):", ""]
    lines += [f"- **{name}**: {text}" for name, text in (*EVAL_DEFINITIONS, *DEFINITIONS)]
    lines.append("")
    return "\n".join(lines)


def _file_state(data: QualityData, f: DataFile) -> str:
    if data.evaluation is not None and f is data.predictions:
        p = data.evaluation.predictions
        return f"{p.lines} line(s), {len(p.predictions)} accepted, {p.rejected} rejected"
    if data.metrics is not None and f is data.cases:
        c = data.metrics.check
        return f"{c.rows} row(s), {c.good} counted, {c.bad} rejected"
    return ""


def _headlines(data: QualityData, site: Site) -> list[list[str]]:
    rows: list[list[str]] = []
    if data.evaluation is not None:
        o = data.evaluation.overall
        where = site.link("Agent evaluation", EVALUATION_PAGE)
        rows += [
            ["Agent accuracy", f"{pct(o.accuracy)} of {o.predicted} answered", where],
            ["Coverage of labeled cases", f"{pct(o.coverage)} of {o.labeled}", where],
            ["Under-escalation", f"{pct(o.under_escalation)} ({len(o.under_escalations)} "
                                 f"of {o.truth_escalates})", where],
            ["Over-escalation", f"{pct(o.over_escalation)} ({len(o.over_escalations)} "
                                f"of {o.truth_stays})", where],
            ["Policy breaches", str(len(o.policy_breaches)), where],
        ]
    if data.metrics is not None:
        f = data.metrics.overall
        where = site.link("Program metrics", METRICS_PAGE)
        rows += [
            ["Containment (AI channel)", pct(f.containment), where],
            ["Escalation rate", pct(f.escalation), where],
            ["First-contact resolution", pct(f.fcr), where],
            ["Average handle time", seconds(f.aht), where],
            ["CSAT (1-5)", f"{number(f.csat_mean)} ({f.csat_responses} ratings)", where],
        ]
    a = data.agreement.overall
    rows.append(["Annotator agreement (kappa)",
                 f"{number(a.kappa)} {landis_koch(a.kappa)}".strip(), "below"])
    return rows


# --- agreement --------------------------------------------------------------------------------

def agreement_markdown(report: AgreementReport, level: int = 1) -> list[str]:
    h = "#" * level
    lines = [f"{h} Annotation agreement", "",
             "Cohen's kappa for two annotators, Fleiss' kappa for more, with Landis & Koch "
             "bands. Kappa measures consistency between annotators, not correctness; the base "
             "rate is the share of the most common label.", ""]
    rows = []
    for f in (*report.trees, report.overall):
        rows.append([f.scope, *agreement_cells(f, "—")])
    lines += table(["Tree", "Cases", "No label", "Once", "Twice", "More", "Agreement",
                    "Base rate", "Kappa", "Method", "Band"], rows, "lrrrrrrrrll")
    lines.append("")
    if report.disagreements:
        lines += [f"{h}# Cases to adjudicate", "",
                  "Cases whose annotators disagree:", ""]
        lines += table(["Case", "Tree", "Labels", "Expected", "File"], [
            [f"`{c.case_id}`", c.tree,
             ", ".join(f"{by}: `{outcome}`" for by, outcome in c.labels),
             f"`{c.expected}`", f"`{c.path}:{c.line}`"] for c in report.disagreements],
            "lllll")
        lines.append("")
    if report.expected_differs:
        lines += [f"{h}# Expected differs from the majority", ""]
        lines += table(["Case", "Tree", "Expected", "Majority", "File"], [
            [f"`{c.case_id}`", c.tree, f"`{c.expected}`", f"`{c.majority}`",
             f"`{c.path}:{c.line}`"] for c in report.expected_differs], "lllll")
        lines.append("")
    return lines


# --- evaluation -------------------------------------------------------------------------------

def evaluation_markdown(report: EvalReport, site: Site = Site(),
                        source: DataFile | None = None) -> str:
    from kb.quality import charts  # matplotlib loads only when a page draws

    lines = ["# Agent evaluation", ""]
    if site.sample:
        lines += sample_notice("This evaluation")
    p = report.predictions
    lines += _predictions_source(p, site, source)
    o = report.overall
    lines += ["## Summary", "",
              "Accuracy is over the cases the agent answered; coverage says how many it "
              "answered. Under- and over-escalation are the payments-critical errors: "
              "informing or resolving a case that must go to a specialist, and sending a "
              "specialist a case the agent should have handled.", ""]
    rows = [_eval_row(f, site) for f in (*report.trees, o)]
    lines += table(["Tree", "Labeled", "Answered", "Accuracy", "Macro F1", "Coverage",
                    "Path agreement", "Citations", "Under-esc.", "Over-esc."], rows)
    lines.append("")
    if site.charts and report.trees:
        title = _title("Accuracy by tree", site)
        lines += figure(charts.bar_chart("eval-accuracy", title,
                                         [t.scope for t in report.trees],
                                         [t.accuracy for t in report.trees]),
                        title, "chart-eval-accuracy",
                        "Share of answered cases where the agent chose the expected outcome; "
                        "the numbers are in the table above.")
    lines += ["## Under-escalations", ""]
    lines += _escalation_table(o.under_escalations, "No under-escalation: every case whose "
                               "truth escalates was escalated by the agent.")
    lines += ["## Over-escalations", ""]
    lines += _escalation_table(o.over_escalations, "No over-escalation.")
    lines += ["## Policy breaches", ""]
    lines += _breach_table(o.policy_breaches)
    if o.calibration:
        lines += ["## Calibration", "",
                  f"Expected calibration error (ECE): {number(o.ece, 3)}.", ""]
        lines += table(["Confidence", "Cases", "Mean confidence", "Accuracy"], [
            [f"{b.low:.1f}-{b.high:.1f}", b.count, pct(b.mean_confidence), pct(b.accuracy)]
            for b in o.calibration])
        lines.append("")
        if site.charts:
            title = _title("Calibration: accuracy by confidence", site)
            lines += figure(charts.calibration_chart(
                "eval-calibration", title, [b.mean_confidence for b in o.calibration],
                [b.accuracy for b in o.calibration], [b.count for b in o.calibration]),
                title, "chart-eval-calibration",
                "Points on the dashed diagonal are perfectly calibrated; below it the agent "
                "is over-confident. The numbers are in the table above.")
    lines += ["## Per tree", ""]
    for tree in report.trees:
        lines += _tree_eval(tree, site, level=3)
    lines += ["## Definitions", ""]
    lines += [f"- **{name}**: {text}" for name, text in EVAL_DEFINITIONS]
    lines += ["", "Thresholds for `kb eval --fail-under`: "
              + ", ".join(f"`{name}`" for name in EVAL_FIGURES) + ".", ""]
    return "\n".join(lines)


def _predictions_source(p: PredictionFile, site: Site, source: DataFile | None) -> list[str]:
    where = _download(site, source) if source is not None else f"`{p.source}`"
    models = ", ".join(f"`{m}`" for m in p.models()) or "not given"
    lines = [f"Predictions: {where}; model {models}. {p.lines} line(s) read, "
             f"{len(p.predictions)} accepted, **{p.rejected} rejected**.", ""]
    if p.problems:
        lines += ["??? failure \"Rejected lines (not counted in any figure)\""]
        lines += ["    " + row for row in table(["Line", "Problem"],
                                                  [[x.line, x.message] for x in p.problems],
                                                  "rl")]
        lines.append("")
    return lines


def _eval_row(f: EvalFigures, site: Site) -> list[object]:
    if f.scope == "all":
        name = "**all**"
    elif site.page == EVALUATION_PAGE:
        name = f"[{f.scope}](#{f.scope})"
    else:
        name = f.scope
    return [name, f.labeled, f.predicted, pct(f.accuracy), pct(f.classification.macro_f1),
            pct(f.coverage), pct(f.path_agreement), pct(f.citation_accuracy),
            pct(f.under_escalation), pct(f.over_escalation)]


def _escalation_table(errors: Sequence[EscalationError], none: str) -> list[str]:
    if not errors:
        return [none, ""]
    return [*table(["Case", "Tree", "Expected", "Agent chose", "Line"],
                   [[f"`{e.case}`", e.tree, f"`{e.expected}`", f"`{e.predicted}`", e.line]
                    for e in errors], "llllr"), ""]


def _breach_table(breaches: Sequence[PolicyBreach]) -> list[str]:
    if not breaches:
        return ["No policy breach: no case that raises a risk signal was sent to an outcome "
                "its policy forbids.", ""]
    return [*table(["Case", "Tree", "Agent chose", "Policies", "Why", "Line"],
                   [[f"`{b.case}`", b.tree, f"`{b.predicted}`",
                     ", ".join(f"`{x}`" for x in b.policies), "; ".join(b.reasons), b.line]
                    for b in breaches], "lllllr"), ""]


def _tree_eval(f: EvalFigures, site: Site, level: int) -> list[str]:
    h = "#" * level
    lines = [f"{h} {f.scope}", ""]
    if site.page:
        lines += [f"Tree page: {site.link(f.scope, f'trees/{f.scope}.md')}.", ""]
    lines += [f"{f.predicted} of {f.labeled} labeled cases answered; accuracy "
              f"{pct(f.accuracy)}, macro F1 {pct(f.classification.macro_f1)}, under-escalation "
              f"{pct(f.under_escalation)}, over-escalation {pct(f.over_escalation)}.", ""]
    outcomes = [o for o in f.classification.outcomes if o.support or o.predicted]
    if outcomes:
        lines += table(["Outcome", "Expected (support)", "Predicted", "Precision", "Recall",
                        "F1"], [[f"`{o.outcome}`", o.support, o.predicted, pct(o.precision),
                                 pct(o.recall), pct(o.f1)] for o in outcomes])
        lines += ["", "Confusion matrix (rows: expected outcome; columns: the agent's "
                      "outcome; the diagonal, in bold, is correct):", ""]
        lines += confusion_table(f.classification.confusion)
        lines.append("")
    questions = f.wrong_questions()
    if questions:
        lines += ["Where the agent's path left the tree's (the question it got wrong): "
                  + ", ".join(f"`{node}` ({n})" for node, n in questions) + ".", ""]
    if f.missing:
        lines += ["No prediction for: " + ", ".join(f"`{m}`" for m in f.missing) + ".", ""]
    return lines


def confusion_table(confusion: Confusion) -> list[str]:
    """Rows and columns numbered, with the outcome ids on the rows (columns stay narrow)."""
    used = [i for i, label in enumerate(confusion.labels)
            if any(confusion.counts[i]) or any(row[i] for row in confusion.counts)]
    header = ["Expected ↓ / agent →", *(str(n + 1) for n in range(len(used)))]
    rows = []
    for n, i in enumerate(used):
        cells = [f"**{confusion.counts[i][j]}**" if i == j else str(confusion.counts[i][j])
                 for j in used]
        rows.append([f"{n + 1}. `{confusion.labels[i]}`", *cells])
    return table(header, rows)


# --- metrics ----------------------------------------------------------------------------------

_HEADER = [column.markdown for column in FIGURE_COLUMNS]


def metrics_markdown(report: MetricsReport, kb: KnowledgeBase, site: Site = Site(),
                     source: DataFile | None = None) -> str:
    from kb.quality import charts  # matplotlib loads only when a page draws

    lines = ["# Program metrics", ""]
    if site.sample:
        lines += sample_notice("This dashboard")
    lines += _check_source(report.check, site, source)
    lines += ["Containment is the strict figure (AI-channel cases not escalated, resolved and "
              "not reopened ÷ AI-channel cases); deflection (not escalated) is shown beside it. "
              "FCR = resolved, not reopened and not escalated ÷ cases, measured from the "
              "export's `resolved` and `reopened` flags. All definitions are at the end.", ""]
    rows = [["**all**", *figure_cells(report.overall)]]
    rows += [[f"channel `{ch}`", *figure_cells(f)] for ch, f in report.by_channel.items()]
    lines += table(["", *_HEADER], rows)
    lines += ["", "## Trends per week", ""]
    weeks = list(report.by_week)
    labels = [w.isoformat() for w in weeks]
    if site.charts and weeks:
        title = _title("Weekly rates", site)
        series = [charts.Series(name, [getattr(report.by_week[w], attr) for w in weeks])
                  for name, attr in (("containment", "containment"), ("FCR", "fcr"),
                                     ("escalation", "escalation"), ("reopen", "reopen"))]
        lines += figure(charts.line_chart("metrics-weekly", title, labels, series),
                        title, "chart-metrics-weekly",
                        "Weekly containment, first-contact resolution, escalation and reopen "
                        "rates (weeks start on Monday); the numbers are in the table below.")
        title = _title("Cases per week by channel", site)
        volume = [charts.Series(ch, [float(report.by_week_channel.get((w, ch), _NONE).cases)
                                     for w in weeks])
                  for ch in report.by_channel]
        lines += figure(charts.line_chart("metrics-volume", title, labels, volume,
                                          ylabel="cases", percent=False),
                        title, "chart-metrics-volume",
                        "Cases per week in the AI and the human channel (each line has its own "
                        "marker and dash, and its name at its end).")
    lines += table(["Week", *_HEADER], [[w, *figure_cells(report.by_week[d])]
                                        for w, d in zip(labels, weeks, strict=True)])
    lines += ["", "## Automation by tree", ""]
    trees = list(report.by_tree)
    if site.charts and trees:
        title = _title("Containment by tree (AI channel)", site)
        lines += figure(charts.bar_chart("metrics-trees", title, trees,
                                         [report.by_tree[t].containment for t in trees]),
                        title, "chart-metrics-trees",
                        "Share of AI-channel cases contained, per decision tree; the numbers "
                        "are in the table below.")
    lines += table(["Tree", *_HEADER], [[_tree_link(t, kb, site), *figure_cells(report.by_tree[t])]
                                        for t in trees])
    lines += ["", "## Where the content needs work", "",
              f"Outcomes with at least {report.min_cases} cases, ranked by reopen rate and by "
              "CSAT: the articles and replies behind them are the first to review.", ""]
    worst = list(dict.fromkeys([*report.worst_reopen, *report.worst_csat]))
    if site.charts and report.worst_reopen:
        title = _title("Highest reopen rates by outcome", site)
        lines += figure(charts.bar_chart(
            "metrics-worst", title, [f"{t}/{o}" for t, o in report.worst_reopen],
            [report.by_outcome[k].reopen for k in report.worst_reopen]),
            title, "chart-metrics-worst",
            "Reopen rate of the outcomes with the most reopened cases; the numbers are in the "
            "table below.")
    if worst:
        lines += table(["Tree", "Outcome", *_HEADER], [
            [_tree_link(t, kb, site), f"`{o}`", *figure_cells(report.by_outcome[(t, o)])]
            for t, o in worst])
    else:
        lines.append("No outcome has enough cases to rank.")
    lines += ["", '??? note "Every outcome"']
    lines += ["    " + row for row in table(["Tree", "Outcome", *_HEADER], [
        [t, f"`{o}`", *figure_cells(f)] for (t, o), f in report.by_outcome.items()])]
    lines += ["", "## Against the knowledge base", ""]
    lines += _cross_reference(report)
    if report.traffic:
        lines += ["## Node traffic and drop-off", "",
                  "From the cases whose export carries the path walked: visits per node, and "
                  "drop-offs where a walk stopped at a question node.", ""]
        for tree, nodes in report.traffic.items():
            lines += [f"### {tree}", "",
                      f"{report.walks.get(tree, 0)} walks. {_tree_link(tree, kb, site)}", ""]
            lines += traffic_table(kb, tree, nodes)
            lines.append("")
    lines += ["## Definitions", ""]
    lines += [f"- **{name}**: {text}" for name, text in DEFINITIONS]
    lines.append("")
    return "\n".join(lines)


_NONE = Figures()


def _check_source(check: CaseCheck, site: Site, source: DataFile | None) -> list[str]:
    where = _download(site, source) if source is not None else f"`{check.source}`"
    lines = [f"Case export: {where} ({check.format}). {check.rows} row(s) read, "
             f"{check.good} counted, **{check.bad} rejected**.", ""]
    if check.bad_rows:
        more = check.bad - len(check.bad_rows)
        title = "Rejected rows (not counted in any figure)" + (
            f"; the first {len(check.bad_rows)} of {check.bad}" if more else "")
        lines += [f"??? failure \"{title}\""]
        lines += ["    " + row for row in table(
            [check.unit.capitalize(), "Problem"],
            [[b.position, b.reason] for b in check.bad_rows], "rl")]
        lines.append("")
    return lines


def _tree_link(tree_id: str, kb: KnowledgeBase, site: Site) -> str:
    if tree_id in kb.trees and site.page:
        return site.link(tree_id, f"trees/{tree_id}.md")
    return tree_id


def _cross_reference(report: MetricsReport) -> list[str]:
    items = [f"- Tree in the data but not in the knowledge base: `{t}` ({n} cases)"
             for t, n in report.unknown_trees]
    items += [f"- Outcome in the data that tree `{t}` no longer has: `{o}` ({n} cases)"
              for t, o, n in report.unknown_outcomes]
    items += [f"- Outcome of `{t}` never reached: `{o}`" for t, o in report.never_reached]
    items += [f"- Tree with no cases in the data: `{t}`" for t in report.trees_without_cases]
    items += [f"- Path node not in tree `{t}`: `{n}` ({v} visits)"
              for t, n, v in report.unknown_path_nodes]
    if not items:
        items = ["Every tree and outcome in the data is in the knowledge base, and every "
                 "outcome was reached."]
    return [*items, ""]


def traffic_table(kb: KnowledgeBase, tree_id: str, nodes: Mapping[str, NodeTraffic]) -> list[str]:
    tree = kb.trees.get(tree_id)
    if tree is None:
        return []
    rows = []
    for node_id, t in nodes.items():
        node = tree.nodes.get(node_id)
        kind = "outcome" if node is not None and node.outcome is not None else "question"
        rows.append([f"`{node_id}`", kind, t.visits,
                     t.drop_offs if kind == "question" else "—",
                     pct(t.drop_off_rate) if kind == "question" else "—"])
    return table(["Node", "Kind", "Visits", "Drop-offs", "Drop-off rate"], rows, "llrrr")


# --- a tree's own figures ---------------------------------------------------------------------

def tree_quality_markdown(kb: KnowledgeBase, tree_id: str, data: QualityData | None,
                          level: int = 2) -> str:
    """Markdown for a tree page (`trees/<id>.md`, links relative to it)."""
    if data is None or tree_id not in kb.trees:
        return ""
    site = Site(f"trees/{tree_id}.md", data.sample)
    h = "#" * level
    lines = [f"{h} Quality", ""]
    if data.sample:
        lines += sample_notice("This section")
    evaluation = data.evaluation.tree(tree_id) if data.evaluation is not None else None
    metrics = data.metrics
    figures = metrics.by_tree.get(tree_id) if metrics is not None else None
    if evaluation is not None:
        lines += [f"**Agent evaluation** ({site.link('details', EVALUATION_PAGE, tree_id)}): "
                  f"{evaluation.predicted} of {evaluation.labeled} labeled cases answered, "
                  f"accuracy {pct(evaluation.accuracy)}, under-escalation "
                  f"{pct(evaluation.under_escalation)} ({len(evaluation.under_escalations)}), "
                  f"over-escalation {pct(evaluation.over_escalation)} "
                  f"({len(evaluation.over_escalations)}).", ""]
    if figures is not None:
        lines += [f"**Program metrics** ({site.link('dashboard', METRICS_PAGE)}): "
                  f"{figures.cases} cases, containment {pct(figures.containment)}, escalation "
                  f"{pct(figures.escalation)}, FCR {pct(figures.fcr)}, reopen "
                  f"{pct(figures.reopen)}, AHT {seconds(figures.aht)}, CSAT "
                  f"{number(figures.csat_mean)}.", ""]
    tree = kb.trees[tree_id]
    scores = {o.outcome: o for o in evaluation.classification.outcomes} if evaluation else {}
    rows = []
    for node in tree.outcomes():
        f = metrics.by_outcome.get((tree_id, node.id)) if metrics is not None else None
        s = scores.get(node.id)
        rows.append([f"`{node.id}`", f.cases if f else 0, pct(f.escalation) if f else "—",
                     pct(f.reopen) if f else "—", number(f.csat_mean) if f else "—",
                     pct(s.recall) if s else "—", pct(s.precision) if s else "—"])
    if evaluation is not None or figures is not None:
        lines += table(["Outcome", "Cases", "Escalation", "Reopen", "CSAT", "Agent recall",
                        "Agent precision"], rows)
        lines.append("")
    if metrics is not None and tree_id in metrics.traffic:
        lines += [f"{h}# Node traffic", "",
                  f"{metrics.walks.get(tree_id, 0)} walks with a recorded path.", ""]
        lines += traffic_table(kb, tree_id, metrics.traffic[tree_id])
        lines.append("")
    if evaluation is None and figures is None:
        lines += ["No quality data for this tree yet.", ""]
    return "\n".join(lines)
