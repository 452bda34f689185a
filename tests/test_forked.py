"""Work handed to a forked child: its result, its failure and its death all reach the parent."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from kb.child import SIDE_WORK_NICENESS
from kb.forked import Background, BackgroundFailed, fork_is_safe
from kbtest import cannot_run

pytestmark = pytest.mark.forks


@pytest.fixture
def needs_fork() -> None:
    """Forking is refused from a process with other threads (a test before may have left one);
    the work would then run in this process, where the tests that kill it must not run."""
    check_fork()


def check_fork() -> None:
    if not fork_is_safe():
        cannot_run("fork tests",
                   "forking is not safe in this process now (another thread is running)")


@pytest.mark.usefixtures("needs_fork")
def test_the_result_comes_from_the_child() -> None:
    job = Background(lambda: {"pid": os.getpid(), "data": b"x" * 1_000_000})
    assert job.forked
    value = job.result()
    assert value["pid"] != os.getpid() and len(value["data"]) == 1_000_000
    assert job.result() is value, "asked twice, computed once"


@pytest.mark.usefixtures("needs_fork")
def test_ready_tells_without_waiting_whether_the_child_has_ended(tmp_path: Path) -> None:
    go = tmp_path / "go"

    def work() -> int:
        while not go.exists():
            time.sleep(0.01)
        return os.getpid()

    job = Background(work)
    assert not job.ready(), "the child is still waiting for its signal"
    go.touch()
    deadline = time.monotonic() + 30
    while not job.ready():
        assert time.monotonic() < deadline, "the child never ended"
        time.sleep(0.01)
    assert job.result() != os.getpid(), "the result is the child's, read after it was reaped"


def test_without_fork_ready_is_true_and_the_result_is_computed_when_asked() -> None:
    calls: list[int] = []
    job = Background(lambda: calls.append(1) or len(calls), parallel=False)
    assert job.ready() and not calls
    assert job.result() == 1


@pytest.mark.usefixtures("needs_fork")
def test_an_exception_in_the_child_is_raised_here_with_its_traceback() -> None:
    def fail() -> None:
        raise ValueError("no such tree")

    with pytest.raises(BackgroundFailed, match="ValueError: no such tree"):
        Background(fail).result()


@pytest.mark.usefixtures("needs_fork")
def test_a_child_that_dies_is_reported_not_awaited_forever() -> None:
    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(BackgroundFailed, match="died"):
        Background(die).result()


@pytest.mark.usefixtures("needs_fork")
def test_an_unpicklable_result_is_reported() -> None:
    with pytest.raises(BackgroundFailed, match="pickle"):
        Background(lambda: (lambda: None)).result()


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception),
                                              ("", pytest.skip.Exception)])
def test_fork_tests_that_cannot_fork_fail_under_ci_and_skip_elsewhere(
        monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(f"{__name__}.fork_is_safe", lambda: False)
    with pytest.raises(outcome, match="forking is not safe"):
        check_fork()


def test_without_fork_the_function_runs_here_when_asked() -> None:
    ran: list[int] = []
    job = Background(lambda: ran.append(os.getpid()) or 7, parallel=False)
    assert not job.forked and ran == []
    assert job.result() == 7 and ran == [os.getpid()]


def test_cancel_drops_work_not_yet_run() -> None:
    ran: list[int] = []
    job = Background(lambda: ran.append(1), parallel=False)
    job.cancel()
    assert ran == []


@pytest.mark.usefixtures("needs_fork")
def test_cancel_stops_the_child(tmp_path: Path) -> None:
    marker = tmp_path / "finished"

    def slow() -> None:
        time.sleep(1)
        marker.write_text("the child was not stopped")

    job = Background(slow)
    job.cancel()
    time.sleep(1.5)
    assert not marker.exists()


@pytest.mark.usefixtures("needs_fork")
def test_the_child_may_fork_workers_of_its_own() -> None:
    def nested() -> int:
        return Background(lambda: 6 * 7).result()

    assert Background(nested).result() == 42


def test_the_child_yields_the_cpu_to_its_parent(needs_fork: None) -> None:
    """Side work: when both want the CPU, the parent (what the user waits for) goes first."""
    job = Background(lambda: os.getpriority(os.PRIO_PROCESS, 0))
    assert job.forked
    assert job.result() == min(19, os.getpriority(os.PRIO_PROCESS, 0) + SIDE_WORK_NICENESS)
