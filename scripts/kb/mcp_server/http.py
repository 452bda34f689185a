"""`kb mcp --http`: the server's Streamable HTTP app, served by one process or by workers.

The walk is stateless and the server stateless over HTTP (no session outlives a request), so
any worker can answer any call. With several workers, this process binds the listening socket,
then forks them once the bundle and its search index are loaded: each worker inherits both
(copy-on-write, with the loaded objects frozen out of the garbage collector's passes so
it does not copy their pages by touching them) and accepts connections on the shared socket
with its own event loop, so the server uses every core it is given. This process only watches:
a worker that dies (killed, out of memory) is replaced, and the server goes on; one that dies
within MIN_LIFE seconds of its start stops the server, as its replacement would die too. On
SIGTERM or SIGINT, every worker is stopped and this process returns.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from kb.child import ask_to_die_with
from kb.forked import fork_is_safe

#: the most workers `default_workers` gives, however many CPUs there are
MAX_DEFAULT_WORKERS = 8
#: seconds a worker must live for its death to be worth a replacement
MIN_LIFE = 1.0
#: pending connections the listening socket holds (uvicorn's own default)
BACKLOG = 2048
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class ServeError(RuntimeError):
    """The server cannot serve: the port cannot be listened on, or a worker died as it
    started (the message says which)."""


def default_workers() -> int:
    """The CPUs this process may run on, at most MAX_DEFAULT_WORKERS."""
    return max(1, min(MAX_DEFAULT_WORKERS, len(os.sched_getaffinity(0))))


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port, shared by every worker; ServeError when it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto named: asyncio turns Nagle's algorithm off only on sockets that say they are TCP,
    # and with it on, each small answer waits for the client's delayed ACK (about 40 ms)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def serve_app(app: ASGIApp, sock: socket.socket, workers: int) -> None:
    """Serve `app` on `sock` until SIGTERM or SIGINT: in this process when `workers` is 1 or
    forking is not safe here, else in `workers` forked workers. ServeError when a worker
    dies as it starts."""
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    if workers <= 1 or not fork_is_safe():
        server.run(sockets=[sock])
        return
    gc.freeze()  # the loaded bundle and index: never scanned again, so their pages stay shared
    Supervisor(lambda: server.run(sockets=[sock]), workers).run()


class Supervisor:
    """`count` forked workers, each running `work` (which serves until it is told to stop),
    replaced when one dies, all stopped on SIGTERM or SIGINT."""

    def __init__(self, work: Callable[[], None], count: int) -> None:
        self._work = work
        self._count = count
        #: pid -> when the worker started (monotonic seconds)
        self._workers: dict[int, float] = {}
        self._stopping = False

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._stop) for sig in STOP_SIGNALS}
        try:
            for _ in range(self._count):
                self._start()
            self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _watch(self) -> None:
        while self._workers:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                return
            started = self._workers.pop(pid, None)
            if started is None or self._stopping:
                continue
            ended = _ending(status)
            if time.monotonic() - started < MIN_LIFE:
                raise ServeError(f"a worker {ended} as it started; the server stopped")
            print(f"kb mcp: worker {pid} {ended}; starting another", file=sys.stderr, flush=True)
            self._start()

    def _start(self) -> None:
        parent = os.getpid()
        # held back until the worker has its own handlers: a stop signal that came in between
        # would run this process's handler in the worker, and the worker would serve on
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                _worker(self._work, parent, mask)
            self._workers[pid] = time.monotonic()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if self._stopping:  # told to stop while this one was being forked
            _signal(pid, signal.SIGTERM)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self._stopping = True
        for pid in list(self._workers):
            _signal(pid, signal.SIGTERM)

    def _stop_all(self) -> None:
        """Stop the workers still running and reap them."""
        self._stopping = True
        for pid in list(self._workers):
            _signal(pid, signal.SIGTERM)
        for pid in list(self._workers):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            self._workers.pop(pid, None)


def _worker(work: Callable[[], None], parent: int, mask: Iterable[int]) -> None:
    """In a forked worker: serve until told to stop, then leave without the parent's cleanup.
    `mask` is the signal mask to restore once the stop signals have their default handlers."""
    code = 0
    try:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        # a worker whose parent is gone (even killed outright) stops too
        if not ask_to_die_with(parent, signal.SIGTERM):
            return
        work()
    except BaseException:  # the parent learns of it through the exit code; say why here
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _ending(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"


__all__ = ["ServeError", "Supervisor", "default_workers", "listening_socket", "serve_app"]
