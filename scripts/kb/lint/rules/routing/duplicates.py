"""KB331: an example message that another tree also gives, word for word or nearly."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Example, Tree
from kb.search.query import words

#: word-sequence similarity (difflib's ratio) at or above which two examples are near-identical
NEAR_IDENTICAL = 0.9


@rule("KB331", "duplicate-example", scope="kb")
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
    read = {id(e): words(e.message) for t in trees for e in t.routing.examples}
    for tree in trees:
        for example in tree.routing.examples:
            for other in trees:
                if other.path == tree.path:
                    continue
                for twin in other.routing.examples:
                    if _alike(read[id(example)], read[id(twin)]):
                        yield _finding(tree, example, other, twin)


def _alike(first: list[str], second: list[str]) -> bool:
    if first == second:
        return True
    return difflib.SequenceMatcher(None, first, second).ratio() >= NEAR_IDENTICAL


def _finding(tree: Tree, example: Example, other: Tree, twin: Example) -> Finding:
    return Finding.at(tree.path, example.pos,
                      f"example {example.message!r} is (nearly) the same as an example of tree "
                      f"`{other.id}` at {other.path}:{twin.pos.line}:{twin.pos.col}",
                      "keep the message in the one tree that should take it, or make each "
                      "example say what sets its tree apart")
