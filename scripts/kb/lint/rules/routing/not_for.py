"""KB332: a message a tree must not take names the tree that should."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.rules.trees.values import did_you_mean
from kb.lint.runner import LintContext


@rule("KB332", "not-for-unknown-tree", scope="kb")
def not_for_unknown_tree(ctx: LintContext) -> Iterator[Finding]:
    """A `not_for` message names a tree that does not exist, or the tree itself.

    What it checks:
        The `tree` of every entry under `not_for` is the id of another tree.
    Why it matters:
        `not_for` tells the agent where a look-alike message belongs; a misspelt or deleted tree
        id sends it nowhere.
    Bad:
        ```yaml
        not_for:
          - {message: I paid the wrong UPI id, tree: upi-wrong-recipent}
        ```
    Good:
        ```yaml
        not_for:
          - {message: I paid the wrong UPI id, tree: upi-wrong-recipient}
        ```
    """
    trees = ctx.kb.trees
    for tree in ctx.kb.all_trees():
        for entry in tree.routing.not_for:
            if entry.tree == tree.id:
                yield Finding.at(tree.path, entry.pos,
                                 f"`not_for` names the tree itself (`{entry.tree}`)",
                                 "name the tree that should take this message")
            elif entry.tree not in trees:
                yield Finding.at(tree.path, entry.pos,
                                 f"`not_for` names `{entry.tree}`, which is not a tree"
                                 + did_you_mean(entry.tree, trees),
                                 "name the id of the tree that should take this message")
