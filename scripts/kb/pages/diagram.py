"""A decision tree drawn as inline SVG: a layered layout computed in Python, no JavaScript, no CDN.

`tree_svg(tree)` is pure and deterministic: the same tree gives the same bytes. The layout is a
small Sugiyama-style pipeline:

1. layers: the longest path from the start (so every edge points down; shared nodes sit below
   all their parents); edges closing a cycle (a lint error) are drawn but do not shape layers;
2. edges spanning several layers get invisible waypoints, one per layer crossed, so they run
   between boxes instead of through them;
3. order within each layer: barycentre sweeps, keeping the order with the fewest crossings;
4. x positions: each box pulled towards the mean of its neighbours, separations kept exactly
   (isotonic regression, so the result is the least-squares optimum for that order).

Questions are indigo boxes headed by the fact they ask. Outcome boxes are coloured by
`resolution` and outlined by `handled_by`, and their first line spells both out in capitals, so
colour is never the only signal. The nodes and edges carry `data-node` / `data-from` / `data-to`
attributes that the site's walker uses to highlight the path walked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Protocol

from kb.graph import depth_first
from kb.model import Fact, Node, Tree
from kb.when import as_label

__all__ = ["Edge", "Layout", "PlacedNode", "Rect", "badge_box", "label_boxes", "layout_tree",
           "overlaps", "tree_svg"]

BOX_WIDTH = 200.0
PAD_X = 10.0
PAD_TOP = 8.0
PAD_BOTTOM = 9.0
LABEL_SIZE = 10.5
#: the first line of a box is set with letter-spacing; its width grows about this much
LABEL_SPACING = 1.03
LABEL_LINE = 14.0
TEXT_SIZE = 12.5
TEXT_LINE = 16.0
MAX_LINES = 6
NODE_GAP = 28.0
WAYPOINT_WIDTH = 14.0
LAYER_GAP = 84.0
MARGIN = 16.0
EDGE_LABEL_SIZE = 11.0
SWEEPS = 8

#: fill and stroke per outcome resolution; the capitalised label says the same in words
RESOLUTION_COLOURS = {
    "inform": ("#e8f5e9", "#2e7d32"),
    "resolve": ("#e3f2fd", "#1565c0"),
    "escalate": ("#fff3e0", "#c25100"),
}
QUESTION_COLOURS = ("#eef0fb", "#3949ab")
UNKNOWN_COLOURS = ("#f5f5f5", "#616161")
TEXT_COLOUR = "#1f1f1f"
MUTED_COLOUR = "#4a4a4a"
EDGE_COLOUR = "#6b6b6b"
FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif"

# Advance widths of Helvetica/Arial (and the metric-compatible Liberation Sans), per 1000 em:
# enough to wrap text the way the browser will set it without measuring in a browser.
_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
     556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015,
     667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778,
     722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333,
     556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556,
     333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584),
    strict=True,
))
_OTHER_WIDTH = 600
_BOLD_FACTOR = 1.15
#: wider fallback fonts (DejaVu Sans, where Arial is missing) set about this much wider
_SAFETY = 1.12


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The estimated rendered width of `text` in pixels at font size `size`."""
    units = sum(_WIDTHS.get(ch, _OTHER_WIDTH) for ch in text)
    return units * size / 1000 * (_BOLD_FACTOR if bold else 1.0) * _SAFETY


def wrap(text: str, width: float, size: float, max_lines: int = MAX_LINES,
         bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `width`; the last kept line ends in an ellipsis
    when the text needs more than `max_lines`. A single word wider than `width` is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while text_width(word, size, bold) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut] + "-", size, bold) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut] + "-")
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "\u2026", size, bold) > width:
            last = last[:-1].rstrip()
        lines = [*lines[:max_lines - 1], last + "\u2026"]
    return lines or [""]


def truncate(text: str, width: float, size: float, bold: bool = False) -> str:
    """`text` cut to fit `width`, ending in an ellipsis when cut (the box's tooltip has it all)."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "\u2026", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


# --- model of the drawing ---------------------------------------------------------------------


@dataclass(slots=True)
class PlacedNode:
    """A box (or, with `node` None, an edge's waypoint) at its layer and position."""

    key: str
    layer: int
    node: Node | None
    label: str = ""
    lines: list[str] = field(default_factory=list)
    extra: str = ""
    width: float = WAYPOINT_WIDTH
    height: float = 0.0
    x: float = 0.0
    y: float = 0.0

    @property
    def is_waypoint(self) -> bool:
        return self.node is None

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True, slots=True)
class Edge:
    """One drawn arrow: `source` to `target`, with what it says (branch values or `otherwise`)."""

    source: str
    target: str
    label: str
    #: branch indexes it stands for (-1 is the default), in order
    branches: tuple[int, ...]
    #: True when the edge goes back up (it closes a cycle, which lint reports)
    back: bool = False


@dataclass(slots=True)
class Layout:
    nodes: dict[str, PlacedNode]
    edges: list[Edge]
    #: per edge (same order as `edges`): the keys of the waypoints it runs through
    routes: list[list[str]]
    layers: list[list[str]]
    width: float
    height: float


# --- layout -----------------------------------------------------------------------------------


def branch_label(fact: Fact | None, when: object) -> str:
    """How a branch's `when` reads on an edge: the options' labels where the fact has them."""
    if fact is not None and fact.labels:
        if isinstance(when, str):
            return fact.label(when)
        if isinstance(when, list) and all(isinstance(w, str) for w in when):
            return " or ".join(fact.label(w) for w in when)
    return as_label(when)


def _edges(tree: Tree) -> list[Edge]:
    """The tree's edges, one per (source, target) pair, labels of parallel branches joined."""
    edges: list[Edge] = []
    for node in tree.nodes.values():
        grouped: dict[str, tuple[list[str], list[int]]] = {}
        for branch in node.branches:
            if branch.next in tree.nodes:
                labels, indexes = grouped.setdefault(branch.next, ([], []))
                labels.append(branch_label(tree.facts.get(node.ask), branch.when))
                indexes.append(branch.index)
        if node.default in tree.nodes:
            labels, indexes = grouped.setdefault(node.default, ([], []))
            labels.append("otherwise")
            indexes.append(-1)
        for target, (labels, indexes) in grouped.items():
            edges.append(Edge(node.id, target, " or ".join(labels), tuple(indexes)))
    return edges


def _layers(tree: Tree, edges: list[Edge]) -> tuple[dict[str, int], list[Edge]]:
    """Longest-path layers from the start (then from any unreachable node), and the edges with
    those that close a cycle marked `back`."""
    children: dict[str, list[Edge]] = {n: [] for n in tree.nodes}
    for edge in edges:
        children[edge.source].append(edge)
    roots = [tree.start] if tree.start in tree.nodes else []
    roots += [n for n in tree.nodes if n != tree.start]
    order, back = depth_first(roots, lambda node_id: [e.target for e in children[node_id]])
    marked = [Edge(e.source, e.target, e.label, e.branches, (e.source, e.target) in back)
              for e in edges]
    layer = dict.fromkeys(tree.nodes, 0)
    for node_id in reversed(order):  # reverse post-order is a topological order of the DAG
        for edge in children[node_id]:
            if (edge.source, edge.target) not in back:
                layer[edge.target] = max(layer[edge.target], layer[node_id] + 1)
    return layer, marked


def _box(node: Node, is_start: bool, tree: Tree) -> PlacedNode:
    inner = BOX_WIDTH - 2 * PAD_X
    if node.outcome is not None:
        o = node.outcome
        label = " \u00b7 ".join(p.upper() for p in (o.resolution, o.handled_by) if p) or "OUTCOME"
        lines = wrap(o.title or node.id, inner, TEXT_SIZE, bold=True)
        parts = [o.queue] if o.queue else []
        if o.sla_hours is not None:
            parts.append(f"SLA {as_label(o.sla_hours)} h")
        extra = " \u00b7 ".join(parts)
    else:
        fact = tree.facts.get(node.ask)
        label = ("START \u00b7 " if is_start else "") + (node.ask or "?")
        lines = wrap(fact.question if fact else f"asks {node.ask}", inner, TEXT_SIZE)
        extra = ""
    height = (PAD_TOP + LABEL_LINE + len(lines) * TEXT_LINE + (LABEL_LINE if extra else 0)
              + PAD_BOTTOM)
    label = truncate(label, inner, LABEL_SIZE * LABEL_SPACING, bold=True)
    extra = truncate(extra, inner, LABEL_SIZE)
    return PlacedNode(node.id, 0, node, label, lines, extra, BOX_WIDTH, height)


def _crossings(layers: list[list[str]], down: dict[str, list[str]]) -> int:
    total = 0
    for upper, lower in itertools.pairwise(layers):
        pos = {k: i for i, k in enumerate(lower)}
        pairs = [(i, pos[t]) for i, k in enumerate(upper) for t in down.get(k, []) if t in pos]
        for a, (i1, j1) in enumerate(pairs):
            for i2, j2 in pairs[a + 1:]:
                if (i1 - i2) * (j1 - j2) < 0:
                    total += 1
    return total


def _order(layers: list[list[str]], down: dict[str, list[str]],
           up: dict[str, list[str]]) -> list[list[str]]:
    best = [list(layer) for layer in layers]
    best_crossings = _crossings(best, down)
    current = [list(layer) for layer in layers]
    for sweep in range(SWEEPS):
        indexes = range(1, len(current)) if sweep % 2 == 0 else range(len(current) - 2, -1, -1)
        neighbours = up if sweep % 2 == 0 else down
        for li in indexes:
            ref = current[li - 1] if sweep % 2 == 0 else current[li + 1]
            pos = {k: i for i, k in enumerate(ref)}

            def barycentre(item: tuple[int, str], _pos: dict[str, int] = pos,
                           _links: dict[str, list[str]] = neighbours) -> float:
                i, key = item
                linked = [_pos[n] for n in _links.get(key, []) if n in _pos]
                return sum(linked) / len(linked) if linked else float(i)

            current[li] = [k for _, k in sorted(enumerate(current[li]),
                                                key=lambda it: (barycentre(it), it[0]))]
        crossings = _crossings(current, down)
        if crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in current], crossings
    return best


def _gap(left: PlacedNode, right: PlacedNode) -> float:
    if left.is_waypoint or right.is_waypoint:
        return NODE_GAP / 2
    return NODE_GAP


def _place_layer(row: Sequence[PlacedNode], desired: Sequence[float]) -> None:
    """Centres as close as possible (least squares) to `desired`, keeping order and gaps."""
    offsets = [0.0]
    for left, right in itertools.pairwise(row):
        offsets.append(offsets[-1] + left.width / 2 + _gap(left, right) + right.width / 2)
    targets = [d - o for d, o in zip(desired, offsets, strict=True)]
    # pool adjacent violators: blocks of (sum, count) whose means never decrease
    blocks: list[list[float]] = []
    for t in targets:
        blocks.append([t, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    fitted = [b[0] / b[1] for b in blocks for _ in range(int(b[1]))]
    for node, value, offset in zip(row, fitted, offsets, strict=True):
        node.x = value + offset - node.width / 2


def _coordinates(rows: list[list[PlacedNode]], down: dict[str, list[str]],
                 up: dict[str, list[str]], nodes: dict[str, PlacedNode]) -> None:
    for row in rows:
        x = 0.0
        for i, node in enumerate(row):
            if i:
                x += _gap(row[i - 1], node)
            node.x = x
            x += node.width
    widest = max((r[-1].x + r[-1].width for r in rows if r), default=0.0)
    for row in rows:
        if row:
            shift = (widest - (row[-1].x + row[-1].width)) / 2
            for node in row:
                node.x += shift

    def pull(row: list[PlacedNode], links: dict[str, list[str]]) -> None:
        desired = []
        for node in row:
            linked = [nodes[k].centre for k in links.get(node.key, [])]
            desired.append(sum(linked) / len(linked) if linked else node.centre)
        _place_layer(row, desired)

    for sweep in range(SWEEPS):
        if sweep % 2 == 0:
            for row in rows[1:]:
                pull(row, up)
        else:
            for row in reversed(rows[:-1]):
                pull(row, down)
    for row in rows[1:]:
        pull(row, up)


def layout_tree(tree: Tree) -> Layout:
    """Boxes, waypoints and edges of `tree`, positioned; deterministic for equal trees."""
    edges = _edges(tree)
    layer_of, edges = _layers(tree, edges)
    nodes: dict[str, PlacedNode] = {}
    for node in tree.nodes.values():
        placed = _box(node, node.id == tree.start, tree)
        placed.layer = layer_of[node.id]
        nodes[node.id] = placed
    depth = max(layer_of.values(), default=0) + 1
    # first-seen order (breadth first from the start) seeds the ordering
    seen: list[str] = []
    queue = [tree.start] if tree.start in nodes else []
    queue += [n for n in tree.nodes if n != tree.start]
    outgoing: dict[str, list[Edge]] = {}
    for edge in edges:
        outgoing.setdefault(edge.source, []).append(edge)
    i = 0
    while i < len(queue):
        key = queue[i]
        i += 1
        if key in seen:
            continue
        seen.append(key)
        queue[i:i] = [e.target for e in outgoing.get(key, []) if e.target not in seen]
    layers: list[list[str]] = [[] for _ in range(depth)]
    down: dict[str, list[str]] = {}
    up: dict[str, list[str]] = {}
    routes: list[list[str]] = []
    for key in seen:
        layers[nodes[key].layer].append(key)
    for n, edge in enumerate(edges):
        route: list[str] = []
        start, end = nodes[edge.source].layer, nodes[edge.target].layer
        chain = [edge.source]
        if not edge.back:
            for layer in range(start + 1, end):
                key = f"~{n}.{layer}"
                nodes[key] = PlacedNode(key, layer, None)
                layers[layer].append(key)
                route.append(key)
                chain.append(key)
        chain.append(edge.target)
        if not edge.back:
            for a, b in itertools.pairwise(chain):
                down.setdefault(a, []).append(b)
                up.setdefault(b, []).append(a)
        routes.append(route)
    layers = _order(layers, down, up)
    rows = [[nodes[k] for k in layer] for layer in layers]
    _coordinates(rows, down, up, nodes)
    left = min((p.x for p in nodes.values()), default=0.0)
    right = max((p.x + p.width for p in nodes.values()), default=0.0)
    y = MARGIN
    for row in rows:
        height = max((p.height for p in row if not p.is_waypoint), default=0.0)
        for p in row:
            p.x += MARGIN - left
            p.y = y
            p.height = height  # boxes of a layer share a height, so the rows read as rows
        y += height + LAYER_GAP
    return Layout(nodes, edges, routes, [list(layer) for layer in layers],
                  right - left + 2 * MARGIN, y - LAYER_GAP + MARGIN)


# --- drawing ----------------------------------------------------------------------------------


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _edge_points(layout: Layout, n: int) -> list[tuple[float, float]]:
    edge = layout.edges[n]
    source, target = layout.nodes[edge.source], layout.nodes[edge.target]
    points = [(source.centre, source.y + source.height)]
    for key in layout.routes[n]:
        waypoint = layout.nodes[key]
        points += [(waypoint.centre, waypoint.y), (waypoint.centre, waypoint.y + waypoint.height)]
    points.append((target.centre, target.y))
    return points


def _path(points: list[tuple[float, float]]) -> str:
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{_num(x0)},{_num(y0)}"]
    for i, (x1, y1) in enumerate(rest):
        if i % 2 == 1:  # through a waypoint's layer: straight down
            parts.append(f"L{_num(x1)},{_num(y1)}")
        else:
            mid = (y0 + y1) / 2
            parts.append(f"C{_num(x0)},{_num(mid)} {_num(x1)},{_num(mid)} {_num(x1)},{_num(y1)}")
        x0, y0 = x1, y1
    return " ".join(parts)


def _back_path(layout: Layout, edge: Edge) -> str:
    """A cycle-closing edge: out of the source's right side, up, into the target's right side."""
    source, target = layout.nodes[edge.source], layout.nodes[edge.target]
    x0, y0 = source.x + source.width, source.y + source.height / 2
    x1, y1 = target.x + target.width, target.y + target.height / 2
    bend = max(x0, x1) + 40
    return (f"M{_num(x0)},{_num(y0)} C{_num(bend)},{_num(y0)} {_num(bend)},{_num(y1)} "
            f"{_num(x1)},{_num(y1)}")


def _attr(value: str) -> str:
    return escape(value, quote=True)


class Traffic(Protocol):
    """Walks through a node in the support tool's case data (kb.quality.NodeTraffic)."""

    @property
    def visits(self) -> int: ...

    @property
    def drop_offs(self) -> int: ...


def traffic_text(traffic: Traffic) -> str:
    """`1,204 walks · 31 stopped here`: what a node's traffic badge says."""
    return f"{traffic.visits:,} walks · {traffic.drop_offs:,} stopped here"


def _node_svg(tree: Tree, placed: PlacedNode, dom_id: str,
              traffic: Traffic | None = None) -> list[str]:
    node = placed.node
    assert node is not None
    if node.outcome is not None:
        o = node.outcome
        fill, stroke = RESOLUTION_COLOURS.get(o.resolution, UNKNOWN_COLOURS)
        kind = (f"kb-outcome kb-resolution-{_attr(o.resolution or 'unknown')} "
                f"kb-handler-{_attr(o.handled_by or 'unknown')}")
        dash = ' stroke-dasharray="7 4"' if o.handled_by == "specialist" else ""
        stroke_width = 2.5 if o.handled_by == "specialist" else 1.5
        tip = f"Outcome {node.id}: {o.title} ({o.resolution}, handled by {o.handled_by})"
        if o.queue:
            tip += f"; queue {o.queue}"
        if o.sla_hours is not None:
            tip += f", SLA {as_label(o.sla_hours)} hours"
        weight = ' font-weight="bold"'
        rx = 12
    else:
        fill, stroke = QUESTION_COLOURS
        kind = "kb-question" + (" kb-start" if node.id == tree.start else "")
        dash = ""
        stroke_width = 2.5 if node.id == tree.start else 1.5
        fact = tree.facts.get(node.ask)
        tip = f"Question {node.id} asks {node.ask}: {fact.question if fact else ''}".rstrip(": ")
        weight = ""
        rx = 4
    x, y = placed.x, placed.y
    if traffic is not None:
        tip += f"; {traffic_text(traffic)} (case data)"
    out = [
        f'<g class="kb-node {kind}" id="{_attr(dom_id)}" data-node="{_attr(node.id)}">',
        f"<title>{escape(tip)}</title>",
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(placed.width)}" '
        f'height="{_num(placed.height)}" rx="{rx}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{stroke_width}"{dash}/>',
    ]
    tx = x + PAD_X
    ty = y + PAD_TOP + LABEL_SIZE
    out.append(f'<text x="{_num(tx)}" y="{_num(ty)}" font-size="{LABEL_SIZE}" '
               f'font-weight="bold" letter-spacing="0.3" fill="{stroke}">'
               f"{escape(placed.label)}</text>")
    ty = y + PAD_TOP + LABEL_LINE
    spans = []
    for line in placed.lines:
        ty += TEXT_LINE
        spans.append(f'<tspan x="{_num(tx)}" y="{_num(ty - 4)}">{escape(line)}</tspan>')
    out.append(f'<text font-size="{TEXT_SIZE}"{weight} fill="{TEXT_COLOUR}">'
               + "".join(spans) + "</text>")
    if placed.extra:
        ty += LABEL_LINE
        out.append(f'<text x="{_num(tx)}" y="{_num(ty - 2)}" font-size="{LABEL_SIZE}" '
                   f'fill="{MUTED_COLOUR}">{escape(placed.extra)}</text>')
    if traffic is not None:
        # above the box's top edge, right-aligned: the count is text, never colour alone
        out.append(f'<text class="kb-traffic" x="{_num(x + placed.width)}" y="{_num(y - 3)}" '
                   f'text-anchor="end" font-size="{LABEL_SIZE}" fill="{MUTED_COLOUR}">'
                   f"{escape(traffic_text(traffic))}</text>")
    out.append("</g>")
    return out


#: where along its first segment an edge label may sit, most preferred first: near the box the
#: edge enters (siblings fan out there), or near its source when several edges enter one box
LABEL_POSITIONS = (0.76, 0.6, 0.86, 0.45, 0.3)
MERGE_LABEL_POSITIONS = (0.3, 0.45, 0.2, 0.6)
#: when every position along the edge is taken: the label moves sideways in steps of this many px
LABEL_SHIFT = 12.0

Rect = tuple[float, float, float, float]


def _bezier(points: list[tuple[float, float]], t: float) -> tuple[float, float]:
    """The point at `t` on the first segment of an edge (drawn with vertical tangents)."""
    (x0, y0), (x1, y1) = points[0], points[1]
    mid = (y0 + y1) / 2
    u = 1 - t
    x = u**3 * x0 + 3 * u * u * t * x0 + 3 * u * t * t * x1 + t**3 * x1
    y = u**3 * y0 + 3 * u * u * t * mid + 3 * u * t * t * mid + t**3 * y1
    return x, y


def _label_box(text: str, x: float, y: float) -> Rect:
    width = text_width(text, EDGE_LABEL_SIZE) + 10
    height = EDGE_LABEL_SIZE + 7
    return (x - width / 2, y - height / 2, width, height)


def overlaps(a: Rect, b: Rect, margin: float = 2.0) -> bool:
    """True when the boxes `a` and `b` (x, y, width, height) come closer than `margin`."""
    return (a[0] < b[0] + b[2] + margin and b[0] < a[0] + a[2] + margin
            and a[1] < b[1] + b[3] + margin and b[1] < a[1] + a[3] + margin)


def _place_label(text: str, points: list[tuple[float, float]], taken: list[Rect],
                 positions: tuple[float, ...]) -> Rect:
    """The first position along the edge whose label box clears the labels already placed;
    when all are taken, the preferred position shifted sideways as little as clears them."""
    for t in positions:
        box = _label_box(text, *_bezier(points, t))
        if not any(overlaps(box, other) for other in taken):
            return box
    x, y, width, height = _label_box(text, *_bezier(points, positions[0]))
    for step in itertools.count(1):  # ends: far enough sideways, nothing is taken
        for shift in (step * LABEL_SHIFT, -step * LABEL_SHIFT):
            box = (x + shift, y, width, height)
            if not any(overlaps(box, other) for other in taken):
                return box
    raise AssertionError("itertools.count() does not end")


def badge_box(placed: PlacedNode, traffic: Traffic) -> Rect:
    """Where a node's traffic badge is drawn: above the box's top edge, right-aligned."""
    width = text_width(traffic_text(traffic), LABEL_SIZE)
    return (placed.x + placed.width - width, placed.y - 3 - LABEL_SIZE, width, LABEL_SIZE + 3)


def label_boxes(layout: Layout, traffic: Mapping[str, Traffic] | None = None) -> list[Rect]:
    """The box of every edge's label (same order as `layout.edges`), placed so that no two
    overlap, nor a label and a node's traffic badge: along the edge where it can, else
    shifted sideways."""
    badges = [badge_box(layout.nodes[key], count) for key, count in (traffic or {}).items()
              if key in layout.nodes]
    taken: list[Rect] = []
    entering: dict[str, int] = {}
    for edge in layout.edges:
        entering[edge.target] = entering.get(edge.target, 0) + 1
    for n, edge in enumerate(layout.edges):
        if edge.back:
            source = layout.nodes[edge.source]
            box = _label_box(edge.label, source.x + source.width + 20,
                             source.y + source.height / 2 - 10)
        else:
            positions = (LABEL_POSITIONS if entering[edge.target] == 1 or layout.routes[n]
                         else MERGE_LABEL_POSITIONS)
            box = _place_label(edge.label, _edge_points(layout, n), [*taken, *badges], positions)
        taken.append(box)
    return taken


def _label_svg(edge: Edge, box: Rect) -> list[str]:
    x, y, width, height = box
    return [
        f'<g class="kb-edge-label" data-from="{_attr(edge.source)}" '
        f'data-to="{_attr(edge.target)}">',
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" '
        f'height="{_num(height)}" rx="3" fill="#ffffff" stroke="#bdbdbd" stroke-width="0.75"/>',
        f'<text x="{_num(x + width / 2)}" y="{_num(y + height / 2 + EDGE_LABEL_SIZE / 2 - 1.5)}" '
        f'text-anchor="middle" font-size="{EDGE_LABEL_SIZE}" fill="{TEXT_COLOUR}">'
        f"{escape(edge.label)}</text>",
        "</g>",
    ]


def dom_id(tree_id: str, node_id: str) -> str:
    """The `id` of a node's group in the page (stable, for links and the walker)."""
    return f"kb-{tree_id}-node-{node_id}"


def tree_svg(tree: Tree, traffic: Mapping[str, Traffic] | None = None) -> str:
    """The diagram of `tree` as one `<svg>` element on a single line per element, no blank lines
    (so Markdown keeps it as one raw HTML block). With `traffic` (per node id), each node that
    case data walked through carries its count of walks and of walks that stopped there."""
    layout = layout_tree(tree)
    questions = sum(1 for n in tree.nodes.values() if n.outcome is None)
    outcomes = len(tree.nodes) - questions
    marker = f"kb-{tree.id}-arrow"
    title_id, desc_id = f"kb-{tree.id}-diagram-title", f"kb-{tree.id}-diagram-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kb-tree-svg" '
        f'viewBox="0 0 {_num(layout.width)} {_num(layout.height)}" width="{_num(layout.width)}" '
        f'height="{_num(layout.height)}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{_attr(FONT)}" data-tree="{_attr(tree.id)}">',
        f'<title id="{title_id}">Diagram of the decision tree {escape(tree.meta.title or tree.id)}'
        "</title>",
        f'<desc id="{desc_id}">{questions} questions and {outcomes} outcomes, drawn top to '
        "bottom from the start question. The walker and the tables of facts and outcomes on "
        "this page give the same tree as text.</desc>",
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" '
        f'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" '
        f'fill="{EDGE_COLOUR}"/></marker></defs>',
        '<g class="kb-edges" fill="none">',
    ]
    labels: list[str] = []
    for n, (edge, box) in enumerate(zip(layout.edges, label_boxes(layout, traffic), strict=True)):
        d = _back_path(layout, edge) if edge.back else _path(_edge_points(layout, n))
        branches = " ".join(str(b) for b in edge.branches)
        dashes = ' stroke-dasharray="4 3"' if edge.back else ""
        out.append(
            f'<g class="kb-edge{" kb-back-edge" if edge.back else ""}" '
            f'data-from="{_attr(edge.source)}" data-to="{_attr(edge.target)}" '
            f'data-branches="{branches}"><path d="{d}" stroke="{EDGE_COLOUR}" '
            f'stroke-width="1.5"{dashes} '
            f'marker-end="url(#{marker})"/></g>'
        )
        labels += _label_svg(edge, box)
    out.append("</g>")
    out.append('<g class="kb-edge-labels">')
    out += labels
    out.append("</g>")
    out.append('<g class="kb-nodes">')
    for key in _drawing_order(layout):
        out += _node_svg(tree, layout.nodes[key], dom_id(tree.id, key),
                         (traffic or {}).get(key))
    out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _drawing_order(layout: Layout) -> Iterable[str]:
    for layer in layout.layers:
        for key in layer:
            if not layout.nodes[key].is_waypoint:
                yield key
