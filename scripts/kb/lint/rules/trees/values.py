"""What the decision-tree rules share: facts' values as sets, and how a `when` covers them.

Branch reasoning follows `kb.walk` exactly: a `when` covers the values of its fact for which
`kb.when.holds` is true. Boolean and choice facts have finitely many values, so their coverage is
a set of values; number facts range over the reals in [min, max], so their coverage is an
`IntervalSet` (see `_intervals`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kb.lint.rules._intervals import IntervalSet
from kb.lint.runner import LintContext
from kb.model import COMPARATORS, FACT_TYPES, Fact, Node, Tree
from kb.when import as_yaml as show
from kb.when import format_number, holds, is_number

__all__ = ["Coverage", "ValueSet", "coverage", "covered_by", "did_you_mean", "fact_range",
           "is_number", "kind_of", "mapping_of", "numbers_of", "raw_facts", "raw_nodes", "show",
           "typed_fact", "universe", "value_hint", "value_problem", "when_problems"]


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


def mapping_of(value: object) -> Mapping[object, object]:
    return value if isinstance(value, dict) else {}


def raw_nodes(tree: Tree) -> Mapping[object, object]:
    return mapping_of(mapping_of(tree.source.value).get("nodes"))


def raw_facts(tree: Tree) -> Mapping[object, object]:
    return mapping_of(mapping_of(tree.source.value).get("facts"))


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

    def pick(self, fact: Fact) -> str | bool | float:
        """One value of the set (the first in the fact's order, or `IntervalSet.pick`)."""
        order: list[str | bool] = [True, False] if fact.type == "boolean" else list(fact.options)
        for value in order:
            if value in self.named:
                return value
        return self.numbers.pick()

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


def numbers_of(when: object) -> IntervalSet:
    """The numbers for which `when` holds, by `kb.when.holds`."""
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
        return ValueSet(numbers=numbers_of(when)) & everything
    return ValueSet(frozenset(v for v in everything.named if holds(when, v)))


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


