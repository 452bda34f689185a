"""The Quality section: generated when `quality_predictions` or `quality_cases` is configured.

`quality/index.md` (headline figures, data files, annotation agreement, definitions),
`quality/evaluation.md` (the agent evaluation: per-tree table, under- and over-escalations,
calibration, per-outcome scores and confusion matrices) when predictions are configured, and
`quality/metrics.md` (weekly trends, automation by tree, worst outcomes, node traffic) when a
case export is, and `quality/routing.md` (the router on the labeled routing set). Pages built
from the shipped sample say so at the top. The data is read once
per KnowledgeBase (`kb.quality.quality_data`), shared with the tree pages.
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, agents_client, page_generator
from kb.quality import quality_data

__all__ = ["quality_pages"]


@page_generator
def quality_pages(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    data = quality_data(kb)
    if data is None:
        return
    # the reports (DuckDB among their imports) load only for a site that shows them
    from kb.quality.report_markdown import (
        EVALUATION_PAGE,
        INDEX_PAGE,
        METRICS_PAGE,
        Site,
        error_notice,
        evaluation_markdown,
        index_markdown,
        metrics_markdown,
    )

    yield GeneratedPage(INDEX_PAGE, index_markdown(kb, data))
    yield GeneratedPage(ROUTING_PAGE, routing_page_markdown(kb))
    if data.predictions is not None:
        site = Site(EVALUATION_PAGE, data.predictions.sample)
        if data.evaluation is not None:
            text = evaluation_markdown(data.evaluation, site, data.predictions)
        else:
            text = "\n".join(["# Agent evaluation", "",
                              *error_notice(data.predictions.path, data.predictions.error)])
        yield GeneratedPage(EVALUATION_PAGE, text)
    if data.cases is not None:
        site = Site(METRICS_PAGE, data.cases.sample)
        if data.metrics is not None:
            text = metrics_markdown(data.metrics, kb, site, data.cases)
        else:
            text = "\n".join(["# Program metrics", "",
                              *error_notice(data.cases.path, data.cases.error)])
        yield GeneratedPage(METRICS_PAGE, text)


ROUTING_PAGE = "quality/routing.md"


def routing_page_markdown(kb: KnowledgeBase) -> str:
    """The Quality section's routing page: the built-in router on the held-out split of the
    labeled routing set, measured while the site is built."""
    from kb.client.evaluation import client_routes, read_client_routing_set
    from kb.quality.report_markdown import figure
    from kb.quality.route_eval import ROUTING_SET, evaluate_routing
    from kb.quality.route_report import routing_markdown

    lines = ["# Routing", ""]
    path = kb.config.root / ROUTING_SET
    if not path.is_file():
        return "\n".join([*lines, f"No labeled routing messages (`{ROUTING_SET}`) yet.", ""])
    client = agents_client(kb)
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
    from kb.quality import charts  # matplotlib loads only when a page draws

    lines += figure(charts.confusion_chart("routing-confusion", title, labels, counts), title,
                    "routing-confusion", "Each row is the tree a message should go to; each "
                    "column where the router sent it. The diagonal is right; the numbers are "
                    "in the table above.")
    return "\n".join(lines)
