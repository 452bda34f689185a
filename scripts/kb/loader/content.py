"""The content files of a knowledge base: found, read and hashed once, parsed when asked for.

`load` parses every file; `kb lint` asks only for the files the lint cache has no result for
(see `kb.lint.incremental`). Either way a file is parsed at most once per run, taken from the
content cache instead where its bytes are unchanged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.config import KbConfig
from kb.diagnostics import Diagnostic
from kb.loader import store
from kb.loader.cache import Table, digest, table_key
from kb.loader.files import decode_text, read_bytes
from kb.loader.inputs import confinement_problems, is_allowed_symlink
from kb.loader.parse import FileResult, Item
from kb.loader.pool import PARALLEL_MIN, available_processes, parse_all
from kb.model import (
    Article,
    CaseSet,
    KnowledgeBase,
    PolicySet,
    Pos,
    SectionPage,
    SourceFile,
    Tree,
)


@dataclass(slots=True)
class LoadResult:
    kb: KnowledgeBase
    #: KB0xx problems: files that could not be read at all
    problems: list[Diagnostic] = field(default_factory=list)
    #: plain yes/no/on/off scalars kept as strings, per file
    ambiguous: dict[str, tuple[tuple[Pos, str], ...]] = field(default_factory=dict)
    #: sha256 of the bytes of every content file read as text, by path, when loaded with the
    #: cache (lint then keeps its per-file findings there too); empty otherwise
    digests: dict[str, str] = field(default_factory=dict)


def content_files(config: KbConfig) -> list[str]:
    """The repo-relative path of every content file, in load order: the articles (`*.md` at
    any depth of docs/), then the trees and cases (`*.yaml` in the trees folder), each sorted
    by their path's parts. Symbolic links to folders are not followed, and a symbolic link is
    read only when it is allowed (see `kb.loader.inputs`; the others are KB011 findings)."""
    root = config.root
    prefix = str(root) + "/"
    docs = [_relative(root, prefix, path) for path in _walk(str(root / config.docs_dir), ".md")]
    trees = [_relative(root, prefix, path) for path in _names(str(root / config.trees_dir),
                                                                ".yaml")]
    return [rel for rel in [*sorted(docs, key=_parts), *sorted(trees, key=_parts)]
            if not os.path.islink(prefix + rel)
            or is_allowed_symlink(config, root / rel, rel)]


def _parts(rel: str) -> str:
    """A key that sorts paths as `Path` objects sort (by their parts): NUL, which no name
    holds, sorts before every character that may follow a part."""
    return rel.replace("/", "\0")


def content_paths(config: KbConfig) -> list[Path]:
    """Every content file, in load order (see `content_files`)."""
    return [config.root / rel for rel in content_files(config)]


def _relative(root: Path, prefix: str, path: str) -> str:
    if path.startswith(prefix):  # POSIX paths: `rel` by slicing, not by pathlib
        return path[len(prefix):]
    return Path(path).relative_to(root).as_posix()


def _walk(top: str, suffix: str) -> Iterator[str]:
    """Every entry under `top` whose name ends with `suffix` (files, and folders too, as
    `Path.rglob` finds them), without descending into symbolic links to folders."""
    for folder, folders, files in os.walk(top):
        for name in (*folders, *files):
            if name.endswith(suffix):
                yield f"{folder}/{name}"


def _names(top: str, suffix: str) -> Iterator[str]:
    """The entries directly in `top` whose name ends with `suffix`."""
    with contextlib.suppress(OSError), os.scandir(top) as entries:
        yield from (f"{top}/{e.name}" for e in list(entries) if e.name.endswith(suffix))


def config_key(config: KbConfig) -> str | None:
    """What a cached result of this config depends on besides the code: the bytes of mkdocs.yml
    and the options as read (without the judged-on day); None when mkdocs.yml is unreadable."""
    try:
        raw = (config.root / "mkdocs.yml").read_bytes()
    except OSError:
        return None
    return table_key(raw, repr(dataclasses.replace(config, today=None)))


@dataclass(slots=True)
class _Slot:
    """One content file on its way into the knowledge base."""

    rel: str
    text: str | None
    problems: list[Diagnostic]
    sha: str = ""
    parsed: FileResult | None = None


class ContentFiles:
    """Every content file, read once: its text and (with the cache) the sha256 of its bytes.

    A file is parsed only when asked for (`parse`, `result`), taken from the content cache in
    `.kb-cache/` where its bytes are unchanged; `save` keeps what was parsed there.
    """

    def __init__(self, config: KbConfig, *, cache: bool = False) -> None:
        self.config = config
        key = config_key(config) if cache else None
        self._table = Table(config.root, "load", key) if key is not None else None
        prefix = str(config.root) + "/"
        hashed = self._table is not None
        self._slots = [_read(config, prefix + rel, rel, hashed) for rel in content_files(config)]
        self._readable = {slot.rel: slot for slot in self._slots if slot.text is not None}
        self._confinement = confinement_problems(config)

    @property
    def cached(self) -> bool:
        """Whether the content cache is in use (then every readable file has a digest)."""
        return self._table is not None

    @property
    def paths(self) -> list[str]:
        """Every content file read as text, in load order."""
        return list(self._readable)

    @property
    def digests(self) -> dict[str, str]:
        """The sha256 of every file read as text, by path (empty without the cache)."""
        return {rel: slot.sha for rel, slot in self._readable.items() if slot.sha}

    def unreadable(self) -> list[Diagnostic]:
        """What keeps the files that are not read as text out (KB001, KB002, KB008), and the
        files that must not be under the content folders at all (KB011, KB012)."""
        return [*self._confinement,
                *(p for slot in self._slots if slot.text is None for p in slot.problems)]

    def text(self, rel: str) -> str:
        return self._readable[rel].text or ""

    def parse(self, paths: Iterable[str] | None = None, workers: int | None = None) -> None:
        """Parse the files at `paths` (every file when None) that are not parsed yet, on every
        core when there are many. `workers` caps the processes (1: this process only)."""
        slots = self._readable.values() if paths is None else (self._readable[p] for p in paths)
        todo: list[_Slot] = []
        for slot in slots:
            if slot.parsed is not None:
                continue
            blob = self._table.get(slot.rel, slot.sha) if self._table is not None else None
            if blob is not None:
                with contextlib.suppress(store.StoreError):
                    slot.parsed = _checked(store.loads(blob))
            if slot.parsed is None:
                todo.append(slot)
        if workers is None:
            workers = available_processes() if len(todo) > PARALLEL_MIN else 1
        parsed = parse_all([(slot.rel, slot.text or "") for slot in todo], workers)
        for slot, (result, blob) in zip(todo, parsed, strict=True):
            slot.parsed = result
            if self._table is not None:
                self._table.put(slot.rel, slot.sha, blob if blob is not None
                                else store.dumps(result))

    def result(self, rel: str) -> FileResult:
        """What the file at `rel` holds (parsed now if it was not)."""
        slot = self._readable[rel]
        if slot.parsed is None:
            self.parse([rel], workers=1)
        assert slot.parsed is not None
        return slot.parsed

    def assemble(self) -> LoadResult:
        """The knowledge base of every file (each parsed now if it was not)."""
        self.parse()
        kb = KnowledgeBase(config=self.config)
        result = LoadResult(kb, problems=list(self._confinement))
        files: list[tuple[SourceFile, Item | None]] = []
        for slot in self._slots:
            result.problems.extend(slot.problems)
            if slot.text is None or slot.parsed is None:
                continue
            rel = slot.rel
            files.append((SourceFile(rel, slot.text), slot.parsed.item))
            if slot.sha:
                result.digests[rel] = slot.sha
            result.problems.extend(slot.parsed.problems)
            if slot.parsed.ambiguous:
                result.ambiguous[rel] = slot.parsed.ambiguous
        fill(kb, files)
        return result

    def save(self) -> None:
        """Keep the files parsed in this run in the content cache (a no-op without it)."""
        if self._table is not None:
            self._table.save(keep={slot.rel for slot in self._slots})


def fill(kb: KnowledgeBase, files: Iterable[tuple[SourceFile, Item | None]]) -> None:
    """Add the files and what they hold to `kb`, in order, and index them by id (the first of
    duplicate ids wins here; the linter reports the rest)."""
    for source, item in files:
        rel = source.path
        kb.files[rel] = source
        if isinstance(item, Article):
            kb.articles_by_path[rel] = item
        elif isinstance(item, Tree):
            kb.trees_by_path[rel] = item
        elif isinstance(item, CaseSet):
            kb.case_sets.append(item)
        elif isinstance(item, SectionPage):
            kb.section_pages.append(item)
        elif isinstance(item, PolicySet):
            kb.policy_set = item
    for article in kb.all_articles():
        kb.articles.setdefault(article.id, article)
    for tree in kb.all_trees():
        kb.trees.setdefault(tree.id, tree)


def _read(config: KbConfig, full: str, rel: str, hashed: bool) -> _Slot:
    raw, problems = read_bytes(full, rel, config.max_file_bytes)
    if raw is None:
        return _Slot(rel, None, problems)
    text, problems = decode_text(raw, rel)
    return _Slot(rel, text, problems, digest(raw) if hashed and text is not None else "")


def _checked(value: object) -> FileResult:
    if not isinstance(value, FileResult):
        raise store.StoreError("not a parse result")
    return value

