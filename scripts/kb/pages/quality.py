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
from kb.pages import GeneratedPage, page_generator
from kb.quality import quality_data
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
from kb.quality.route_report import ROUTING_PAGE, routing_page_markdown

__all__ = ["quality_pages"]


@page_generator
def quality_pages(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    data = quality_data(kb)
    if data is None:
        return
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
