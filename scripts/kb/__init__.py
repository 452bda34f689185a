"""Payments Support Knowledge Base: load, lint, test and publish articles and decision trees.

The public API every adapter (CLI, mkdocs plugin, MCP server, tests) goes through.
"""

from __future__ import annotations

from kb.casetest import CaseReport, run_cases
from kb.config import ConfigError, KbConfig
from kb.export import build_bundle, build_exports
from kb.lint import Diagnostic, LintResult, Severity, lint
from kb.loader import LoadResult, load, load_config
from kb.model import KnowledgeBase
from kb.walk import Walk, walk

__all__ = [
    "CaseReport",
    "ConfigError",
    "Diagnostic",
    "KbConfig",
    "KnowledgeBase",
    "LintResult",
    "LoadResult",
    "Severity",
    "Walk",
    "build_bundle",
    "build_exports",
    "lint",
    "load",
    "load_config",
    "run_cases",
    "walk",
]
