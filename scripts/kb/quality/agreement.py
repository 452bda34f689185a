"""Annotation agreement (`kb labels`): how consistently independent annotators label cases.

Definitions (the team's support-metrics reference, section 5):

- **Observed agreement** for one case is the share of annotator pairs that gave the same
  outcome; the figure for a tree is its mean over cases with two or more annotations (for two
  annotators this is the plain share of cases they agree on, Cohen's p_o).
- **Cohen's kappa** for two annotators: `(p_o - p_e) / (1 - p_e)`, where `p_e` is the agreement
  expected by chance from each annotator's own label frequencies.
- **Fleiss' kappa** for more than two annotators, over every case with two or more annotations:
  `(P - P_e) / (1 - P_e)`, with `P` the mean per-case agreement and `P_e` the sum of squared
  overall label shares. Cases may carry different numbers of annotations (each case's agreement
  is over its own pairs); with a constant number it is Fleiss' original statistic.
- A kappa is undefined (None) when chance agreement is already 1 (every label the same).
- Bands are Landis & Koch (1977). Kappa measures consistency, not correctness: the base rate
  (share of the most common label) is reported beside it.

Across trees ("all"), labels are tree-qualified (`tree/outcome`), so two trees never share a
category.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kb.model import Annotation, KnowledgeBase

__all__ = [
    "AgreementFigures",
    "AgreementReport",
    "CaseLabels",
    "Kappa",
    "PairKappa",
    "agreement_report",
    "cohen_kappa",
    "fleiss_kappa",
    "landis_koch",
]

ALL = "all"

LabelOf = Callable[["CaseLabels", str], str]


@dataclass(frozen=True, slots=True)
class Kappa:
    #: observed agreement
    observed: float
    #: agreement expected by chance
    expected: float
    #: None when undefined (chance agreement is 1)
    kappa: float | None


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> Kappa:
    """Cohen's kappa for two annotators' labels of the same items, in the same order."""
    if len(first) != len(second) or not first:
        raise ValueError("cohen_kappa needs two equally long, non-empty label sequences")
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    return Kappa(observed, expected, _kappa(observed, expected))


def fleiss_kappa(items: Sequence[Sequence[str]]) -> Kappa:
    """Fleiss' kappa; each item is the labels one case received (at least two each)."""
    if not items or any(len(labels) < 2 for labels in items):
        raise ValueError("fleiss_kappa needs items with at least two labels each")
    per_item = [_pair_agreement(labels) for labels in items]
    observed = sum(per_item) / len(per_item)
    totals: Counter[str] = Counter()
    for labels in items:
        totals.update(labels)
    ratings = sum(totals.values())
    expected = sum((count / ratings) ** 2 for count in totals.values())
    return Kappa(observed, expected, _kappa(observed, expected))


def _pair_agreement(labels: Sequence[str]) -> float:
    """Share of the annotator pairs on one case that agree."""
    n = len(labels)
    agreeing = sum(c * (c - 1) for c in Counter(labels).values())
    return agreeing / (n * (n - 1))


def _kappa(observed: float, expected: float) -> float | None:
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def landis_koch(kappa: float | None) -> str:
    """The Landis & Koch (1977) band of a kappa: poor, slight, fair, moderate, substantial,
    almost perfect ('' when undefined)."""
    if kappa is None:
        return ""
    if kappa < 0:
        return "poor"
    for bound, band in ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
                        (0.80, "substantial")):
        if kappa <= bound:
            return band
    return "almost perfect"


@dataclass(frozen=True, slots=True)
class PairKappa:
    """Cohen's kappa for one pair of annotators over the cases both labeled."""

    first: str
    second: str
    cases: int
    kappa: Kappa


@dataclass(frozen=True, slots=True)
class CaseLabels:
    """One case's annotations, with its expected outcome and the annotators' majority."""

    tree: str
    case_id: str
    #: case file and the case's position in it
    path: str
    line: int
    col: int
    expected: str
    labels: tuple[tuple[str, str], ...]
    #: the outcome most annotators chose, '' on a tie
    majority: str

    @property
    def unanimous(self) -> bool:
        return len({outcome for _, outcome in self.labels}) <= 1


@dataclass(frozen=True, slots=True)
class AgreementFigures:
    """Agreement for one tree, or for every tree pooled (`scope == "all"`)."""

    scope: str
    cases: int
    unlabeled: int
    once: int
    twice: int
    more: int
    #: sorted names of everyone who annotated a case in scope
    annotators: tuple[str, ...]
    #: mean observed agreement over cases with two or more annotations; None without any
    observed: float | None
    unanimous: int
    #: share of the most common label among those cases' annotations
    base_rate: float | None
    pairs: tuple[PairKappa, ...]
    fleiss: Kappa | None

    @property
    def multi(self) -> int:
        """Cases with two or more annotations: the ones agreement is measured on."""
        return self.twice + self.more

    @property
    def method(self) -> str:
        """'Cohen' when exactly two annotators labeled the multi-labeled cases, 'Fleiss' for
        more, '' when nothing can be measured."""
        if self.fleiss is None:
            return ""
        return "Cohen" if len(self.pairs) == 1 and self.more == 0 else "Fleiss"

    @property
    def kappa(self) -> float | None:
        """The headline kappa: Cohen's for two annotators, Fleiss' for more."""
        if self.method == "Cohen":
            return self.pairs[0].kappa.kappa
        return self.fleiss.kappa if self.fleiss is not None else None


@dataclass(frozen=True, slots=True)
class AgreementReport:
    trees: tuple[AgreementFigures, ...]
    overall: AgreementFigures
    #: cases whose annotators disagree, to adjudicate
    disagreements: tuple[CaseLabels, ...]
    #: cases whose `expected` differs from the annotators' majority
    expected_differs: tuple[CaseLabels, ...]

    def figures(self) -> dict[str, float | None]:
        """The overall figures `--fail-under` can gate on."""
        return {"kappa": self.overall.kappa, "agreement": self.overall.observed}


def agreement_report(kb: KnowledgeBase) -> AgreementReport:
    """Agreement per tree (trees in id order) and overall, from every case's annotations."""
    per_tree: dict[str, list[CaseLabels]] = {tree_id: [] for tree_id in sorted(kb.trees)}
    for case_set in kb.case_sets:
        if case_set.tree not in kb.trees:
            continue
        for case in case_set.cases:
            per_tree[case_set.tree].append(_case_labels(case_set.tree, case_set.path, case.id,
                                                        case.pos.line, case.pos.col,
                                                        case.expected, case.annotations))
    every = [c for cases in per_tree.values() for c in cases]
    return AgreementReport(
        trees=tuple(_figures(tree_id, cases, qualify=False) for tree_id, cases in per_tree.items()),
        overall=_figures(ALL, every, qualify=True),
        disagreements=tuple(c for c in every if len(c.labels) >= 2 and not c.unanimous),
        expected_differs=tuple(c for c in every
                               if c.labels and c.majority and c.majority != c.expected),
    )


def _case_labels(tree: str, path: str, case_id: str, line: int, col: int, expected: str,
                 annotations: Iterable[Annotation]) -> CaseLabels:
    labels = tuple((a.by, a.outcome) for a in annotations if a.outcome)
    return CaseLabels(tree, case_id, path, line, col, expected, labels,
                      _majority([outcome for _, outcome in labels]))


def _majority(outcomes: Sequence[str]) -> str:
    ranked = Counter(outcomes).most_common()
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return ""
    return ranked[0][0]


def _figures(scope: str, cases: Sequence[CaseLabels], qualify: bool) -> AgreementFigures:
    def label(case: CaseLabels, outcome: str) -> str:
        return f"{case.tree}/{outcome}" if qualify else outcome

    counts = Counter(min(len(c.labels), 3) for c in cases)
    multi = [c for c in cases if len(c.labels) >= 2]
    items = [[label(c, outcome) for _, outcome in c.labels] for c in multi]
    observed = (sum(_pair_agreement(i) for i in items) / len(items)) if items else None
    shares = Counter(x for i in items for x in i)
    base_rate = shares.most_common(1)[0][1] / sum(shares.values()) if shares else None
    return AgreementFigures(
        scope=scope,
        cases=len(cases),
        unlabeled=counts[0],
        once=counts[1],
        twice=counts[2],
        more=counts[3],
        annotators=tuple(sorted({by for c in cases for by, _ in c.labels})),
        observed=observed,
        unanimous=sum(1 for c in multi if c.unanimous),
        base_rate=base_rate,
        pairs=_pairs(multi, label),
        fleiss=fleiss_kappa(items) if items else None,
    )


def _pairs(cases: Sequence[CaseLabels], label: LabelOf) -> tuple[PairKappa, ...]:
    """Cohen's kappa for every pair of annotators who labeled at least one case in common."""
    by_annotator: dict[str, dict[str, str]] = {}
    for case in cases:
        for by, outcome in case.labels:
            # an annotator who labeled a case twice counts with their first label
            key = f"{case.tree}\0{case.case_id}"
            by_annotator.setdefault(by, {}).setdefault(key, label(case, outcome))
    pairs: list[PairKappa] = []
    for a, b in itertools.combinations(sorted(by_annotator), 2):
        shared = sorted(set(by_annotator[a]) & set(by_annotator[b]))
        if not shared:
            continue
        pairs.append(PairKappa(a, b, len(shared), cohen_kappa(
            [by_annotator[a][k] for k in shared], [by_annotator[b][k] for k in shared])))
    return tuple(pairs)
