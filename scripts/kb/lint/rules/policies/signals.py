"""KB701, KB702: the risk signals facts raise, and the policies that name them."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.rules.trees.values import (
    covered_by,
    did_you_mean,
    show,
    typed_fact,
    value_hint,
    when_problems,
)
from kb.lint.runner import LintContext
from kb.model import Tree


@rule("KB701", "unknown-signal", scope="kb", severity=Severity.WARNING)
def unknown_signal(ctx: LintContext) -> Iterator[Finding]:
    """A fact raises a signal no policy names, or a policy names a signal no fact raises.

    What it checks:
        Every signal under a fact's `signals` is the id of a policy in the safety policies file
        (`decision_trees/policies.yaml`), and every policy there is raised by some fact of some
        tree. Reported in the tree for the first, in the policies file for the second.
    Why it matters:
        A signal without a policy is proven against nothing, so a misspelt signal id silently
        switches the proof off; a policy no fact raises protects no case.
    Bad:
        ```yaml
        shared_secret:
          question: Did the customer share an OTP or PIN?
          type: boolean
          signals: {acount-takeover: true}
        ```
    Good:
        ```yaml
        shared_secret:
          question: Did the customer share an OTP or PIN?
          type: boolean
          signals: {account-takeover: true}
        ```
    """
    kb = ctx.kb
    policies = kb.policies
    raised: set[str] = set()
    for tree in kb.all_trees():
        for fact in tree.facts.values():
            for signal in fact.signals:
                raised.add(signal.id)
                if signal.id not in policies:
                    yield Finding.at(tree.path, signal.pos,
                                     f"fact `{fact.id}` raises signal `{signal.id}`, which no "
                                     "safety policy names" + did_you_mean(signal.id, policies),
                                     "name a policy of the policies file, or add a policy for "
                                     "this signal")
    if kb.policy_set is None:
        return
    for policy in policies.values():
        if policy.id not in raised:
            yield Finding.at(kb.policy_set.path, policy.pos,
                             f"policy `{policy.id}` names a signal that no fact of any tree "
                             "raises" + did_you_mean(policy.id, raised),
                             "declare the signal on the facts that reveal it: "
                             f"`signals: {{{policy.id}: <when>}}`, or remove the policy")


@rule("KB702", "signal-type", scope="tree", local=True)
def signal_type(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A signal's `when` does not fit its fact, or holds for no value of it.

    What it checks:
        A signal's `when` follows the rules of a branch's `when` (KB307): true or false for
        boolean facts, options for choice facts, numbers or `lt`/`lte`/`gt`/`gte` comparisons
        within the range for number facts; and at least one value of the fact raises it.
    Why it matters:
        The proof of the safety policies raises a signal only for values where its `when`
        holds: a mistyped `when` (`"true"`, a misspelt option) raises it for no case at all,
        and the policy silently protects nobody.
    Bad:
        ```yaml
        coercion:
          question: Was the customer forced to make the transfer?
          type: boolean
          signals: {coercion: "yes"}
        ```
    Good:
        ```yaml
        coercion:
          question: Was the customer forced to make the transfer?
          type: boolean
          signals: {coercion: true}
        ```
    """
    for fact_id in tree.facts:
        fact = typed_fact(tree, fact_id)
        if fact is None:
            continue
        for signal in fact.signals:
            where = tree.source.pos("facts", fact.id, "signals", signal.id)
            head = f"signal `{signal.id}: {show(signal.when)}` of {fact.type} fact `{fact.id}`"
            problems = when_problems(fact, signal.when)
            if problems:
                yield Finding.at(tree.path, where, f"{head} does not fit the fact: "
                                 + "; ".join(problems), value_hint(fact))
            elif signal.when is not None and not covered_by(fact, signal.when):
                yield Finding.at(tree.path, where, f"{head} holds for no value of the fact",
                                 "correct the condition so some answers raise the signal")
