"""KB4xx: labeled cases (their tree, facts, expected outcomes, ids and annotations).

Whether a case reaches the outcome it expects is `kb test`'s business; lint only proves that each
case can be run at all: its tree exists, its facts are values of the tree's facts, and its labels
name outcomes of the tree.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.rules.trees.values import did_you_mean, typed_fact, value_hint, value_problem
from kb.lint.runner import LintContext
from kb.model import CaseSet, Tree
from kb.walk import walk

CASES_SUFFIX = ".cases.yaml"


def _tree(case_set: CaseSet, ctx: LintContext) -> Tree | None:
    return ctx.kb.trees.get(case_set.tree) if case_set.tree else None


def _outcome_problem(tree: Tree, node_id: str) -> str:
    """Why `node_id` is not an outcome of `tree`, as `, which is ...` ('' when it is one)."""
    node = tree.nodes.get(node_id)
    if node is None:
        outcomes = [n.id for n in tree.outcomes()]
        return f", which is not a node of tree `{tree.id}`" + did_you_mean(node_id, outcomes)
    if node.outcome is None:
        return f", which is a question node of tree `{tree.id}`, not an outcome"
    return ""


def _outcomes_hint(tree: Tree) -> str:
    return "name one of the tree's outcomes: " + ", ".join(n.id for n in tree.outcomes())


@rule("KB401", "unknown-tree", scope="cases")
def unknown_tree(case_set: CaseSet, ctx: LintContext) -> Iterator[Finding]:
    """A case file whose `tree` names no tree, or that is not named after its tree.

    What it checks:
        `tree` is the id of a decision tree in the knowledge base, and the file is
        `decision_trees/<tree>.cases.yaml`.
    Why it matters:
        Cases are ground truth for one tree: cases for a missing tree test nothing, and a file
        named after another tree is read as that tree's cases by people and tools alike.
    Bad:
        ```yaml
        # decision_trees/upi-debited-not-credited.cases.yaml
        tree: upi-debit-not-credited
        ```
    Good:
        ```yaml
        # decision_trees/upi-debited-not-credited.cases.yaml
        tree: upi-debited-not-credited
        ```
    """
    if not case_set.tree:
        return  # KB102/KB103 report a missing or invalid `tree`
    name = posixpath.basename(case_set.path)
    if _tree(case_set, ctx) is None:
        yield Finding.at(case_set.path, case_set.source.pos("tree"),
                         f"no tree has id `{case_set.tree}`"
                         + did_you_mean(case_set.tree, ctx.kb.trees),
                         "set `tree` to the id of the tree these cases test")
    elif name != case_set.tree + CASES_SUFFIX:
        yield Finding.at(case_set.path, case_set.source.pos("tree"),
                         f"cases for tree `{case_set.tree}` are in `{name}`",
                         f"rename the file to {case_set.tree}{CASES_SUFFIX}")


@rule("KB402", "unknown-expected", scope="cases")
def unknown_expected(case_set: CaseSet, ctx: LintContext) -> Iterator[Finding]:
    """A case's `expected` is not an outcome node of its tree.

    What it checks:
        `expected` names an outcome node of the tree the case file tests.
    Why it matters:
        A case expecting a question node or a missing node can never pass, and an evaluation of
        agents against it measures nothing.
    Bad:
        ```yaml
        expected: age          # a question node
        ```
    Good:
        ```yaml
        expected: raise-dispute
        ```
    """
    tree = _tree(case_set, ctx)
    if tree is None:
        return
    for i, case in enumerate(case_set.cases):
        problem = _outcome_problem(tree, case.expected) if case.expected else ""
        if problem:
            yield Finding.at(case_set.path, case_set.source.pos("cases", i, "expected"),
                             f"case `{case.id}` expects `{case.expected}`{problem}",
                             _outcomes_hint(tree))


@rule("KB403", "case-fact", scope="cases")
def case_fact(case_set: CaseSet, ctx: LintContext) -> Iterator[Finding]:
    """A case gives a fact the tree does not declare, or a value the fact cannot take.

    What it checks:
        Every fact of a case is declared by its tree, and its value fits the declaration: `true`
        or `false` for boolean facts, one of the options for choice facts, a number within
        `min` and `max` for number facts.
    Why it matters:
        Walks compare values exactly: a case with `app_status: Failed` or `debited: "true"` takes
        a different path than the situation it describes, and agents are scored against it.
    Bad:
        ```yaml
        facts: {debited: "true", app_status: Failed, hours_since_payment: -3}
        ```
    Good:
        ```yaml
        facts: {debited: true, app_status: failed, hours_since_payment: 3}
        ```
    """
    tree = _tree(case_set, ctx)
    if tree is None:
        return
    doc = case_set.source
    for i, case in enumerate(case_set.cases):
        for fact_id, value in case.facts.items():
            if fact_id not in tree.facts:
                yield Finding.at(case_set.path, doc.key_pos("cases", i, "facts", fact_id),
                                 f"case `{case.id}` gives `{fact_id}`, which is not a fact of "
                                 f"tree `{tree.id}`" + did_you_mean(fact_id, tree.facts),
                                 "remove it, or use one of the tree's facts: "
                                 + ", ".join(tree.facts))
                continue
            fact = typed_fact(tree, fact_id)
            if fact is None or isinstance(value, (list, dict)) or value is None:
                continue  # a broken declaration (KB312) or a shape the schema rejects (KB103)
            problem = value_problem(fact, value)
            if problem:
                yield Finding.at(case_set.path, doc.pos("cases", i, "facts", fact_id),
                                 f"case `{case.id}`, fact `{fact_id}`: {problem}",
                                 value_hint(fact))


@rule("KB404", "duplicate-case-id", scope="kb")
def duplicate_case_id(ctx: LintContext) -> Iterator[Finding]:
    """Two cases share an id.

    What it checks:
        Every case id is unique across all case files of the knowledge base.
    Why it matters:
        Evaluations join agent predictions to cases by id; a repeated id scores one prediction
        against two different truths.
    Bad:
        ```yaml
        - id: in-0001
          # ...
        - id: in-0001
        ```
    Good:
        ```yaml
        - id: in-0001
          # ...
        - id: in-0002
        ```
    """
    first: dict[str, tuple[CaseSet, int]] = {}
    for case_set in ctx.kb.case_sets:
        for i, case in enumerate(case_set.cases):
            if not case.id:
                continue
            if case.id in first:
                # positions are looked up only for what is reported
                first_set, first_i = first[case.id]
                first_line = first_set.source.pos("cases", first_i, "id").line
                yield Finding.at(case_set.path, case_set.source.pos("cases", i, "id"),
                                 f"case id `{case.id}` is already used at "
                                 f"{first_set.path}:{first_line}",
                                 "give this case a new id; ids are never reused")
            else:
                first[case.id] = (case_set, i)


@rule("KB405", "case-incomplete", scope="cases")
def case_incomplete(case_set: CaseSet, ctx: LintContext) -> Iterator[Finding]:
    """A case lacks a fact that its walk needs before reaching an outcome.

    What it checks:
        Walking the tree with the case's facts never stops for want of a fact: every fact asked
        on the case's path is given.
    Why it matters:
        An incomplete case cannot be tested or used to score an agent; it only records half a
        situation. (A case that reaches a different outcome than expected is reported by
        `kb test`, not by lint.)
    Bad:
        ```yaml
        facts: {debited: true, app_status: failed}   # the path asks hours_since_payment next
        expected: raise-dispute
        ```
    Good:
        ```yaml
        facts: {debited: true, app_status: failed, hours_since_payment: 72}
        expected: raise-dispute
        ```
    """
    tree = _tree(case_set, ctx)
    if tree is None:
        return
    for i, case in enumerate(case_set.cases):
        result = walk(tree, case.facts)
        if not result.missing or result.missing not in tree.facts:
            continue  # an undeclared fact is the tree's problem (KB305)
        node = result.steps[-1].next if result.steps else tree.start
        question = tree.facts[result.missing].question
        yield Finding.at(case_set.path, case_set.source.pos("cases", i, "facts"),
                         f"the walk of case `{case.id}` stops at node `{node}`: it needs fact "
                         f"`{result.missing}`, which the case does not give",
                         f"add `{result.missing}` to the case's facts"
                         + (f" ({question})" if question else ""))


@rule("KB406", "annotation-outcome", scope="cases")
def annotation_outcome(case_set: CaseSet, ctx: LintContext) -> Iterator[Finding]:
    """An annotation names an outcome that is not an outcome node of the tree.

    What it checks:
        Every `outcome` in a case's `annotations` names an outcome node of the case file's tree.
    Why it matters:
        Annotations measure how often independent labellers agree; a label that is not an
        outcome of the tree cannot agree with anything and skews the figures.
    Bad:
        ```yaml
        annotations:
          - {by: annotator-a, outcome: dispute}
        ```
    Good:
        ```yaml
        annotations:
          - {by: annotator-a, outcome: raise-dispute}
        ```
    """
    tree = _tree(case_set, ctx)
    if tree is None:
        return
    for i, case in enumerate(case_set.cases):
        for j, annotation in enumerate(case.annotations):
            problem = _outcome_problem(tree, annotation.outcome) if annotation.outcome else ""
            if problem:
                yield Finding.at(case_set.path,
                                 case_set.source.pos("cases", i, "annotations", j, "outcome"),
                                 f"annotation by `{annotation.by}` on case `{case.id}` names "
                                 f"`{annotation.outcome}`{problem}", _outcomes_hint(tree))
