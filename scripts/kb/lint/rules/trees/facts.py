"""KB305, KB306, KB312: the facts a tree declares and asks."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.rules.trees.values import (
    did_you_mean,
    is_number,
    mapping_of,
    raw_facts,
    raw_nodes,
    show,
)
from kb.lint.runner import LintContext
from kb.model import FACT_TYPES, Tree


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
    asked = {a for node in raw_nodes(tree).values()
             if isinstance(a := mapping_of(node).get("ask"), str)}
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


