"""KB3xx: decision trees (structure, facts, branch types, exhaustiveness, escalation routing).

Branch reasoning follows `kb.walk` exactly: a `when` covers the values of its fact for which
`branch_holds` is true. Boolean and choice facts have finitely many values, so their coverage is
a set of values; number facts range over the reals in [min, max], so their coverage is an
`IntervalSet` (see `_intervals`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeGuard

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.rules._intervals import IntervalSet, format_number
from kb.lint.runner import LintContext
from kb.model import COMPARATORS, FACT_TYPES, Fact, Node, Pos, Tree
from kb.walk import branch_holds

# --------------------------------------------------------------------------- shared helpers

_SPECIAL_WORDS = frozenset({"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n"})


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def show(value: object) -> str:
    """A `when` value or fact value as an author wrote it in YAML flow style."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if is_number(value):
        return format_number(value)
    if isinstance(value, str):
        return json.dumps(value) if _needs_quotes(value) else value
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _needs_quotes(text: str) -> bool:
    """Whether YAML would read `text` unquoted as something other than this string."""
    if text.strip() != text or not text or text.lower() in _SPECIAL_WORDS:
        return True
    try:
        float(text)
    except ValueError:
        return bool(set(text) & set(":#,[]{}&*!|>'\"%@`")) or text.startswith("-")
    return True


def kind_of(value: object) -> str:
    """What a value is, in an author's words."""
    if isinstance(value, bool):
        return "a boolean"
    if is_number(value):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean `x`?)` for a close match, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def fact_range(fact: Fact) -> str:
    """`[0, 100]`, `[0, +inf)`, `(-inf, +inf)`."""
    low = "(-inf" if fact.min is None else f"[{format_number(fact.min)}"
    high = "+inf)" if fact.max is None else f"{format_number(fact.max)}]"
    return f"{low}, {high}"


def value_problem(fact: Fact, value: object) -> str:
    """Why `value` is not a value of `fact` ('' when it is one). Used for branches and cases."""
    if fact.type == "boolean":
        if not isinstance(value, bool):
            return f"`{show(value)}` is {kind_of(value)}, not true or false"
    elif fact.type == "choice":
        if not isinstance(value, str):
            return f"`{show(value)}` is {kind_of(value)}, not one of the options"
        if value not in fact.options:
            return f"`{show(value)}` is not an option of `{fact.id}`" \
                + did_you_mean(value, fact.options)
    elif fact.type == "number":
        if not is_number(value):
            return f"`{show(value)}` is {kind_of(value)}, not a number"
        return _range_problem(fact, value)
    return ""


def _range_problem(fact: Fact, number: float) -> str:
    if fact.min is not None and number < fact.min:
        return f"{format_number(number)} is below the minimum {format_number(fact.min)} " \
               f"of `{fact.id}`"
    if fact.max is not None and number > fact.max:
        return f"{format_number(number)} is above the maximum {format_number(fact.max)} " \
               f"of `{fact.id}`"
    return ""


def value_hint(fact: Fact) -> str:
    """What `fact` accepts, as advice."""
    if fact.type == "boolean":
        return "boolean facts take only true or false (unquoted)"
    if fact.type == "choice":
        return f"use one of the options: {', '.join(fact.options)}"
    return f"use a number within {fact_range(fact)}"


def typed_fact(tree: Tree, fact_id: str) -> Fact | None:
    """The declared fact, when its definition is sound enough to reason about its values."""
    fact = tree.facts.get(fact_id)
    if fact is None or fact.type not in FACT_TYPES:
        return None
    if fact.type == "choice" and not fact.options:
        return None
    if fact.type == "number" and fact.min is not None and fact.max is not None \
            and fact.min > fact.max:
        return None
    return fact


def _raw(value: object) -> Mapping[object, object]:
    return value if isinstance(value, dict) else {}


def raw_nodes(tree: Tree) -> Mapping[object, object]:
    return _raw(_raw(tree.source.value).get("nodes"))


def raw_facts(tree: Tree) -> Mapping[object, object]:
    return _raw(_raw(tree.source.value).get("facts"))


@dataclass(frozen=True, slots=True)
class Edge:
    """A reference from one node to another: a branch's `next` or a `default`."""

    source: str
    target: str
    pos: Pos
    label: str


def edges(tree: Tree, node: Node) -> Iterator[Edge]:
    for branch in node.branches:
        if branch.next:
            yield Edge(node.id, branch.next,
                       tree.source.pos(*node.path, "branches", branch.index, "next"),
                       f"branch `when: {show(branch.when)}`")
    if node.default:
        yield Edge(node.id, node.default, node.default_pos or node.pos, "`default`")


# --------------------------------------------------------------------------- value sets


@dataclass(frozen=True, slots=True)
class ValueSet:
    """Values of one fact: named values (booleans, options) and numbers."""

    named: frozenset[str | bool] = frozenset()
    numbers: IntervalSet = field(default_factory=IntervalSet.empty)

    def __bool__(self) -> bool:
        return bool(self.named) or bool(self.numbers)

    def __or__(self, other: ValueSet) -> ValueSet:
        return ValueSet(self.named | other.named, self.numbers | other.numbers)

    def __and__(self, other: ValueSet) -> ValueSet:
        return ValueSet(self.named & other.named, self.numbers & other.numbers)

    def __sub__(self, other: ValueSet) -> ValueSet:
        return ValueSet(self.named - other.named, self.numbers - other.numbers)

    def __le__(self, other: ValueSet) -> bool:
        return not (self - other)

    def describe(self, fact: Fact) -> str:
        """`hours >= 48`, `arrived = false`, `app_status = pending or app_status = failed`."""
        order = [True, False] if fact.type == "boolean" else list(fact.options)
        parts = [f"{fact.id} = {show(v)}" for v in order if v in self.named]
        if self.numbers:
            parts.append(self.numbers.describe(fact.id))
        return " or ".join(parts)


def universe(fact: Fact) -> ValueSet:
    """Every value the fact may take."""
    if fact.type == "boolean":
        return ValueSet(frozenset({True, False}))
    if fact.type == "choice":
        return ValueSet(frozenset(fact.options))
    return ValueSet(numbers=IntervalSet.closed(fact.min, fact.max))


def _numbers_of(when: object) -> IntervalSet:
    """The numbers for which `when` holds, by `kb.walk.branch_holds`."""
    if isinstance(when, list):
        found = IntervalSet.empty()
        for item in when:
            if is_number(item):
                found = found | IntervalSet.point(item)
        return found
    if isinstance(when, dict):
        if not when:
            return IntervalSet.empty()
        found = IntervalSet.everything()
        for op, bound in when.items():
            if op not in COMPARATORS or not is_number(bound):
                return IntervalSet.empty()
            found = found & IntervalSet.comparison(str(op), bound)
        return found
    if is_number(when):
        return IntervalSet.point(when)
    return IntervalSet.empty()


def covered_by(fact: Fact, when: object) -> ValueSet:
    """The fact's values for which a branch with this `when` holds (within the fact's range)."""
    everything = universe(fact)
    if fact.type == "number":
        return ValueSet(numbers=_numbers_of(when)) & everything
    return ValueSet(frozenset(v for v in everything.named if branch_holds(when, v)))


def when_problems(fact: Fact, when: object) -> list[str]:
    """Why a `when` does not fit its fact's type; empty when it fits. Shapes the schema rejects
    (null, nested lists, unknown comparison keys, non-number bounds) are left to KB103."""
    if when is None:
        return []
    if isinstance(when, dict):
        if fact.type != "number":
            return [f"comparisons apply only to number facts, and `{fact.id}` is {fact.type}"]
        return [p for bound in when.values() if is_number(bound)
                if (p := _range_problem(fact, bound))]
    values = when if isinstance(when, list) else [when]
    return [p for v in values if not isinstance(v, (list, dict)) and v is not None
            if (p := value_problem(fact, v))]


@dataclass(frozen=True, slots=True)
class Coverage:
    """What each branch of a question node covers, and what all of them leave uncovered."""

    node: Node
    fact: Fact
    branches: tuple[ValueSet, ...]
    #: per branch: does its `when` fit the fact's type (KB307 reports those that do not)
    well_typed: tuple[bool, ...]
    uncovered: ValueSet


def coverage(tree: Tree, ctx: LintContext) -> list[Coverage]:
    """Coverage of every question node whose fact is soundly declared; computed once per tree."""
    key = ("trees.coverage", tree.path)
    if key not in ctx.memo:
        found: list[Coverage] = []
        for node in tree.nodes.values():
            fact = typed_fact(tree, node.ask) if node.outcome is None else None
            if fact is None or not universe(fact):
                continue
            sets = tuple(covered_by(fact, b.when) for b in node.branches)
            typed = tuple(not when_problems(fact, b.when) for b in node.branches)
            uncovered = universe(fact)
            for s in sets:
                uncovered = uncovered - s
            found.append(Coverage(node, fact, sets, typed, uncovered))
        ctx.memo[key] = found
    cached = ctx.memo[key]
    assert isinstance(cached, list)
    return cached


# --------------------------------------------------------------------------- structure


@rule("KB301", "start-missing", scope="tree", local=True)
def start_missing(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """The tree's `start` names no node of the tree.

    What it checks:
        `start` is the id of a node in the tree's `nodes`.
    Why it matters:
        Every walk (the site's walker, `kb walk`, every AI agent) begins at `start`; if it names
        nothing, no case can be resolved with the tree at all.
    Bad:
        ```yaml
        start: debitted
        nodes:
          debited: {ask: debited, branches: [...]}
        ```
    Good:
        ```yaml
        start: debited
        nodes:
          debited: {ask: debited, branches: [...]}
        ```
    """
    if tree.start and tree.start not in tree.nodes:
        yield Finding.at(tree.path, tree.source.pos("start"),
                         f"start node `{tree.start}` is not a node of this tree"
                         + did_you_mean(tree.start, tree.nodes),
                         "set `start` to the id of the first question node")


@rule("KB302", "unknown-node", scope="tree", local=True)
def unknown_node(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A branch's `next` or a `default` names no node of the tree.

    What it checks:
        Every `next` of every branch and every `default` is the id of a node in the same tree.
    Why it matters:
        A walk that takes that branch has nowhere to go: the customer's case is stuck halfway,
        and an agent following the bundle fails at run time instead of at review time.
    Bad:
        ```yaml
        branches:
          - {when: true, next: confrim-with-payee}
        ```
    Good:
        ```yaml
        branches:
          - {when: true, next: confirm-with-payee}
        ```
    """
    for node in tree.nodes.values():
        for edge in edges(tree, node):
            if edge.target not in tree.nodes:
                yield Finding.at(tree.path, edge.pos,
                                 f"{edge.label} of node `{node.id}` leads to `{edge.target}`, "
                                 "which is not a node of this tree"
                                 + did_you_mean(edge.target, tree.nodes),
                                 "name an existing node, or add the missing node")


@rule("KB303", "unreachable-node", scope="tree", local=True)
def unreachable_node(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A node that no walk from `start` can reach.

    What it checks:
        Every node can be reached from `start` by following branches and defaults.
    Why it matters:
        An unreachable node is dead content: its outcome is never given and its question never
        asked, yet it looks live to reviewers. Usually a `next` was renamed and this node left
        behind.
    Bad:
        ```yaml
        start: debited
        nodes:
          debited: {ask: debited, branches: [{when: true, next: done}], default: done}
          done: {outcome: {...}}
          old-done: {outcome: {...}}   # nothing leads here
        ```
    Good:
        ```yaml
        start: debited
        nodes:
          debited: {ask: debited, branches: [{when: true, next: done}], default: done}
          done: {outcome: {...}}
        ```
    """
    if tree.start not in tree.nodes:
        return  # KB301 reports the start; everything would look unreachable
    seen = {tree.start}
    todo = [tree.start]
    while todo:
        for edge in edges(tree, tree.nodes[todo.pop()]):
            if edge.target in tree.nodes and edge.target not in seen:
                seen.add(edge.target)
                todo.append(edge.target)
    for node in tree.nodes.values():
        if node.id not in seen:
            yield Finding.at(tree.path, node.pos,
                             f"node `{node.id}` cannot be reached from start `{tree.start}`",
                             "lead a branch or default to it, or delete it")


def _cycles(tree: Tree) -> Iterator[tuple[list[str], Edge]]:
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
        frames = [iter(list(edges(tree, tree.nodes[root])))]
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
                frames.append(iter(list(edges(tree, tree.nodes[edge.target]))))


@rule("KB304", "cycle", scope="tree", local=True)
def cycle(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """Nodes that lead back to themselves.

    What it checks:
        Following branches and defaults never returns to a node already visited. Each cycle is
        reported once, at the `next` or `default` that closes it, with the whole loop named.
    Why it matters:
        A walk around a cycle never reaches an outcome: the agent asks the same questions
        forever, or gives up and the case is lost.
    Bad:
        ```yaml
        status: {ask: app_status, branches: [{when: pending, next: age}], default: done}
        age: {ask: hours, branches: [{when: {lt: 48}, next: status}], default: done}
        ```
    Good:
        ```yaml
        status: {ask: app_status, branches: [{when: pending, next: age}], default: done}
        age: {ask: hours, branches: [{when: {lt: 48}, next: wait}], default: done}
        ```
    """
    for loop, edge in _cycles(tree):
        yield Finding.at(tree.path, edge.pos,
                         f"{edge.label} of node `{edge.source}` closes a cycle: "
                         + " -> ".join(loop),
                         "lead this branch to a node further down, so every walk ends in an "
                         "outcome")


@rule("KB311", "node-kind", scope="tree", local=True)
def node_kind(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A node is neither a complete question nor an outcome, or mixes both.

    What it checks:
        Every node is either a question (`ask` with a non-empty `branches` list, optionally a
        `default`) or an outcome (`outcome` only).
    Why it matters:
        Consumers decide what to do at a node by its kind: a node with both an `outcome` and
        branches is read differently by different agents, and a question without branches is a
        dead end.
    Bad:
        ```yaml
        age:
          ask: hours_since_payment
          outcome: {title: Wait, resolution: inform, handled_by: ai, article: upi-failed-debit}
        ```
    Good:
        ```yaml
        age:
          ask: hours_since_payment
          branches:
            - {when: {lt: 48}, next: wait}
          default: raise-dispute
        ```
    """
    for node_id, raw in raw_nodes(tree).items():
        if not isinstance(node_id, str):
            continue
        pos = tree.source.key_pos("nodes", node_id)
        keys = set(raw) if isinstance(raw, dict) else set()
        question = keys & {"ask", "branches", "default"}
        branches = raw.get("branches") if isinstance(raw, dict) else None
        if "outcome" in keys and question:
            yield Finding.at(tree.path, pos,
                             f"node `{node_id}` is both an outcome and a question (it has "
                             + ", ".join(f"`{k}`" for k in sorted(question)) + ")",
                             "split it: keep the outcome here and move the question to its own "
                             "node, or drop `outcome`")
        elif "outcome" in keys:
            continue
        elif not question:
            yield Finding.at(tree.path, pos,
                             f"node `{node_id}` is neither a question nor an outcome",
                             "give it `ask` and `branches`, or an `outcome`")
        elif "ask" not in keys:
            yield Finding.at(tree.path, pos, f"question node `{node_id}` has no `ask`",
                             "name the fact the node asks with `ask:`")
        elif not branches:
            yield Finding.at(tree.path, pos, f"question node `{node_id}` has no branches",
                             "add `branches:` with at least one `{when: ..., next: ...}`")


# --------------------------------------------------------------------------- facts


@rule("KB305", "undeclared-fact", scope="tree", local=True)
def undeclared_fact(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A question node asks a fact that `facts` does not declare.

    What it checks:
        Every `ask` names a fact declared under the tree's `facts`.
    Why it matters:
        The fact's declaration carries the question to put to the customer and the type of its
        answer; without it, no agent knows what to ask and no branch can be checked.
    Bad:
        ```yaml
        facts:
          debited: {question: Was the amount debited?, type: boolean}
        nodes:
          start: {ask: debitted, branches: [...]}
        ```
    Good:
        ```yaml
        facts:
          debited: {question: Was the amount debited?, type: boolean}
        nodes:
          start: {ask: debited, branches: [...]}
        ```
    """
    for node in tree.nodes.values():
        if node.outcome is None and node.ask and node.ask not in tree.facts:
            yield Finding.at(tree.path, tree.source.pos(*node.path, "ask"),
                             f"node `{node.id}` asks `{node.ask}`, which is not a declared fact"
                             + did_you_mean(node.ask, tree.facts),
                             f"declare `{node.ask}` under `facts` with its question and type")


@rule("KB306", "unused-fact", scope="tree", local=True)
def unused_fact(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A declared fact that no node asks.

    What it checks:
        Every fact under `facts` is asked by at least one question node.
    Why it matters:
        Agents and the site's walker present the declared facts as what the tree needs to know;
        an unused fact makes them collect information that changes nothing, and often means a
        node asks a misspelt copy of it.
    Bad:
        ```yaml
        facts:
          debited: {question: Was the amount debited?, type: boolean}
          app_status: {question: What does the app show?, type: choice, options: [ok, failed]}
        nodes:
          start: {ask: debited, branches: [...]}   # nothing asks app_status
        ```
    Good:
        ```yaml
        facts:
          debited: {question: Was the amount debited?, type: boolean}
        nodes:
          start: {ask: debited, branches: [...]}
        ```
    """
    asked = {a for raw in raw_nodes(tree).values() if isinstance(a := _raw(raw).get("ask"), str)}
    for fact in tree.facts.values():
        if fact.id not in asked:
            yield Finding.at(tree.path, fact.pos,
                             f"fact `{fact.id}` is declared but no node asks it",
                             "ask it in a question node, or remove its declaration")


@rule("KB312", "fact-definition", scope="tree", local=True)
def fact_definition(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A fact's declaration does not fit its type.

    What it checks:
        A `choice` fact lists its `options`; only choice facts have `options`; only `number` facts
        have `min` and `max`; and `min` is not greater than `max`.
    Why it matters:
        The declaration is what agents and the walker use to ask the question and validate the
        answer; options on a boolean or a range on a choice are silently ignored, and an empty
        range admits no answer at all.
    Bad:
        ```yaml
        app_status: {question: What does the app show?, type: choice}
        hours: {question: Hours since payment?, type: number, min: 48, max: 0}
        ```
    Good:
        ```yaml
        app_status: {question: What does the app show?, type: choice, options: [ok, failed]}
        hours: {question: Hours since payment?, type: number, min: 0}
        ```
    """
    for fact_id, raw in raw_facts(tree).items():
        if not isinstance(fact_id, str) or not isinstance(raw, dict):
            continue
        kind = raw.get("type")
        if kind not in FACT_TYPES:
            continue  # KB103 reports the type itself
        key_pos = tree.source.key_pos
        if kind == "choice" and "options" not in raw:
            yield Finding.at(tree.path, key_pos("facts", fact_id),
                             f"choice fact `{fact_id}` has no `options`",
                             "list the answers it can take: `options: [a, b]`")
        if kind != "choice" and "options" in raw:
            yield Finding.at(tree.path, key_pos("facts", fact_id, "options"),
                             f"`options` on {kind} fact `{fact_id}`",
                             "remove `options`, or make the fact `type: choice`")
        for bound in ("min", "max"):
            if kind != "number" and bound in raw:
                yield Finding.at(tree.path, key_pos("facts", fact_id, bound),
                                 f"`{bound}` on {kind} fact `{fact_id}`",
                                 f"remove `{bound}`, or make the fact `type: number`")
        low, high = raw.get("min"), raw.get("max")
        if kind == "number" and is_number(low) and is_number(high) \
                and low > high:
            yield Finding.at(tree.path, tree.source.pos("facts", fact_id, "min"),
                             f"fact `{fact_id}` has min {show(low)} greater than max {show(high)}",
                             "swap them, or correct the one that is wrong")


# --------------------------------------------------------------------------- branches


@rule("KB307", "branch-type", scope="tree", local=True)
def branch_type(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A branch's `when` does not fit the type of the fact its node asks.

    What it checks:
        Boolean facts take only `true`/`false`; choice facts only their options (one, or a list);
        number facts a number, a list of numbers, or a mapping of `lt`/`lte`/`gt`/`gte` with
        numbers, all within the fact's `min` and `max`. Comparisons apply only to number facts.
    Why it matters:
        Values are compared exactly, with types: `"true"` never equals `true`, `pendng` never
        equals `pending`. A mistyped branch is never taken, and cases fall through to a default
        or get stuck.
    Bad:
        ```yaml
        app_status: {question: What does the app show?, type: choice, options: [ok, failed]}
        # ...
        branches:
          - {when: fialed, next: refund}
        ```
    Good:
        ```yaml
        branches:
          - {when: failed, next: refund}
        ```
    """
    for node in tree.nodes.values():
        fact = typed_fact(tree, node.ask) if node.outcome is None else None
        if fact is None:
            continue
        for branch in node.branches:
            problems = when_problems(fact, branch.when)
            if problems:
                yield Finding.at(tree.path,
                                 tree.source.pos(*node.path, "branches", branch.index, "when"),
                                 f"branch `when: {show(branch.when)}` of node `{node.id}` does "
                                 f"not fit {fact.type} fact `{fact.id}`: " + "; ".join(problems),
                                 value_hint(fact))


@rule("KB308", "not-exhaustive", scope="tree", local=True)
def not_exhaustive(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A question node without `default` whose branches miss some values of its fact.

    What it checks:
        When a question node has no `default`, its branches together cover every value of its
        fact: both booleans, every option, or the whole number range from `min` to `max`
        (unbounded where absent). The values left over are named.
    Why it matters:
        A walk whose answer matches no branch and finds no default is stuck: the agent has no
        next step and the customer no answer.
    Bad:
        ```yaml
        age:
          ask: hours_since_payment
          branches:
            - {when: {lt: 48}, next: wait-for-reversal}
        ```
    Good:
        ```yaml
        age:
          ask: hours_since_payment
          branches:
            - {when: {lt: 48}, next: wait-for-reversal}
            - {when: {gte: 48}, next: raise-dispute}
        ```
    """
    for cov in coverage(tree, ctx):
        if cov.node.default or not cov.node.branches or not cov.uncovered:
            continue
        yield Finding.at(tree.path, cov.node.pos,
                         f"node `{cov.node.id}` has no default and its branches do not cover "
                         f"{cov.uncovered.describe(cov.fact)}: a walk with that answer would be "
                         "stuck",
                         "add a branch for the missing values, or a `default:`")


def _names(whens: Iterable[object]) -> str:
    return ", ".join(f"`when: {show(w)}`" for w in whens)


@rule("KB309", "shadowed-branch", scope="tree", local=True)
def shadowed_branch(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A branch that can never be taken.

    What it checks:
        Each branch holds for at least one value of its fact that no earlier branch of the node
        already takes, and its own condition is satisfiable within the fact's range
        (`{gt: 10, lt: 5}` holds for no number).
    Why it matters:
        Branches are tried in order and the first that holds wins. A shadowed branch is dead: the
        author believes those answers go somewhere they never go.
    Bad:
        ```yaml
        branches:
          - {when: {lt: 48}, next: wait}
          - {when: {lt: 24}, next: retry}   # every value < 24 is already < 48
        ```
    Good:
        ```yaml
        branches:
          - {when: {lt: 24}, next: retry}
          - {when: {lt: 48}, next: wait}
        ```
    """
    for cov in coverage(tree, ctx):
        taken = ValueSet()
        for branch, holds, typed in zip(cov.node.branches, cov.branches, cov.well_typed,
                                        strict=True):
            where = tree.source.pos(*cov.node.path, "branches", branch.index, "when")
            head = f"branch `when: {show(branch.when)}` of node `{cov.node.id}` can never hold"
            if not typed:
                pass  # KB307 reports it
            elif not holds:
                if cov.fact.type == "number" and _numbers_of(branch.when):
                    reason = f"it holds for no value in the range {fact_range(cov.fact)} of " \
                             f"`{cov.fact.id}`"
                else:
                    reason = "no value satisfies all of its conditions"
                yield Finding.at(tree.path, where, f"{head}: {reason}",
                                 "correct the condition, or remove the branch")
            elif holds <= taken:
                earlier = [b.when for b, s in zip(cov.node.branches, cov.branches, strict=False)
                           if b.index < branch.index and s & holds]
                which = "an earlier branch" if len(earlier) == 1 else "earlier branches"
                yield Finding.at(tree.path, where,
                                 f"{head}: {which} ({_names(earlier)}) already take"
                                 f"{'s' if len(earlier) == 1 else ''} every value it holds for",
                                 "reorder the branches (narrower conditions first), or remove "
                                 "this one")
            taken = taken | holds


@rule("KB313", "unneeded-default", scope="tree", severity=Severity.WARNING,
      local=True)
def unneeded_default(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A `default` that can never be taken because the branches cover every value.

    What it checks:
        A question node has a `default` only when its branches leave some value of its fact
        uncovered.
    Why it matters:
        A dead default misleads reviewers into thinking some answers end there, and hides the
        next mistake: when a branch is later narrowed, nobody notices where the values go.
    Bad:
        ```yaml
        debited:
          ask: debited
          branches:
            - {when: true, next: status}
            - {when: false, next: not-debited}
          default: not-debited
        ```
    Good:
        ```yaml
        debited:
          ask: debited
          branches:
            - {when: true, next: status}
            - {when: false, next: not-debited}
        ```
    """
    for cov in coverage(tree, ctx):
        if cov.node.default and cov.node.branches and not cov.uncovered:
            yield Finding.at(tree.path, cov.node.default_pos or cov.node.pos,
                             f"default `{cov.node.default}` of node `{cov.node.id}` is never "
                             f"taken: the branches cover every value of `{cov.fact.id}`",
                             "remove the `default`, or narrow a branch if some values should "
                             "go there")


# --------------------------------------------------------------------------- outcomes


def _raw_outcomes(tree: Tree) -> Iterator[tuple[str, Mapping[object, object]]]:
    for node_id, raw in raw_nodes(tree).items():
        outcome = _raw(raw).get("outcome")
        if isinstance(node_id, str) and isinstance(outcome, dict):
            yield node_id, outcome


@rule("KB310", "escalation-routing", scope="tree", local=True)
def escalation_routing(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An escalation outcome without a `queue` or an `sla_hours`.

    What it checks:
        Every outcome with `resolution: escalate` names the `queue` it goes to and the
        `sla_hours` within which a specialist must act.
    Why it matters:
        Escalation is a hand-off: without a queue the case lands nowhere, and without an SLA
        nobody can tell the customer when to expect an answer or measure whether it came.
    Bad:
        ```yaml
        outcome:
          title: Raise a dispute
          resolution: escalate
          handled_by: specialist
          article: upi-failed-debit#raising-a-dispute
        ```
    Good:
        ```yaml
        outcome:
          title: Raise a dispute
          resolution: escalate
          handled_by: specialist
          article: upi-failed-debit#raising-a-dispute
          queue: payments-in-l2
          sla_hours: 24
        ```
    """
    for node_id, outcome in _raw_outcomes(tree):
        if outcome.get("resolution") != "escalate":
            continue
        missing = [k for k in ("queue", "sla_hours") if k not in outcome]
        if missing:
            names = " and ".join(f"`{k}`" for k in missing)
            advice = {"queue": "`queue:` (one of: " + ", ".join(ctx.kb.config.queues) + ")",
                      "sla_hours": "`sla_hours:` (the hours a specialist has to act)"}
            yield Finding.at(tree.path, tree.source.pos("nodes", node_id, "outcome", "resolution"),
                             f"escalation outcome `{node_id}` has no {names}",
                             "add " + " and ".join(advice[k] for k in missing))


@rule("KB314", "routing-without-escalation", scope="tree", severity=Severity.WARNING,
      local=True)
def routing_without_escalation(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A `queue` or `sla_hours` on an outcome that does not escalate.

    What it checks:
        Only outcomes with `resolution: escalate` carry `queue` and `sla_hours`.
    Why it matters:
        Routing on an `inform` or `resolve` outcome is never used; it usually means the
        resolution is wrong (the case should escalate) or the routing was copied by mistake.
    Bad:
        ```yaml
        outcome:
          title: Wait for the reversal
          resolution: inform
          handled_by: ai
          article: upi-failed-debit#reversal-timelines
          queue: payments-in-l2
        ```
    Good:
        ```yaml
        outcome:
          title: Wait for the reversal
          resolution: inform
          handled_by: ai
          article: upi-failed-debit#reversal-timelines
        ```
    """
    for node_id, outcome in _raw_outcomes(tree):
        resolution = outcome.get("resolution")
        if resolution == "escalate" or not isinstance(resolution, str):
            continue
        for key in ("queue", "sla_hours"):
            if key in outcome:
                yield Finding.at(tree.path, tree.source.key_pos("nodes", node_id, "outcome", key),
                                 f"`{key}` on outcome `{node_id}`, which does not escalate "
                                 f"(resolution: {resolution})",
                                 f"remove `{key}`, or set `resolution: escalate` if the case "
                                 "goes to a specialist queue")
