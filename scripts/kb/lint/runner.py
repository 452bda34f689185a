"""Running the registered rules over a loaded knowledge base."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kb.diagnostics import Diagnostic, Finding, Severity
from kb.lint.registry import Rule, all_rules
from kb.model import Article, CaseSet, KnowledgeBase, Pos, SourceFile, Tree


class RuleCrashed(Exception):
    """A rule raised: a bug in the rule, never the author's fault."""


@dataclass(frozen=True, slots=True)
class LintContext:
    """What every rule may read besides the item it checks."""

    kb: KnowledgeBase
    today: dt.date
    #: plain yes/no/on/off scalars the loader kept as strings, per file
    ambiguous: Mapping[str, tuple[tuple[Pos, str], ...]] = field(default_factory=dict)
    #: results several rules share (e.g. schema validation), computed once per run
    memo: dict[object, object] = field(default_factory=dict)
    #: files outside the content that rules looked for (`is_file`), and whether they are there
    looked_up: dict[str, bool] = field(default_factory=dict)

    def is_file(self, rel: str) -> bool:
        """Whether the repo-relative `rel` is a file on disk. Rules ask here, not the file
        system: the content cache checks again what they looked up."""
        found = self.looked_up.get(rel)
        if found is None:
            found = self.looked_up[rel] = is_file(self.kb.config.root, rel)
        return found


def is_file(root: Path, rel: str) -> bool:
    return (root / rel).is_file()


@dataclass(slots=True)
class LintResult:
    diagnostics: list[Diagnostic]
    files: int

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def run_rules(ctx: LintContext, rules: Iterable[Rule] | None = None,
              paths: Collection[str] | None = None) -> list[Diagnostic]:
    """Every finding of every rule, stamped with code and severity. With `paths`, the rules
    that check one article, tree, case file or file at a time check only those at `paths`
    (the others still find in every file)."""
    kb = ctx.kb
    out: list[Diagnostic] = []
    for r in rules if rules is not None else all_rules():
        if r.check is None:
            continue
        items: Iterable[Article | Tree | CaseSet | SourceFile | None]
        if r.scope == "article":
            items = kb.all_articles()
        elif r.scope == "tree":
            items = kb.all_trees()
        elif r.scope == "cases":
            items = kb.case_sets
        elif r.scope == "file":
            items = kb.files.values()
        else:
            items = [None]
        if paths is not None and r.scope != "kb":
            items = [item for item in items if item is not None and item.path in paths]
        try:
            for item in items:
                found = r.check(ctx) if r.scope == "kb" else r.check(item, ctx)
                out.extend(_stamp(r, f) for f in found)
        except Exception as exc:
            raise RuleCrashed(f"rule {r.code} ({r.name}) failed: {exc!r}") from exc
    return out


def _stamp(r: Rule, f: Finding) -> Diagnostic:
    return Diagnostic(f.path, f.line, f.col, r.code, f.message, r.severity, f.hint)


def lint_uncached(kb: KnowledgeBase, load_problems: Iterable[Diagnostic] = (),
                  ambiguous: Mapping[str, tuple[tuple[Pos, str], ...]] | None = None,
                  only: Collection[str] | None = None,
                  rules: Iterable[Rule] | None = None) -> LintResult:
    """Run `rules` (default: all) over the whole KB; `only` keeps the diagnostics of those
    paths (references still resolve against everything)."""
    load_problems = list(load_problems)
    found = run_rules(LintContext(kb, kb.config.judged_on(), ambiguous or {}), rules)
    return result_of([*load_problems, *found], len(kb.files), only)


def result_of(diagnostics: Iterable[Diagnostic], files: int,
              only: Collection[str] | None = None) -> LintResult:
    """The result of a lint of `files` files that found `diagnostics`; `only` keeps those of
    the files at those paths."""
    if only is not None:
        keep = set(only)
        diagnostics = [d for d in diagnostics if d.path in keep]
        files = len(keep)
    return LintResult(sorted(set(diagnostics)), files)
