"""Lint with the content cache: what was found in each file, kept under the sha256 of its bytes.

For every content file the cache keeps the problems its parse found, the findings of the local
rules in it, the findings of the other (cross-file) rules in it, and its outline: what the
cross-file rules read of it while reporting on other files (see `kb.lint.outline`). The key of
the whole adds the code, the config and the judged-on day; beside the entries it keeps a digest
of what the files show each other (every outline, in order) and of what the rules looked up on
disk outside the content.

A file whose bytes changed, and a new file, is parsed and checked by the local rules. If that
digest is unchanged (the edit left every outline as it was, as most edits of an article's text
do), the cross-file findings in the other files are still what they were, and the changed files
are checked by those rules among stand-ins of the others built from their outlines: no other
file is parsed or loaded. Otherwise the cross-file rules run on the whole knowledge base.
Either way a rule that reads only kinds of file none of which changed, appeared or went (its
`reads`) does not run: its findings are those kept. The result equals an uncached lint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from kb.config import KbConfig
from kb.diagnostics import Diagnostic
from kb.lint.outline import (
    Outline,
    StandIns,
    cases_tree,
    is_policies,
    kind_of,
    mark,
    outline,
    tree_id,
    valid,
)
from kb.lint.registry import Rule, all_rules
from kb.lint.runner import LintContext, LintResult, is_file, lint_uncached, result_of, run_rules
from kb.loader import ContentFiles, config_key, gc_paused
from kb.loader.cache import read_value, table_key, write_value
from kb.loader.content import fill
from kb.loader.parse import Item
from kb.loader.pool import PARALLEL_MIN, available_processes, chunked, run_chunks
from kb.model import KnowledgeBase, Pos, SourceFile

Ambiguous = Mapping[str, tuple[tuple[Pos, str], ...]]

#: the names of the cache files: what changes with every edit, and the outlines (which most
#: edits leave as they were, and which are then not written again)
CACHE_NAME, OUTLINES_NAME = "lint", "lint-outlines"


def lint_content(config: KbConfig, only: Collection[str] | None = None, *,
                 freeze: bool = False) -> LintResult:
    """Lint the knowledge base at `config.root` with the content cache, parsing only what it
    cannot answer for; the same result as `lint_kb(load(config))`. `only` and `freeze` are as
    for `lint_kb` and `load`."""
    with gc_paused(freeze):
        content = ContentFiles(config, cache=True)
        found = _cached(ReadFiles(content), config.judged_on(), all_rules()) \
            if content.cached else None
        if found is None:
            loaded = content.assemble()
            result = lint_uncached(loaded.kb, loaded.problems, loaded.ambiguous, only=only)
        else:
            problems, findings = found
            result = result_of([*content.unreadable(), *problems, *findings],
                               len(content.paths), only)
        content.save()
        return result


def lint_loaded(kb: KnowledgeBase, load_problems: Sequence[Diagnostic], ambiguous: Ambiguous,
                digests: Mapping[str, str]) -> list[Diagnostic] | None:
    """Every finding of every rule in a knowledge base loaded with the cache, from the cache
    where it can answer; None when it cannot serve this knowledge base (lint without it).
    `load_problems`, `ambiguous` and `digests` are those of the same load."""
    if any(path not in digests for path in kb.files):
        return None
    found = _cached(LoadedFiles(kb, load_problems, ambiguous, digests),
                    kb.config.judged_on(), all_rules())
    return None if found is None else found[1]


# --- the files to lint ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LintedFile:
    """One file as the rules see it."""

    source: SourceFile
    item: Item | None
    #: what its parse found (KB0xx)
    problems: tuple[Diagnostic, ...]
    ambiguous: tuple[tuple[Pos, str], ...]


class Files(Protocol):
    """The content files being linted: all read and hashed, not necessarily loaded."""

    @property
    def config(self) -> KbConfig: ...

    @property
    def paths(self) -> list[str]:
        """Every file read as text, in load order."""

    @property
    def digests(self) -> Mapping[str, str]: ...

    def parsed(self, paths: Sequence[str]) -> dict[str, LintedFile]:
        """The files at `paths`, each as the rules see it."""

    def whole(self) -> tuple[KnowledgeBase, Ambiguous]:
        """The knowledge base of every file."""


class ReadFiles:
    """Files read by `ContentFiles`: parsed (or taken from the cache) only when asked for."""

    def __init__(self, content: ContentFiles) -> None:
        self.content = content
        self.config = content.config
        self.paths = content.paths
        self.digests = content.digests

    def parsed(self, paths: Sequence[str]) -> dict[str, LintedFile]:
        content = self.content
        content.parse(paths)
        found: dict[str, LintedFile] = {}
        for path in paths:
            result = content.result(path)
            found[path] = LintedFile(SourceFile(path, content.text(path)), result.item,
                                 result.problems, result.ambiguous)
        return found

    def whole(self) -> tuple[KnowledgeBase, Ambiguous]:
        loaded = self.content.assemble()
        return loaded.kb, loaded.ambiguous


class LoadedFiles:
    """The files of a knowledge base already loaded."""

    def __init__(self, kb: KnowledgeBase, problems: Sequence[Diagnostic],
                 ambiguous: Ambiguous, digests: Mapping[str, str]) -> None:
        self.kb = kb
        self.config = kb.config
        self.paths = list(kb.files)
        self.digests = digests
        self.ambiguous = ambiguous
        self.problems: dict[str, list[Diagnostic]] = {}
        for d in problems:
            self.problems.setdefault(d.path, []).append(d)

    def parsed(self, paths: Sequence[str]) -> dict[str, LintedFile]:
        kb = self.kb
        items: dict[str, Item] = {**kb.articles_by_path, **kb.trees_by_path,
                                  **{c.path: c for c in kb.case_sets},
                                  **{s.path: s for s in kb.section_pages}}
        if kb.policy_set is not None:
            items[kb.policy_set.path] = kb.policy_set
        return {path: LintedFile(kb.files[path], items.get(path),
                             tuple(self.problems.get(path, ())),
                             self.ambiguous.get(path, ())) for path in paths}

    def whole(self) -> tuple[KnowledgeBase, Ambiguous]:
        return self.kb, self.ambiguous


# --- what the cache keeps ---------------------------------------------------------------------


class _Entry(NamedTuple):
    """What the cache keeps of one file (a tuple: thousands are read back on every lint)."""

    sha: str
    problems: tuple[Diagnostic, ...]
    #: None when the local rules reported in another file too (then never taken from here)
    local: tuple[Diagnostic, ...] | None
    cross: tuple[Diagnostic, ...]
    outline: Outline
    mark: bytes


#: the findings of a file with none
_NOTHING: tuple[tuple[Diagnostic, ...], tuple[Diagnostic, ...] | None, tuple[Diagnostic, ...]] = \
    ((), (), ())


@dataclass(slots=True)
class _State:
    #: a digest of what the files show each other (every outline, in order) and of
    #: `looked_up`; None: the cross-file rules look at everything next time
    shown: bytes | None
    #: the files outside the content that the rules looked up, and whether they were there
    looked_up: dict[str, bool]
    entries: dict[str, _Entry]

    def outlines_digest(self) -> bytes:
        """A digest of the paths and outlines, in order (what ties the two files together)."""
        return hashlib.sha256(b"".join(e.mark for e in self.entries.values())).digest()


def _read_state(config: KbConfig, key: str) -> _State:
    """What the cache holds under `key`; an empty state for anything else."""
    empty = _State(None, {}, {})
    kept = read_value(config.root, CACHE_NAME, key)
    kept_outlines = read_value(config.root, OUTLINES_NAME, key)
    if not isinstance(kept, tuple) or len(kept) != 5 or not isinstance(kept_outlines, tuple) \
            or len(kept_outlines) != 4 or kept[0] != kept_outlines[0]:
        return empty
    _, shown, looked_up, shas, findings = kept
    _, paths, marks, outlines = kept_outlines
    if not (shown is None or isinstance(shown, bytes)) or not isinstance(looked_up, dict) \
            or not all(isinstance(k, str) and isinstance(v, bool) for k, v in looked_up.items()):
        return empty
    if not (_all(paths, str) and _all(shas, str) and _all(marks, bytes)
            and isinstance(outlines, tuple) and all(valid(o) for o in outlines)
            and len(paths) == len(shas) == len(marks) == len(outlines)
            and isinstance(findings, dict) and all(_findings(f) for f in findings.values())):
        return empty
    entries: dict[str, _Entry] = {}
    for path, sha, digest, shape in zip(paths, shas, marks, outlines, strict=True):
        problems, local, cross = findings.get(path, _NOTHING)
        entries[path] = _Entry(sha, problems, local, cross, shape, digest)
    return _State(shown, looked_up, entries)


def _write_state(config: KbConfig, key: str, state: _State, before: _State) -> None:
    """Keep `state` (`before` is what was read): a column per field, the findings only of
    files with any (fewer, plainer objects to read back); the outlines only when they differ
    from those kept."""
    entries = state.entries
    tie = state.outlines_digest()
    if tie != before.outlines_digest() or not before.entries:
        write_value(config.root, OUTLINES_NAME, key,
                    (tie, tuple(entries), tuple(e.mark for e in entries.values()),
                     tuple(e.outline for e in entries.values())))
    write_value(config.root, CACHE_NAME, key,
                (tie, state.shown, state.looked_up, tuple(e.sha for e in entries.values()),
                 {path: found for path, e in entries.items()
                  if (found := (e.problems, e.local, e.cross)) != _NOTHING}))


def _all(value: object, kind: type) -> bool:
    return isinstance(value, tuple) and all(type(v) is kind for v in value)


def _findings(value: object) -> bool:
    """Whether `value` is (parse problems, local findings or None, cross-file findings)."""
    if not isinstance(value, tuple) or len(value) != 3:
        return False
    problems, local, cross = value
    return _all(problems, Diagnostic) and _all(cross, Diagnostic) \
        and (local is None or _all(local, Diagnostic))


def _shown(marks: Iterable[bytes], looked_up: Mapping[str, bool]) -> bytes:
    h = hashlib.sha256(b"".join(marks))
    h.update(repr(sorted(looked_up.items())).encode())
    return h.digest()


# --- the cached lint --------------------------------------------------------------------------


def _cached(files: Files, today: dt.date,
            rules: Sequence[Rule]) -> tuple[list[Diagnostic], list[Diagnostic]] | None:
    """(what parsing found, what the rules found) in every file; None when there is no cache
    for this config."""
    config = files.config
    base = config_key(config)
    if base is None:
        return None
    key = table_key(base, today.isoformat())
    state = _read_state(config, key)
    order, digests, entries = files.paths, files.digests, state.entries
    changed = [path for path in order if not _fresh(entries.get(path), digests[path])]
    parsed = files.parsed(changed)

    local = _run_local(config, today, [r for r in rules if r.local], parsed, changed)
    local_by_path = _by_path(local, parsed)
    # a local rule that reported in another file broke its promise: keep none of its findings
    keep_local = all(d.path in parsed for d in local)

    outlines = {path: outline(parsed[path].item, digests[path]) for path in changed}
    marks = {path: mark(path, shape) for path, shape in outlines.items()}
    looked_up = {rel: is_file(config.root, rel) for rel in state.looked_up}
    shown = _shown((marks[p] if p in marks else entries[p].mark for p in order), looked_up)
    cross_rules = [r for r in rules if not r.local]
    # the rules that read no kind of file that changed, appeared or went find what they found
    touched = {kind_of(outlines[p]) for p in changed} | {
        kind_of(entries[p].outline) for p in entries if p not in digests or p in outlines}
    kept = {r.code for r in cross_rules if state.shown is not None and r.reads is not None
            and not touched & set(r.reads)}
    active = [r for r in cross_rules if r.code not in kept]
    checked: Collection[str]
    if state.shown is None or shown != state.shown:
        # what a file shows the others changed: the cross-file rules look at everything
        kb, ambiguous = files.whole()
        ctx = LintContext(kb, today, ambiguous)
        cross = run_rules(ctx, active) + [d for path in order if path not in parsed
                                          for d in entries[path].cross if d.code in kept]
        looked_up, checked = dict(ctx.looked_up), digests
    elif changed:
        ctx = among_stand_ins(files, parsed, lambda path: outlines[path] if path in outlines
                              else entries[path].outline, today)
        # what the rules find in the stand-ins is not what the files hold: left out
        cross = [d for d in run_rules(ctx, active, changed)
                 if d.path in parsed or d.path not in digests]
        looked_up.update(ctx.looked_up)
        checked = parsed
    else:
        cross, checked = [], ()
    cross_by_path = _by_path(cross, checked)
    # findings in no content file cannot be kept per file: the next lint looks at everything
    strays = [d for d in cross if d.path not in digests]

    new_entries: dict[str, _Entry] = {}
    for path in order:
        if path in parsed:
            new_entries[path] = _Entry(digests[path], parsed[path].problems,
                                       local_by_path.get(path, ()) if keep_local else None,
                                       cross_by_path.get(path, ()), outlines[path], marks[path])
        elif path in checked:
            new_entries[path] = entries[path]._replace(cross=cross_by_path.get(path, ()))
        else:
            new_entries[path] = entries[path]
    new_state = _State(None if strays else _shown((e.mark for e in new_entries.values()),
                                                  looked_up), looked_up, new_entries)
    if checked or new_state.shown != state.shown or looked_up != state.looked_up \
            or new_entries.keys() != entries.keys():
        _write_state(config, key, new_state, state)

    problems = [d for entry in new_entries.values() for d in entry.problems]
    found = [*local, *strays]
    for path, entry in new_entries.items():
        if path not in parsed:
            found.extend(entry.local or ())
        found.extend(entry.cross)
    return problems, found


def _fresh(entry: _Entry | None, sha: str) -> bool:
    return entry is not None and entry.sha == sha and entry.local is not None


def _by_path(found: Sequence[Diagnostic],
             paths: Collection[str]) -> dict[str, tuple[Diagnostic, ...]]:
    """The findings in each of the files at `paths` (those in other files are left out)."""
    grouped: dict[str, list[Diagnostic]] = {}
    for d in found:
        if d.path in paths:
            grouped.setdefault(d.path, []).append(d)
    return {path: tuple(ds) for path, ds in grouped.items()}


def among_stand_ins(files: Files, parsed: Mapping[str, LintedFile],
                    outline_of: Callable[[str], Outline], today: dt.date) -> LintContext:
    """A lint context for checking the files in `parsed` among stand-ins of all the other files
    (`outline_of(path)` gives their outlines). The tree a changed case file tests is loaded
    whole: its cases are checked against all of it; so is the safety policies file, and every
    tree when the policies file is checked (they are proven against each other). The cases of
    other case files matter only when a case file is checked."""
    order = files.paths
    wanted = {t for p in parsed if (t := cases_tree(outline_of(p))) is not None}
    trees: dict[str, str] = {}
    for path in order:
        if (tid := tree_id(outline_of(path))) is not None:
            trees.setdefault(tid, path)
    if any(is_policies(outline_of(p)) for p in parsed):
        wanted |= trees.keys()
    whole = dict(parsed)
    # the safety policies are small, and every tree is proven against all of them
    wanted_files = [p for p in order if p not in whole and is_policies(outline_of(p))]
    whole.update(files.parsed([trees[t] for t in sorted(wanted)
                               if t in trees and trees[t] not in whole] + wanted_files))
    stand_in = StandIns(cases=bool(wanted))
    kb = KnowledgeBase(config=files.config)
    fill(kb, ((whole[p].source, whole[p].item) if p in whole
              else (SourceFile(p, ""), stand_in(p, outline_of(p))) for p in order))
    return LintContext(kb, today, {path: p.ambiguous for path, p in parsed.items() if p.ambiguous})


# --- the local rules --------------------------------------------------------------------------


def _run_local(config: KbConfig, today: dt.date, rules: Sequence[Rule],
               parsed: Mapping[str, LintedFile], paths: list[str]) -> list[Diagnostic]:
    """The findings of local `rules` in the files at `paths`, each file checked on a knowledge
    base of a few files; many files are shared out between processes."""
    processes = available_processes() if len(paths) > PARALLEL_MIN else 1
    bounds = chunked(len(paths)) if processes > 1 else [(0, len(paths))]

    def check(index: int, in_worker: bool) -> list[Diagnostic]:
        start, end = bounds[index]
        chunk = [parsed[path] for path in paths[start:end]]
        kb = KnowledgeBase(config=config)
        fill(kb, ((p.source, p.item) for p in chunk))
        ambiguous = {p.source.path: p.ambiguous for p in chunk if p.ambiguous}
        return run_rules(LintContext(kb, today, ambiguous), rules)

    return [d for found in run_chunks(len(bounds), check, processes) for d in found]

