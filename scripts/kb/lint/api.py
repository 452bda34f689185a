"""`lint_kb`: the linter's entry point, with the content cache of findings or without it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from kb.diagnostics import Diagnostic
from kb.lint.registry import Rule
from kb.lint.runner import LintResult, lint_uncached, result_of
from kb.model import KnowledgeBase, Pos


def lint_kb(kb: KnowledgeBase, load_problems: Iterable[Diagnostic] = (),
            ambiguous: Mapping[str, tuple[tuple[Pos, str], ...]] | None = None,
            only: Collection[str] | None = None, rules: Iterable[Rule] | None = None, *,
            digests: Mapping[str, str] | None = None) -> LintResult:
    """Lint the whole KB; `only` keeps the diagnostics of those paths (references still resolve
    against everything).

    `digests` (a cached load's `LoadResult.digests`, passed with that load's `problems` and
    `ambiguous`) turns on the content cache of findings (`kb.lint.incremental`); the result is
    the same with it or without it.
    """
    load_problems = list(load_problems)
    if digests and rules is None:
        from kb.lint.incremental import lint_loaded  # the cache needs the loader

        found = lint_loaded(kb, load_problems, ambiguous or {}, digests)
        if found is not None:
            return result_of([*load_problems, *found], len(kb.files), only)
    return lint_uncached(kb, load_problems, ambiguous, only, rules)
