"""Pagefind's indexer as a service, fed page by page while MkDocs renders.

Pagefind's binary has a service mode (`pagefind --service`): each request on its standard input
is the base64 of a JSON message followed by a comma, each answer on its standard output has the
same form, and requests are handled one at a time, in the order they arrive. So pages sent as
the plugin finishes their content are parsed by Pagefind on the second core while MkDocs
converts the rest, and the index is written while MkDocs renders the pages.

The index is split into shards (see `pagefind_search`), each one of the service's indexes: the
service makes MAX_SHARDS empty ones up front (an empty index costs nothing), and the plugin
deals the pages to as many as the site needs (`PageFeed.split`). Shards are written one at a
time, each dropped from the service once written, so Pagefind's peak is that of the largest
shard's write on top of the pages it holds.

`kb build` starts the service before MkDocs, and hands the MkDocs child the write end of the
service's input and its indexes (`FEED_ENV`, the input inherited as a file descriptor); the
plugin sends each page's search copy down it (`PageFeed`), then, once every page's content is
done, names the shards (`write_shards_file`) and asks for them to be written into the staging
site (`PageFeed.write`), without waiting, if the machine has the memory for a shard's write
beside MkDocs (`room_to_write`). Once MkDocs has exited, `kb build` waits for every request
sent to be answered (`pages`): the shards no feed asked for are written then (`write`). A plain
`mkdocs build` or `kb serve` runs the same service from inside MkDocs' process.

A thread reads the answers as they come (an unread pipe would stall the service, and every
writer behind it) and keeps the first error. Pagefind stops on a failure it cannot answer (a
folder it cannot write, for one); its last words on standard error are then the reason given.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

from kb.child import dies_with_parent, stop
from kb.mkdocs_plugin.pagefind_search import shard_dir

__all__ = ["FEED_ENV", "MAX_SHARDS", "PageFeed", "PagefindFailed", "PagefindService",
           "room_to_write"]

#: set by `kb build` for its MkDocs child: `FD:INDEX,INDEX,...`, the service's input and the
#: indexes to feed (the shards, in order)
FEED_ENV = "KB_PAGEFIND_FEED"
#: the most shards an index is split into: past MAX_SHARDS x `search_shard_pages` pages, the
#: shards grow instead
MAX_SHARDS = 16
#: how long an answer may take (writing the index of 5,000 pages takes seconds)
ANSWER_TIMEOUT_SECONDS = 600.0
#: the message ids a feed uses, above those of the service's own requests
FEED_FIRST_ID = 1_000_000
#: the index options: one language for the whole site (see `pagefind_search`)
INDEX_CONFIG = {"force_language": "en"}


#: what writing an index adds to Pagefind's memory, per page in it (about 0.8 GiB for one
#: index of 5,600 pages, 0.2 GiB for a shard of 1,400; the pages it holds come on top, about
#: 60 KiB each, and are already in use while MkDocs runs)
WRITE_KIB_PER_PAGE = 150


def room_to_write(shard_pages: int, available_kib: int | None = None) -> bool:
    """Whether Pagefind may write shards of up to `shard_pages` pages while MkDocs still runs,
    the write's peak then adding to MkDocs' memory: when the memory available (Linux's
    MemAvailable, unless given) is at least twice that peak, or cannot be known. Otherwise the
    index is written once MkDocs is done (by `kb build` once it has exited)."""
    available = _available_kib() if available_kib is None else available_kib
    return available is None or available >= 2 * shard_pages * WRITE_KIB_PER_PAGE


def _available_kib() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


class PagefindFailed(Exception):
    """Pagefind could not index the site (the message says why)."""


def _shard_writes(index_ids: Sequence[int], index_dir: Path,
                  shards: int) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
    """For each of the first `shards` shards: its folder, and the requests that write it there
    and then drop it from the service (the next shard's write reuses its memory)."""
    for shard, index_id in enumerate(index_ids[:shards]):
        output = shard_dir(index_dir, shard)
        yield output, [{"type": "WriteFiles", "index_id": index_id, "output_path": str(output)},
                       {"type": "DeleteIndex", "index_id": index_id}]


def _send(stream: IO[bytes], message_id: int, payload: dict[str, Any]) -> bool:
    """Send one request down the service's input; False when the service has stopped (whoever
    waits for its answer learns why)."""
    body = json.dumps({"message_id": message_id, "payload": payload}, ensure_ascii=False)
    try:
        stream.write(base64.b64encode(body.encode("utf-8")) + b",")
        stream.flush()
    except OSError:
        return False
    return True


class PageFeed:
    """Sends pages to Pagefind's indexes, the shards of one index, without waiting for the
    answers (the service reads them). If the service has gone, the feed goes quiet: whoever
    writes the index reports it."""

    def __init__(self, stream: IO[bytes], index_ids: Sequence[int]) -> None:
        self._stream = stream
        self._index_ids = tuple(index_ids)
        self._next_id = FEED_FIRST_ID
        #: how many of the indexes the pages are dealt to
        self.shards = 1
        self.sent = 0
        self.broken = False

    @classmethod
    def from_env(cls, value: str) -> PageFeed:
        """The feed `kb build` handed over in `FEED_ENV`; ValueError if `value` is not one."""
        fd_text, _, ids_text = value.partition(":")
        ids = ids_text.split(",")
        if not (fd_text.isdigit() and all(i.isdigit() for i in ids)):
            raise ValueError(f"{FEED_ENV} is not FD:INDEX,...: {value!r}")
        fd = int(fd_text)
        os.set_inheritable(fd, False)  # MkDocs' own children have no business with it
        return cls(os.fdopen(fd, "wb"), [int(i) for i in ids])

    def split(self, shards: int) -> None:
        """Deal the pages to `shards` shards (as many as the feed has, at most), in turn; before
        the first page is added."""
        assert self.sent == 0, "the shards are set before the first page"
        self.shards = max(1, min(shards, len(self._index_ids)))

    @property
    def filled(self) -> int:
        """How many shards hold pages."""
        return min(self.shards, self.sent)

    @property
    def largest(self) -> int:
        """How many pages the largest shard holds."""
        return -(-self.sent // self.shards)

    def add(self, dest_path: str, html: str) -> None:
        """Add the page written at `dest_path` in the site (its URL follows from the path)."""
        index_id = self._index_ids[self.sent % self.shards]
        if self._send({"type": "AddFile", "index_id": index_id, "file_path": dest_path,
                       "url": None, "file_contents": html}):
            self.sent += 1

    def write(self, index_dir: Path) -> None:
        """Have the shards that hold pages written into `index_dir`, without waiting (the
        service's `write` to the same folder then waits for them rather than writing again)."""
        for _, requests in _shard_writes(self._index_ids, index_dir, self.filled):
            for payload in requests:
                self._send(payload)

    def _send(self, payload: dict[str, Any]) -> bool:
        if self.broken or not _send(self._stream, self._next_id, payload):
            self.broken = True
            return False
        self._next_id += 1
        return True

    def close(self) -> None:
        """Stop feeding (the service keeps running for whoever holds its input too)."""
        with contextlib.suppress(OSError):
            self._stream.close()


class PagefindService:
    """One `pagefind --service` process with MAX_SHARDS indexes, the shards of one (`start`);
    pages go in through `feed()` or a child given `feed_env()`, and `write` puts the shards into
    a folder."""

    def __init__(self, process: subprocess.Popen[bytes], stderr: IO[bytes]) -> None:
        self._process = process
        self._stderr = stderr
        #: answers to the service's own requests, by message id
        self._answers: dict[int, dict[str, Any]] = {}
        #: pages indexed, and every error answered (to a page or a request)
        self._indexed = 0
        #: the folders a feed had the index written into
        self._written: set[str] = set()
        self._errors: list[str] = []
        self._gone = False
        self._changed = threading.Condition()
        self._next_id = 1
        self.index_ids: tuple[int, ...] = ()
        self._reader = threading.Thread(target=self._read_answers, name="pagefind-answers",
                                        daemon=True)
        self._reader.start()

    @classmethod
    def start(cls) -> PagefindService:
        """Start the service and create its indexes; PagefindFailed if it cannot be run."""
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise PagefindFailed("cannot run Pagefind: its binary is not installed "
                                 "(the `pagefind[bin]` package)")
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 - the service's, closed by close()
        try:
            process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=stderr,
                                       preexec_fn=dies_with_parent(side_work=True))
        except OSError as exc:
            stderr.close()
            raise PagefindFailed(f"cannot run Pagefind: {exc}") from None
        service = cls(process, stderr)
        try:
            service.index_ids = tuple(
                int(service._ask({"type": "NewIndex", "config": INDEX_CONFIG})["index_id"])
                for _ in range(MAX_SHARDS))
        except BaseException:
            service.close()
            raise
        return service

    def feed(self) -> PageFeed:
        """A feed of this process's own (for `mkdocs build` run without `kb build`)."""
        assert self._process.stdin is not None
        return PageFeed(self._process.stdin, self.index_ids)

    def feed_env(self) -> tuple[str, int]:
        """`FEED_ENV`'s value for a child, and the file descriptor it must inherit."""
        assert self._process.stdin is not None
        fd = self._process.stdin.fileno()
        return f"{fd}:{','.join(map(str, self.index_ids))}", fd

    def pages(self) -> int:
        """How many pages the index holds, once every page sent before this call is in.

        The service answers in order, so the answer to a request sent now (an empty second
        index) comes after the answers to every page already sent."""
        self._ask({"type": "NewIndex", "config": INDEX_CONFIG})
        self._raise_errors()
        with self._changed:
            return self._indexed

    def write(self, index_dir: Path, shards: int) -> None:
        """Write the first `shards` shards into `index_dir` (see `shard_dir`; each with
        Pagefind's scripts, which the search loads from the first), once every page sent before
        this call is in; a shard a feed asked for already has it done."""
        self.pages()
        for output, requests in _shard_writes(self.index_ids, index_dir, shards):
            with self._changed:
                if str(output) in self._written:
                    continue
            for payload in requests:
                self._ask(payload)
        self._raise_errors()

    def close(self) -> None:
        """Stop the service (it may be mid-way: nothing it wrote is kept by this class)."""
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        stop(self._process)
        self._reader.join(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        message_id, self._next_id = self._next_id, self._next_id + 1
        assert self._process.stdin is not None
        _send(self._process.stdin, message_id, payload)  # if it has stopped, the reader knows
        with self._changed:
            if not self._changed.wait_for(lambda: message_id in self._answers or self._gone,
                                          timeout=ANSWER_TIMEOUT_SECONDS):
                raise PagefindFailed(f"Pagefind did not answer within "
                                     f"{ANSWER_TIMEOUT_SECONDS:.0f} s")
            answer = self._answers.get(message_id)
        if answer is None:
            raise PagefindFailed(f"Pagefind stopped: {self._last_words()}")
        if answer.get("type") == "Error":
            raise PagefindFailed(f"Pagefind: {answer.get('message', 'failed')}")
        return answer

    def _raise_errors(self) -> None:
        with self._changed:
            errors = list(self._errors)
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise PagefindFailed(f"Pagefind: {errors[0]}{more}")

    def _read_answers(self) -> None:
        # Popen's pipes are buffered readers, whose read1 returns what has arrived
        stdout = cast(io.BufferedReader, self._process.stdout)
        pending = b""
        try:
            while chunk := stdout.read1(1 << 16):
                pending += chunk
                *complete, pending = pending.split(b",")
                for encoded in complete:
                    self._keep(json.loads(base64.b64decode(encoded)))
        except (OSError, ValueError):
            pass  # a closed or garbled pipe: the service is treated as gone
        with self._changed:
            self._gone = True
            self._changed.notify_all()

    def _keep(self, answer: dict[str, Any]) -> None:
        payload = answer.get("payload")
        message_id = answer.get("message_id")
        if not isinstance(payload, dict) or not isinstance(message_id, int):
            return
        with self._changed:
            if payload.get("type") == "Error":
                self._errors.append(str(payload.get("message", "failed")))
            if message_id < FEED_FIRST_ID:
                self._answers[message_id] = payload
                self._changed.notify_all()
            elif payload.get("type") == "IndexedFile":
                self._indexed += 1
            elif payload.get("type") == "WriteFiles":
                self._written.add(str(payload.get("output_path")))

    def _last_words(self) -> str:
        """The line of Pagefind's standard error that says what went wrong."""
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            stop(self._process)
        self._stderr.seek(0)
        lines = [line.strip() for line in
                 self._stderr.read().decode("utf-8", "replace").splitlines() if line.strip()]
        reasons = [line for line in lines if not line.startswith(("note:", "stack backtrace"))
                   and "panicked at" not in line]
        return (reasons[-1] if reasons else lines[-1] if lines
                else f"exit status {self._process.returncode}")
