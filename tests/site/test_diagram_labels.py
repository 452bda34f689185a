"""Edge labels of the diagrams: every label readable on its own, for every shipped tree."""

from __future__ import annotations

import itertools

import pytest

from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages.diagram import Rect, badge_box, label_boxes, layout_tree, overlaps
from kb.quality import node_traffic
from kbtest import REPO

SHIPPED: KnowledgeBase = load(load_config(REPO)).kb
TRAFFIC = node_traffic(SHIPPED)


def _clashes(boxes: list[Rect], others: list[Rect]) -> list[tuple[Rect, Rect]]:
    return [(a, b) for a in boxes for b in others if overlaps(a, b, margin=0.0)]


@pytest.mark.parametrize("tree_id", sorted(SHIPPED.trees))
def test_no_two_edge_labels_of_a_shipped_tree_intersect(tree_id: str) -> None:
    traffic = TRAFFIC.get(tree_id, {})
    layout = layout_tree(SHIPPED.trees[tree_id])
    boxes = label_boxes(layout, traffic)
    assert len(boxes) == len(layout.edges)
    pairs = [(a, b) for a, b in itertools.combinations(boxes, 2) if overlaps(a, b, margin=0.0)]
    assert pairs == []
    # nor does a label sit on a box, or on a node's count of walks
    nodes = [(p.x, p.y, p.width, p.height) for p in layout.nodes.values() if not p.is_waypoint]
    assert _clashes(boxes, nodes) == []
    badges = [badge_box(layout.nodes[k], t) for k, t in traffic.items() if k in layout.nodes]
    assert _clashes(boxes, badges) == []


def test_the_shipped_case_data_draws_walk_counts() -> None:
    """The badge check above is not vacuous: shipped trees carry walk counts."""
    assert any(TRAFFIC.get(tree_id) for tree_id in SHIPPED.trees)
