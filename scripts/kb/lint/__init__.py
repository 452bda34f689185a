"""The linter: a registry of rules, a runner, and report formats."""

from __future__ import annotations

from kb.lint.api import lint_kb
from kb.lint.registry import Rule, all_rules, rule
from kb.lint.runner import LintResult

__all__ = ["LintResult", "Rule", "all_rules", "lint_kb", "rule"]
