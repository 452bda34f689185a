"""What a change does to the knowledge base: two loaded knowledge bases compared for a reviewer.

`compare(base, head)` is pure (KnowledgeBase x KnowledgeBase -> KbDiff); `revision` puts a git
revision's files in a folder for the loader; `report` renders a KbDiff as text, Markdown or JSON.
"""

from __future__ import annotations

from kb.changes.compare import KbDiff, compare
from kb.changes.report import RENDERERS
from kb.changes.revision import RevisionError, checkout_is_dirty, export_revision, resolve

__all__ = ["RENDERERS", "KbDiff", "RevisionError", "checkout_is_dirty", "compare",
           "export_revision", "resolve"]
