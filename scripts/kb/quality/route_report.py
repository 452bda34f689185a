"""The routing evaluation as text, Markdown and JSON (`kb eval-route`, the Quality section)."""

from __future__ import annotations

from kb.quality.route_eval import RoutingEvaluation
from kb.quality.search_eval import percent


def routing_text(report: RoutingEvaluation) -> str:
    lines = [f"routing on the {report.split} split: {report.messages} messages, "
             f"{report.answered} routed",
             f"accuracy {percent(report.accuracy)}, coverage {percent(report.coverage)}", "",
             f"{'label':<32} {'expected':>8} {'routed':>7} {'precision':>9} {'recall':>7}"]
    for f in report.labels:
        lines.append(f"{f.label:<32} {f.expected:>8} {f.predicted:>7} {percent(f.precision):>9} "
                     f"{percent(f.recall):>7}")
    lines += ["", "confusion (expected -> routed: count):"]
    for expected, row in report.confusion.items():
        lines.append(f"  {expected}: " + ", ".join(f"{p} {n}" for p, n in row.items()))
    if report.misroutes:
        lines += ["", "misrouted:"]
        lines += [f"  line {m.message.line}: {m.message.message!r} expected {m.message.tree}, "
                  f"routed {m.predicted}" for m in report.misroutes]
    return "\n".join(lines)


def routing_markdown(report: RoutingEvaluation) -> str:
    lines = [f"Routing on the `{report.split}` split: {report.messages} messages, accuracy "
             f"**{percent(report.accuracy)}**, coverage {percent(report.coverage)}.", "",
             "| label | expected | routed | precision | recall |",
             "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| `{f.label}` | {f.expected} | {f.predicted} | {percent(f.precision)} | "
              f"{percent(f.recall)} |" for f in report.labels]
    lines += ["", confusion_markdown(report)]
    return "\n".join(lines)


def confusion_markdown(report: RoutingEvaluation) -> str:
    """The confusion matrix as a Markdown table: a row per expected label, a column per
    routed label."""
    labels = [f.label for f in report.labels]
    lines = ["| expected \\ routed | " + " | ".join(f"`{label}`" for label in labels) + " |",
             "| --- |" + " ---: |" * len(labels)]
    for expected in labels:
        row = report.confusion.get(expected, {})
        lines.append(f"| `{expected}` | " + " | ".join(str(row.get(p, 0)) for p in labels)
                     + " |")
    return "\n".join(lines)


def routing_json(report: RoutingEvaluation) -> dict[str, object]:
    return {
        "split": report.split,
        "messages": report.messages,
        "answered": report.answered,
        **report.as_dict(),
        "labels": {f.label: {"expected": f.expected, "routed": f.predicted,
                             "precision": f.precision, "recall": f.recall}
                   for f in report.labels},
        "confusion": {e: dict(row) for e, row in report.confusion.items()},
        "misroutes": [{"line": m.message.line, "message": m.message.message,
                       "expected": m.message.tree, "routed": m.predicted}
                      for m in report.misroutes],
    }
