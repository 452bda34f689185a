"""Labeled cases through their trees: mismatches and coverage (what no case reaches)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.model import Case, KnowledgeBase, Tree
from kb.walk import Walk, walk
from kb.when import as_yaml


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    tree: str
    path: str
    walk: Walk

    @property
    def passed(self) -> bool:
        return self.walk.outcome == self.case.expected


@dataclass(slots=True)
class TreeCoverage:
    tree: Tree
    cases: int = 0
    #: outcome node id -> number of cases whose walk reaches it
    outcome_hits: dict[str, int] = field(default_factory=dict)
    #: (node id, branch index; -1 is the default) -> number of cases taking it
    branch_hits: dict[tuple[str, int], int] = field(default_factory=dict)

    def unreached_outcomes(self) -> list[str]:
        return [o.id for o in self.tree.outcomes() if not self.outcome_hits.get(o.id)]

    def untaken_branches(self) -> list[tuple[str, int]]:
        return [key for key, hits in self.branch_hits.items() if not hits]


@dataclass(slots=True)
class CaseReport:
    results: list[CaseResult]
    coverage: dict[str, TreeCoverage]
    #: case files whose tree does not exist (lint reports them too)
    orphans: list[str]
    _by_tree: dict[str, list[CaseResult]] | None = field(default=None, repr=False,
                                                         compare=False)

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    def results_for(self, tree_id: str) -> list[CaseResult]:
        """The results of one tree's cases, in order (grouped once, on first use)."""
        if self._by_tree is None:
            self._by_tree = {}
            for r in self.results:
                self._by_tree.setdefault(r.tree, []).append(r)
        return self._by_tree.get(tree_id, [])


def run_cases(kb: KnowledgeBase) -> CaseReport:
    coverage: dict[str, TreeCoverage] = {}
    for tree in kb.trees.values():
        cov = TreeCoverage(tree)
        for node in tree.nodes.values():
            if node.outcome is not None:
                cov.outcome_hits[node.id] = 0
            for branch in node.branches:
                cov.branch_hits[(node.id, branch.index)] = 0
            if node.default:
                cov.branch_hits[(node.id, -1)] = 0
        coverage[tree.id] = cov
    results: list[CaseResult] = []
    orphans: list[str] = []
    for case_set in kb.case_sets:
        found = kb.trees.get(case_set.tree)
        if found is None:
            orphans.append(case_set.path)
            continue
        tree = found
        cov = coverage[tree.id]
        for case in case_set.cases:
            w = walk(tree, case.facts)
            results.append(CaseResult(case, tree.id, case_set.path, w))
            cov.cases += 1
            if w.outcome:
                cov.outcome_hits[w.outcome] = cov.outcome_hits.get(w.outcome, 0) + 1
            for step in w.steps:
                key = (step.node, step.branch)
                cov.branch_hits[key] = cov.branch_hits.get(key, 0) + 1
    return CaseReport(results, coverage, orphans)


def branch_label(tree: Tree, node_id: str, index: int) -> str:
    """How a branch reads in a report: `age: when {lt: 48}` or `age: default`."""
    node = tree.nodes[node_id]
    if index == -1:
        return f"{node_id}: default -> {node.default}"
    branch = node.branches[index]
    return f"{node_id}: when {as_yaml(branch.when)} -> {branch.next}"

