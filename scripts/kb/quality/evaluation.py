"""Evaluating an AI agent's predictions against the labeled cases (`kb eval`).

Ground truth is each labeled case's `expected` outcome. Figures, per tree and overall:

- **accuracy**: correct predictions / predictions (over the cases the agent answered);
  **coverage**: labeled cases with a prediction / labeled cases (the rest are listed).
- **precision, recall, F1** per outcome; **macro F1** averages F1 over every outcome that
  occurs as truth or prediction, an undefined F1 counting as 0 (as scikit-learn does).
- **confusion matrix** (rows: expected outcome, columns: predicted) per tree.
- **path agreement**: among predictions with a `path` whose case's facts walk to its expected
  outcome, the share whose path equals that walk; where they differ, the first question node
  where the agent's path left the tree's (the question it got wrong).
- **citation accuracy**: among predictions with `citations`, the share citing the expected
  outcome's article (and its section, when the outcome names an anchor).
- **under-escalation**: the truth escalates to a specialist (`resolution: escalate`) but the
  agent chose an outcome that informs or resolves; rate = those / predictions whose truth
  escalates. **over-escalation**: the agent escalated where the truth does not; rate = those /
  predictions whose truth does not escalate. Both are listed case by case.
- **policy breaches**: predictions for a case whose facts raise a risk signal (see the safety
  policies) at an outcome the signal's policy forbids, counted apart from ordinary errors and
  listed case by case (a breach may also be a wrong prediction, or the tree's own outcome).
- **calibration**, when confidences are given: ten equal-width confidence buckets with their
  mean confidence and accuracy, and the expected calibration error (ECE, the bucket-size-weighted
  mean gap between the two).

A rate whose denominator is 0 is None ("not measured").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kb.model import KnowledgeBase, Policy
from kb.quality.ground_truth import LabeledCase, is_escalation, labeled_cases, outcome_of
from kb.quality.predictions import Prediction, PredictionFile
from kb.quality.thresholds import Better

__all__ = [
    "EVAL_FIGURES",
    "CalibrationBucket",
    "Classification",
    "Confusion",
    "EscalationError",
    "EvalFigures",
    "EvalReport",
    "OutcomeScores",
    "PathDivergence",
    "PolicyBreach",
    "classification",
    "evaluate",
]

ALL = "all"

#: the figures `--fail-under` can gate on, and which way is better
EVAL_FIGURES: Mapping[str, Better] = {
    "accuracy": Better.HIGHER,
    "coverage": Better.HIGHER,
    "macro_f1": Better.HIGHER,
    "path_agreement": Better.HIGHER,
    "citation_accuracy": Better.HIGHER,
    "under_escalation": Better.LOWER,
    "over_escalation": Better.LOWER,
    "ece": Better.LOWER,
    "policy_breaches": Better.LOWER,
}


@dataclass(frozen=True, slots=True)
class OutcomeScores:
    outcome: str
    #: cases whose truth is this outcome
    support: int
    #: predictions of this outcome
    predicted: int
    correct: int
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True, slots=True)
class Confusion:
    labels: tuple[str, ...]
    #: counts[i][j]: cases expected labels[i] and predicted labels[j]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class Classification:
    """Multi-class figures for (truth, prediction) pairs over a label set."""

    accuracy: float | None
    outcomes: tuple[OutcomeScores, ...]
    confusion: Confusion

    @property
    def macro_f1(self) -> float | None:
        present = [o for o in self.outcomes if o.support or o.predicted]
        if not present:
            return None
        return sum(o.f1 or 0.0 for o in present) / len(present)


def classification(pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> Classification:
    """Accuracy, per-label scores and the confusion matrix. `labels` orders the matrix; labels
    seen in `pairs` but missing from it are appended in sorted order."""
    order = list(dict.fromkeys(labels))
    order += sorted({x for pair in pairs for x in pair} - set(order))
    index = {label: i for i, label in enumerate(order)}
    matrix = [[0] * len(order) for _ in order]
    for truth, predicted in pairs:
        matrix[index[truth]][index[predicted]] += 1
    scores = []
    for i, label in enumerate(order):
        correct = matrix[i][i]
        support = sum(matrix[i])
        chosen = sum(row[i] for row in matrix)
        precision = correct / chosen if chosen else None
        recall = correct / support if support else None
        f1: float | None
        if precision is None or recall is None:
            f1 = None
        else:
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(OutcomeScores(label, support, chosen, correct, precision, recall, f1))
    correct_total = sum(matrix[i][i] for i in range(len(order)))
    return Classification(
        accuracy=correct_total / len(pairs) if pairs else None,
        outcomes=tuple(scores),
        confusion=Confusion(tuple(order), tuple(tuple(row) for row in matrix)),
    )


@dataclass(frozen=True, slots=True)
class EscalationError:
    case: str
    tree: str
    expected: str
    predicted: str
    #: line of the prediction in the predictions file
    line: int


@dataclass(frozen=True, slots=True)
class PolicyBreach:
    """A prediction at an outcome that a safety policy of a signal the case raises forbids."""

    case: str
    tree: str
    predicted: str
    #: the policies broken (signal ids), and what the predicted outcome fails of them
    policies: tuple[str, ...]
    reasons: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class PathDivergence:
    case: str
    tree: str
    #: the question node whose answer the agent got wrong ('' when it did not start at the
    #: tree's start)
    node: str
    #: where the tree goes next from there, and where the agent went ('' when a path ends)
    expected_next: str
    predicted_next: str
    line: int


@dataclass(frozen=True, slots=True)
class CalibrationBucket:
    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class EvalFigures:
    """Evaluation of one tree, or of all trees (`scope == "all"`, outcome labels as
    `tree/outcome`)."""

    scope: str
    labeled: int
    predicted: int
    correct: int
    classification: Classification
    #: labeled cases with no prediction
    missing: tuple[str, ...]
    path_compared: int
    path_agreed: int
    divergences: tuple[PathDivergence, ...]
    citations_given: int
    citations_correct: int
    #: predictions whose truth escalates / does not
    truth_escalates: int
    truth_stays: int
    under_escalations: tuple[EscalationError, ...]
    over_escalations: tuple[EscalationError, ...]
    calibration: tuple[CalibrationBucket, ...]
    policy_breaches: tuple[PolicyBreach, ...] = ()

    @property
    def accuracy(self) -> float | None:
        return self.classification.accuracy

    @property
    def coverage(self) -> float | None:
        return self.predicted / self.labeled if self.labeled else None

    @property
    def path_agreement(self) -> float | None:
        return self.path_agreed / self.path_compared if self.path_compared else None

    @property
    def citation_accuracy(self) -> float | None:
        return self.citations_correct / self.citations_given if self.citations_given else None

    @property
    def under_escalation(self) -> float | None:
        n = self.truth_escalates
        return len(self.under_escalations) / n if n else None

    @property
    def over_escalation(self) -> float | None:
        n = self.truth_stays
        return len(self.over_escalations) / n if n else None

    @property
    def ece(self) -> float | None:
        total = sum(b.count for b in self.calibration)
        if not total:
            return None
        return sum(b.count / total * abs(b.accuracy - b.mean_confidence)
                   for b in self.calibration)

    def wrong_questions(self) -> list[tuple[str, int]]:
        """Question nodes where agents' paths left the tree's, most frequent first."""
        counts = Counter(d.node or "(start)" for d in self.divergences)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def figures(self) -> dict[str, float | None]:
        return {
            "accuracy": self.accuracy,
            "coverage": self.coverage,
            "macro_f1": self.classification.macro_f1,
            "path_agreement": self.path_agreement,
            "citation_accuracy": self.citation_accuracy,
            "under_escalation": self.under_escalation,
            "over_escalation": self.over_escalation,
            "ece": self.ece,
            "policy_breaches": len(self.policy_breaches),
        }


@dataclass(frozen=True, slots=True)
class EvalReport:
    predictions: PredictionFile
    trees: tuple[EvalFigures, ...]
    overall: EvalFigures

    def tree(self, tree_id: str) -> EvalFigures | None:
        return next((t for t in self.trees if t.scope == tree_id), None)


def evaluate(kb: KnowledgeBase, predictions: PredictionFile) -> EvalReport:
    """Evaluate checked predictions; trees with labeled cases, in id order."""
    cases = labeled_cases(kb)
    by_case = {p.case: p for p in predictions.predictions}
    tree_ids = sorted({c.tree.id for c in cases.values()})
    policies = kb.policies
    trees = tuple(
        _figures(tree_id, [c for c in cases.values() if c.tree.id == tree_id], by_case, False,
                 policies)
        for tree_id in tree_ids
    )
    return EvalReport(predictions, trees,
                      _figures(ALL, list(cases.values()), by_case, True, policies))


def _figures(scope: str, cases: Sequence[LabeledCase], by_case: Mapping[str, Prediction],
             qualify: bool, policies: Mapping[str, Policy]) -> EvalFigures:
    def label(case: LabeledCase, outcome: str) -> str:
        return f"{case.tree.id}/{outcome}" if qualify else outcome

    answered = [(c, by_case[c.id]) for c in cases if c.id in by_case]
    pairs = [(label(c, c.case.expected), label(c, p.outcome)) for c, p in answered]
    labels = [label(c, n.id) for c in _distinct_trees(cases) for n in c.tree.outcomes()]
    under: list[EscalationError] = []
    over: list[EscalationError] = []
    escalates = stays = 0
    for case, p in answered:
        predicted = outcome_of(case.tree, p.outcome)
        assert predicted is not None  # checked when the line was read
        error = EscalationError(case.id, case.tree.id, case.case.expected, p.outcome, p.line)
        if is_escalation(case.expected):
            escalates += 1
            if not is_escalation(predicted):
                under.append(error)
        else:
            stays += 1
            if is_escalation(predicted):
                over.append(error)
    compared, agreed, divergences = _paths(answered)
    cited = [(c, p) for c, p in answered if p.citations is not None]
    return EvalFigures(
        scope=scope,
        labeled=len(cases),
        predicted=len(answered),
        correct=sum(1 for c, p in answered if p.outcome == c.case.expected),
        classification=classification(pairs, labels),
        missing=tuple(c.id for c in cases if c.id not in by_case),
        path_compared=compared,
        path_agreed=agreed,
        divergences=tuple(divergences),
        citations_given=len(cited),
        citations_correct=sum(1 for c, p in cited if _cites_expected(c, p)),
        truth_escalates=escalates,
        truth_stays=stays,
        under_escalations=tuple(under),
        over_escalations=tuple(over),
        calibration=_calibration(answered),
        policy_breaches=tuple(b for c, p in answered if (b := _breach(c, p, policies))),
    )


def _breach(case: LabeledCase, p: Prediction,
            policies: Mapping[str, Policy]) -> PolicyBreach | None:
    predicted = outcome_of(case.tree, p.outcome)
    assert predicted is not None  # checked when the line was read
    broken: list[str] = []
    reasons: list[str] = []
    for signal in case.signals():
        policy = policies.get(signal)
        found = policy.breaches(predicted) if policy is not None else []
        if found:
            broken.append(signal)
            reasons += found
    if not broken:
        return None
    return PolicyBreach(case.id, case.tree.id, p.outcome, tuple(broken), tuple(reasons), p.line)


def _distinct_trees(cases: Iterable[LabeledCase]) -> list[LabeledCase]:
    """One case per tree, in the order trees first appear (to list each tree's outcomes)."""
    seen: dict[str, LabeledCase] = {}
    for case in cases:
        seen.setdefault(case.tree.id, case)
    return sorted(seen.values(), key=lambda c: c.tree.id)


def _paths(answered: Sequence[tuple[LabeledCase, Prediction]]
           ) -> tuple[int, int, list[PathDivergence]]:
    compared = agreed = 0
    divergences: list[PathDivergence] = []
    for case, p in answered:
        if p.path is None:
            continue
        reference = case.reference_path()
        if reference is None:
            continue
        compared += 1
        if p.path == reference:
            agreed += 1
            continue
        i = 0
        while i < min(len(p.path), len(reference)) and p.path[i] == reference[i]:
            i += 1
        divergences.append(PathDivergence(
            case=case.id, tree=case.tree.id, node=reference[i - 1] if i else "",
            expected_next=reference[i] if i < len(reference) else "",
            predicted_next=p.path[i] if i < len(p.path) else "", line=p.line))
    return compared, agreed, divergences


def _cites_expected(case: LabeledCase, p: Prediction) -> bool:
    outcome = case.expected
    for citation in p.citations or ():
        article, _, anchor = citation.partition("#")
        if article == outcome.article and (not outcome.anchor or anchor == outcome.anchor):
            return True
    return False


def _calibration(answered: Sequence[tuple[LabeledCase, Prediction]]
                 ) -> tuple[CalibrationBucket, ...]:
    buckets: dict[int, list[tuple[float, bool]]] = {}
    for case, p in answered:
        if p.confidence is None:
            continue
        index = min(int(p.confidence * 10), 9)
        buckets.setdefault(index, []).append((p.confidence, p.outcome == case.case.expected))
    return tuple(
        CalibrationBucket(
            low=i / 10, high=(i + 1) / 10, count=len(items),
            mean_confidence=sum(c for c, _ in items) / len(items),
            accuracy=sum(1 for _, ok in items if ok) / len(items),
        )
        for i, items in sorted(buckets.items())
    )
