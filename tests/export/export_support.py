"""Shared helpers for the export tests: the golden fixture KB, builds and the schema validator."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from kb.buildinfo import BuildInfo, site_info
from kb.export import build_exports, bundle_schema
from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages.bundle_format import bundle_format_markdown
from kbtest import FIXTURES, REPO

GOLDEN = FIXTURES / "golden"
#: a small knowledge base with one item of every kind, restricted and draft ones included
GOLDEN_KB = GOLDEN / "kb"

#: the restricted and draft items of GOLDEN_KB, and words that appear only in them
HIDDEN_IDS = ("refund-fraud-signals", "refund-instant-draft", "refund-fraud-ring",
              "refund-instant-tree")
HIDDEN_WORDS = ("heron pattern", "zephyr", "osprey ledger", "fraud-signals.md",
                "instant-draft", "Freeze the mule account", "Refund fraud ring")

FIXED_TIME = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def load_kb(root: Path) -> KnowledgeBase:
    return load(load_config(root)).kb


def fixed_build(root: Path, commit: str = "") -> BuildInfo:
    """A BuildInfo that does not depend on git or the environment (for golden files)."""
    return BuildInfo(commit=commit, time=FIXED_TIME, time_source="SOURCE_DATE_EPOCH",
                     site=site_info(root))


def exports_of(root: Path, build: BuildInfo | None = None) -> dict[str, bytes]:
    return build_exports(load_kb(root), build or fixed_build(root))


def bundle_of(files: dict[str, bytes]) -> dict[str, Any]:
    bundle: dict[str, Any] = json.loads(files["kb-bundle.json"])
    return bundle


def validator() -> Draft202012Validator:
    schema = json.loads(bundle_schema())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(bundle: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator().iter_errors(bundle)]


def python_blocks(markdown: str) -> list[str]:
    """The code of every ```python fenced block, in order."""
    return re.findall(r"^```python\n(.*?)^```$", markdown, flags=re.DOTALL | re.MULTILINE)


def page_walk_code() -> str:
    """The walk example exactly as the bundle format page shows it (its longest Python block)."""
    return max(python_blocks(bundle_format_markdown()), key=len)


def page_walker() -> dict[str, Any]:
    """The names the page's walk example defines, by executing the code the page shows."""
    namespace: dict[str, Any] = {"__name__": "walk_bundle"}
    exec(compile(page_walk_code(), "walk_bundle.py", "exec"), namespace)
    return namespace


__all__ = ["GOLDEN", "GOLDEN_KB", "HIDDEN_IDS", "HIDDEN_WORDS", "REPO", "bundle_of",
           "exports_of", "fixed_build", "load_kb", "page_walk_code", "page_walker",
           "python_blocks", "schema_errors", "validator"]
