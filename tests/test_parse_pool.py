"""The loader's parse pool: a worker that finishes a chunk goes on to the next at once."""

from __future__ import annotations

import os
import time

import pytest

from kb.forked import fork_is_safe
from kb.loader.pool import run_chunks
from kbtest import cannot_run

pytestmark = pytest.mark.forks

#: larger than a default Linux pipe (64 kB), as a chunk's parse results are
RESULT_BYTES = 150_000
CHUNKS = 10


def test_a_worker_is_not_held_up_by_the_parent_reading_only_between_its_chunks() -> None:
    """This process reads workers' results only between its own chunks. A worker whose result
    did not fit in the pipe waited for that, idle, after every chunk, so this process ended up
    doing half the work of two; now the worker takes the next chunk straight away."""
    if not fork_is_safe():
        cannot_run("the parse pool test", "forking is not safe in this process now")
    parent = os.getpid()

    def work(index: int, in_worker: bool) -> tuple[int, bytes]:
        if os.getpid() == parent:
            time.sleep(0.25)  # a slow chunk here: the worker's results queue up meanwhile
        return os.getpid(), bytes(RESULT_BYTES)

    results = run_chunks(CHUNKS, work, processes=2)
    assert [len(payload) for _, payload in results] == [RESULT_BYTES] * CHUNKS
    here = sum(1 for pid, _ in results if pid == parent)
    assert here <= 3, f"this process did {here} of {CHUNKS} chunks: the worker was held up"
