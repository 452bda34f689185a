"""Running and timing whole processes: wall clock, CPU, peak memory of the largest process and
of the process tree; the figures they make; the machine and code measured; the shared helpers
of every timed step."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml

from bench.generator import GENERATED_ROOT, REPO, KbStats

DEFAULT_OUT = Path("/tmp/kb-bench")
#: the programs the bench runs as child processes (real modules that ruff and mypy check)
PROGRAMS = Path(__file__).resolve().parent / "programs"
#: environment for every child: no MkDocs 2 banner, caches under our control
QUIET = {"NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


# ---------------------------------------------------------------------------------------------
# Running and timing whole processes


def program(name: str) -> str:
    """The path of one of the bench's child programs, to run with the interpreter."""
    return str(PROGRAMS / f"{name}.py")


@dataclass(frozen=True, slots=True)
class Run:
    """One whole process: wall seconds, peak RSS (KiB, of the largest single process among
    itself and its waited-for children: `ru_maxrss` is a maximum, not a sum)."""

    seconds: float
    peak_kib: int
    code: int
    output: str
    timed_out: bool = False
    #: user + system CPU seconds of the process and its children (above `seconds`: it used
    #: more than one core; far below: it waited, or the machine was busy)
    cpu: float = 0.0
    #: peak memory of the whole process tree (KiB, summed over the processes alive at once)
    tree_kib: int = 0
    #: what `tree_kib` sums: "PSS", "RSS", or "PSS+RSS" when some processes hid their PSS
    tree_measure: str = ""

    @property
    def tail(self) -> str:
        lines = [ln for ln in self.output.strip().splitlines() if ln.strip()]
        return lines[-1].strip() if lines else ""


def run_process(command: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path,
                timeout: float) -> Run:
    """Run `command` to completion; output goes to `log`. Timing covers the process only."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(list(command), cwd=cwd, env=dict(env), stdout=sink,
                                stderr=subprocess.STDOUT, start_new_session=True)
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            with TreeMemory(proc.pid) as memory:
                _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text(encoding="utf-8", errors="replace")
    return Run(seconds, usage.ru_maxrss, proc.returncode, output, expired.is_set(),
               usage.ru_utime + usage.ru_stime, memory.peak_kib, memory.measure)


#: seconds between two samples of a process tree's memory (at least)
MEMORY_INTERVAL = 0.05
#: reading PSS walks a process's page tables (about 15 ms for 1 GiB): the sampler waits at
#: least this many times as long as its last sample took, so it never takes more than about
#: 5% of one core from the run it measures
MEMORY_BACKOFF = 20


class TreeMemory:
    """The peak memory of a process and all its descendants, summed, sampled from /proc.

    `ru_maxrss` is the peak of the largest single process, so work forked into children that
    run alongside their parent is not counted. This samples every process of the tree every
    `interval` seconds (longer when a sample is slow, see MEMORY_BACKOFF) and keeps the largest
    sum. It sums PSS (/proc/<pid>/smaps_rollup), which splits a page shared by a parent and its
    forked child (copy-on-write) between them instead of counting it in each; where PSS cannot
    be read, VmRSS (/proc/<pid>/status), which does count it in each. A sample whose VmRSS sum
    is not above the peak so far skips the PSS reads (PSS <= RSS: it could not raise the peak).
    Peaks shorter than the interval can be missed.
    """

    def __init__(self, pid: int, interval: float = MEMORY_INTERVAL) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.measures: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"memory-{pid}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> TreeMemory:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def measure(self) -> str:
        """What the peak sums: "PSS", "RSS", "PSS+RSS" (mixed), or "" (never sampled)."""
        return "+".join(m for m in ("PSS", "RSS") if m in self.measures)

    def sample(self) -> int:
        """One sample (KiB; 0 when it could not raise the peak), which also raises `peak_kib`."""
        pids = process_tree(self.pid)
        if sum(process_memory(pid, pss=False)[0] for pid in pids) <= self.peak_kib:
            return 0
        total = 0
        for pid in pids:
            kib, measure = process_memory(pid)
            if measure:
                total += kib
                self.measures.add(measure)
        self.peak_kib = max(self.peak_kib, total)
        return total

    def _run(self) -> None:
        while True:
            started = time.perf_counter()
            self.sample()
            took = time.perf_counter() - started
            if self._stop.wait(max(self.interval, MEMORY_BACKOFF * took)):
                return


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from /proc/<pid>/task/<tid>/children (a child started
    by any thread is listed under that thread); processes gone meanwhile are left out."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        found.append(current)
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children", encoding="ascii") as f:
                    todo.extend(int(child) for child in f.read().split())
            except (OSError, ValueError):
                continue
    return found


_MEMORY_SOURCES = (("smaps_rollup", re.compile(r"^Pss:\s+(\d+) kB", re.M), "PSS"),
                   ("status", re.compile(r"^VmRSS:\s+(\d+) kB", re.M), "RSS"))


def process_memory(pid: int, *, pss: bool = True) -> tuple[int, str]:
    """(KiB, "PSS") from smaps_rollup (unless `pss` is false), else (KiB, "RSS") from status;
    (0, "") when the process is gone or a zombie."""
    for name, pattern, measure in _MEMORY_SOURCES[0 if pss else 1:]:
        try:
            with open(f"/proc/{pid}/{name}", encoding="ascii", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        m = pattern.search(text)
        if m:
            return int(m.group(1)), measure
    return 0, ""


@dataclass(slots=True)
class Figure:
    """One row of the table: a step's runs (the median is reported)."""

    name: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""
    #: '' when it ran as expected; else why not (missing, failed, timeout)
    problem: str = ""
    skipped: str = ""

    @property
    def seconds(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs else None

    @property
    def peak_mib(self) -> float | None:
        return max(r.peak_kib for r in self.runs) / 1024 if self.runs else None

    @property
    def peak_tree_mib(self) -> float | None:
        """The largest sum over the process tree, over all runs (None: never sampled)."""
        peaks = [r.tree_kib for r in self.runs if r.tree_kib]
        return max(peaks) / 1024 if peaks else None

    @property
    def tree_measure(self) -> str:
        used = {m for r in self.runs for m in r.tree_measure.split("+") if m}
        return "+".join(m for m in ("PSS", "RSS") if m in used)

    @property
    def cpu(self) -> float | None:
        cpus = [r.cpu for r in self.runs if r.cpu]
        return statistics.median(cpus) if cpus else None

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "seconds": self.seconds, "cpu_seconds": self.cpu,
                "peak_mib": self.peak_mib, "peak_tree_mib": self.peak_tree_mib,
                "tree_memory_measure": self.tree_measure,
                "runs": [round(r.seconds, 3) for r in self.runs], "note": self.note,
                "problem": self.problem, "skipped": self.skipped}


class Bench:
    """Times every step for one generated knowledge base."""

    def __init__(self, root: Path, logs: Path, stats: KbStats, args: argparse.Namespace,
                 out: TextIO) -> None:
        self.root = root
        self.logs = logs
        self.stats = stats
        self.args = args
        self.out = out
        self.cache_home = logs / "xdg-cache"
        self.env = {**os.environ, **QUIET, "XDG_CACHE_HOME": str(self.cache_home)}
        if args.code_path:
            self.env["PYTHONPATH"] = os.pathsep.join(
                [args.code_path, *filter(None, [os.environ.get("PYTHONPATH")])])
        self.figures: dict[str, Figure] = {}
        self.checks: dict[str, str] = {}
        #: clicks from the home page to each article, and the search check, of the built site
        self.findability: dict[str, dict[str, Any]] = {}

    # --- helpers --------------------------------------------------------------------------

    def reset_caches(self) -> None:
        """Cold start: remove whatever a tool left in the KB root, and the XDG cache."""
        for entry in self.root.iterdir():
            if entry.name not in GENERATED_ROOT:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        shutil.rmtree(self.cache_home, ignore_errors=True)
        self.cache_home.mkdir(parents=True)

    def kb(self, *argv: str) -> list[str]:
        return [sys.executable, "-m", "kb", "--root", str(self.root), *argv]

    def measure(self, key: str, name: str, command: Sequence[str], *, cold: bool = True,
             before: Callable[[int], None] | None = None, repeat: int | None = None) -> Figure:
        figure = self.figures.setdefault(key, Figure(name))
        for n in range(repeat or self.args.repeat):
            if cold:
                self.reset_caches()
            if before is not None:
                before(n)
            run = run_process(command, self.root, self.env, self.logs / f"{key}-{n + 1}.log",
                              self.args.timeout)
            figure.runs.append(run)
            self._progress(figure.name, run)
            if run.timed_out:
                figure.problem = f"timed out after {self.args.timeout:.0f} s"
                break
        return figure

    def _progress(self, name: str, run: Run) -> None:
        if self.args.verbose:
            print(f"    {name}: {run.seconds:.2f} s (CPU {run.cpu:.2f} s), "
                  f"{run.peak_kib / 1024:.0f} MiB largest process, "
                  f"{run.tree_kib / 1024:.0f} MiB process tree, exit {run.code}, "
                  f"load {os.getloadavg()[0]:.2f}", file=self.out, flush=True)

    def edit(self, rel: str, old: str, new: str) -> Callable[[], None]:
        """Replace the first `old` with `new` in a KB file; returns a function that undoes it."""
        path = self.root / rel
        original = path.read_text(encoding="utf-8")
        if old not in original:
            raise RuntimeError(f"{rel}: cannot find {old!r} to edit")
        path.write_text(original.replace(old, new, 1), encoding="utf-8")

        def undo() -> None:
            path.write_text(original, encoding="utf-8")

        return undo

    # --- steps ----------------------------------------------------------------------------


def code_version() -> str:
    """The git commit of the repository, whether scripts/kb differs from it, and a hash of the
    kb package's files as they are now (read-only git calls)."""
    h = hashlib.sha256()
    package = REPO / "scripts" / "kb"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    commit = dirty = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True,
                                capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "scripts/kb"], cwd=REPO,
                               text=True, capture_output=True, check=True).stdout.strip()
    where = f"git {commit}" + (" + uncommitted changes in scripts/kb" if dirty else "") \
        if commit else "not a git checkout"
    return f"{where}; package hash {h.hexdigest()[:12]}"


def machine() -> dict[str, str]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for dist in ("mkdocs", "mkdocs-material", "markdown-it-py", "Markdown", "PyYAML"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "missing"
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "libyaml": "yes" if getattr(yaml, "__with_libyaml__", False) else "no",
        **versions,
    }
