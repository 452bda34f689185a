"""KB3xx: decision trees, grouped by subject: `structure` (start, references, reachability,
cycles, node kinds), `facts` (declared and asked), `branches` (types, exhaustiveness, shadowing)
and `outcomes` (escalation routing); `values` holds what they share."""

from kb.lint.rules.trees import branches, facts, outcomes, structure

__all__ = ["branches", "facts", "outcomes", "structure"]
