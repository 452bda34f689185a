"""Loading on several cores gives exactly what loading in one process gives."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from kb.lint import lint_kb
from kb.loader import LoadResult, load, load_config
from kb.loader import pool as pool_module
from kbtest import BASE_KB, make_kb

BASE_ARTICLE = (BASE_KB / "docs" / "guides" / "refund.md").read_text(encoding="utf-8")


def _many_files(root: Path, count: int = 90) -> Path:
    files: dict[str, str | None] = {}
    for i in range(count):
        text = BASE_ARTICLE.replace("id: guide-refund", f"id: guide-refund-{i}")
        if i % 7 == 0:
            text = text.replace("tags: [refund]\n", "tags: [refund]\ncolour: red\n")
        if i % 11 == 0:
            text = text.replace("status: published", "status: [published")
        files[f"docs/many/part-{i // 30}/refund-{i}.md"] = text
    files["docs/many/broken.md"] = "no front matter here\n"
    make_kb(root, files)
    (root / "docs" / "many" / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    return root


def _same(a: LoadResult, b: LoadResult) -> None:
    assert a.problems == b.problems
    assert a.ambiguous == b.ambiguous
    assert a.kb.files == b.kb.files
    assert a.kb.articles_by_path == b.kb.articles_by_path
    assert a.kb.trees_by_path == b.kb.trees_by_path
    assert a.kb.case_sets == b.kb.case_sets
    assert a.kb.section_pages == b.kb.section_pages
    assert list(a.kb.articles) == list(b.kb.articles)
    assert lint_kb(a.kb, a.problems, a.ambiguous).diagnostics == \
        lint_kb(b.kb, b.problems, b.ambiguous).diagnostics


pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")


def test_two_processes_load_what_one_loads(tmp_path: Path) -> None:
    root = _many_files(tmp_path / "kb")
    config = load_config(root)
    alone = load(config, workers=1)
    assert len(alone.kb.articles_by_path) > pool_module.CHUNK * 2
    _same(alone, load(config, workers=2))
    _same(alone, load(config, workers=3, cache=True))
    _same(alone, load(config, workers=1, cache=True))


@pytest.mark.parametrize("cache", [False, True], ids=["uncached", "cached"])
def test_a_chunk_a_dead_worker_held_is_parsed_here(tmp_path: Path, cache: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    root = _many_files(tmp_path / "kb")
    config = load_config(root)
    alone = load(config, workers=1)

    def dying_worker(work: Any, chunks: Any, counter: Any, send: Any) -> None:
        pool_module._take(counter)  # takes a chunk, then dies without a word
        os._exit(1)

    monkeypatch.setattr(pool_module, "_work", dying_worker)
    _same(alone, load(config, workers=2, cache=cache))


def test_a_worker_s_error_is_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _many_files(tmp_path / "kb")

    def failing_worker(work: Any, chunks: Any, counter: Any, send: Any) -> None:
        send.send("Traceback: the parser broke")
        send.close()

    monkeypatch.setattr(pool_module, "_work", failing_worker)
    with pytest.raises(RuntimeError, match="the parser broke"):
        load(load_config(root), workers=2)


def test_small_loads_stay_in_one_process(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(*args: object, **kwargs: object) -> None:
        raise AssertionError("no worker may start for a small knowledge base")

    monkeypatch.setattr(pool_module, "_work", no_fork)
    monkeypatch.setattr("multiprocessing.context.ForkProcess.start", no_fork)
    loaded = load(load_config(make_kb(tmp_path / "kb")))
    assert len(loaded.kb.files) == 4


@pytest.mark.parametrize("cache", [False, True], ids=["uncached", "cached"])
def test_when_no_worker_can_start_this_process_does_everything(
        tmp_path: Path, cache: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _many_files(tmp_path / "kb")
    config = load_config(root)
    alone = load(config, workers=1)

    def cannot_fork(self: object) -> None:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr("multiprocessing.context.ForkProcess.start", cannot_fork)
    _same(alone, load(config, workers=2, cache=cache))
