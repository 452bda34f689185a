"""KB307-KB309, KB313: branches fit their fact, cover it, and none is dead."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.rules.trees.values import (
    ValueSet,
    coverage,
    fact_range,
    numbers_of,
    show,
    typed_fact,
    value_hint,
    when_problems,
)
from kb.lint.runner import LintContext
from kb.model import Tree


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
                if cov.fact.type == "number" and numbers_of(branch.when):
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


