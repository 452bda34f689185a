"""A tree as a graph: its edges, what `start` reaches, its cycles, and a depth-first order.

The one home of these ideas for the lint rules, the diagram, the sample data and the proof of
the safety policies. Edges lead to the ids written in the file, whether or not a node has that
id: callers that follow edges skip the targets the tree does not hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kb.model import Node, Pos, Tree

#: the branch index of an edge that is a node's `default`
DEFAULT = -1


@dataclass(frozen=True, slots=True)
class Edge:
    """A reference from one node to another: a branch's `next` (`branch` its index) or the
    node's `default` (`branch` is DEFAULT); `pos` is where the reference is written."""

    source: str
    target: str
    branch: int
    pos: Pos


def out_edges(tree: Tree, node: Node) -> Iterator[Edge]:
    """The node's edges: its branches in order, then its default."""
    for branch in node.branches:
        if branch.next:
            yield Edge(node.id, branch.next, branch.index,
                       tree.source.pos(*node.path, "branches", branch.index, "next"))
    if node.default:
        yield Edge(node.id, node.default, DEFAULT, node.default_pos or node.pos)


def successors(tree: Tree, node_id: str) -> list[str]:
    """The ids of the nodes of the tree that `node_id` leads to, in edge order."""
    node = tree.nodes.get(node_id)
    if node is None:
        return []
    return [e.target for e in out_edges(tree, node) if e.target in tree.nodes]


def reachable(tree: Tree) -> set[str]:
    """The ids of the nodes a walk from `start` can reach (empty when `start` is no node)."""
    if tree.start not in tree.nodes:
        return set()
    seen = {tree.start}
    todo = [tree.start]
    while todo:
        for target in successors(tree, todo.pop()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def cycles(tree: Tree) -> Iterator[tuple[list[str], Edge]]:
    """One (path, closing edge) per cycle found by depth-first search from `start`, then from
    every other node in file order; each cycle once whatever node it is entered from."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []
    reported: set[tuple[str, ...]] = set()
    roots = [tree.start] if tree.start in tree.nodes else []
    for root in [*roots, *tree.nodes]:
        if root in state:
            continue
        state[root] = 1
        path.append(root)
        frames = [iter(list(out_edges(tree, tree.nodes[root])))]
        while frames:
            edge = next(frames[-1], None)
            if edge is None:
                frames.pop()
                state[path.pop()] = 2
                continue
            if edge.target not in tree.nodes:
                continue
            seen = state.get(edge.target)
            if seen == 1:
                cycle = path[path.index(edge.target):]
                turn = cycle.index(min(cycle))
                key = tuple(cycle[turn:] + cycle[:turn])
                if key not in reported:
                    reported.add(key)
                    yield [*cycle, edge.target], edge
            elif seen is None:
                state[edge.target] = 1
                path.append(edge.target)
                frames.append(iter(list(out_edges(tree, tree.nodes[edge.target]))))


def depth_first(roots: Sequence[str], children: Callable[[str], Sequence[str]]
                ) -> tuple[list[str], set[tuple[str, str]]]:
    """(post-order, back edges) of a depth-first search from each root in turn. The reverse of
    the post-order is a topological order of the graph without its back edges."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    order: list[str] = []
    back: set[tuple[str, str]] = set()
    for root in roots:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node_id, i = stack.pop()
            out = children(node_id)
            if i < len(out):
                stack.append((node_id, i + 1))
                target = out[i]
                if state.get(target) == 1:
                    back.add((node_id, target))
                elif target not in state:
                    state[target] = 1
                    stack.append((target, 0))
            else:
                state[node_id] = 2
                order.append(node_id)
    return order, back


def known_facts(tree: Tree) -> dict[str, frozenset[str]]:
    """For every node `start` reaches, the facts asked on every path from `start` to it: what a
    walk arriving there is sure to know. Nodes on a cycle get what the acyclic paths give."""
    if tree.start not in tree.nodes:
        return {}
    known: dict[str, frozenset[str]] = {tree.start: frozenset()}
    todo = [tree.start]
    while todo:
        node_id = todo.pop()
        node = tree.nodes[node_id]
        after = known[node_id] | ({node.ask} if node.outcome is None and node.ask else set())
        for target in successors(tree, node_id):
            narrowed = after if target not in known else known[target] & after
            if target not in known or narrowed != known[target]:
                known[target] = narrowed
                todo.append(target)
    return known
