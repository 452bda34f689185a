"""Ground truth and quality measurement: annotation agreement, agent evaluation, program metrics.

The commands (`kb labels`, `kb eval`, `kb metrics`, `kb sql`, `kb sample-data`) and the site's
Quality pages are thin layers over this package. For the tree pages and diagrams:

- `tree_quality_markdown(kb, tree_id)` is a tree's own figures as Markdown (agent evaluation,
  program metrics per outcome, node traffic), with links relative to `trees/<tree_id>.md`;
  '' when the config names no quality data or the tree is unknown.
- `node_traffic(kb)` is `{tree_id: {node_id: NodeTraffic(visits, drop_offs)}}` from the case
  export's paths: every node of each KB tree that has walks in the data; {} without data.

Both use `quality_data(kb)`, which reads each configured data file once per KnowledgeBase.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kb.config import KbConfig
from kb.model import KnowledgeBase

if TYPE_CHECKING:
    from kb.quality.metrics import NodeTraffic
    from kb.quality.site_data import QualityData

__all__ = ["NodeTraffic", "QualityData", "has_quality_data", "node_traffic", "quality_data",
           "tree_quality_markdown"]


def __getattr__(name: str) -> object:
    # the heavy parts (DuckDB, matplotlib) load on first use, so `kb lint` stays quick
    if name == "QualityData":
        from kb.quality.site_data import QualityData

        return QualityData
    if name == "NodeTraffic":
        from kb.quality.metrics import NodeTraffic

        return NodeTraffic
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def has_quality_data(config: KbConfig) -> bool:
    """Whether the config names a quality data file (predictions or a case export)."""
    return bool(config.quality_predictions or config.quality_cases)


def quality_data(kb: KnowledgeBase) -> QualityData | None:
    """The quality data for `kb` (read once per KnowledgeBase), or None when none is
    configured."""
    if not has_quality_data(kb.config):
        return None  # without data, a site build never loads the modules that read it
    from kb.quality.site_data import quality_data as load

    return load(kb)


def tree_quality_markdown(kb: KnowledgeBase, tree_id: str, level: int = 2) -> str:
    """The tree's own quality figures as Markdown, headed at `level` ('' without data)."""
    data = quality_data(kb)
    if data is None:
        return ""
    from kb.quality.report_markdown import tree_quality_markdown as markdown

    return markdown(kb, tree_id, data, level)


def node_traffic(kb: KnowledgeBase) -> dict[str, dict[str, NodeTraffic]]:
    """Visits and drop-offs per node of each tree with recorded paths ({} without data)."""
    data = quality_data(kb)
    if data is None or data.metrics is None:
        return {}
    traffic: Mapping[str, Mapping[str, NodeTraffic]] = data.metrics.traffic
    return {tree: dict(nodes) for tree, nodes in traffic.items()}
