"""scripts/bench: a valid, reproducible synthetic KB; a small run prints every figure.

Timings are never asserted here (issue 6: targets are read from the script's output); only that
each figure and ratio is printed with a value.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench import cli, findability, generator, measurement, steps
from kb.diagnostics import Severity
from kb.lint import lint_kb
from kb.loader import load, load_config

REPO = Path(__file__).resolve().parents[2]



NUMBER = r"[0-9]+\.[0-9]+"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_kb_lints_clean_and_is_reproducible(tmp_path: Path) -> None:
    stats = generator.generate(tmp_path / "a", 80, 6, generator.DEFAULT_TODAY)
    generator.generate(tmp_path / "b", 80, 6, generator.DEFAULT_TODAY)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    generator.generate(tmp_path / "c", 80, 7, generator.DEFAULT_TODAY)
    assert _files(tmp_path / "a") != _files(tmp_path / "c")

    loaded = load(load_config(tmp_path / "a"))
    result = lint_kb(loaded.kb, loaded.problems, loaded.ambiguous)
    assert [d.format() for d in result.diagnostics if d.severity is Severity.ERROR] == []
    assert result.warnings == 0
    kb = loaded.kb
    assert len(kb.articles) == stats.articles == 80
    assert len(kb.trees) == stats.trees == 8
    assert sum(len(s.cases) for s in kb.case_sets) == stats.cases == 80
    assert 500 <= stats.words / stats.articles <= 750
    assert {a.meta.visibility for a in kb.articles.values()} >= {"public", "internal"}
    assert any(a.meta.status == "deprecated" and a.meta.superseded_by
               for a in kb.articles.values())
    assert all(15 <= len(t.nodes) <= 25 for t in kb.trees.values())


def test_site_config_keeps_the_theme_fixes_today_and_bare_drops_the_plugin() -> None:
    source = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = generator.site_config(source, generator.DEFAULT_TODAY)
    ours, original = yaml.safe_load(text), yaml.safe_load(source)
    assert ours["theme"] == original["theme"]
    assert ours["markdown_extensions"] == original["markdown_extensions"]
    kb_options = next(p["kb"] for p in ours["plugins"] if isinstance(p, dict) and "kb" in p)
    assert str(kb_options["today"]) == generator.DEFAULT_TODAY.isoformat()
    assert "nav" not in ours

    bare = yaml.safe_load(generator.bare_config(text))
    assert bare["theme"] == original["theme"]
    # with kb the only plugin listed, `plugins:` is left empty: MkDocs' default (its search)
    assert not any(p == "kb" or (isinstance(p, dict) and "kb" in p)
                   for p in bare["plugins"] or [])
    assert {k: v for k, v in bare.items() if k != "plugins"} == \
        {k: v for k, v in ours.items() if k != "plugins"}


def test_site_config_replaces_an_existing_today_and_drops_a_nav() -> None:
    source = ("site_name: x\nnav:\n  - a.md\n  - B: b.md\nplugins:\n  - search\n  - kb:\n"
              "      today: 2020-01-01\n      quality_cases: q.csv\n      markets: [IN]\n"
              "theme:\n  name: material\n")
    got = yaml.safe_load(generator.site_config(source, generator.DEFAULT_TODAY))
    assert got["plugins"][1] == {"kb": {"today": generator.DEFAULT_TODAY, "markets": ["IN"]}}
    assert "nav" not in got and got["theme"] == {"name": "material"}


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(argv, out=out)
    return code, out.getvalue()


def test_small_run_prints_every_figure_and_ratio(tmp_path: Path) -> None:
    code, text = _run(["--sizes", "30", "--out", str(tmp_path), "--skip-search"])
    assert code == 0, text
    assert "checked: kb lint reports 0 errors, 0 warnings" in text
    assert "kb test reports 30 passed, 0 failed" in text
    assert "checked: warm lint sees a new error: yes" in text
    assert re.search(r"checked: kb serve runs mkdocs serve with --dirty: (yes|no)\n", text)
    names = {
        "floor: read every file", "floor: read + libyaml + markdown-it", "kb lint (cold)",
        "kb lint (warm, one article edited)", "kb test", "kb export (agent exports)",
        "kb check (PR gate: lint + cases + exports, one process)",
        "kb build (site + exports, cold cache)", "kb build, warm cache (after kb check)",
        "mkdocs build (bare: authored pages only, MkDocs' own nav)",
        "mkdocs build (bare: authored pages only, the kb nav)",
        "mkdocs build (bare: authored + generated pages as files, the kb nav)",
        "kb serve: first page served", "kb serve: article edit visible",
    }
    for name in names:
        memory = r"\| +(\d+|-) \| +(\d+|-) \|"  # largest process, process tree
        row = rf"\| {re.escape(name)} +\| +{NUMBER} \| +({NUMBER}|-) {memory} ok +\|"
        assert re.search(row, text), name
    # the tree edit is timed when the site has a page for the tree
    assert re.search(r"\| kb serve: tree edit visible +\| +(" + NUMBER + r" \||-)", text)
    assert "peak memory (process tree): the largest sum over the process and all its " \
           "descendants" in text
    assert re.search(r"\nmkdocs build \(bare: authored \+ generated pages as files, the kb nav\): "
                     r"\d+ authored \+ \d+ generated pages, \d+ asset files\n", text)
    for ratio in ("PR gate (kb check, one process) / floor",
                  "kb lint + kb test + kb export, three processes / floor",
                  "warm re-lint / cold lint",
                  "kb build / bare build of the same pages (generated pages as files)",
                  "kb build / bare build of the authored pages alone (the plugin's overhead)",
                  "kb build / bare build, authored pages only, the kb nav",
                  "kb build, warm cache (after kb check) / cold", "kb build, wall clock",
                  "kb build, peak memory (process tree)", "kb serve, article edit to page"):
        assert re.search(rf"\| {re.escape(ratio)} +\| [^|]*[0-9][^|]* \|", text), ratio
    assert re.search(r"\| PR gate \(kb check, one process\) / floor +\| [^|]+ \| <= 2x ", text)
    assert re.search(r"\| kb build / bare build of the authored pages alone \(the plugin's "
                     r"overhead\) +\| [0-9.]+ s / [0-9.]+ s = [0-9.]+x +\| <= 1.25x +\| "
                     r"(meets|MISSES) +\|", text)
    assert re.search(r"\| kb build, peak memory \(process tree\) +\| \d+ MiB \((PSS|RSS)", text)
    assert re.search(r"- clicks from the home page \(site/index.html\) to each of the \d+ "
                     r"published articles, following links between built pages: at most \d+; "
                     r"articles by clicks [0-9: ,]+; unreachable 0\n", text)
    assert "- search check skipped: --skip-search\n" in text
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    size = results["sizes"][0]
    figures = size["figures"]
    assert all(f["seconds"] is not None or f["skipped"] for f in figures.values())
    assert figures["build"]["peak_tree_mib"] > 0
    assert figures["build"]["tree_memory_measure"] in ("PSS", "RSS", "PSS+RSS")
    assert size["findability"]["clicks"]["unreachable"] == 0
    assert size["findability"]["search"] == {"skipped": "--skip-search"}
    assert not (tmp_path / "kb-30").exists()  # removed without --keep


def test_the_one_market_shape(tmp_path: Path) -> None:
    shape = generator.SHAPES["one-market"]
    stats = generator.generate(tmp_path / "kb", 100, 6, generator.DEFAULT_TODAY, shape=shape)
    loaded = load(load_config(tmp_path / "kb"))
    result = lint_kb(loaded.kb, loaded.problems, loaded.ambiguous)
    assert [d.format() for d in result.diagnostics if d.severity is Severity.ERROR] == []
    assert result.warnings == 0
    kb = loaded.kb
    assert len(kb.articles) == 100 and len(kb.trees) == stats.trees == 10
    assert stats.sections == 10 and stats.subsections == 20  # scaled down: 20 x 5 at 1,000
    items = [*(a.meta for a in kb.articles.values()), *(t.meta for t in kb.trees.values())]
    assert {m.markets for m in items} == {("IN",)}
    assert {m.products for m in items} == {("upi",)}
    for article in kb.articles.values():
        text = (tmp_path / "kb" / article.path).read_text(encoding="utf-8")
        assert text.count("\n## ") == 5 and "\n### " not in text
        assert text.count("| --- | --- | --- |") == 5  # a table in every section
    assert all(10 <= len(t.nodes) <= 16 for t in kb.trees.values())
    assert sum(len(s.cases) for s in kb.case_sets) == 100


def test_a_run_of_both_shapes_reports_each(tmp_path: Path) -> None:
    code, text = _run(["--sizes", "20", "--shapes", "varied,one-market", "--out", str(tmp_path),
                       "--only", "floor"])
    assert code == 0, text
    assert "\n## 20 articles, shape varied\n" in text
    assert "\n## 20 articles, shape one-market\n" in text
    assert re.search(r"\| figure +\| +20 articles, varied \| +20 articles, one-market \|", text)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert [r["shape"] for r in results["sizes"]] == ["varied", "one-market"]


def test_skips_and_repeat(tmp_path: Path) -> None:
    code, text = _run(["--sizes", "20", "--out", str(tmp_path), "--skip-site", "--skip-serve",
                       "--repeat", "2", "--keep"])
    assert code == 0, text
    assert "skipped (--skip-site)" in text and "skipped (--skip-serve)" in text
    assert re.search(rf"\| kb lint \(cold\) +\| +{NUMBER} \(runs {NUMBER}-{NUMBER}\) \|", text)
    assert (tmp_path / "kb-20" / "mkdocs.yml").is_file()  # kept


def test_only_times_the_chosen_steps(tmp_path: Path) -> None:
    code, text = _run(["--sizes", "20", "--out", str(tmp_path), "--only", "floor"])
    assert code == 0, text
    assert re.search(rf"\| floor: read \+ libyaml \+ markdown-it +\| +{NUMBER} \|", text)
    assert re.search(rf"\| kb lint \(cold\) +\| +{NUMBER} \|", text)  # always: it checks the KB
    assert re.search(r"\| kb build \(site \+ exports, cold cache\) +\| +- \|.*not selected "
                     r"\(--only\)", text)
    assert "- clicks from the home page: not counted: kb build was not selected (--only)\n" \
        "- search check skipped: kb build was not selected (--only)\n" in text


def test_the_bare_build_with_mkdocs_nav_is_skipped_above_the_threshold(tmp_path: Path) -> None:
    code, text = _run(["--sizes", "20", "--out", str(tmp_path), "--only", "bare",
                       "--default-nav-max", "10"])
    assert code == 0, text
    assert re.search(r"\| mkdocs build \(bare: authored pages only, MkDocs' own nav\) +\| +- \|"
                     r".*skipped: 20 articles > --default-nav-max 10 \(MkDocs' own nav", text)


@pytest.mark.parametrize("argv", [["--sizes", "x"], ["--sizes", "5"], ["--repeat", "0"],
                                  ["--only", "floor,nothing"], ["--default-nav-max", "-1"],
                                  ["--shapes", "varied,round"]])
def test_bad_arguments_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.parse_args(argv)
    assert exc.value.code == 2


def _page(path: Path, *hrefs: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    links = "".join(f'<a class="x" href="{h}">link</a>\n' for h in hrefs)
    path.write_text(f"<html><body>{links}</body></html>", encoding="utf-8")


def test_clicks_from_the_home_page_follow_links_between_built_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _page(site / "index.html", "#top", "a/", "https://example.com/far/", "mailto:x@y",
          "assets/style.css", "section/?q=1#anchor")
    _page(site / "a" / "index.html", "../", "../section/deep/", "one.html")
    _page(site / "a" / "one.html", "/a/two.html")  # root-relative
    _page(site / "a" / "two.html")
    _page(site / "section" / "index.html", "../a/#frag", "deep")  # a folder URL without "/"
    _page(site / "section" / "deep" / "index.html", "../../a/two.html")
    _page(site / "orphan" / "index.html", "../index.html")
    (site / "assets").mkdir()
    (site / "assets" / "style.css").write_text("", encoding="utf-8")

    pages = findability.built_pages(site)
    depths = findability.click_depths(site, pages)
    assert depths == {"index.html": 0, "a/index.html": 1, "section/index.html": 1,
                      "a/one.html": 2, "section/deep/index.html": 2, "a/two.html": 3}
    report = findability.clicks_report(depths, ["a/one.html", "a/two.html", "orphan/index.html"])
    assert report["max"] == 3 and report["distribution"] == {"2": 1, "3": 1}
    assert report["unreachable"] == 1 and report["unreachable_examples"] == ["orphan/index.html"]
    assert findability.click_depths(site, pages, start="missing.html") == {}
    assert findability.built_page("a/b.md", {"a/b/index.html"}) == "a/b/index.html"
    assert findability.built_page("a/b.md", {"a/b.html"}) == "a/b.html"
    assert findability.built_page("a/index.md", set()) == "a/index.html"


def test_process_tree_memory_sums_forked_children(tmp_path: Path) -> None:
    # parent and child each fill 64 MiB of their own: the largest process holds about 64 MiB
    # plus the interpreter, the tree about twice that
    program = ("import os, time\n"
               "pid = os.fork()\n"
               "block = b\"x\" * (64 * 2**20)\n"
               "time.sleep(0.6)\n"
               "os._exit(0) if pid == 0 else os.waitpid(pid, 0)\n")
    run = measurement.run_process([sys.executable, "-c", program], tmp_path, {}, tmp_path / "log",
                            60)
    assert run.code == 0, run.output
    assert run.tree_measure in ("PSS", "RSS", "PSS+RSS")
    # (ru_maxrss is no check here: a child counts the memory of the process that spawned it
    # until its exec, so under a large test runner it says little about the child)
    assert 120 * 1024 <= run.tree_kib < 300 * 1024


def test_with_top_level_replaces_whole_entries() -> None:
    text = ("site_name: x\nnav:\n- a.md\n  # note\n- b.md\ndocs_dir: docs\n"
            "theme:\n  name: material\n")
    got = yaml.safe_load(generator.with_top_level(text, {"nav": ["c.md"], "docs_dir": "/d"}))
    assert got == {"site_name": "x", "theme": {"name": "material"}, "nav": ["c.md"],
                   "docs_dir": "/d"}


def test_serve_problem_names_a_rejected_option(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with open(log, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; print('usage: kb serve [-h]'); "
             "print('kb serve: error: unrecognized arguments: --dirty'); sys.exit(2)"],
            stdout=sink)
        proc.wait()
    assert steps._serve_problem(proc, log) == \
        "kb serve rejected its command line: kb serve: error: unrecognized arguments: --dirty"


@pytest.mark.parametrize(("when", "value", "taken"), [
    (48, 48.0, "yes"),  # a number equals a number, whatever its type
    ({}, 5, "no"),  # an empty comparison holds for nothing
    ({"above": 1}, 5, "no"),  # nor does an unknown operator
    ([True], 1, "no"),  # booleans equal only booleans
])
def test_the_generator_takes_branches_as_kb_walk_does(when: object, value: object,
                                                      taken: str) -> None:
    nodes = {"q": {"ask": "f", "branches": [{"when": when, "next": "yes"}], "default": "no"},
             "yes": {"outcome": {}}, "no": {"outcome": {}}}
    assert generator._walk("q", nodes, {"f": value}) == taken
