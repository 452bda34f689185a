"""Work on every core: this process and forked workers share a list of chunks.

Whoever is free takes the next chunk (a shared counter), so the work balances itself whatever
else the machine is doing. This process keeps its own results as they are; a worker's result
crosses a pipe (so it must be small or bytes) and is handed to `receive` here as it arrives,
between this process's own chunks. Forking (rather than spawning) lets workers inherit
everything already in memory, so a worker starts in milliseconds and nothing but results is
copied.

It is used only where it is safe and pays: on Linux, from a process with no other threads
(forking a threaded process can deadlock), and for more than `PARALLEL_MIN` files. A chunk a
worker took but never delivered (the worker died) is done here, so the result is complete; an
exception in a worker is raised here.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from kb.forked import fork_is_safe
from kb.loader import store
from kb.loader.parse import FileResult, parse_text

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

#: below this many files, one process is faster than starting workers
PARALLEL_MIN = 300
#: at most this many processes (this one included)
MAX_PROCESSES = 8
#: files per chunk: small enough to balance, large enough that taking one costs nothing
CHUNK = 24
#: the pipe size asked for a worker's results: a few chunks' worth (Linux's unprivileged
#: limit is 1 MiB, /proc/sys/fs/pipe-max-size)
PIPE_BYTES = 1 << 20

T = TypeVar("T")

#: one parsed file: its result, and its stored bytes when a worker parsed it
Parsed = tuple[FileResult, bytes | None]


def available_processes() -> int:
    """How many processes may work at once here (1 when forking is not safe or possible)."""
    if not fork_is_safe():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES))


def chunked(count: int) -> list[tuple[int, int]]:
    """(start, end) of the chunks of `count` items."""
    return [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]


def run_chunks(chunks: int, work: Callable[[int, bool], T], processes: int,
               receive: Callable[[T], T] = lambda result: result) -> list[T]:
    """`work(i, in_worker)` for every chunk `i` in `range(chunks)`, in order, with up to
    `processes` processes (this one included). A worker's result goes through `receive`."""
    if processes <= 1 or chunks <= 1:
        return [work(i, False) for i in range(chunks)]
    import multiprocessing

    results: list[T | None] = [None] * chunks
    done = [False] * chunks
    context = multiprocessing.get_context("fork")
    workers: list[tuple[Any, Connection]] = []
    try:
        counter: Any = context.Value("i", 0)
        for _ in range(min(processes, chunks) - 1):
            end, send = context.Pipe(duplex=False)
            _widen(send)
            worker = context.Process(target=_work, args=(work, chunks, counter, send),
                                     daemon=True)
            try:
                worker.start()
            except OSError:
                end.close()
                raise
            finally:
                send.close()
            workers.append((worker, end))
    except OSError:  # no shared memory, no process left to fork...: fewer workers, or none
        if not workers:
            return [work(i, False) for i in range(chunks)]
    try:
        open_ends = [end for _, end in workers]
        while (index := _take(counter)) < chunks:
            results[index], done[index] = work(index, False), True
            _collect(open_ends, results, done, receive, block=False)
        while open_ends:
            _collect(open_ends, results, done, receive, block=True)
    finally:
        for worker, end in workers:
            end.close()
            worker.join(timeout=5)
            if worker.is_alive():  # pragma: no cover - only a hung worker gets here
                worker.kill()
    for index in range(chunks):
        if not done[index]:  # a worker died holding this chunk
            results[index], done[index] = work(index, False), True
    return results  # type: ignore[return-value]


def _widen(send: Connection) -> None:
    """Give the pipe room for a whole chunk's results (where Linux allows), so a worker sends
    one and takes the next chunk at once: this process reads only between its own chunks, and
    with a 64 kB pipe the worker waited for that, idle, after every chunk."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(send.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _take(counter: Any) -> int:
    with counter.get_lock():
        index: int = counter.value
        counter.value = index + 1
    return index


def _collect(open_ends: list[Connection], results: list[Any], done: list[bool],
             receive: Callable[[Any], Any], block: bool) -> None:
    """Take everything workers have sent (waiting for something when `block`)."""
    from multiprocessing.connection import Connection, wait

    for end in wait(open_ends, timeout=None if block else 0):
        assert isinstance(end, Connection)
        while _receive(end, open_ends, results, done, receive) and end.poll():
            pass


def _receive(end: Connection, open_ends: list[Connection], results: list[Any],
             done: list[bool], receive: Callable[[Any], Any]) -> bool:
    """One message from a worker; False once the worker has no more to send."""
    try:
        message = end.recv()
    except (EOFError, OSError):
        open_ends.remove(end)  # finished, or died: missing chunks are done here
        return False
    if message is None:
        open_ends.remove(end)
        return False
    if isinstance(message, str):
        raise RuntimeError(f"a worker process failed:\n{message}")
    index, result = message
    results[index], done[index] = receive(result), True
    return True


def _work(work: Callable[[int, bool], object], chunks: int, counter: Any,
          send: Connection) -> None:
    """A worker: take chunks until none is left, send each result back."""
    gc.disable()  # its objects die with it; a collection would copy every inherited page
    try:
        while (index := _take(counter)) < chunks:
            send.send((index, work(index, True)))
        send.send(None)
    except BaseException:  # reported to the parent, which raises it
        send.send(traceback.format_exc())
    finally:
        send.close()


# --- parsing --------------------------------------------------------------------------------


def parse_all(todo: Sequence[tuple[str, str]], processes: int) -> list[Parsed]:
    """Parse each (path, text) of `todo` with up to `processes` processes; results in order.
    Workers send stored bytes, which the content cache keeps."""
    bounds = chunked(len(todo))

    def parse(index: int, in_worker: bool) -> list[tuple[Any, bytes | None]]:
        start, end = bounds[index]
        if in_worker:
            return [(None, store.dumps(parse_text(rel, text))) for rel, text in todo[start:end]]
        return [(parse_text(rel, text), None) for rel, text in todo[start:end]]

    def decode(sent: list[tuple[Any, bytes | None]]) -> list[tuple[Any, bytes | None]]:
        return [(_result(store.loads(blob)), blob) for _, blob in sent if blob is not None]

    found = run_chunks(len(bounds), parse, processes, decode)
    return [item for chunk in found for item in chunk]


def _result(value: object) -> FileResult:
    if not isinstance(value, FileResult):
        raise store.StoreError("a worker sent something else than a parse result")
    return value
