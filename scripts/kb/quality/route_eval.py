"""Routing quality against labeled messages: which decision tree should take each message.

A labeled message names the tree that should take it, or `none` when no tree should. The
figures, for the messages of one split: accuracy (the share routed right, `none` included),
each label's precision and recall (a tree's, and `none`'s: the "no tree" figures), and the
confusion between labels (expected -> predicted -> count). Each message belongs to a split:
`tune` (the only messages the router's threshold is calibrated on) or `test` (the figures
reported). A message copied from a tree's `examples` is a problem, and left out: the router
would find it word for word.

An agent's routing is scored from JSONL, one prediction a line: `{"message": "...", "tree":
"<tree-id>" | "none"}` (other keys ignored). A line that is not such an object, names a message
the set lacks, a tree that is not a tree, or a message already predicted is reported by its
line number and left out; a labeled message without a prediction is counted as unanswered
and left out of every figure but `coverage`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO

from kb.quality.labeled_sets import SPLITS, Problem, read_entries
from kb.quality.predictions import (
    MAX_LINE_BYTES,
    LineProblem,
    LineRejected,
    bounded_lines,
    json_object,
    quoted,
    text_field,
)
from kb.quality.thresholds import Better
from kb.search.query import words

#: where a knowledge base keeps its labeled routing messages, from its root
ROUTING_SET = "evaluation/routing.yaml"
#: the label of a message no tree should take
NO_TREE = "none"
MAX_MESSAGE_CHARS = 500

ROUTE_FIGURES: Mapping[str, Better] = {
    "accuracy": Better.HIGHER,
    "no_tree_precision": Better.HIGHER,
    "no_tree_recall": Better.HIGHER,
    "coverage": Better.HIGHER,
}


@dataclass(frozen=True, slots=True)
class LabeledMessage:
    message: str
    #: the tree that should take it, or `NO_TREE`
    tree: str
    market: str
    split: str
    line: int


@dataclass(frozen=True, slots=True)
class RoutingSet:
    messages: tuple[LabeledMessage, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class LabelFigures:
    label: str
    expected: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None


@dataclass(frozen=True, slots=True)
class Misroute:
    message: LabeledMessage
    predicted: str


@dataclass(frozen=True, slots=True)
class RoutingEvaluation:
    split: str
    #: labeled messages of the split
    messages: int
    #: of them, those with a prediction (all, for the built-in router)
    answered: int
    correct: int
    #: per label (trees by id, then `none`)
    labels: tuple[LabelFigures, ...]
    #: expected label -> predicted label -> count
    confusion: Mapping[str, Mapping[str, int]]
    misroutes: tuple[Misroute, ...]

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def coverage(self) -> float | None:
        return self.answered / self.messages if self.messages else None

    def label(self, label: str) -> LabelFigures:
        return next(f for f in self.labels if f.label == label)

    def as_dict(self) -> dict[str, float | None]:
        none = self.label(NO_TREE)
        return {"accuracy": self.accuracy, "no_tree_precision": none.precision,
                "no_tree_recall": none.recall, "coverage": self.coverage}


def read_routing_set(path: Path, trees: Collection[str],
                     examples: Iterable[str] = ()) -> RoutingSet:
    """The labeled messages of `path`; `trees` are the ids a message may name, `examples` the
    trees' example messages. A malformed entry, an unknown tree or a copied example is a
    problem, and left out."""
    copied = {tuple(words(e)) for e in examples}
    problems: list[Problem] = []
    messages = tuple(
        LabeledMessage(str(entry["message"]), str(entry["tree"]), str(entry.get("market", "")),
                       str(entry["split"]), line)
        for entry, line in read_entries(path, "messages",
                                        lambda e: _entry_problem(e, trees, copied), problems))
    return RoutingSet(messages, tuple(problems))


def _entry_problem(entry: object, trees: Collection[str],
                   copied: Collection[tuple[str, ...]]) -> str:
    if not isinstance(entry, dict):
        return "each entry is a mapping with message, tree and split"
    unknown = sorted(set(entry) - {"message", "tree", "market", "split"})
    if unknown:
        return f"unknown key `{unknown[0]}` (known: message, tree, market, split)"
    message, tree, split = entry.get("message"), entry.get("tree"), entry.get("split")
    if not isinstance(message, str) or not message.strip() \
            or len(message) > MAX_MESSAGE_CHARS:
        return f"`message` takes a text of 1 to {MAX_MESSAGE_CHARS} characters"
    if split not in SPLITS:
        return f"`split` takes one of {', '.join(SPLITS)}"
    if "market" in entry and not isinstance(entry["market"], str):
        return "`market` takes a market code such as IN or BR"
    if tree != NO_TREE and tree not in trees:
        return f"`tree` takes a tree id or `{NO_TREE}`, not `{quoted(str(tree))}`"
    if tuple(words(message)) in copied:
        return "the message is one of the trees' examples: label a message of its own"
    return ""


def evaluate_routing(messages: Sequence[LabeledMessage], split: str, trees: Iterable[str],
                     predict: Callable[[LabeledMessage], str | None]) -> RoutingEvaluation:
    """Figures of the messages of `split` ('all' for both); `predict(message)` gives the tree
    chosen (`NO_TREE` for none), or None when there is no prediction for the message."""
    chosen = [m for m in messages if split == "all" or m.split == split]
    pairs = [(m, p) for m in chosen if (p := predict(m)) is not None]
    labels = sorted({*trees, *(m.tree for m, _ in pairs), *(p for _, p in pairs)} - {NO_TREE})
    labels.append(NO_TREE)
    confusion: dict[str, dict[str, int]] = {}
    for message, predicted in pairs:
        row = confusion.setdefault(message.tree, {})
        row[predicted] = row.get(predicted, 0) + 1
    figures = tuple(LabelFigures(
        label, sum(1 for m, _ in pairs if m.tree == label),
        sum(1 for _, p in pairs if p == label),
        sum(1 for m, p in pairs if m.tree == label == p)) for label in labels)
    return RoutingEvaluation(
        split, len(chosen), len(pairs), sum(1 for m, p in pairs if m.tree == p), figures,
        {e: dict(sorted(row.items())) for e, row in sorted(confusion.items())},
        tuple(Misroute(m, p) for m, p in pairs if m.tree != p))


def calibrate(scored: Sequence[tuple[str, str, float]]) -> float:
    """The threshold that routes the most of `scored` right: each is (expected label, best
    tree, best score). A message goes to its best tree when the score is at least the
    threshold, else to none. Of equally good thresholds, the middle of the lowest range of
    them (any threshold in the range routes alike)."""
    scores = sorted({s for _, _, s in scored})
    cuts = [0.0, *((a + b) / 2 for a, b in pairwise(scores)), (scores[-1] if scores else 0) + 1]

    def right(cut: float) -> int:
        return sum(1 for expected, best, score in scored
                   if (best if best and score >= cut else NO_TREE) == expected)

    counts = [right(cut) for cut in cuts]
    first = last = counts.index(max(counts))
    while last + 1 < len(cuts) and counts[last + 1] == counts[first]:
        last += 1
    return round((cuts[first] + cuts[last]) / 2, 2)


@dataclass(frozen=True, slots=True)
class RoutePrediction:
    line: int
    message: str
    tree: str


@dataclass(frozen=True, slots=True)
class RoutePredictionFile:
    lines: int
    predictions: Mapping[str, RoutePrediction]
    problems: tuple[LineProblem, ...]


def read_route_predictions(handle: BinaryIO, messages: Collection[str],
                           trees: Collection[str]) -> RoutePredictionFile:
    """An agent's routing predictions, checked against the labeled `messages` and `trees`."""
    found: dict[str, RoutePrediction] = {}
    problems: list[LineProblem] = []
    read = 0
    for number, raw in enumerate(bounded_lines(handle), start=1):
        if not raw.strip():
            continue
        read += 1
        try:
            prediction = _prediction(number, raw, messages, trees)
        except LineRejected as exc:
            problems.append(LineProblem(number, str(exc)))
            continue
        first = found.get(prediction.message)
        if first is not None:
            problems.append(LineProblem(number, f"a second prediction for the message (the "
                                                f"first is on line {first.line})"))
            continue
        found[prediction.message] = prediction
    return RoutePredictionFile(read, found, tuple(problems))


def _prediction(number: int, raw: bytes, messages: Collection[str],
                trees: Collection[str]) -> RoutePrediction:
    if len(raw) > MAX_LINE_BYTES:
        raise LineRejected(f"line is over {MAX_LINE_BYTES:,} bytes")
    value = json_object(raw)
    message = text_field(value, "message", required=True)
    tree = text_field(value, "tree", required=True)
    if message not in messages:
        raise LineRejected(f"message `{quoted(message)}` is not in the labeled set")
    if tree != NO_TREE and tree not in trees:
        raise LineRejected(f"tree `{quoted(tree)}` is not a tree (nor `{NO_TREE}`)")
    return RoutePrediction(number, message, tree)
