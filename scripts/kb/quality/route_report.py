"""The routing evaluation as text, Markdown and JSON (`kb eval-route`, the Quality section)."""

from __future__ import annotations

from kb.model import KnowledgeBase
from kb.quality.route_eval import ROUTING_SET, RoutingEvaluation, evaluate_routing
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


ROUTING_PAGE = "quality/routing.md"


def routing_page_markdown(kb: KnowledgeBase) -> str:
    """The Quality section's routing page: the built-in router on the held-out split of the
    labeled routing set, measured while the site is built."""
    from kb.client import Client
    from kb.client.evaluation import client_routes, read_client_routing_set
    from kb.quality import charts
    from kb.quality.report_markdown import figure

    lines = ["# Routing", ""]
    path = kb.config.root / ROUTING_SET
    if not path.is_file():
        return "\n".join([*lines, f"No labeled routing messages (`{ROUTING_SET}`) yet.", ""])
    client = Client.from_kb(kb)
    labeled = read_client_routing_set(client, path)
    trees = [t["id"] for t in client.bundle["trees"]]
    report = evaluate_routing(labeled.messages, "test", trees, client_routes(client))
    labels = [f.label for f in report.labels]
    counts = [[report.confusion.get(e, {}).get(p, 0) for p in labels] for e in labels]
    title = "Routing confusion: expected tree against routed tree"
    lines += [
        "Which decision tree the built-in router (`kb route`, the MCP server's `route` tool) "
        "picks for a customer message, measured while this site was built on the labeled "
        f"messages of `{ROUTING_SET}` (English, Hinglish and Portuguese; `none`: a message no "
        "tree should take). Only the `test` split is reported: the `tune` split is the one the "
        "no-tree threshold was calibrated on. Reproduce with `kb eval-route`.", "",
    ]
    if labeled.problems:
        lines += [f"{len(labeled.problems)} entries of the set are malformed and left out "
                  "(`kb eval-route` lists them).", ""]
    lines += [routing_markdown(report), ""]
    lines += figure(charts.confusion_chart("routing-confusion", title, labels, counts), title,
                    "routing-confusion", "Each row is the tree a message should go to; each "
                    "column where the router sent it. The diagonal is right; the numbers are "
                    "in the table above.")
    return "\n".join(lines)
