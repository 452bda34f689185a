"""The only code that reads content files: `load` turns a repository into a KnowledgeBase."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from kb.config import KbConfig
from kb.loader.config_file import load_config
from kb.loader.content import (
    ContentFiles,
    LoadResult,
    config_key,
    content_files,
    content_paths,
)
from kb.loader.parse import CASES_SUFFIX

__all__ = ["CASES_SUFFIX", "ContentFiles", "LoadResult", "config_key", "content_files",
           "content_paths", "gc_paused", "load", "load_config"]


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
    with gc_paused(freeze):
        content = ContentFiles(config, cache=cache)
        content.parse(workers=workers)
        result = content.assemble()
        content.save()
        return result


@contextlib.contextmanager
def gc_paused(freeze: bool) -> Iterator[None]:
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
