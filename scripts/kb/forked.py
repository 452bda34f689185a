"""Run a function in a forked child while this process goes on; collect its result later.

The site build uses it to put its second core to work: the lint of the loaded knowledge base and
the agent exports run in children while this process generates pages and MkDocs renders; `kb
check` makes its exports in a child while it lints and walks the cases. A
forked child inherits everything already in memory (the loaded knowledge base), so it starts in
milliseconds and only its result is copied back, through a file (so a large result never fills
a pipe while this process is busy elsewhere).

Forking is used only where it is safe: on Linux, from a process with no other threads (forking
a threaded process can deadlock on a lock another thread held). Elsewhere, and when
`parallel=False`, the function runs in this process when its result is first asked for, so the
caller's code is the same either way. An exception in the child is raised again here; a child
that dies without a result (killed, out of memory) is reported as `BackgroundFailed`.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from kb.child import yield_cpu

__all__ = ["Background", "BackgroundFailed", "fork_is_safe"]

T = TypeVar("T")


class BackgroundFailed(RuntimeError):
    """The child died without a result, or raised; the message says which and why."""


def fork_is_safe() -> bool:
    """True when this process may fork a worker: Linux, fork available, no other threads."""
    return sys.platform == "linux" and hasattr(os, "fork") and threading.active_count() == 1


class Background(Generic[T]):
    """`fn()` running in a forked child (or deferred to `result()` when forking is not safe)."""

    def __init__(self, fn: Callable[[], T], *, parallel: bool = True) -> None:
        self._fn: Callable[[], T] | None = fn
        self._done = False
        self._value: T | None = None
        #: the child's pid until it is reaped
        self._pid = 0
        self._forked = False
        #: how the child ended, once it has been reaped
        self._ended = ""
        self._path = ""
        if parallel and fork_is_safe():
            handle, self._path = tempfile.mkstemp(prefix="kb-background-", suffix=".pickle")
            os.close(handle)
            pid = os.fork()
            if pid == 0:  # the child: run, write the outcome, leave without any cleanup
                try:
                    yield_cpu()  # side work: the parent goes first (see `kb.child`)
                    _child(fn, self._path)
                finally:
                    os._exit(0)
            self._pid, self._forked = pid, True
            # this process keeps no reference to the work (nor to what it holds in memory)
            self._fn = None

    @property
    def forked(self) -> bool:
        return self._forked

    def ready(self) -> bool:
        """True when `result()` would not wait for a child: it has ended, or there is none
        (without a child, `result()` runs the function here)."""
        if not self._pid:
            return True
        pid, status = os.waitpid(self._pid, os.WNOHANG)
        if pid == 0:
            return False
        self._reaped(status)
        return True

    def result(self) -> T:
        """Wait for the child (or run `fn` here) and return its result; raises its exception."""
        if not self._done:
            self._value = self._collect()
            self._done = True
        return self._value  # type: ignore[return-value]

    def cancel(self) -> None:
        """Stop the child if it still runs and forget the result (the build failed elsewhere)."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._fn = None
        self._finish()
        self._done = True

    def _collect(self) -> T:
        if not self._forked:
            assert self._fn is not None
            fn, self._fn = self._fn, None
            return fn()
        status = self._wait()
        try:
            with open(self._path, "rb") as stream:
                outcome, payload = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError):
            raise BackgroundFailed(f"the background worker died ({status}) without a "
                                   f"result") from None
        finally:
            self._finish()
        if outcome == "error":
            raise BackgroundFailed(f"the background worker failed:\n{payload}")
        value: T = payload
        return value

    def _wait(self) -> str:
        """Reap the child; how it ended, in words."""
        if self._pid:
            _, status = os.waitpid(self._pid, 0)
            self._reaped(status)
        return self._ended or "already reaped"

    def _reaped(self, status: int) -> None:
        self._pid = 0
        code = os.waitstatus_to_exitcode(status)
        self._ended = f"killed by signal {-code}" if code < 0 else f"exit code {code}"

    def _finish(self) -> None:
        self._wait()
        if self._path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path)
            self._path = ""


def _child(fn: Callable[[], object], path: str) -> None:
    """In the child: run `fn` and pickle ("ok", result) or ("error", traceback) into `path`.

    The result is pickled straight into the file: large bytes go out without another copy."""
    try:
        value = fn()
    except BaseException:  # everything, so the parent always learns why
        _write(path, ("error", traceback.format_exc()))
        return
    try:
        _write(path, ("ok", value))
    except BaseException:  # an unpicklable result: say so rather than leave half a file
        _write(path, ("error", traceback.format_exc()))


def _write(path: str, outcome: tuple[str, object]) -> None:
    with open(path, "wb") as stream:
        pickle.dump(outcome, stream, protocol=pickle.HIGHEST_PROTOCOL)
