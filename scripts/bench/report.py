"""The printed report: figure tables, ratios against targets, findability lines, the summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.findability import SEARCH_TOP
from bench.measurement import MEMORY_INTERVAL, Figure


def findability_lines(found: Mapping[str, Mapping[str, Any]], why_not: str) -> list[str]:
    """The findability figures as printed lines (`why_not`: why there are none)."""
    clicks, search = found.get("clicks"), found.get("search")
    lines: list[str] = []
    if clicks is None or "skipped" in clicks:
        reason = clicks["skipped"] if clicks else why_not
        lines.append(f"clicks from the home page: not counted: {reason}")
    else:
        spread = ", ".join(f"{k}: {v:,}" for k, v in clicks["distribution"].items())
        lines.append(f"clicks from the home page (site/index.html) to each of the "
                     f"{clicks['articles']:,} published articles, following links between "
                     f"built pages: at most {clicks['max']}; articles by clicks {spread or '-'}; "
                     f"unreachable {clicks['unreachable']:,}")
    if search is None:
        lines.append(f"search check skipped: {why_not}")
    elif "skipped" in search:
        lines.append(f"search check skipped: {search['skipped']}")
    elif "problem" in search:
        lines.append(f"search check failed: {search['problem']}")
    else:
        median = "-" if search["median_ms"] is None else f"{search['median_ms']:.0f}"
        late = f"; {search['timed_out']} showed no results within a minute" \
            if search["timed_out"] else ""
        lines.append(f"search finds {search['found']}/{search['sample']} in the top "
                     f"{search['top']}, median {median} ms from the last keystroke to the "
                     f"results (headless Chromium, the site's search; the first results came "
                     f"{search['index_ready_seconds']:.1f} s after the home page was opened"
                     f"{late})")
    return lines


# ---------------------------------------------------------------------------------------------
# Reporting


@dataclass(frozen=True, slots=True)
class Ratio:
    name: str
    value: float | None
    shown: str
    target: str
    ok: bool | None


#: the plugin's overhead: `kb build` against the bare build of the authored pages alone
OVERHEAD = "kb build / bare build of the authored pages alone (the plugin's overhead)"


def ratios(figures: Mapping[str, Figure]) -> list[Ratio]:
    def sec(key: str) -> float | None:
        f = figures.get(key)
        return f.seconds if f is not None and not f.problem and not f.skipped else None

    out: list[Ratio] = []
    lint, test, export, floor = sec("lint"), sec("test"), sec("export"), sec("floor")
    check = sec("check")
    if check is not None and floor:
        out.append(Ratio("PR gate (kb check, one process) / floor", check / floor,
                         f"{check:.2f} s / {floor:.2f} s = {check / floor:.2f}x", "<= 2x",
                         check / floor <= 2))
    if lint is not None and test is not None and export is not None and floor:
        gate = lint + test + export
        out.append(Ratio("kb lint + kb test + kb export, three processes / floor",
                         gate / floor, f"{gate:.2f} s / {floor:.2f} s = {gate / floor:.2f}x",
                         "for comparison", None))
    warm = sec("lint-warm")
    if warm is not None and lint:
        out.append(Ratio("warm re-lint / cold lint", warm / lint,
                         f"{warm:.2f} s / {lint:.2f} s = {warm / lint:.0%}", "<= 10%",
                         warm / lint <= 0.10))
    build = sec("build")
    same = sec("bare-same")
    if build is not None and same:
        out.append(Ratio("kb build / bare build of the same pages (generated pages as files)",
                         build / same, f"{build:.1f} s / {same:.1f} s = {build / same:.2f}x",
                         "<= 1.10x", build / same <= 1.10))
    bare = sec("bare")
    if build is not None and bare:
        # the reference issue 19 sets: what the plugin and its generated pages cost on top
        out.append(Ratio(OVERHEAD, build / bare,
                         f"{build:.1f} s / {bare:.1f} s = {build / bare:.2f}x", "<= 1.25x",
                         build / bare <= 1.25))
    bare_nav = sec("bare-nav")
    if build is not None and bare_nav:
        out.append(Ratio("kb build / bare build, authored pages only, the kb nav",
                         build / bare_nav,
                         f"{build:.1f} s / {bare_nav:.1f} s = {build / bare_nav:.2f}x",
                         "for comparison (fewer pages)", None))
    warm_build = sec("build-warm")
    if build is not None and warm_build is not None:
        out.append(Ratio("kb build, warm cache (after kb check) / cold", warm_build / build,
                         f"{warm_build:.1f} s / {build:.1f} s = {warm_build / build:.0%}",
                         "for comparison", None))
    if build is not None:
        out.append(Ratio("kb build, wall clock", build, f"{build:.1f} s", "< 60 s at 5,000",
                         build < 60))
    built = figures.get("build")
    if built is not None and built.peak_tree_mib is not None:
        peak = built.peak_tree_mib
        out.append(Ratio("kb build, peak memory (process tree)", peak,
                         f"{peak:.0f} MiB ({built.tree_measure}, summed over the processes)",
                         "< 1024 MiB", peak < 1024))
    seen = sec("serve-article")
    if seen is not None:
        out.append(Ratio("kb serve, article edit to page", seen, f"{seen:.1f} s",
                         "quick (no target)", None))
    tree = sec("serve-tree")
    if tree is not None:
        out.append(Ratio("kb serve, tree edit to page", tree, f"{tree:.1f} s",
                         "quick (no target)", None))
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))) \
            + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else "-" * (w + 2)
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


FIGURE_NAMES = {
    "floor-read": "floor: read every file",
    "floor": "floor: read + libyaml + markdown-it",
    "lint": "kb lint (cold)",
    "lint-warm": "kb lint (warm, one article edited)",
    "test": "kb test",
    "export": "kb export (agent exports)",
    "check": "kb check (PR gate: lint + cases + exports, one process)",
    "build": "kb build (site + exports, cold cache)",
    "build-warm": "kb build, warm cache (after kb check)",
    "bare": "mkdocs build (bare: authored pages only, MkDocs' own nav)",
    "bare-nav": "mkdocs build (bare: authored pages only, the kb nav)",
    "bare-same": "mkdocs build (bare: authored + generated pages as files, the kb nav)",
    "serve-ready": "kb serve: first page served",
    "serve-article": "kb serve: article edit visible",
    "serve-tree": "kb serve: tree edit visible",
}
FIGURE_ORDER = tuple(FIGURE_NAMES)
#: the --only step that times a figure (lint, test and export always run: they check the KB)
STEP_OF = {"floor-read": "floor", "lint-warm": "warm", "build-warm": "build",
           "serve-ready": "serve", "serve-article": "serve", "serve-tree": "serve"}
STEPS = ("floor", "check", "warm", "build", "bare", "bare-nav", "bare-same", "serve",
         "policies")
#: the steps --skip-site leaves out
SITE_STEPS = ("build", "bare", "bare-nav", "bare-same")


def figure_rows(figures: Mapping[str, Figure]) -> list[list[str]]:
    rows: list[list[str]] = []
    for key in FIGURE_ORDER:
        f = figures.get(key)
        if f is None:
            continue
        secs = f"{f.seconds:.2f}" if f.seconds is not None else "-"
        mib = f"{f.peak_mib:.0f}" if f.peak_mib else "-"
        tree = f"{f.peak_tree_mib:.0f}" if f.peak_tree_mib else "-"
        cpu = f"{f.cpu:.2f}" if f.cpu is not None else "-"
        spread = ""
        if len(f.runs) > 1:
            spread = f" (runs {min(r.seconds for r in f.runs):.2f}-" \
                     f"{max(r.seconds for r in f.runs):.2f})"
        status = f.skipped or f.problem or "ok"
        rows.append([f.name, secs + spread, cpu, mib, tree, status])
    return rows


FIGURE_HEADERS = ["step", "wall s (median)", "CPU s", "peak RSS MiB (largest process)",
                  "peak memory MiB (process tree)", "result"]


def memory_note(figures: Mapping[str, Figure]) -> str:
    """Says what the process-tree column sums."""
    used = {m for f in figures.values() for m in f.tree_measure.split("+") if m}
    what = {"PSS": "PSS from /proc/<pid>/smaps_rollup (a page shared by a parent and its "
                   "forked child counted once)",
            "RSS": "VmRSS from /proc/<pid>/status (shared pages counted in every process)"}
    sums = "; some processes: ".join(what[m] for m in ("PSS", "RSS") if m in used) or "-"
    return (f"peak memory (process tree): the largest sum over the process and all its "
            f"descendants, sampled about every {MEMORY_INTERVAL * 1000:.0f} ms, of {sums}; "
            f"peak RSS: "
            f"the largest single process (ru_maxrss)")


def ratio_rows(found: Sequence[Ratio]) -> list[list[str]]:
    verdict = {True: "meets", False: "MISSES", None: "-"}
    return [[r.name, r.shown, r.target, verdict[r.ok]] for r in found]


def summary_table(results: Sequence[Mapping[str, Any]]) -> str:
    keys = [k for k in FIGURE_ORDER if any(k in r["figures"] for r in results)]
    rows = []
    for key in keys:
        name = next(r["figures"][key]["name"] for r in results if key in r["figures"])
        cells = [name]
        for r in results:
            f = r["figures"].get(key)
            if f is None or f["seconds"] is None:
                cells.append((f["skipped"] or f["problem"] or "-").split(";")[0] if f else "-")
            else:
                mark = " !" if f["problem"] else ""
                cells.append(f"{f['seconds']:.2f} s{mark}")
        rows.append(cells)
    names: list[str] = []
    for r in results:
        for ratio in r["ratios"]:
            if ratio["name"] not in names:
                names.append(ratio["name"])
    for name in names:
        cells = [name]
        for r in results:
            found = next((x for x in r["ratios"] if x["name"] == name), None)
            cells.append(found["shown"].split(" = ")[-1] if found else "-")
        rows.append(cells)
    rows += findability_rows(results)
    headers = ["figure", *(f"{r['size']:,} articles, {r['shape']}" for r in results)]
    return table(headers, rows, set(range(1, len(headers)))) + \
        "\n(! = the step ran but failed; see its row above)"


def findability_rows(results: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """The summary's rows for the click counts and the search check, one cell per size."""
    clicks = ["clicks from the home page to an article: max (unreachable)"]
    search = [f"search: articles found by title in the top {SEARCH_TOP}, median ms"]
    for r in results:
        found = r.get("findability", {})
        c, q = found.get("clicks", {}), found.get("search", {})
        clicks.append(f"{c['max']} ({c['unreachable']:,})" if "max" in c else "-")
        search.append(f"{q['found']}/{q['sample']}, {q['median_ms']:.0f} ms"
                      if q.get("median_ms") is not None else "-")
    return [clicks, search]
