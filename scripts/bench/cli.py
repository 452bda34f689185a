"""Benchmark the knowledge base tooling on a synthetic knowledge base of a chosen size.

The command line (`python scripts/bench ...`): parse the options, time each size, write
results.json."""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import datetime as dt
import functools
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bench.generator import (
    DEFAULT_SEED,
    DEFAULT_SHAPE,
    DEFAULT_TODAY,
    REPO,
    SHAPES,
    Shape,
    generate,
)
from bench.measurement import DEFAULT_OUT, Figure, code_version, machine
from bench.report import (
    FIGURE_HEADERS,
    FIGURE_NAMES,
    FIGURE_ORDER,
    SITE_STEPS,
    STEP_OF,
    STEPS,
    figure_rows,
    findability_lines,
    memory_note,
    ratio_rows,
    ratios,
    summary_table,
    table,
)
from bench.steps import Steps, policy_proof_overhead, profile_build, profile_lint


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    p.add_argument("--sizes", default="1000", help="comma-separated article counts "
                   "(default: 1000)")
    p.add_argument("--shapes", default=DEFAULT_SHAPE.name,
                   help=f"comma-separated layouts of the knowledge base, each timed at every "
                        f"size: {', '.join(SHAPES)} (default: {DEFAULT_SHAPE.name})")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help=f"scratch folder for the knowledge bases, logs and results.json "
                        f"(default: {DEFAULT_OUT})")
    p.add_argument("--keep", action="store_true",
                   help="keep the generated knowledge bases (default: delete them at the end)")
    p.add_argument("--repeat", type=int, default=1, help="runs per step; the median is shown")
    p.add_argument("--skip-site", action="store_true",
                   help="skip the site builds (kb build and the bare mkdocs builds)")
    p.add_argument("--skip-serve", action="store_true", help="skip the kb serve figures")
    p.add_argument("--skip-search", action="store_true",
                   help="skip the search check in Chromium (the click counts still run)")
    p.add_argument("--default-nav-max", type=int, default=10_000, metavar="N",
                   help="skip the bare build with MkDocs' own nav above N articles: with a "
                        "theme that does not prune the nav it grows quadratically (about 16 "
                        "minutes at 5,000 with navigation.sections) (default: 10000)")
    p.add_argument("--only", metavar="STEPS",
                   help=f"time only these of {','.join(STEPS)} (kb lint, kb test and kb "
                        "export always run: they check the generated knowledge base)")
    p.add_argument("--profile", action="store_true",
                   help="also profile `kb lint` (cProfile, per rule) and `kb build` (cProfile) "
                        "at the largest size")
    p.add_argument("--generate-only", action="store_true",
                   help="generate the knowledge bases and stop")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY,
                   help=f"the `today` set in the copied mkdocs.yml (default: {DEFAULT_TODAY})")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before a step is "
                   "stopped and reported as timed out (default: 1800)")
    p.add_argument("--config", type=Path, default=REPO / "mkdocs.yml",
                   help="the mkdocs.yml whose theme and vocabularies to copy")
    p.add_argument("--live-code", action="store_true",
                   help="run the kb package in place; by default a copy taken at the start is "
                        "run, so edits made to the code during a long run do not mix versions")
    p.add_argument("-v", "--verbose", action="store_true", help="print each run as it ends")
    args = p.parse_args(argv)
    try:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        p.error(f"--sizes takes comma-separated integers, not {args.sizes!r}")
    if not args.size_list or min(args.size_list) < 10:
        p.error("each size must be at least 10 articles")
    args.shape_list = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if not args.shape_list or set(args.shape_list) - set(SHAPES):
        p.error(f"--shapes takes shapes from {','.join(SHAPES)}, not {args.shapes!r}")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.default_nav_max < 0:
        p.error("--default-nav-max must not be negative")
    args.steps = set(STEPS)
    args.skip_reason = {}
    if args.only is not None:
        chosen = {s.strip() for s in args.only.split(",") if s.strip()}
        if chosen - set(STEPS):
            p.error(f"--only takes steps from {','.join(STEPS)}, not "
                    f"{','.join(sorted(chosen - set(STEPS)))}")
        args.skip_reason.update({s: "not selected (--only)" for s in set(STEPS) - chosen})
        args.steps = chosen
    if args.skip_site:
        args.steps -= set(SITE_STEPS)
        args.skip_reason.update({s: "skipped (--skip-site)" for s in SITE_STEPS})
    if args.skip_serve:
        args.steps.discard("serve")
        args.skip_reason["serve"] = "skipped (--skip-serve)"
    return args


def kb_folder(size: int, shape: Shape) -> str:
    """The generated knowledge base's folder name under --out."""
    return f"kb-{size}" if shape == DEFAULT_SHAPE else f"kb-{size}-{shape.name}"


def bench_size(size: int, shape: Shape, args: argparse.Namespace,
               out: TextIO) -> dict[str, Any] | None:
    root = args.out / kb_folder(size, shape)
    logs = args.out / f"logs-{kb_folder(size, shape).removeprefix('kb-')}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    t0 = time.perf_counter()
    stats = generate(root, size, args.seed, args.today, args.config, shape)
    generated = time.perf_counter() - t0
    print(f"\n## {size:,} articles, shape {shape.name}\n", file=out)
    print(f"{stats.articles:,} articles ({stats.words:,} words, "
          f"{stats.words // max(1, stats.articles)} per article; {stats.links:,} internal links; "
          f"{stats.macros} macros, {stats.restricted} restricted, {stats.deprecated} deprecated, "
          f"{stats.drafts} drafts) in {stats.sections} sections / {stats.subsections} "
          f"subsections; {stats.trees} trees ({stats.nodes:,} nodes), {stats.cases:,} cases; "
          f"generated in {generated:.1f} s into {root}", file=out, flush=True)
    result: dict[str, Any] = {"size": size, "shape": shape.name, "stats": dataclasses.asdict(stats),
                              "generate_seconds": round(generated, 2)}
    if args.generate_only:
        return result
    bench = Steps(root, logs, stats, args, out)
    load_before = os.getloadavg()
    if "floor" in args.steps:
        bench.floor()
    if not bench.gate():
        return None
    print(f"checked: kb lint reports {bench.checks['lint']}; kb test reports "
          f"{bench.checks['test']}", file=out, flush=True)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("check", bench.check), ("warm", bench.warm_lint), ("build", bench.build),
        ("bare", bench.bare), ("bare-nav", bench.bare_with_kb_nav),
        ("bare-same", bench.bare_same_pages), ("serve", bench.serve),
        ("policies", functools.partial(policy_proof_overhead, bench))]
    for step, run in steps:
        if step in args.steps:
            run()
    for key, name in FIGURE_NAMES.items():
        if key not in bench.figures:
            bench.figures[key] = Figure(name, skipped=args.skip_reason.get(
                STEP_OF.get(key, key), "not run"))
    for check in ("warm lint sees a new error", "kb serve runs mkdocs serve with --dirty"):
        if check in bench.checks:
            print(f"checked: {check}: {bench.checks[check]}", file=out)
    print("", file=out)
    print(table(FIGURE_HEADERS, figure_rows(bench.figures), {1, 2, 3, 4}), file=out)
    print(memory_note(bench.figures), file=out)
    for key in FIGURE_ORDER:
        figure = bench.figures.get(key)
        if figure is not None and figure.note and figure.runs:
            print(f"{figure.name}: {figure.note}", file=out)
    load = os.getloadavg()
    print(f"load average {load_before[0]:.2f} before, {load[0]:.2f} after (1 min; "
          f"{os.cpu_count()} CPUs)" + (" - the machine was busy: wall times are inflated, "
                                       "CPU times less so" if max(load_before[0], load[0])
                                       > 0.75 * (os.cpu_count() or 1) else ""), file=out)
    found = ratios(bench.figures)
    print("", file=out)
    print(table(["ratio", "value", "target", "verdict"], ratio_rows(found), set()), file=out,
          flush=True)
    print("\nFindability of the site `kb build` made (cold cache):", file=out)
    why_not = f"kb build was {args.skip_reason['build']}" if "build" in args.skip_reason \
        else "kb build did not run"
    for line in findability_lines(bench.findability, why_not):
        print(f"- {line}", file=out)
    if args.profile and size == max(args.size_list):
        profile_lint(bench, out)
        profile_build(bench, out)
    found_json: dict[str, Any] = dict(bench.findability) or {"skipped": why_not}
    result.update({
        "figures": {k: f.as_json() for k, f in bench.figures.items()},
        "ratios": [{"name": r.name, "value": r.value, "shown": r.shown, "target": r.target,
                    "ok": r.ok} for r in found],
        "checks": bench.checks,
        "findability": found_json,
    })
    return result


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    info = machine()
    version = code_version()
    info["code"] = version
    args.code_path = ""
    if not args.live_code:
        copy = args.out / "code"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(REPO / "scripts" / "kb", copy / "kb",
                        ignore=shutil.ignore_patterns("__pycache__"))
        # compiled once, as an installed package is (and as the libraries the bare build
        # imports are): the runs' PYTHONDONTWRITEBYTECODE would otherwise have every kb
        # process compile the package again, a cost no second build of a user pays
        compileall.compile_dir(copy / "kb", quiet=1)
        args.code_path = str(copy)
    print("# Knowledge base benchmark\n", file=out)
    print(f"{info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
          f"mkdocs {info['mkdocs']}, material {info['mkdocs-material']}, "
          f"markdown-it-py {info['markdown-it-py']}, PyYAML {info['PyYAML']} "
          f"(libyaml: {info['libyaml']}); seed {args.seed}, today {args.today}, "
          f"repeat {args.repeat}", file=out, flush=True)
    print(f"code: {version}" + ("" if args.live_code else
                                f", run from a copy in {args.code_path}"), file=out, flush=True)
    results: list[dict[str, Any]] = []
    code = 0
    try:
        for shape, size in ((SHAPES[s], n) for s in args.shape_list for n in args.size_list):
            found = bench_size(size, shape, args, out)
            if found is None:
                code = 1
                break
            results.append(found)
            (args.out / "results.json").write_text(
                json.dumps({"machine": info, "seed": args.seed, "today": str(args.today),
                            "repeat": args.repeat, "sizes": results}, indent=2) + "\n",
                encoding="utf-8")
    finally:
        if not args.keep:
            for shape_name in args.shape_list:
                for size in args.size_list:
                    shutil.rmtree(args.out / kb_folder(size, SHAPES[shape_name]),
                                  ignore_errors=True)
    if args.live_code and code_version() != version:
        print(f"warning: the kb package changed during the run (now {code_version()}); the "
              "figures mix code versions", file=out)
    if len(results) > 1 and not args.generate_only:
        print("\n## Summary\n", file=out)
        print(summary_table(results), file=out)
    print(f"\nresults: {args.out / 'results.json'}", file=out)
    return code
