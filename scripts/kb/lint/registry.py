"""The rule registry. A rule is a function with a code, a name, a scope and a documented rationale.

Each rule module under `kb.lint.rules` registers its rules with `@rule(...)` at import; adding a
rule is adding a function (and its fixture), nothing else changes. Rules yield `Finding`s; the
runner decides severity, output and exit code.

A rule registered with `local=True` promises that what it finds in a file depends on nothing but
that file, the config and the judged-on day: never on another file. The runner then keeps its
findings per file in the content cache and re-runs it only on changed files. Every other rule
looks across the knowledge base, and promises that what it finds in a file depends on nothing
of the other files but their outlines (`kb.lint.outline`): a changed file is then checked among
stand-ins of the others, and a rule that comes to read more of them must add it to the outline.
A rule over the whole knowledge base (scope `kb`) may also name the only kinds of file it reads
and reports in (`reads`): when no file of those kinds changed, appeared or went, what it found
is what it found before, and it does not run.
tests/lint/test_cache.py checks these promises for every rule on every fixture.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from kb.diagnostics import Finding, Severity

Scope = Literal["load", "article", "tree", "cases", "file", "kb"]
#: the kinds of content file a rule over the whole knowledge base may read alone
FileKind = Literal["article", "tree", "cases"]
Check = Callable[..., Iterable[Finding]]

#: the headings every rule docstring carries, in this order (Options is optional)
DOC_HEADINGS = ("What it checks", "Why it matters", "Bad", "Good")
_HEADING = re.compile(r"^([A-Z][a-z]+(?: [a-z]+)*):\s*$")

FAMILIES = {
    "KB0": "Loading",
    "KB1": "Metadata",
    "KB2": "Links and references",
    "KB3": "Decision trees",
    "KB4": "Labeled cases",
    "KB5": "Freshness and quality",
    "KB6": "Safety and privacy",
    "KB7": "Safety policies",
    "KB8": "Translations and placeholders",
}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: Scope
    check: Check | None
    doc: str
    #: findings in a file depend only on that file (with the config and the day)
    local: bool = False
    #: a `kb` rule reads, and reports in, only files of these kinds (None: any file)
    reads: tuple[FileKind, ...] | None = None

    @property
    def family(self) -> str:
        return FAMILIES.get(self.code[:3], "Other")

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    def sections(self) -> dict[str, str]:
        """The docstring split at its headings: {'What it checks': ..., 'Bad': ..., ...}."""
        found: dict[str, list[str]] = {}
        current: list[str] | None = None
        for line in inspect.cleandoc(self.doc).splitlines()[1:]:
            m = _HEADING.match(line)
            if m:
                current = found.setdefault(m.group(1), [])
                continue
            if current is not None:
                current.append(line)
        return {k: inspect.cleandoc("\n".join(v)) for k, v in found.items()}


_REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, *, scope: Scope, severity: Severity = Severity.ERROR,
         local: bool = False,
         reads: tuple[FileKind, ...] | None = None) -> Callable[[Check], Check]:
    """Register the decorated function as rule `code`; its docstring is the rule's documentation.
    `local`: the rule reads nothing of a file but the file itself; `reads`: the only kinds of
    file a `kb` rule reads and reports in (see the module docstring)."""
    if reads is not None and scope != "kb":
        raise ValueError(f"rule {code}: only a `kb` rule names the files it reads")

    def register(check: Check) -> Check:
        _add(Rule(code, name, severity, scope, check, check.__doc__ or "", local, reads))
        return check

    return register


def declare(code: str, name: str, doc: str, severity: Severity = Severity.ERROR) -> None:
    """Register a rule that the loader enforces (scope `load`): documented here, checked there."""
    _add(Rule(code, name, severity, "load", None, doc))


def _add(new: Rule) -> None:
    if new.code in _REGISTRY and _REGISTRY[new.code].check is not new.check:
        raise RuntimeError(f"rule code {new.code} registered twice")
    _REGISTRY[new.code] = new


def all_rules() -> list[Rule]:
    """Every rule, sorted by code. Imports every module of `kb.lint.rules` once."""
    package = importlib.import_module("kb.lint.rules")  # by name: `kb.lint` is also a function
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def get(code: str) -> Rule:
    all_rules()
    return _REGISTRY[code]
