"""KB704, KB705: the safety policies proven over every path of every tree, with witnesses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.rules.policies.paths import paths, raised, signal_facts, witness_case
from kb.lint.runner import LintContext
from kb.model import Policy, Tree

#: how a witness case is offered, at the end of the hint so it can be copied whole
_PASTE = "to see the walk, paste this case under `cases:` in {tree}.cases.yaml and run `kb test`: "


@rule("KB704", "policy-breach", scope="tree")
def policy_breach(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An outcome reached with a risk signal raised breaks the signal's safety policy.

    What it checks:
        Every path of the tree, exactly: booleans and choices by value, numbers by the
        intervals their thresholds cut, infeasible paths left out. When a fact asked on a path
        may take a value that raises a signal, the outcome the path reaches must satisfy that
        signal's policy (allowed resolutions, handled_by, queues, maximum `sla_hours`). Each
        breach is reported once per outcome and policy, with a witness: concrete facts that
        reach the outcome with the signal raised, as a labeled case ready to paste into the
        tree's cases file (`kb test` then reproduces the walk).
    Why it matters:
        Testing samples cases; this proves the policy for every case the tree can see. A
        customer who shared an OTP, was coerced, or lost money must reach a person in time,
        whatever else they answer.
    Bad:
        ```yaml
        shared_secret:
          question: Did the customer read an OTP or PIN to anyone?
          type: boolean
          signals: {account-takeover: true}
        # ...
        shared:
          ask: shared_secret
          branches:
            - {when: true, next: secure-account}   # resolve, handled_by: ai
            - {when: false, next: advise-never-share}
        ```
    Good:
        ```yaml
        shared:
          ask: shared_secret
          branches:
            - {when: true, next: urgent-lockdown}  # escalate to fraud-response, sla_hours: 1
            - {when: false, next: advise-never-share}
        ```
    """
    for b in breaches(tree, ctx):
        yield Finding.at(tree.path, tree.nodes[b.outcome].pos,
                         f"outcome `{b.outcome}` of tree `{tree.id}` is reached with signal "
                         f"`{b.policy.id}` raised, breaking policy `{b.policy.id}` "
                         f"({b.policy.title}): " + "; ".join(b.reasons)
                         + " (a witness case is in the hint)",
                         "route these answers to an outcome the policy allows, or change "
                         f"the outcome; {_PASTE.format(tree=tree.id)}{b.witness}")


@rule("KB705", "ask-before-ai", scope="tree")
def ask_before_ai(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """An AI outcome reached without asking the facts a policy needs asked first.

    What it checks:
        For each policy with `ask_before_ai: true` whose signal some fact of the tree raises,
        every path that ends at an outcome with `handled_by: ai` asks at least one of those
        facts on the way. Each outcome is reported once per policy, with a witness case that
        walks there without asking.
    Why it matters:
        A signal is raised only by an answer the walk has; if the tree lets the AI close a case
        before asking whether an OTP was shared or money was lost, the policy can never fire.
    Bad:
        ```yaml
        start: in-control              # the AI may resolve before `shared_secret` is asked
        ```
    Good:
        ```yaml
        start: shared                  # asks `shared_secret` (raises account-takeover) first
        ```
    """
    for b in unasked(tree, ctx):
        asks = " or ".join(f"`{f}`" for f in b.facts)
        yield Finding.at(tree.path, tree.nodes[b.outcome].pos,
                         f"AI outcome `{b.outcome}` of tree `{tree.id}` is reached without "
                         f"asking {asks}, which policy `{b.policy.id}` ({b.policy.title}) needs "
                         "asked before any AI outcome (a witness case is in the hint)",
                         f"ask {asks} earlier on this path, or hand the outcome to a "
                         f"specialist; {_PASTE.format(tree=tree.id)}{b.witness}")


@dataclass(frozen=True, slots=True)
class Breach:
    """An outcome a path reaches with `policy`'s signal raised, against the policy (`reasons`),
    or (`facts` set) without asking the facts an `ask_before_ai` policy needs; `witness` is a
    labeled case that walks there."""

    outcome: str
    policy: Policy
    reasons: tuple[str, ...]
    witness: str
    facts: tuple[str, ...] = ()


def breaches(tree: Tree, ctx: LintContext) -> Iterator[Breach]:
    """KB704's breaches in the tree: once per outcome and policy, the first path's witness."""
    policies = ctx.kb.policies
    if not policies or not any(f.signals for f in tree.facts.values()):
        return
    reported: set[tuple[str, str]] = set()
    for end in paths(tree, ctx):
        outcome = tree.nodes[end.outcome].outcome
        assert outcome is not None
        for found in raised(tree, end, ctx):
            policy = policies.get(found.signal.id)
            if policy is None or (end.outcome, policy.id) in reported:
                continue
            reasons = policy.breaches(outcome)
            if not reasons:
                continue
            reported.add((end.outcome, policy.id))
            facts = end.facts(tree, {found.fact.id: found.values})
            yield Breach(end.outcome, policy, tuple(reasons), witness_case(
                end, facts, f"witness-{policy.id}-{end.outcome}",
                f"{found.fact.id} raises {policy.id} and the walk ends at {end.outcome}"))


def unasked(tree: Tree, ctx: LintContext) -> Iterator[Breach]:
    """KB705's breaches in the tree: AI outcomes reached without asking a fact that raises the
    signal of an `ask_before_ai` policy; once per outcome and policy."""
    for policy in (p for p in ctx.kb.policies.values() if p.ask_before_ai):
        needed = sorted(f.id for f in signal_facts(tree, policy.id))
        if not needed:
            continue
        reported: set[str] = set()
        for end in paths(tree, ctx):
            outcome = tree.nodes[end.outcome].outcome
            assert outcome is not None
            if outcome.handled_by != "ai" or end.outcome in reported \
                    or set(needed) & set(end.asked):
                continue
            reported.add(end.outcome)
            yield Breach(end.outcome, policy, (), witness_case(
                end, end.facts(tree), f"witness-unasked-{end.outcome}",
                f"reaches {end.outcome} without asking " + " or ".join(needed)), tuple(needed))
