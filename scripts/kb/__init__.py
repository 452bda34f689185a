"""Payments Support Knowledge Base: load, lint, test and publish articles and decision trees.

The public API every adapter (CLI, mkdocs plugin, MCP server, tests) goes through.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kb.config import ConfigError, KbConfig
from kb.diagnostics import Diagnostic, Severity
from kb.lint import LintResult, lint_kb
from kb.model import KnowledgeBase

# `kb.walk` names both a module and the function exported here: it is bound now, so that
# importing the module later cannot shadow the function
from kb.walk import Walk, walk

if TYPE_CHECKING:
    from kb.casetest import CaseReport, run_cases
    from kb.export import build_bundle, build_exports
    from kb.loader import LoadResult, load, load_config

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
    "lint_kb",
    "load",
    "load_config",
    "run_cases",
    "walk",
]

#: the module of each name imported on first use (a command pays only for what it runs)
_LAZY = {
    "CaseReport": "kb.casetest",
    "run_cases": "kb.casetest",
    "build_bundle": "kb.export",
    "build_exports": "kb.export",
    "LoadResult": "kb.loader",
    "load": "kb.loader",
    "load_config": "kb.loader",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
