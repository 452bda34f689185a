"""The linter: a registry of rules, a runner, and report formats."""

from __future__ import annotations

from kb.lint.problem import Diagnostic, Severity
from kb.lint.registry import Rule, all_rules, rule
from kb.lint.runner import LintResult, lint

__all__ = ["Diagnostic", "LintResult", "Rule", "Severity", "all_rules", "lint", "rule"]
