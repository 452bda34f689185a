"""KB330: a published tree says when it applies, with enough example messages."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Tree

#: the fewest example messages a published tree carries
MIN_EXAMPLES = 8


@rule("KB330", "routing-examples", scope="tree", local=True)
def routing_examples(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A published tree without `applies_when` or with fewer than 8 `examples`.

    What it checks:
        Every published tree states when it applies (`applies_when`) and lists at least 8
        example customer messages (`examples`), in the languages of its markets.
    Why it matters:
        An agent (or a new specialist) must match a case to a tree before any of the tree's
        logic runs; `kb route` and the routing evaluation learn which tree applies from these
        examples, and a tree with few of them is found only by luck.
    Bad:
        ```yaml
        status: published
        examples:
          - My UPI payment was debited but the shop did not get it
        ```
    Good:
        ```yaml
        status: published
        applies_when: A UPI payment left the customer's account but did not reach the payee.
        examples:
          - My UPI payment was debited but the shop did not get it
          - paisa kat gaya par merchant ko nahi mila
          # ... at least 8 in all
        ```
    """
    if tree.meta.status != "published":
        return
    routing = tree.routing
    if not routing.applies_when:
        yield Finding.at(tree.path, tree.source.key_pos("id"),
                         "published tree without `applies_when`",
                         "say in a sentence or two when the tree applies")
    if len(routing.examples) < MIN_EXAMPLES:
        pos = tree.source.key_pos("examples") if routing.examples else tree.source.key_pos("id")
        yield Finding.at(tree.path, pos,
                         f"published tree with {len(routing.examples)} example messages, "
                         f"fewer than {MIN_EXAMPLES}",
                         f"list at least {MIN_EXAMPLES} customer messages under `examples`, in "
                         "the languages of the tree's markets")
