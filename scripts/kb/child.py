"""Children that never outlive kb: the MkDocs child of `kb build` and `kb serve`, and the
workers of `kb mcp --http`.

SIGTERM stops kb as Ctrl+C does, and the child is then stopped too; on Linux the child also
asks the kernel to kill it when kb dies (prctl PR_SET_PDEATHSIG), so even a SIGKILL of kb
leaves no MkDocs process running.

A child doing side work (Pagefind's indexer, `kb.forked`'s workers) runs at a lower priority
(`yield_cpu`): whatever its parent does meanwhile is what the user waits for, and when the
parent waits for the child, the child has the CPU to itself anyway.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from types import FrameType

_PR_SET_PDEATHSIG = 1
#: how far below its parent a child doing side work runs (nice levels; 19 is the lowest)
SIDE_WORK_NICENESS = 10


def ask_to_die_with(parent: int, sig: signal.Signals) -> bool:
    """In a child of `parent`: ask the kernel to send `sig` to this process when the parent
    dies (Linux; elsewhere nothing is asked). False when the parent is already gone, since
    the request came too late to take effect."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    return os.getppid() == parent


def dies_with_parent(*, side_work: bool = False) -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child die with this process (None where unsupported);
    with `side_work`, the child also yields the CPU to this process (`yield_cpu`)."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()

    def preexec() -> None:
        if not ask_to_die_with(parent, signal.SIGKILL):
            os.kill(os.getpid(), signal.SIGKILL)
        if side_work:
            yield_cpu()

    return preexec


def yield_cpu() -> None:
    """Lower this process's priority by `SIDE_WORK_NICENESS`: when the CPUs are all busy, the
    others go first (where priorities cannot be changed, nothing happens)."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(SIDE_WORK_NICENESS)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops us like Ctrl+C does, so the child is never left running."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop(child: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Terminate `child` if it still runs, killing it if it does not stop within 10 s."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
