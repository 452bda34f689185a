"""Each timed step, the self-contained safety-policy proof step, and the lint profile."""

from __future__ import annotations

import contextlib
import os
import posixpath
import pstats
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

import yaml

from bench.findability import findability
from bench.generator import AnyTagLoader, with_top_level
from bench.measurement import (
    Bench,
    Figure,
    Run,
    TreeMemory,
    process_tree,
    program,
    run_process,
)
from bench.report import FIGURE_NAMES, table

# ---------------------------------------------------------------------------------------------
# `kb serve`: helpers of the serve step


def _serve_problem(proc: subprocess.Popen[bytes], log: Path) -> str:
    """Why `kb serve` served nothing: it exited (a rejected option, a failed build), or not."""
    if proc.poll() is None:
        return "never served a page (see serve.log)"
    output = log.read_text(encoding="utf-8", errors="replace")
    rejected = re.search(r"^.*error: (unrecognized arguments|argument|invalid choice).*$",
                         output, re.M)
    if rejected:
        return f"kb serve rejected its command line: {rejected.group(0).strip()}"
    return f"kb serve exited ({proc.returncode}) before serving: {_reason(output)}"


def _dirty(pid: int) -> str:
    """Whether the `mkdocs serve` under `pid` was given --dirty (only changed pages rebuilt)."""
    for child in process_tree(pid):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"mkdocs" in argv and b"serve" in argv:
                return "yes" if b"--dirty" in argv else "no"
    return "unknown (no mkdocs serve process found)"


def _contains(marker: str) -> Callable[[str], bool]:
    return lambda page: marker in page


def _killpg(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _reason(output: str) -> str:
    """The most telling line of a failed build's output."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Aborted" in ln or "Error" in ln or "error" in ln:
            return ln
    return lines[-1] if lines else "no output"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


def _poll(url: str, ok: Callable[[str], bool], timeout: float,
          proc: subprocess.Popen[bytes]) -> float | None:
    """Seconds until `url` answers 200 with a page that passes `ok`; None on timeout or when
    the server exits."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            return None
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                page = response.read().decode("utf-8", errors="replace")
                if response.status == 200 and ok(page):
                    return time.perf_counter() - start
        except urllib.error.HTTPError as exc:
            exc.close()
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    return None


# ---------------------------------------------------------------------------------------------
# The timed steps


class Steps(Bench):
    """Times every step for one generated knowledge base."""

    def floor(self) -> None:
        docs = str(self.root / "docs")
        trees = str(self.root / "decision_trees")
        self.measure("floor-read", "floor: read every file",
                  [sys.executable, program("floor"), "read", docs, trees])
        f = self.measure("floor", "floor: read + libyaml + markdown-it",
                      [sys.executable, program("floor"), "full", docs, trees])
        if any(r.code for r in f.runs):
            f.problem = f"failed: {f.runs[-1].tail}"

    def gate(self) -> bool:
        """`kb lint`, `kb test`, `kb export` from a cold start, in that order, `repeat` times.
        False when the generated KB does not lint clean or a case fails (a generator bug)."""
        lint = self.figures.setdefault("lint", Figure("kb lint (cold)"))
        test = self.figures.setdefault("test", Figure("kb test"))
        export = self.figures.setdefault("export", Figure("kb export (agent exports)"))
        exports_dir = self.logs / "exports"
        for n in range(self.args.repeat):
            self.reset_caches()
            for figure, key, argv in ((lint, "lint", ["lint"]), (test, "test", ["test"]),
                                      (export, "export", ["export", "--out", str(exports_dir)])):
                if figure.problem:
                    continue
                run = run_process(self.kb(*argv), self.root, self.env,
                                  self.logs / f"{key}-{n + 1}.log", self.args.timeout)
                self._progress(figure.name, run)
                if key == "export" and run.code == 2 and "invalid choice" in run.output:
                    figure.problem = "missing: `kb export` is not a command yet"
                    continue
                figure.runs.append(run)
                if run.timed_out:
                    figure.problem = f"timed out after {self.args.timeout:.0f} s"
        first_lint = lint.runs[0]
        m = re.search(r"(\d+) errors?, (\d+) warnings?", first_lint.output)
        if first_lint.code != 0 or m is None or m.group(1) != "0":
            print("the generated knowledge base does not lint clean (a bug in scripts/bench):",
                  file=self.out)
            print("\n".join(first_lint.output.splitlines()[:40]), file=self.out)
            return False
        self.checks["lint"] = m.group(0)
        first_test = test.runs[0]
        t = re.search(r"(\d+) passed, (\d+) failed", first_test.output)
        if first_test.code != 0 or t is None or t.group(2) != "0":
            print("a generated case fails `kb test` (a bug in scripts/bench):", file=self.out)
            print("\n".join(first_test.output.splitlines()[:40]), file=self.out)
            return False
        self.checks["test"] = t.group(0)
        if export.runs and any(r.code for r in export.runs):
            export.problem = f"failed (exit {export.runs[-1].code}): {export.runs[-1].tail}"
        return True

    def warm_lint(self) -> None:
        """Lint once to fill any cache, then edit one article and lint again (timed)."""
        self.reset_caches()
        run_process(self.kb("lint"), self.root, self.env, self.logs / "lint-prime.log",
                    self.args.timeout)
        undo: list[Callable[[], None]] = []

        def edit(n: int) -> None:
            undo.append(self.edit(self.stats.edit_article, "\n\n## ",
                                  f" Edited for warm lint run {n + 1}.\n\n## "))

        f = self.measure("lint-warm", "kb lint (warm, one article edited)", self.kb("lint"),
                      cold=False, before=edit)
        for u in reversed(undo):
            u()
        if any(r.code for r in f.runs):
            f.problem = f"exit {f.runs[-1].code}: {f.runs[-1].tail}"
        # a warm lint must never serve a stale result: plant a broken anchor, expect KB202
        target = posixpath.relpath(self.stats.link_target,
                                   posixpath.dirname(self.stats.edit_article))
        restore = self.edit(self.stats.edit_article, "\n\n## ",
                            f" See [this]({target}#no-such-heading-bench).\n\n## ")
        try:
            run = run_process(self.kb("lint"), self.root, self.env,
                              self.logs / "lint-stale-check.log", self.args.timeout)
        finally:
            restore()
        seen = run.code == 1 and "KB202" in run.output and self.stats.edit_article in run.output
        self.checks["warm lint sees a new error"] = "yes" if seen else "NO (stale result)"

    def check(self) -> None:
        """`kb check`, the PR gate (lint, the labeled cases and the agent exports in one
        process), from a cold cache."""
        exports_dir = self.logs / "check-exports"
        f = self.measure("check", FIGURE_NAMES["check"],
                         self.kb("check", "--out", str(exports_dir)),
                         before=lambda n: shutil.rmtree(exports_dir, ignore_errors=True))
        last = f.runs[-1]
        if last.code == 2 and "invalid choice" in last.output:
            f.problem = "missing: `kb check` is not a command"
        elif any(r.code for r in f.runs):
            f.problem = f"failed (exit {last.code}): {_reason(last.output)}"
        elif not (exports_dir / "kb-bundle.json").is_file():
            f.problem = "wrote no kb-bundle.json"

    def build(self) -> None:
        """`kb build` from a cold cache; the findability of its site; then `kb build` again
        with the cache `kb check` leaves (the order of a pull request, then the publish)."""
        site_dir = self.root / "site"
        f = self.measure("build", FIGURE_NAMES["build"],
                         self.kb("build", "--site-dir", str(site_dir)),
                         before=lambda n: shutil.rmtree(site_dir, ignore_errors=True))
        if any(r.code for r in f.runs):
            f.problem = f"failed (exit {f.runs[-1].code}): {_reason(f.runs[-1].output)}"
            self.findability["clicks"] = {"skipped": "kb build failed"}
            self.findability["search"] = {"skipped": "kb build failed"}
        else:
            self.findability.update(findability(site_dir, self.root / "docs", self.args,
                                                self.logs))
        shutil.rmtree(site_dir, ignore_errors=True)

        checks: list[Run] = []

        def check_first(n: int) -> None:
            self.reset_caches()
            shutil.rmtree(site_dir, ignore_errors=True)
            checks.append(run_process(
                self.kb("check", "--out", str(self.logs / "check-exports")), self.root,
                self.env, self.logs / f"build-warm-check-{n + 1}.log", self.args.timeout))

        warm = self.measure("build-warm", FIGURE_NAMES["build-warm"],
                            self.kb("build", "--site-dir", str(site_dir)), cold=False,
                            before=check_first)
        if any(r.code for r in checks):
            warm.problem = f"kb check (run first, untimed) failed (exit {checks[-1].code}): " \
                           f"{_reason(checks[-1].output)}"
        elif any(r.code for r in warm.runs):
            warm.problem = f"failed (exit {warm.runs[-1].code}): " \
                           f"{_reason(warm.runs[-1].output)}"
        shutil.rmtree(site_dir, ignore_errors=True)

    def bare(self, key: str = "bare", config: str = "mkdocs-bare.yml",
             name: str = "") -> None:
        name = name or FIGURE_NAMES[key]
        if key == "bare" and self.stats.articles > self.args.default_nav_max:
            self.figures[key] = Figure(name, skipped=(
                f"skipped: {self.stats.articles:,} articles > --default-nav-max "
                f"{self.args.default_nav_max:,} (MkDocs' own nav lists every article: without "
                f"navigation.prune every page carries all of it)"))
            return
        bare_dir = self.logs / "site-bare"
        f = self.measure(key, name,
                         [sys.executable, "-m", "mkdocs", "build", "-q", "--config-file",
                          str(self.root / config), "--site-dir", str(bare_dir), "--strict"],
                         before=lambda n: shutil.rmtree(bare_dir, ignore_errors=True))
        if any(r.code for r in f.runs):
            f.problem = f"failed (exit {f.runs[-1].code}): {_reason(f.runs[-1].output)}"
        shutil.rmtree(bare_dir, ignore_errors=True)

    def bare_with_kb_nav(self) -> None:
        """The bare build again, with the navigation our plugin would give these pages: it
        separates the plugin's own cost from that of MkDocs' default, whole-site nav."""
        nav = run_process([sys.executable, program("kb_nav"), str(self.root)], self.root,
                          self.env, self.logs / "kb-nav.log", self.args.timeout)
        if nav.code:
            self.figures["bare-nav"] = Figure(FIGURE_NAMES["bare-nav"],
                                              problem=f"unavailable: {nav.tail}")
            return
        (self.root / "mkdocs-bare-kb-nav.yml").write_text(
            (self.root / "mkdocs-bare.yml").read_text(encoding="utf-8") + nav.output,
            encoding="utf-8")
        self.bare("bare-nav", "mkdocs-bare-kb-nav.yml")

    def bare_same_pages(self) -> None:
        """The bare build of the pages `kb build` publishes: the authored pages plus every page
        the plugin generates, written out as Markdown files, with the plugin's assets and the
        nav it would build for them. What is left between the two is the plugin's own work."""
        docs = self.logs / "docs-same-pages"
        made = run_process([sys.executable, program("same_pages"), str(self.root),
                            str(docs)], self.root, self.env, self.logs / "same-pages.log",
                           self.args.timeout)
        if made.code:
            self.figures["bare-same"] = Figure(FIGURE_NAMES["bare-same"],
                                               problem=f"unavailable: {made.tail}")
            return
        settings = yaml.safe_load(made.output)
        bare = (self.root / "mkdocs-bare.yml").read_text(encoding="utf-8")
        current = yaml.load(bare, Loader=AnyTagLoader) or {}
        css = [*(current.get("extra_css") or []), *settings["extra_css"]]
        scripts = [*(current.get("extra_javascript") or []), *settings["extra_javascript"]]
        (self.root / "mkdocs-bare-same-pages.yml").write_text(with_top_level(bare, {
            "docs_dir": str(docs), "nav": settings["nav"],
            "extra_css": list(dict.fromkeys(css)),
            "extra_javascript": [s for i, s in enumerate(scripts) if s not in scripts[:i]],
        }), encoding="utf-8")
        self.bare("bare-same", "mkdocs-bare-same-pages.yml")
        self.figures["bare-same"].note = settings["summary"]
        if not self.args.keep:
            shutil.rmtree(docs, ignore_errors=True)

    def serve(self) -> None:
        """Start `kb serve`, wait for the first page, edit an article (then a tree), and poll
        the served page until the change shows. The server is stopped at the end."""
        ready = self.figures.setdefault("serve-ready", Figure(FIGURE_NAMES["serve-ready"]))
        article = self.figures.setdefault("serve-article",
                                          Figure(FIGURE_NAMES["serve-article"]))
        tree = self.figures.setdefault("serve-tree", Figure(FIGURE_NAMES["serve-tree"]))
        self.reset_caches()
        port = _free_port()
        base = f"http://127.0.0.1:{port}/"
        command = self.kb("serve", "--dev-addr", f"127.0.0.1:{port}")
        undo: list[Callable[[], None]] = []
        first_page: float | None = None
        log = self.logs / "serve.log"
        with open(log, "w", encoding="utf-8") as sink:
            start = time.perf_counter()
            proc = subprocess.Popen(command, cwd=self.root, env=self.env, stdout=sink,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            memory = TreeMemory(proc.pid)
            memory.start()
            try:
                if _poll(base, lambda page: True, self.args.timeout, proc) is None:
                    ready.problem = _serve_problem(proc, log)
                    return
                first_page = time.perf_counter() - start
                self.checks["kb serve runs mkdocs serve with --dirty"] = _dirty(proc.pid)
                self._changes(article, proc, undo, base + self.stats.edit_article_url,
                              self.stats.edit_article, "\n\n## ", "{marker}.\n\n## ")
                tree_url = base + self.stats.edit_tree_url
                if _status(tree_url) != 200:
                    tree.skipped = f"no page at /{self.stats.edit_tree_url} to watch"
                else:
                    self._changes(tree, proc, undo, tree_url, self.stats.edit_tree,
                                  "\ntitle: ", "\ntitle: {marker} ")
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGINT)
                killer = threading.Timer(30, _killpg, (proc.pid,))
                killer.start()
                _, status, usage = os.wait4(proc.pid, 0)
                killer.cancel()
                memory.stop()
                proc.returncode = os.waitstatus_to_exitcode(status)
                for u in reversed(undo):
                    u()
                if first_page is not None:
                    ready.runs.append(Run(first_page, usage.ru_maxrss, 0, "",
                                          tree_kib=memory.peak_kib,
                                          tree_measure=memory.measure))
                    ready.note = "peak memory: the whole serve session"
                for figure in (article, tree):
                    if not figure.runs and not figure.problem and not figure.skipped:
                        figure.skipped = "not run: the server did not start"

    def _changes(self, figure: Figure, proc: subprocess.Popen[bytes],
                 undo: list[Callable[[], None]], url: str, rel: str, old: str,
                 new: str) -> None:
        """Edit `rel` `repeat` times; time each from the write until `url` shows the change."""
        for _ in range(self.args.repeat):
            marker = f"Benchmarkedit{len(undo) + 1}"
            text = new.format(marker=(" " if old.startswith("\n\n") else "") + marker)
            undo.append(self.edit(rel, old, text))
            t0 = time.perf_counter()
            seen = _poll(url, _contains(marker), self.args.timeout, proc)
            if seen is None:
                figure.problem = "the change never showed (see serve.log)"
                return
            figure.runs.append(Run(time.perf_counter() - t0, 0, 0, ""))
            self._progress(figure.name, figure.runs[-1])


# --- the safety-policy proof (KB7xx): its share of a cold kb lint, as one self-contained step ---

#: the policy every tree is proven against in this step
BENCH_POLICIES = """\
policies:
  bench-risk:
    title: Bench risk
    why: Every tree raises this signal on its first fact, so every path is proven.
    resolutions: [escalate]
    handled_by: [specialist]
    max_sla_hours: 24
    ask_before_ai: true
"""


def _bench_signal(fact: Mapping[str, Any]) -> object:
    """A `when` that some but not all values of the fact satisfy."""
    if fact.get("type") == "boolean":
        return True
    if fact.get("type") == "choice":
        return fact["options"][0]
    return {"gte": (fact.get("min") or 0) + 1}


def _tree_variants(root: Path) -> dict[Path, tuple[str, str]]:
    """Each generated tree file as (without signals, with a signal on its first fact), both
    written by the same YAML dumper so that parsing costs the same."""
    found: dict[Path, tuple[str, str]] = {}
    for path in sorted((root / "decision_trees").glob("*.yaml")):
        if path.name.endswith(".cases.yaml"):
            continue
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        plain = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True, width=100)
        first = next(iter(tree["facts"]))
        tree["facts"][first]["signals"] = {"bench-risk": _bench_signal(tree["facts"][first])}
        found[path] = (plain, yaml.safe_dump(tree, sort_keys=False, allow_unicode=True,
                                             width=100))
    return found


def policy_proof_overhead(bench: Bench) -> None:
    """Cold `kb lint` of the generated KB with every tree raising a signal that one policy
    constrains (KB7xx prove every path), against the same lint of the same trees without the
    signal and the policies file; runs interleaved, the median of each is compared."""
    variants = _tree_variants(bench.root)
    originals = {path: path.read_text(encoding="utf-8") for path in variants}
    policies = bench.root / "decision_trees" / "policies.yaml"

    def use(signalled: bool) -> None:
        for path, texts in variants.items():
            path.write_text(texts[signalled], encoding="utf-8")
        if signalled:
            policies.write_text(BENCH_POLICIES, encoding="utf-8")
        else:
            policies.unlink(missing_ok=True)

    plain = bench.figures.setdefault("lint-plain", Figure("kb lint (cold), trees as dumped"))
    proven = bench.figures.setdefault("lint-policies",
                                      Figure("kb lint (cold), every tree proven against a policy"))
    try:
        for n in range(bench.args.repeat):
            for signalled, figure in ((False, plain), (True, proven)):
                bench.reset_caches()
                use(signalled)
                run = run_process(bench.kb("lint"), bench.root, bench.env,
                                  bench.logs / f"lint-policies-{signalled}-{n + 1}.log",
                                  bench.args.timeout)
                figure.runs.append(run)
                bench._progress(figure.name, run)
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        policies.unlink(missing_ok=True)
    base, with_proof = plain.seconds, proven.seconds
    if base and with_proof is not None:
        flagged = re.search(r"(\d+) errors?", proven.runs[-1].output)
        share = (with_proof - base) / base
        bench.checks["policy proof"] = (
            f"{len(variants)} trees proven; cold kb lint {base:.2f} s without, "
            f"{with_proof:.2f} s with ({share:+.1%}; target <= +10%); "
            f"{flagged.group(0) if flagged else 'no error count'} found")
        print(f"policy proof: {bench.checks['policy proof']}", file=bench.out, flush=True)


# ---------------------------------------------------------------------------------------------
# Profiling `kb lint` (--profile)


def profile_lint(bench: Bench, out: TextIO) -> None:
    """cProfile `kb lint` cold and warm in one process, and time the load and each rule."""
    root, logs = bench.root, bench.logs
    print("\n## Where `kb lint` spends its time\n", file=out)
    for label, prepare in (("cold (no cache)", bench.reset_caches),
                           ("warm (cache filled, one article edited)", None)):
        key = "cold" if prepare else "warm"
        undo: Callable[[], None] | None = None
        if prepare is not None:
            prepare()
        else:
            undo = bench.edit(bench.stats.edit_article, "\n\n## ",
                              " Edited for the warm profile.\n\n## ")
        prof = logs / f"lint-{key}.prof"
        try:
            run = run_process([sys.executable, program("profile_kb"), str(prof), "--root",
                               str(root), "lint"], root, bench.env,
                              logs / f"lint-profile-{key}.log", bench.args.timeout)
        finally:
            if undo is not None:
                undo()
        print(f"### {label}: {run.seconds:.1f} s under cProfile, in one process\n", file=out)
        if not prof.exists():
            print(f"no profile written: {run.tail}", file=out)
            continue
        _print_profile(prof, out)
    for mode in ("one", "auto"):
        per_rule = run_process([sys.executable, program("per_rule"), str(root), mode], root,
                               bench.env, logs / f"lint-per-rule-{mode}.log", bench.args.timeout)
        rows: list[tuple[float, str]] = []
        for line in per_rule.output.splitlines():
            parts = line.split()
            if len(parts) >= 2 and re.fullmatch(r"[0-9.]+", parts[-1]):
                rows.append((float(parts[-1]), " ".join(parts[:-1])))
        if per_rule.code or not rows:
            print(f"per-rule timing unavailable: {per_rule.tail}", file=out)
            return
        rows.sort(reverse=True)
        total = sum(sec for sec, _ in rows)
        how = "in one process" if mode == "one" else "with the loader's own parallelism"
        print(f"\n### load, then each rule, {how} (cache as the cold profile left it; rules "
              f"that share a memo: the first pays)\n", file=out)
        print(table(["step", "s", "share"],
                    [[name, f"{sec:.3f}", f"{sec / total:.0%}"] for sec, name in rows[:20]]
                    + [["all", f"{total:.3f}", "100%"]], {1, 2}), file=out)


def profile_build(bench: Bench, out: TextIO) -> None:
    """cProfile the MkDocs build `kb build` runs (the kb plugin inside it), from a cold cache,
    in one process (the lint and the agent exports, made in forked children, are not seen)."""
    root, logs = bench.root, bench.logs
    print("\n## Where `kb build` spends its time\n", file=out)
    bench.reset_caches()
    prof = logs / "build.prof"
    site_dir = logs / "site-profiled"
    run = run_process([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "mkdocs",
                       "build", "-q", "--config-file", str(root / "mkdocs.yml"),
                       "--site-dir", str(site_dir)], root, bench.env,
                      logs / "build-profile.log", bench.args.timeout)
    shutil.rmtree(site_dir, ignore_errors=True)
    print(f"### cold: {run.seconds:.1f} s under cProfile, in one process\n", file=out)
    if run.code or not prof.exists():
        print(f"no profile written: {run.tail}", file=out)
        return
    _print_profile(prof, out)


def _print_profile(prof: Path, out: TextIO) -> None:
    """Our functions by own time and by cumulative time; then the library calls they make."""
    stats = pstats.Stats(str(prof))
    total = stats.total_tt  # type: ignore[attr-defined]
    ours: list[tuple[float, float, int, str]] = []
    others: list[tuple[float, int, str]] = []
    for (filename, line, name), (_, calls, own, cumulative, _) in \
            stats.stats.items():  # type: ignore[attr-defined]
        where = filename.replace("\\", "/")
        short = where.split("/kb/", 1)[-1] if "/kb/" in where else posixpath.basename(where)
        if "/kb/" in where and "site-packages" not in where:
            ours.append((own, cumulative, calls, f"kb/{short}:{line}({name})"))
        else:
            others.append((own, calls, f"{short}:{line}({name})"))
    print(f"total {total:.2f} s\n", file=out)
    ours.sort(reverse=True)
    print(table(["our function (by own time)", "own s", "cumulative s", "calls"],
                [[n, f"{o:.2f}", f"{c:.2f}", f"{k:,}"] for o, c, k, n in ours[:15]],
                {1, 2, 3}), file=out)
    print("", file=out)
    by_cum = sorted(ours, key=lambda row: -row[1])
    print(table(["our function (by cumulative time)", "cumulative s", "share"],
                [[n, f"{c:.2f}", f"{c / total:.0%}"] for _, c, _, n in by_cum[:20]], {1, 2}),
          file=out)
    print("", file=out)
    others.sort(reverse=True)
    print(table(["library or builtin (by own time)", "own s", "calls"],
                [[n, f"{o:.2f}", f"{k:,}"] for o, k, n in others[:12]], {1, 2}), file=out)
    print("", file=out)
