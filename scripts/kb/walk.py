"""The one walk used by `kb test`, `kb walk`, evaluation and the exports.

Branches are tried in order, the first whose `when` holds (see `kb.when`) wins; else `default`;
else the walk is stuck.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kb.model import Node, Tree
from kb.when import format_value, holds


@dataclass(frozen=True, slots=True)
class Step:
    """One question answered: the node, the fact's value, and the branch taken (-1 = default)."""

    node: str
    fact: str
    value: object
    branch: int
    next: str


@dataclass(frozen=True, slots=True)
class Walk:
    steps: tuple[Step, ...]
    #: the outcome node reached, or '' when the walk stopped early
    outcome: str
    #: why the walk stopped before an outcome ('' when it reached one)
    stuck: str = ""
    #: the fact the walk needs next, when it stopped for want of it
    missing: str = ""

    @property
    def path(self) -> tuple[str, ...]:
        """Node ids visited, outcome included."""
        nodes = tuple(s.node for s in self.steps)
        return (*nodes, self.outcome) if self.outcome else nodes

    def describe(self) -> str:
        parts = [f"{s.node}[{s.fact}={format_value(s.value)}]" for s in self.steps]
        parts.append(self.outcome or f"(stuck: {self.stuck})")
        return " -> ".join(parts)


def choose(node: Node, value: object) -> tuple[int, str]:
    """(branch index, next node) for a value at a question node; (-1, default) or (-2, '')."""
    for branch in node.branches:
        if holds(branch.when, value):
            return branch.index, branch.next
    if node.default:
        return -1, node.default
    return -2, ""


def walk(tree: Tree, facts: Mapping[str, object], max_steps: int = 1000) -> Walk:
    """Walk `tree` with known `facts` from its start until an outcome or until stuck."""
    steps: list[Step] = []
    node_id = tree.start
    seen: set[str] = set()
    while len(steps) < max_steps:
        node = tree.nodes.get(node_id)
        if node is None:
            return Walk(tuple(steps), "", f"node `{node_id}` does not exist")
        if node.outcome is not None:
            return Walk(tuple(steps), node_id)
        if node_id in seen:
            return Walk(tuple(steps), "", f"cycle at node `{node_id}`")
        seen.add(node_id)
        if node.ask not in facts:
            return Walk(tuple(steps), "", f"no value for fact `{node.ask}` at node `{node_id}`",
                        missing=node.ask)
        value = facts[node.ask]
        index, nxt = choose(node, value)
        if index == -2:
            return Walk(tuple(steps), "", f"no branch of `{node_id}` holds for "
                                          f"{node.ask}={format_value(value)} and there is no "
                                          "default")
        steps.append(Step(node_id, node.ask, value, index, nxt))
        node_id = nxt
    return Walk(tuple(steps), "", "too many steps")


def parse_answer(tree: Tree, fact_id: str, raw: str) -> object:
    """A typed fact value from text (`true`, `pending`, `72`); ValueError says what is accepted."""
    fact = tree.facts.get(fact_id)
    text = raw.strip()
    if fact is None:
        raise ValueError(f"`{fact_id}` is not a fact of tree `{tree.id}`")
    if fact.type == "boolean":
        lowered = text.lower()
        if lowered in ("true", "t"):
            return True
        if lowered in ("false", "f"):
            return False
        raise ValueError(f"{fact_id} takes true or false, not `{text}`")
    if fact.type == "choice":
        if text in fact.options:
            return text
        if text.isdigit() and 1 <= int(text) <= len(fact.options):
            return fact.options[int(text) - 1]
        raise ValueError(f"{fact_id} takes one of {', '.join(fact.options)}, not `{text}`")
    if fact.type == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{fact_id} takes a number, not `{text}`") from None
        if not math.isfinite(number):
            raise ValueError(f"{fact_id} takes a finite number, not `{text}`")
        if fact.min is not None and number < fact.min:
            raise ValueError(f"{fact_id} is at least {format_value(fact.min)}")
        if fact.max is not None and number > fact.max:
            raise ValueError(f"{fact_id} is at most {format_value(fact.max)}")
        return int(number) if number.is_integer() else number
    raise ValueError(f"fact `{fact_id}` has unknown type `{fact.type}`")
