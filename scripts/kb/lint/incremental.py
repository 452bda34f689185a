"""Lint with the content cache: local rules' findings kept per file, every other rule re-run.

The findings of the rules registered `local=True` are stored per content file under the sha256
of its bytes (see `kb.loader.cache`; the table's key adds the code, the config and the judged-on
day). On the next lint only the files without an entry, the changed and the new ones, are
checked by those rules, on a knowledge base of just those files; the rules that look across
files run on the whole knowledge base every time. The result equals an uncached lint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kb.lint.problem import Diagnostic
from kb.lint.registry import Rule
from kb.lint.runner import LintContext, run_rules
from kb.loader import config_key, store
from kb.loader.cache import Table, table_key
from kb.loader.pool import PARALLEL_MIN, available_processes, chunked, run_chunks
from kb.model import KnowledgeBase


def run_rules_cached(ctx: LintContext, rules: Sequence[Rule],
                     digests: Mapping[str, str]) -> list[Diagnostic] | None:
    """Every finding of `rules`, like `run_rules`; None when the cache cannot serve this
    knowledge base (then lint without it)."""
    kb = ctx.kb
    key = config_key(kb.config)
    if key is None or any(path not in digests for path in kb.files):
        return None
    table = Table(kb.config.root, "lint", table_key(key, ctx.today.isoformat()))
    found: list[Diagnostic] = []
    unchecked: list[str] = []
    for path in kb.files:
        cached = _entry(table.get(path, digests[path]))
        if cached is None:
            unchecked.append(path)
        else:
            found.extend(cached)
    if unchecked:
        fresh = _run_local(ctx, [r for r in rules if r.local], unchecked)
        found.extend(fresh)
        by_path: dict[str, list[Diagnostic]] = {path: [] for path in unchecked}
        for d in fresh:
            if d.path not in by_path:  # a local rule reported on another file: keep nothing
                by_path.clear()
                break
            by_path[d.path].append(d)
        for path, diagnostics in by_path.items():
            table.put(path, digests[path], store.dumps(tuple(diagnostics)))
    found.extend(run_rules(ctx, [r for r in rules if not r.local]))
    table.save(keep=kb.files.keys())
    return found


def _entry(blob: bytes | None) -> tuple[Diagnostic, ...] | None:
    if blob is None:
        return None
    try:
        value = store.loads(blob)
    except store.StoreError:
        return None
    if not isinstance(value, tuple) or not all(isinstance(d, Diagnostic) for d in value):
        return None
    return value


def _run_local(ctx: LintContext, rules: Sequence[Rule], paths: list[str]) -> list[Diagnostic]:
    """The findings of local `rules` in the files at `paths`, each file checked on a knowledge
    base of a few files; many files are shared out between processes."""
    kb = ctx.kb
    part_of = _Parts(kb)
    processes = available_processes() if len(paths) > PARALLEL_MIN else 1
    bounds = chunked(len(paths)) if processes > 1 else [(0, len(paths))]

    def check(index: int, in_worker: bool) -> list[Diagnostic]:
        start, end = bounds[index]
        chunk = paths[start:end]
        ambiguous = {p: ctx.ambiguous[p] for p in chunk if p in ctx.ambiguous}
        return run_rules(LintContext(part_of(chunk), ctx.today, ambiguous), rules)

    return [d for found in run_chunks(len(bounds), check, processes) for d in found]


class _Parts:
    """Knowledge bases of a few files of `kb` each (what local rules need to see)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.case_sets = {c.path: c for c in kb.case_sets}
        self.section_pages = {s.path: s for s in kb.section_pages}

    def __call__(self, paths: Sequence[str]) -> KnowledgeBase:
        """The knowledge base of the files at `paths` (in the order of `kb.files`) alone."""
        kb = self.kb
        part = KnowledgeBase(config=kb.config)
        for path in paths:
            part.files[path] = kb.files[path]
            if (article := kb.articles_by_path.get(path)) is not None:
                part.articles_by_path[path] = article
                part.articles.setdefault(article.id, article)
            elif (tree := kb.trees_by_path.get(path)) is not None:
                part.trees_by_path[path] = tree
                part.trees.setdefault(tree.id, tree)
            elif (case_set := self.case_sets.get(path)) is not None:
                part.case_sets.append(case_set)
            elif (page := self.section_pages.get(path)) is not None:
                part.section_pages.append(page)
        return part
