"""Routing: which decision tree applies to a customer message, from the trees' own routing
metadata, over the one search index.

Each example message of a tree is a document (its body), carrying the tree's title and
`applies_when` (title and summary fields), so a message finds a tree both through an example
close to it and through the words of its description. A tree scores its best document's score;
trees are ranked by score, ties by id. Under `NO_TREE_BELOW` the best tree is not taken: no
tree applies.

The router reads messages with the glossary it was calibrated with (`query.ROUTING`), not with
the words added for the agents' search since.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kb.search.index import MAX_LIMIT, Document, SearchIndex
from kb.search.query import ROUTING

#: the best tree's score under which no tree applies (calibrated on the `tune` split of the
#: labeled routing set, never on the split the reported figures use)
NO_TREE_BELOW = 8.64
#: a tree scores the mean of its best this many documents' scores (a missing one counts 0)
TOP_HITS = 2
#: how much a word counts in a tree's title, its `applies_when` (summary) and its examples
#: (body); routing is tuned apart from search, on the `tune` split of the routing set
ROUTE_BOOSTS = {"title": 1.0, "headings": 1.0, "tags": 1.0, "summary": 1.2, "body": 1.0}
#: the most examples shown per tree
SHOWN_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class RoutedTree:
    """What the router knows of a tree."""

    id: str
    title: str
    applies_when: str
    examples: tuple[str, ...]
    markets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TreeMatch:
    tree: str
    score: float
    #: the tree's examples closest to the message, best first
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Route:
    #: the tree that applies, or '' when none does
    tree: str
    #: every tree the message matched, best first
    matches: tuple[TreeMatch, ...]
    threshold: float


class Router:
    """Routes messages to trees; equal trees and an equal message give an equal route."""

    __slots__ = ("_examples", "_index", "threshold")

    def __init__(self, trees: Iterable[RoutedTree], threshold: float = NO_TREE_BELOW) -> None:
        documents: list[Document] = []
        self._examples: dict[str, tuple[str, str]] = {}
        for tree in sorted(trees, key=lambda t: t.id):
            for i, example in enumerate(tree.examples):
                key = f"{tree.id}#{i}"
                self._examples[key] = (tree.id, example)
                documents.append(Document(key=key, title=tree.title, summary=tree.applies_when,
                                          body=example, markets=tree.markets, kind="route"))
        self._index = SearchIndex.build(documents, ROUTE_BOOSTS, ROUTING)
        self.threshold = threshold

    def route(self, message: str, *, markets: Sequence[str] = (),
              threshold: float | None = None) -> Route:
        """The trees `message` matches, best first, and the one that applies (if any)."""
        floor = self.threshold if threshold is None else threshold
        found: dict[str, list[float]] = {}
        shown: dict[str, list[str]] = {}
        for hit in self._index.search(message, limit=MAX_LIMIT, markets=markets):
            tree, example = self._examples[hit.key]
            found.setdefault(tree, []).append(hit.score)
            examples = shown.setdefault(tree, [])
            if len(examples) < SHOWN_EXAMPLES and example not in examples:
                examples.append(example)
        scores = {tree: round(sum(hits[:TOP_HITS]) / TOP_HITS, 4) for tree, hits in found.items()}
        matches = tuple(TreeMatch(tree, score, tuple(shown[tree]))
                        for tree, score in sorted(scores.items(), key=lambda s: (-s[1], s[0])))
        best = matches[0] if matches and matches[0].score >= floor else None
        return Route(best.tree if best else "", matches, floor)
