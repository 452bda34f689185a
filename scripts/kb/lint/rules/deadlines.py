"""KB340: an outcome's deadline can be computed from the walk's answers."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.graph import known_facts
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Deadline, KnowledgeBase, Node, Tree


@rule("KB340", "outcome-deadline", scope="tree")
def outcome_deadline(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An outcome's `deadline` that the walker cannot turn into a date.

    What it checks:
        `since` names a `number` fact of the tree (the days from day T, 0 on day T, to today);
        `days` is a number, or, with `by` naming a `choice` fact, a number for every option of
        that fact and nothing else; `since` and `by` are asked on every path to the outcome;
        `fills` and `start_fills` name `date` placeholders of the outcome's macro.
    Why it matters:
        The walker writes the date on the outcome ("Reversal due on 4 Dec 2026 (T+5)") and
        fills it into the reply. A deadline counted from a fact the walk never asks, or from a
        choice with no figure for the customer's answer, would silently show no date, and a
        placeholder the macro does not declare would never be filled.
    Bad:
        ```yaml
        outcome:
          title: Wait for the automatic reversal
          resolution: inform
          handled_by: ai
          article: upi-failed-debit#reversal-timelines
          deadline: {label: Reversal due, since: payment_type, days: 5}
        ```
    Good:
        ```yaml
        outcome:
          title: Wait for the automatic reversal
          resolution: inform
          handled_by: ai
          article: upi-failed-debit#reversal-timelines
          macro: reply-upi-reversal-pending
          deadline:
            label: Reversal due
            since: days_since_payment
            by: payment_type
            days: {p2p: 1, merchant: 5}
            fills: reversal_due_date
        ```
    """
    known = known_facts(tree)
    for node in tree.outcomes():
        deadline = node.outcome.deadline if node.outcome is not None else None
        if deadline is None:
            continue
        sure = known.get(node.id)
        for key, message, hint in _problems(tree, node, deadline, sure, ctx.kb):
            yield Finding.at(tree.path,
                             tree.source.pos(*node.path, "outcome", "deadline", key),
                             f"deadline of outcome `{node.id}`: {message}", hint)


Problem = tuple[str, str, str]


def _problems(tree: Tree, node: Node, deadline: Deadline, sure: frozenset[str] | None,
              kb: KnowledgeBase) -> Iterator[Problem]:
    yield from _fact_problems(tree, "since", deadline.since, "number", sure)
    raw = tree.source.value
    days = _raw_days(raw, node)
    if isinstance(days, dict) and not deadline.by:
        yield ("days", "`days` is a mapping but no `by` fact picks from it",
               "add `by: <choice fact>` or give `days` one number")
    elif isinstance(days, dict):
        yield from _fact_problems(tree, "by", deadline.by, "choice", sure)
        yield from _option_problems(tree, deadline)
    elif deadline.by:
        yield ("by", "`by` is set but `days` is one number",
               "give `days` as a mapping from the options of the `by` fact to numbers")
    yield from _placeholder_problems(node, deadline, kb)


def _option_problems(tree: Tree, deadline: Deadline) -> Iterator[Problem]:
    """The options of the `by` fact that `days` leaves out, or names without having them."""
    fact = tree.facts.get(deadline.by)
    if fact is None or fact.type != "choice":
        return
    options, given = set(fact.options), set(deadline.days_by)
    if given - options:
        yield ("days", "`days` names options `" + "`, `".join(sorted(given - options))
               + f"` that `{deadline.by}` does not have",
               "use the fact's option values: " + ", ".join(fact.options))
    if options - given:
        yield ("days", "`days` gives no number for `" + "`, `".join(sorted(options - given))
               + f"` of `{deadline.by}`", "give a number of days for every option")


def _raw_days(raw: object, node: Node) -> object:
    for key in (*node.path, "outcome", "deadline", "days"):
        if not isinstance(raw, dict):
            return None
        raw = raw.get(key)
    return raw


def _fact_problems(tree: Tree, key: str, fact_id: str, kind: str,
                   sure: frozenset[str] | None) -> Iterator[Problem]:
    fact = tree.facts.get(fact_id)
    if fact is None:
        yield (key, f"`{key}: {fact_id}` is not a fact of this tree",
               f"name a declared `{kind}` fact")
    elif fact.type != kind:
        yield (key, f"`{key}: {fact_id}` is a {fact.type or 'untyped'} fact, not a {kind} fact",
               "count days from a number fact such as `days_since_payment`" if kind == "number"
               else "pick the days with a choice fact")
    elif sure is not None and fact_id not in sure:
        yield (key, f"`{fact_id}` is not asked on every path to this outcome, so the walk "
               "may not know it", "ask the fact before every branch leading here")


def _placeholder_problems(node: Node, deadline: Deadline,
                          kb: KnowledgeBase) -> Iterator[Problem]:
    outcome = node.outcome
    macro_id = outcome.macro.partition("#")[0] if outcome is not None else ""
    macro = kb.articles.get(macro_id)
    for key, name in (("fills", deadline.fills), ("start_fills", deadline.start_fills)):
        if not name:
            continue
        if macro is None:
            yield (key, f"`{key}: {name}` but the outcome has no macro to fill",
                   "add the outcome's `macro`, or remove the key")
            continue
        declared = {p.name: p.type for p in macro.placeholders}
        if name not in declared:
            yield (key, f"macro `{macro_id}` declares no placeholder `{name}`",
                   "name one of its date placeholders: " + (", ".join(
                       n for n, t in declared.items() if t == "date") or "none"))
        elif declared[name] != "date":
            yield (key, f"placeholder `{name}` of macro `{macro_id}` is a {declared[name]}, "
                   "not a date", "name a date placeholder")
