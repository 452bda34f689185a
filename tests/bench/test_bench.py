"""scripts/bench.py: a valid, reproducible synthetic KB; a small run prints every figure.

Timings are never asserted here (issue 6: targets are read from the script's output); only that
each figure and ratio is printed with a value.
"""

from __future__ import annotations

import importlib.util
import io
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from kb.lint import Severity, lint
from kb.loader import load, load_config

REPO = Path(__file__).resolve().parents[2]


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", REPO / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()

NUMBER = r"[0-9]+\.[0-9]+"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_kb_lints_clean_and_is_reproducible(tmp_path: Path) -> None:
    stats = bench.generate(tmp_path / "a", 80, 6, bench.DEFAULT_TODAY)
    bench.generate(tmp_path / "b", 80, 6, bench.DEFAULT_TODAY)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    bench.generate(tmp_path / "c", 80, 7, bench.DEFAULT_TODAY)
    assert _files(tmp_path / "a") != _files(tmp_path / "c")

    loaded = load(load_config(tmp_path / "a"))
    result = lint(loaded.kb, loaded.problems, loaded.ambiguous)
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
    text = bench.site_config(source, bench.DEFAULT_TODAY)
    ours, original = yaml.safe_load(text), yaml.safe_load(source)
    assert ours["theme"] == original["theme"]
    assert ours["markdown_extensions"] == original["markdown_extensions"]
    kb_options = next(p["kb"] for p in ours["plugins"] if isinstance(p, dict) and "kb" in p)
    assert str(kb_options["today"]) == bench.DEFAULT_TODAY.isoformat()
    assert "nav" not in ours

    bare = yaml.safe_load(bench.bare_config(text))
    assert bare["theme"] == original["theme"]
    assert not any(p == "kb" or (isinstance(p, dict) and "kb" in p) for p in bare["plugins"])
    assert {k: v for k, v in bare.items() if k != "plugins"} == \
        {k: v for k, v in ours.items() if k != "plugins"}


def test_site_config_replaces_an_existing_today_and_drops_a_nav() -> None:
    source = ("site_name: x\nnav:\n  - a.md\n  - B: b.md\nplugins:\n  - search\n  - kb:\n"
              "      today: 2020-01-01\n      quality_cases: q.csv\n      markets: [IN]\n"
              "theme:\n  name: material\n")
    got = yaml.safe_load(bench.site_config(source, bench.DEFAULT_TODAY))
    assert got["plugins"][1] == {"kb": {"today": bench.DEFAULT_TODAY, "markets": ["IN"]}}
    assert "nav" not in got and got["theme"] == {"name": "material"}


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    code = bench.main(argv, out=out)
    return code, out.getvalue()


def test_small_run_prints_every_figure_and_ratio(tmp_path: Path) -> None:
    code, text = _run(["--sizes", "30", "--out", str(tmp_path)])
    assert code == 0, text
    assert "checked: kb lint reports 0 errors, 0 warnings" in text
    assert "kb test reports 30 passed, 0 failed" in text
    assert "checked: warm lint sees a new error: yes" in text
    names = {
        "floor: read every file", "floor: read + libyaml + markdown-it", "kb lint (cold)",
        "kb lint (warm, one article edited)", "kb test", "kb export (agent exports)",
        "kb build (site + exports)", "mkdocs build (bare, no kb plugin)",
        "mkdocs build (bare, with the kb nav)",
        "mkdocs serve: first page served", "mkdocs serve: article edit visible",
    }
    for name in names:
        assert re.search(rf"\| {re.escape(name)} +\| +{NUMBER} \|", text), name
    # the tree edit is timed when the site has a page for the tree
    assert re.search(r"\| mkdocs serve: tree edit visible +\| +(" + NUMBER + r" \||-)", text)
    for ratio in ("PR gate (lint + test + export) / floor", "warm re-lint / cold lint",
                  "kb build / bare mkdocs build", "kb build / bare mkdocs build with the kb nav",
                  "kb build, wall clock",
                  "kb build, peak memory", "mkdocs serve, article edit to page"):
        assert re.search(rf"\| {re.escape(ratio)} +\| [^|]*[0-9][^|]* \|", text), ratio
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    figures = results["sizes"][0]["figures"]
    assert all(f["seconds"] is not None or f["skipped"] for f in figures.values())
    assert not (tmp_path / "kb-30").exists()  # removed without --keep


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
    assert re.search(r"\| kb build \(site \+ exports\) +\| +- \|.*not selected \(--only\)",
                     text)


@pytest.mark.parametrize("argv", [["--sizes", "x"], ["--sizes", "5"], ["--repeat", "0"],
                                  ["--only", "floor,nothing"]])
def test_bad_arguments_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        bench.parse_args(argv)
    assert exc.value.code == 2
