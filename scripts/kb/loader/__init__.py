"""The only code that reads content files: `load` turns a repository into a KnowledgeBase."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kb.config import KbConfig
from kb.lint.problem import Diagnostic
from kb.loader import store
from kb.loader.cache import Table, digest, table_key
from kb.loader.config_file import load_config
from kb.loader.files import decode_text, read_bytes
from kb.loader.parse import CASES_SUFFIX, FileResult
from kb.loader.pool import PARALLEL_MIN, available_processes, parse_all
from kb.model import Article, CaseSet, KnowledgeBase, Pos, SectionPage, SourceFile, Tree

__all__ = ["CASES_SUFFIX", "LoadResult", "load", "load_config"]


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


def content_paths(config: KbConfig) -> list[Path]:
    """Every content file, sorted: articles under docs/, trees and cases under the trees folder."""
    root = config.root
    docs = sorted((root / config.docs_dir).rglob("*.md"))
    trees = sorted((root / config.trees_dir).glob("*.yaml"))
    return [*docs, *trees]


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


def load(config: KbConfig, *, cache: bool = False, workers: int | None = None,
         freeze: bool = False) -> LoadResult:
    """Read and parse every content file once; never raises on bad content.

    With `cache`, parse results are kept in `.kb-cache/` at the root and reused for files whose
    bytes are unchanged (see `kb.loader.cache`). `workers` caps the processes that parse (None:
    every core, when there are enough files to make it pay; 1: this process only). `freeze` is
    for short-lived processes such as the CLI: the garbage collector then leaves everything
    loaded alone for good (`gc.freeze`) instead of scanning it (a long-running process that
    loads again and again, like `mkdocs serve`, must not freeze).
    """
    with _gc_paused(freeze):
        key = config_key(config) if cache else None
        table = Table(config.root, "load", key) if key is not None else None
        prefix = str(config.root) + "/"  # POSIX paths: `rel` by slicing, not by pathlib
        slots = [_read(config, prefix, path, table is not None) for path in content_paths(config)]
        todo: list[_Slot] = []
        for slot in slots:
            if slot.text is None:
                continue
            blob = table.get(slot.rel, slot.sha) if table is not None else None
            if blob is not None:
                with contextlib.suppress(store.StoreError):
                    slot.parsed = _checked(store.loads(blob))
            if slot.parsed is None:
                todo.append(slot)
        _parse(todo, table, workers)
        result = _assemble(config, slots)
        if table is not None:
            table.save(keep={slot.rel for slot in slots})
        return result


def _read(config: KbConfig, root: str, path: Path, hashed: bool) -> _Slot:
    full = str(path)
    rel = full[len(root):] if full.startswith(root) else path.relative_to(config.root).as_posix()
    raw, problems = read_bytes(path, rel, config.max_file_bytes)
    if raw is None:
        return _Slot(rel, None, problems)
    text, problems = decode_text(raw, rel)
    return _Slot(rel, text, problems, digest(raw) if hashed and text is not None else "")


def _checked(value: object) -> FileResult:
    if not isinstance(value, FileResult):
        raise store.StoreError("not a parse result")
    return value


def _parse(todo: list[_Slot], table: Table | None, workers: int | None) -> None:
    """Parse the files of `todo` (on every core when there are many), filling `parsed`."""
    if workers is None:
        workers = available_processes() if len(todo) > PARALLEL_MIN else 1
    parsed = parse_all([(slot.rel, slot.text or "") for slot in todo], workers)
    for slot, (result, blob) in zip(todo, parsed, strict=True):
        slot.parsed = result
        if table is not None:
            table.put(slot.rel, slot.sha, blob if blob is not None else store.dumps(result))


def _assemble(config: KbConfig, slots: list[_Slot]) -> LoadResult:
    kb = KnowledgeBase(config=config)
    result = LoadResult(kb)
    for slot in slots:
        result.problems.extend(slot.problems)
        if slot.text is None or slot.parsed is None:
            continue
        rel = slot.rel
        kb.files[rel] = SourceFile(rel, slot.text)
        if slot.sha:
            result.digests[rel] = slot.sha
        parsed = slot.parsed
        result.problems.extend(parsed.problems)
        if parsed.ambiguous:
            result.ambiguous[rel] = parsed.ambiguous
        item = parsed.item
        if isinstance(item, Article):
            kb.articles_by_path[rel] = item
        elif isinstance(item, Tree):
            kb.trees_by_path[rel] = item
        elif isinstance(item, CaseSet):
            kb.case_sets.append(item)
        elif isinstance(item, SectionPage):
            kb.section_pages.append(item)
    _index(kb)
    return result


@contextlib.contextmanager
def _gc_paused(freeze: bool) -> Iterator[None]:
    """Loading builds millions of long-lived objects and no cycles: the cyclic garbage
    collector would only re-scan them again and again (about a fifth of the load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def _index(kb: KnowledgeBase) -> None:
    """Index by id; the first of duplicate ids wins here and the linter reports the rest."""
    for article in kb.all_articles():
        kb.articles.setdefault(article.id, article)
    for tree in kb.all_trees():
        kb.trees.setdefault(tree.id, tree)
