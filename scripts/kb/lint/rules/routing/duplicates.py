"""KB331: an example message that another tree also gives, word for word or nearly."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Example, Tree
from kb.search.query import words

#: word-sequence similarity (difflib's ratio) at or above which two examples are near-identical
NEAR_IDENTICAL = 0.9
#: how many of an example's rarest words a candidate twin must hold (see `_twins`)
PREFIX_HITS = 2


@rule("KB331", "duplicate-example", scope="kb", reads=("tree",))
def duplicate_example(ctx: LintContext) -> Iterator[Finding]:
    """An example message identical or near-identical to an example of another tree.

    What it checks:
        No two trees list the same example message under `examples`, compared word by word
        (case, accents and punctuation aside), nor two whose words are at least 90% alike.
        Reported at both examples, each naming the other's position.
    Why it matters:
        A message that is an example of two trees teaches the router both answers: one of
        the trees is wrong for it, and routing between them becomes a coin toss.
    Bad:
        ```yaml
        # decision_trees/upi-wrong-recipient.yaml
        examples: [I sent money to the wrong UPI id]
        # decision_trees/upi-debited-not-credited.yaml
        examples: [I sent money to the wrong UPI ID!]
        ```
    Good:
        ```yaml
        # decision_trees/upi-wrong-recipient.yaml
        examples: [I sent money to the wrong UPI id]
        # decision_trees/upi-debited-not-credited.yaml
        examples: [Money left my account but the shop never got it]
        ```
    """
    trees = sorted(ctx.kb.all_trees(), key=lambda t: t.path)
    listed = [(tree, example, words(example.message))
              for tree in trees for example in tree.routing.examples]
    for i, j in _twins([read for _, _, read in listed],
                       [tree.path for tree, _, _ in listed]):
        (tree, example, _), (other, twin, _) = listed[i], listed[j]
        yield _finding(tree, example, other, twin)


def _twins(read: list[list[str]], owners: list[str]) -> Iterator[tuple[int, int]]:
    """Every (i, j) of near-identical word lists with different owners, in order.

    Only candidates are compared: a ratio of at least 0.9 leaves unmatched at most 2/11 of
    either list's words, so of `read[i]`'s `len // 5 + PREFIX_HITS` rarest distinct words
    (the rarest first, across all lists) a near twin lacks at most `len // 5`; each list is
    compared with the lists holding enough of those, found through an index of words.
    """
    holding: dict[str, list[int]] = defaultdict(list)
    for index, found in enumerate(read):
        for word in set(found) or {""}:
            holding[word].append(index)
    counts = [Counter(found) for found in read]
    for i, found in enumerate(read):
        rarest = sorted(set(found) or {""}, key=lambda w: (len(holding[w]), w))
        lacking = len(found) // 5
        prefix = rarest[:lacking + PREFIX_HITS]
        hits = Counter(j for w in prefix for j in holding[w])
        need = max(1, len(prefix) - lacking)
        candidates = {j for j, n in hits.items() if n >= need}
        for j in sorted(candidates):
            if owners[j] != owners[i] and _may_be_alike(counts[i], counts[j]) \
                    and _alike(found, read[j]):
                yield i, j


def _may_be_alike(first: Counter[str], second: Counter[str]) -> bool:
    """False when two word lists, given by their word counts, cannot be alike: difflib's
    `quick_ratio` (the words they share, repeats counted), an upper bound of the ratio `_alike`
    requires, is below `NEAR_IDENTICAL`. Computed from counts made once per list, it spares
    building a `SequenceMatcher` for most candidate pairs."""
    total = first.total() + second.total()
    if not total:
        return True
    shared = sum(min(n, second[word]) for word, n in first.items() if word in second)
    return 2.0 * shared / total >= NEAR_IDENTICAL


def _alike(first: list[str], second: list[str]) -> bool:
    if first == second:
        return True
    matcher = difflib.SequenceMatcher(None, first, second)
    return matcher.real_quick_ratio() >= NEAR_IDENTICAL and \
        matcher.quick_ratio() >= NEAR_IDENTICAL and matcher.ratio() >= NEAR_IDENTICAL


def _finding(tree: Tree, example: Example, other: Tree, twin: Example) -> Finding:
    return Finding.at(tree.path, example.pos,
                      f"example {example.message!r} is (nearly) the same as an example of tree "
                      f"`{other.id}` at {other.path}:{twin.pos.line}:{twin.pos.col}",
                      "keep the message in the one tree that should take it, or make each "
                      "example say what sets its tree apart")
