"""KB33x: when a tree applies, for routing a customer message to it: `examples` (enough
examples on a published tree), `duplicates` (an example two trees share) and `not_for` (the
tree a message it must not take names)."""

from kb.lint.rules.routing import duplicates, examples, not_for

__all__ = ["duplicates", "examples", "not_for"]
