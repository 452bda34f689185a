"""Every path of a tree, exactly: what each asked fact may be on it, and the signals it raises.

A path is a walk from `start` to an outcome. Along it, each asked fact is confined to the values
that take the branch the path takes there (that branch's values less those of the earlier
branches, or what no branch covers for a `default`), intersected over every time the fact is
asked: booleans and choices as sets of values, numbers as the intervals their thresholds cut
(the `ValueSet` machinery of KB308/KB309). A path whose confinement leaves a fact no value is
infeasible and never reported (a number cannot be both < 48 and >= 96).

A path raises a signal when a fact it asks may take, on it, a value the fact's signal holds
for. Facts a path does not ask are unknown to the walk, so they raise nothing on it; a policy
with `ask_before_ai` makes sure the facts that matter are asked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kb.lint.rules.trees.values import ValueSet, covered_by, typed_fact, universe
from kb.lint.runner import LintContext
from kb.model import Fact, Signal, Tree
from kb.when import as_yaml


@dataclass(frozen=True, slots=True)
class PathEnd:
    """One feasible path: the outcome it reaches, the facts it asks in order, and the values
    each of them may take on it."""

    outcome: str
    asked: tuple[str, ...]
    allowed: Mapping[str, ValueSet]

    def facts(self, tree: Tree, chosen: Mapping[str, ValueSet] | None = None) -> dict[str, object]:
        """Concrete facts that walk this path: a value of each asked fact (from `chosen` where
        it names the fact)."""
        picked: dict[str, object] = {}
        for fact_id in self.asked:
            values = (chosen or {}).get(fact_id, self.allowed[fact_id])
            picked[fact_id] = values.pick(tree.facts[fact_id])
        return picked


@dataclass(frozen=True, slots=True)
class Raised:
    """A signal a path raises: by which fact, and the values of it on the path that raise it."""

    signal: Signal
    fact: Fact
    values: ValueSet


#: question nodes a path passes at most; deeper walks are cycles (KB304 reports them)
_MAX_DEPTH = 1000


def paths(tree: Tree, ctx: LintContext) -> list[PathEnd]:
    """Enough feasible paths of the tree to decide every policy on every path, in depth-first
    branch order; computed once per tree.

    Two paths that meet at a node with the same values left for every fact still to be asked,
    the same signals already settled (raised by facts not asked again) and the same signal
    facts asked have the same futures, so only the first is followed: the count stays bounded
    where merging branches would multiply paths. Paths through unknown nodes, around cycles or
    past a fact whose declaration cannot be reasoned about are left out (KB302, KB304 and KB312
    report those)."""
    key = ("policies.paths", tree.path)
    if key not in ctx.memo:
        ctx.memo[key] = list(_walk_all(tree, _signal_values(tree, ctx)))
    found = ctx.memo[key]
    assert isinstance(found, list)
    return found


_Frame = tuple[str, tuple[str, ...], dict[str, ValueSet], frozenset[str]]


def _walk_all(tree: Tree, raising: Mapping[tuple[str, str], ValueSet]) -> Iterator[PathEnd]:
    taken = _branch_values(tree)
    if tree.start not in tree.nodes:
        return
    ahead = _facts_ahead(tree, taken)
    followed: set[object] = set()
    # (node id, facts asked, allowed values, nodes on the path)
    stack: list[_Frame] = [(tree.start, (), {}, frozenset())]
    while stack:
        node_id, asked, allowed, seen = stack.pop()
        node = tree.nodes.get(node_id)
        if node is None or node_id in seen or len(seen) > _MAX_DEPTH:
            continue
        state = _state(tree, node_id, asked, allowed, ahead.get(node_id, frozenset()), raising)
        if state in followed:
            continue
        followed.add(state)
        if node.outcome is not None:
            yield PathEnd(node_id, asked, allowed)
            continue
        choices = taken.get(node_id)
        if choices is None:
            continue
        fact = tree.facts[node.ask]
        current = allowed.get(fact.id)
        now_asked = asked if fact.id in asked else (*asked, fact.id)
        nexts: list[_Frame] = []
        for target, values in choices:
            narrowed = values if current is None else current & values
            if narrowed:
                nexts.append((target, now_asked, {**allowed, fact.id: narrowed},
                              seen | {node_id}))
        stack.extend(reversed(nexts))  # popped in branch order


def _state(tree: Tree, node_id: str, asked: tuple[str, ...], allowed: Mapping[str, ValueSet],
           ahead: frozenset[str], raising: Mapping[tuple[str, str], ValueSet]) -> object:
    """What of a path at `node_id` its future depends on (see `paths`)."""
    open_values = frozenset((f, v) for f, v in allowed.items() if f in ahead)
    settled = frozenset(s.id for f in asked if f not in ahead for s in tree.facts[f].signals
                        if allowed[f] & raising[f, s.id])
    signal_facts_asked = frozenset(f for f in asked if tree.facts[f].signals)
    return node_id, open_values, settled, signal_facts_asked


def _facts_ahead(tree: Tree, taken: Mapping[str, list[tuple[str, ValueSet]]]
                 ) -> dict[str, frozenset[str]]:
    """Per question node, the facts a walk from it may still ask (its own included)."""
    ahead: dict[str, frozenset[str]] = {n: frozenset({tree.nodes[n].ask}) for n in taken}
    changed = True
    while changed:  # a fixpoint: trees are small, and a cycle must not loop forever
        changed = False
        for node_id, choices in taken.items():
            grown = ahead[node_id].union(*(ahead.get(t, frozenset()) for t, _ in choices))
            if grown != ahead[node_id]:
                ahead[node_id] = grown
                changed = True
    return ahead


def _branch_values(tree: Tree) -> dict[str, list[tuple[str, ValueSet]]]:
    """Per question node whose fact can be reasoned about: (next node, the values that take
    that branch), branches in order, then the default with the values no branch covers."""
    found: dict[str, list[tuple[str, ValueSet]]] = {}
    for node in tree.nodes.values():
        fact = typed_fact(tree, node.ask) if node.outcome is None else None
        if fact is None:
            continue
        left = universe(fact)
        choices: list[tuple[str, ValueSet]] = []
        for branch in node.branches:
            takes = covered_by(fact, branch.when) & left
            choices.append((branch.next, takes))
            left = left - takes
        if node.default:
            choices.append((node.default, left))
        found[node.id] = choices
    return found


def raised(tree: Tree, end: PathEnd, ctx: LintContext) -> Iterator[Raised]:
    """The signals the path raises, each once, by the first asked fact that raises it."""
    done: set[str] = set()
    raising = _signal_values(tree, ctx)
    for fact_id in end.asked:
        fact = tree.facts[fact_id]
        for signal in fact.signals:
            if signal.id in done:
                continue
            values = end.allowed[fact_id] & raising[fact_id, signal.id]
            if values:
                done.add(signal.id)
                yield Raised(signal, fact, values)


def _signal_values(tree: Tree, ctx: LintContext) -> dict[tuple[str, str], ValueSet]:
    """The values of each fact that raise each of its signals; computed once per tree."""
    key = ("policies.signal-values", tree.path)
    if key not in ctx.memo:
        ctx.memo[key] = {(f.id, s.id): covered_by(f, s.when) for f in tree.facts.values()
                         for s in f.signals}
    found = ctx.memo[key]
    assert isinstance(found, dict)
    return found


def signal_facts(tree: Tree, signal_id: str) -> list[Fact]:
    """The tree's facts that declare the signal."""
    return [f for f in tree.facts.values() if any(s.id == signal_id for s in f.signals)]


def witness_case(end: PathEnd, facts: Mapping[str, object], case_id: str,
                 description: str) -> str:
    """A labeled case in the cases file format, on one line, ready to paste under `cases:`."""
    shown = ", ".join(f"{k}: {as_yaml(v)}" for k, v in facts.items())
    return (f"- {{id: {case_id}, description: {as_yaml(description)}, facts: {{{shown}}}, "
            f"expected: {end.outcome}}}")
