"""KB315: the options people read carry labels."""

from __future__ import annotations

from collections.abc import Iterator

from kb.diagnostics import Finding, Severity
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Tree


@rule("KB315", "unlabelled-option", scope="tree", severity=Severity.WARNING, local=True)
def unlabelled_option(tree: Tree, ctx: LintContext) -> Iterator[Finding]:
    """A published tree's choice fact has options without a label.

    What it checks:
        In a published tree, every option of a `choice` fact is written as `{value, label}`.
    Why it matters:
        Option values are made for branches and agents (`not-reversed`, `p2p`); the specialist
        reads the walker's buttons, the walked path, the case note and the diagram, and the
        customer may hear them read out. A label says the same in words (`Not reversed yet`,
        `To a person (P2P)`), while branches and agents keep the value.
    Bad:
        ```yaml
        payment_type:
          question: Who was the payment to?
          type: choice
          options: [p2p, merchant]
        ```
    Good:
        ```yaml
        payment_type:
          question: Who was the payment to?
          type: choice
          options:
            - {value: p2p, label: A person (P2P)}
            - {value: merchant, label: A merchant}
        ```
    """
    if tree.meta.status != "published":
        return
    for fact in tree.facts.values():
        missing = [o for o in fact.options if o not in fact.labels]
        if fact.type == "choice" and missing:
            yield Finding.at(tree.path, tree.source.key_pos("facts", fact.id, "options"),
                             f"options of `{fact.id}` without a label: {', '.join(missing)}",
                             "write each option as `{value: ..., label: ...}` with the words a "
                             "specialist reads")
