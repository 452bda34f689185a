"""`kb build` under faults: signals, a killed build, concurrent builds, file system errors."""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitecheck import prepare_site_kb

from kb.cli import main
from kb.commands.build import (
    LOCK_FILE,
    OWNER_FILE,
    RETIRED_PREFIX,
    STAGING_PREFIX,
    remove_stale_folders,
)

#: a hook that records MkDocs' pid, then hangs in the middle of the build
HANG_HOOK = """
import os, time
from pathlib import Path

def on_page_content(html, page, config, files):
    Path(os.environ["KB_TEST_PID_FILE"]).write_text(str(os.getpid()))
    time.sleep(120)
    return html
"""

FULL_DISK_HOOK = """
import errno, os

def on_post_build(config):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), config["site_dir"] + "/x.html")
"""


def _add_hook(root: Path, hook: str) -> None:
    (root / "fault_hook.py").write_text(hook, encoding="utf-8")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("  - fault_hook.py\n" if "hooks:" in text else "\nhooks:\n  - fault_hook.py\n")


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()
                  if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose; its parent (init here) reaps it
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return prepare_site_kb(tmp_path / "kb")


def _start_hanging_build(root: Path, tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    _add_hook(root, HANG_HOOK)
    pid_file = tmp_path / "mkdocs.pid"
    env = {**os.environ, "KB_TEST_PID_FILE": str(pid_file)}
    kb = subprocess.Popen([sys.executable, "-m", "kb", "--root", str(root), "build"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert _wait_for(pid_file.exists, 60), "MkDocs never reached a page"
    return kb, int(pid_file.read_text())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux signals")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_stops_mkdocs_and_cleans_up(kb_root: Path, tmp_path: Path,
                                                    how: signal.Signals) -> None:
    kb, mkdocs = _start_hanging_build(kb_root, tmp_path)
    kb.send_signal(how)
    assert kb.wait(timeout=20) != 0
    assert _wait_for(lambda: not _alive(mkdocs), 15), "MkDocs outlived kb build"
    assert _leftovers(kb_root) == []
    assert not (kb_root / "site").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs prctl")
def test_a_killed_build_takes_mkdocs_with_it_and_the_next_build_cleans_up(
        kb_root: Path, tmp_path: Path) -> None:
    kb, mkdocs = _start_hanging_build(kb_root, tmp_path)
    kb.kill()
    kb.wait(timeout=10)
    assert _wait_for(lambda: not _alive(mkdocs), 15), "MkDocs outlived a SIGKILLed kb build"
    assert [n for n in _leftovers(kb_root) if n.startswith(STAGING_PREFIX)], "nothing to clean"
    (kb_root / "fault_hook.py").write_text("", encoding="utf-8")
    out = io.StringIO()
    assert main(["--root", str(kb_root), "build"], out=out) == 0, out.getvalue()
    assert _leftovers(kb_root) == []
    assert not (kb_root / "site" / OWNER_FILE).exists()


def test_only_folders_of_dead_builds_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folders = {
        "dead": (f"{STAGING_PREFIX}dead", str(dead.pid)),
        "retired": (f"{RETIRED_PREFIX}dead", str(dead.pid)),
        "alive": (f"{STAGING_PREFIX}alive", str(os.getpid())),
        "not ours": (f"{STAGING_PREFIX}foreign", None),
        "other name": ("site-backup", str(dead.pid)),
    }
    for name, owner in folders.values():
        (tmp_path / name).mkdir()
        if owner is not None:
            (tmp_path / name / OWNER_FILE).write_text(owner)
    removed = remove_stale_folders(tmp_path)
    assert {p.name for p in removed} == {f"{RETIRED_PREFIX}dead", f"{STAGING_PREFIX}dead"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{STAGING_PREFIX}alive", f"{STAGING_PREFIX}foreign", "site-backup"]


def test_a_second_build_waits_for_the_first(kb_root: Path) -> None:
    with subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, sys, time\n"
             f"f = open({str(kb_root / LOCK_FILE)!r}, 'a+'); fcntl.flock(f, fcntl.LOCK_EX)\n"
             "f.write('4242'); f.flush(); print('locked', flush=True); time.sleep(3)"],
            stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        out = io.StringIO()
        started = time.monotonic()
        code = main(["--root", str(kb_root), "build"], out=out)
    assert code == 0, out.getvalue()
    assert "another build is running in this checkout (pid 4242)" in out.getvalue()
    assert time.monotonic() - started >= 2
    assert (kb_root / "site" / "index.html").is_file()


def test_a_full_disk_in_mkdocs_is_one_line_and_exit_2(kb_root: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _add_hook(kb_root, FULL_DISK_HOOK)
    out = io.StringIO()
    code = main(["--root", str(kb_root), "build"], out=out)
    err = capsys.readouterr().err
    assert code == 2, out.getvalue() + err
    assert "Traceback" not in out.getvalue() + err
    assert "No space left on device" in err and err.count("\n") == 1
    assert _leftovers(kb_root) == [] and not (kb_root / "site").exists()


@pytest.mark.parametrize("error", [errno.EACCES, errno.EROFS, errno.ENOSPC])
def test_a_file_system_error_in_kb_build_is_exit_2(kb_root: Path, error: int,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import tempfile

    def failing(*args: object, **kwargs: object) -> str:
        raise OSError(error, os.strerror(error), str(kb_root / "site"))

    monkeypatch.setattr(tempfile, "mkdtemp", failing)
    assert main(["--root", str(kb_root), "build"], out=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and os.strerror(error) in err and "internal" not in err
