"""The labeled cases that evaluation and agreement measure against, indexed by case id.

A case is ground truth when its case file names a tree the KB has and its `expected` is an
outcome node of that tree. The first of duplicate case ids wins, as lint reports the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.model import Case, KnowledgeBase, Node, Outcome, Tree
from kb.walk import walk
from kb.when import holds

__all__ = ["LabeledCase", "is_escalation", "labeled_cases", "outcome_of"]


@dataclass(frozen=True, slots=True)
class LabeledCase:
    case: Case
    tree: Tree
    #: the case file, repo-relative
    path: str

    @property
    def id(self) -> str:
        return self.case.id

    @property
    def expected(self) -> Outcome:
        outcome = self.tree.nodes[self.case.expected].outcome
        assert outcome is not None  # labeled_cases keeps only outcome nodes
        return outcome

    def signals(self) -> tuple[str, ...]:
        """The risk signals the case's facts raise (by the facts' `signals`), in fact order."""
        raised: list[str] = []
        for fact in self.tree.facts.values():
            if fact.id not in self.case.facts:
                continue
            value = self.case.facts[fact.id]
            raised += [s.id for s in fact.signals if s.id not in raised and holds(s.when, value)]
        return tuple(raised)

    def reference_path(self) -> tuple[str, ...] | None:
        """The node ids a correct walk visits (outcome included), or None when the case's facts
        do not walk to its `expected` outcome (then `kb test` reports it, and paths are not
        compared)."""
        result = walk(self.tree, self.case.facts)
        return result.path if result.outcome == self.case.expected else None


def labeled_cases(kb: KnowledgeBase) -> dict[str, LabeledCase]:
    """Every case usable as ground truth, by id, in case-file order."""
    found: dict[str, LabeledCase] = {}
    for case_set in kb.case_sets:
        tree = kb.trees.get(case_set.tree)
        if tree is None:
            continue
        for case in case_set.cases:
            node = tree.nodes.get(case.expected)
            if not case.id or case.id in found or node is None or node.outcome is None:
                continue
            found[case.id] = LabeledCase(case, tree, case_set.path)
    return found


def outcome_of(tree: Tree, node_id: str) -> Outcome | None:
    """The outcome of node `node_id` in `tree`, or None when it is no outcome node."""
    node: Node | None = tree.nodes.get(node_id)
    return node.outcome if node is not None else None


def is_escalation(outcome: Outcome) -> bool:
    """True when the outcome hands the case to a specialist queue (`resolution: escalate`)."""
    return outcome.resolution == "escalate"
