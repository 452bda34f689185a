"""The stateless walk over a bundle's tree: from the facts known so far to the next question or
the outcome, with the safety signals the answers raise.

It takes branches exactly as `kb.walk` does (the same `kb.when.holds`, first branch that holds,
else the default) but reads the bundle, so an agent's server needs nothing else. Stateless: each
call carries every fact known so far, so any server can answer any step of a conversation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.client.errors import FactError
from kb.when import format_value, holds, is_number


@dataclass(frozen=True)
class Question:
    node: str
    fact: str
    question: str
    type: str
    options: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    unit: str = ""
    #: option value -> the words to show a person (send the value)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reference:
    """An article (or one of its sections) the outcome cites, with its URL on the site."""

    id: str
    title: str
    anchor: str
    url: str


@dataclass(frozen=True)
class LocalText:
    """A text, its language, and why it is not in the locale asked for ('' when it is:
    `missing` or `stale`, see `kb.client.client`)."""

    text: str
    locale: str
    fallback: str


@dataclass(frozen=True)
class Outcome:
    node: str
    title: str
    resolution: str
    handled_by: str
    queue: str
    sla_hours: float | None
    article: Reference | None
    macro: Reference | None
    #: the reply macro's text (Markdown), when the outcome names a macro
    macro_text: str
    guidance: str
    #: the language of `macro_text` ('' without a macro)
    macro_locale: str
    #: '' when `macro_text` is in the locale asked for, else `missing` or `stale`
    macro_fallback: str


@dataclass(frozen=True)
class RaisedSignal:
    """A safety signal an answer raised, and what the team's policy requires of the outcome."""

    id: str
    fact: str
    title: str
    why: str
    resolutions: tuple[str, ...]
    handled_by: tuple[str, ...]
    queues: tuple[str, ...]
    max_sla_hours: float | None


@dataclass(frozen=True)
class WalkResult:
    tree: str
    #: node ids visited, the outcome (or the node asking) last
    path: tuple[str, ...]
    question: Question | None
    outcome: Outcome | None
    signals: tuple[RaisedSignal, ...]

    @property
    def done(self) -> bool:
        return self.outcome is not None


def check_facts(tree: Mapping[str, Any], facts: Mapping[str, object]) -> None:
    """Raise FactError for a fact the tree does not have or a value it does not accept."""
    declared: Mapping[str, Any] = tree["facts"]
    for name, value in facts.items():
        fact = declared.get(name)
        if fact is None:
            known = ", ".join(sorted(declared))
            raise FactError(f"`{name}` is not a fact of tree `{tree['id']}`; its facts are {known}")
        _check_value(name, fact, value)


def _check_value(name: str, fact: Mapping[str, Any], value: object) -> None:
    kind = fact["type"]
    if kind == "boolean" and not isinstance(value, bool):
        raise FactError(f"fact `{name}` takes true or false, not {_shown(value)}")
    if kind == "choice" and (not isinstance(value, str) or value not in fact["options"]):
        raise FactError(f"fact `{name}` takes one of {', '.join(fact['options'])}, "
                        f"not {_shown(value)}")
    if kind == "number":
        if not is_number(value) or not math.isfinite(value):
            raise FactError(f"fact `{name}` takes a number{_unit(fact)}, not {_shown(value)}")
        low, high = fact.get("min"), fact.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise FactError(f"fact `{name}` takes a number{_unit(fact)} "
                            f"{_bounds(low, high)}, not {format_value(value)}")


def _unit(fact: Mapping[str, Any]) -> str:
    return f" ({fact['unit']})" if fact.get("unit") else ""


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"from {format_value(low)} to {format_value(high)}"
    return f"of at least {format_value(low)}" if low is not None else \
        f"of at most {format_value(high)}"


def _shown(value: object) -> str:
    text = format_value(value) if isinstance(value, (bool, int, float, str)) else \
        type(value).__name__
    return f"`{text[:80]}`"


def walk_tree(tree: Mapping[str, Any], facts: Mapping[str, object],
              policies: Mapping[str, Mapping[str, Any]],
              macro_text: Callable[[Reference], LocalText]) -> WalkResult:
    """The next question, or the outcome, of `tree` given `facts` (checked first).

    `macro_text(ref)` returns the Markdown of a cited macro (its section when anchored) and
    its language.
    """
    check_facts(tree, facts)
    nodes: Mapping[str, Any] = tree["nodes"]
    node_id: str = tree["start"]
    path: list[str] = []
    signals: dict[str, RaisedSignal] = {}
    while True:
        node = nodes[node_id]
        path.append(node_id)
        if "outcome" in node:
            outcome = _outcome(node_id, node["outcome"], macro_text)
            return WalkResult(tree["id"], tuple(path), None, outcome, tuple(signals.values()))
        if len(path) > len(nodes):
            raise FactError(f"tree `{tree['id']}` has a cycle at `{node_id}`")
        name = node["ask"]
        if name not in facts:
            question = _question(node_id, name, tree["facts"][name])
            return WalkResult(tree["id"], tuple(path), question, None, tuple(signals.values()))
        value = facts[name]
        for signal, when in tree["facts"][name].get("signals", {}).items():
            if holds(when, value) and signal in policies and signal not in signals:
                signals[signal] = _signal(signal, name, policies[signal])
        nexts = [b["next"] for b in node["branches"] if holds(b["when"], value)]
        if not nexts and "default" not in node:
            raise FactError(f"no branch of `{node_id}` in tree `{tree['id']}` takes "
                            f"{name}={format_value(value)}")
        node_id = nexts[0] if nexts else node["default"]


def _question(node: str, name: str, fact: Mapping[str, Any]) -> Question:
    return Question(node, name, fact["question"], fact["type"], tuple(fact.get("options", ())),
                    fact.get("min"), fact.get("max"), fact.get("unit", ""),
                    dict(fact.get("labels", {})))


def _reference(ref: Mapping[str, Any] | None) -> Reference | None:
    if ref is None:
        return None
    return Reference(ref["id"], ref["title"], ref["anchor"], ref["url"])


def _outcome(node: str, outcome: Mapping[str, Any],
             macro_text: Callable[[Reference], LocalText]) -> Outcome:
    macro = _reference(outcome.get("macro"))
    text = macro_text(macro) if macro is not None else LocalText("", "", "")
    return Outcome(node, outcome["title"], outcome["resolution"], outcome["handled_by"],
                   outcome.get("queue", ""), outcome.get("sla_hours"),
                   _reference(outcome.get("article")), macro, text.text,
                   outcome.get("guidance", ""), text.locale, text.fallback)


def _signal(signal: str, fact: str, policy: Mapping[str, Any]) -> RaisedSignal:
    return RaisedSignal(signal, fact, policy["title"], policy["why"],
                        tuple(policy["resolutions"]), tuple(policy["handled_by"]),
                        tuple(policy["queues"]), policy["max_sla_hours"])
