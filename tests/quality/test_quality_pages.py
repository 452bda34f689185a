"""The Quality pages, the tree figures and the sample data behind the shipped site."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from quality_kb import GOOD_ROWS, csv_text, kb_root, load_kb, predictions_text

import kb.quality.site_data as quality_data_module
from kb.pages import generate_pages
from kb.quality import node_traffic, quality_data, tree_quality_markdown
from kb.quality.sample import (
    SAMPLE_CASES,
    SAMPLE_PREDICTIONS,
    write_case_export,
    write_predictions,
)
from kbtest import REPO

SAMPLE_OPTIONS = {"quality_predictions": SAMPLE_PREDICTIONS, "quality_cases": SAMPLE_CASES}


def _sample_root(tmp_path: Path) -> Path:
    root = kb_root(tmp_path, SAMPLE_OPTIONS)
    kb = load_kb(root)
    write_predictions(kb, root / SAMPLE_PREDICTIONS)
    write_case_export(kb, root / SAMPLE_CASES, 600)
    return root


def _svgs(markdown: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", markdown, re.S)


def test_quality_pages_with_charts_and_sample_label(tmp_path: Path) -> None:
    kb = load_kb(_sample_root(tmp_path))
    pages = {p.path: p.markdown for p in generate_pages(kb) if p.path.startswith("quality/")}
    assert set(pages) == {"quality/index.md", "quality/evaluation.md", "quality/metrics.md",
                          "quality/routing.md"}
    del pages["quality/routing.md"]  # measured on the shipped labeled messages: not sample data
    for text in pages.values():
        assert text.index('!!! warning "Sample data"') < text.index("\n## ")
    assert "[Download sample-cases.csv](sample-cases.csv)" in pages["quality/metrics.md"]
    assert "(sample-predictions.jsonl)" in pages["quality/evaluation.md"]
    assert "Cohen's kappa" in pages["quality/index.md"]
    for path, count in (("quality/evaluation.md", 2), ("quality/metrics.md", 4)):
        svgs = _svgs(pages[path])
        assert len(svgs) == count, path
        for svg in svgs:
            root = ET.fromstring(svg)
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            title = root.find("{http://www.w3.org/2000/svg}title")
            assert title is not None and "(sample data)" in (title.text or "")
        ids = re.findall(r'\bid="([^"]+)"', pages[path])
        assert len(ids) == len(set(ids)), "element ids must not repeat on a page"
    metrics = pages["quality/metrics.md"]
    for heading in ("## Trends per week", "## Automation by tree",
                    "## Where the content needs work", "## Node traffic and drop-off",
                    "## Definitions"):
        assert heading in metrics
    evaluation = pages["quality/evaluation.md"]
    for heading in ("## Under-escalations", "Confusion matrix", "| Outcome | Expected"):
        assert heading in evaluation


def test_pages_are_deterministic_and_data_is_read_once(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    root = _sample_root(tmp_path)
    first = generate_pages(load_kb(root))
    calls = []
    real = quality_data_module.compute_metrics
    monkeypatch.setattr(quality_data_module, "compute_metrics",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    kb = load_kb(root)
    second = generate_pages(kb)
    assert [(p.path, p.markdown) for p in first] == [(p.path, p.markdown) for p in second]
    tree_quality_markdown(kb, "refund")
    node_traffic(kb)
    assert quality_data(kb) is quality_data(kb)
    assert calls == [1]


def test_tree_figures_and_node_traffic(tmp_path: Path) -> None:
    root = kb_root(tmp_path, {"quality_predictions": "data/p.jsonl",
                              "quality_cases": "data/cases.csv"})
    (root / "data").mkdir()
    (root / "data" / "p.jsonl").write_text(predictions_text())
    (root / "data" / "cases.csv").write_text(csv_text(GOOD_ROWS))
    kb = load_kb(root)
    traffic = node_traffic(kb)
    assert {n: (t.visits, t.drop_offs) for n, t in traffic["refund"].items()} == {
        "arrived": (4, 0), "age": (3, 1), "done": (1, 0), "wait": (1, 0), "escalate": (1, 0)}
    text = tree_quality_markdown(kb, "refund")
    assert text.startswith("## Quality")
    assert "Sample data" not in text
    assert "accuracy 60.0%" in text and "(../quality/evaluation.md#refund)" in text
    assert "| `age` | question | 3 | 1 | 33.3% |" in text
    assert tree_quality_markdown(kb, "no-such-tree") == ""
    pages = {p.path: p.markdown for p in generate_pages(kb)}
    assert "Sample data" not in pages["quality/metrics.md"]
    assert "`data/cases.csv` (not published with the site)" in pages["quality/metrics.md"]
    assert "**5 rejected**" in pages["quality/evaluation.md"]


def test_no_quality_config_no_pages(tmp_path: Path) -> None:
    kb = load_kb(kb_root(tmp_path))
    assert not [p for p in generate_pages(kb) if p.path.startswith("quality/")]
    assert tree_quality_markdown(kb, "refund") == ""
    assert node_traffic(kb) == {}


def test_unusable_files_give_an_error_page(tmp_path: Path) -> None:
    root = kb_root(tmp_path, {"quality_predictions": "data/missing.jsonl",
                              "quality_cases": "data/missing.csv"})
    pages = {p.path: p.markdown for p in generate_pages(load_kb(root))}
    assert "Data file not usable" in pages["quality/evaluation.md"]
    assert "no such file" in pages["quality/metrics.md"]


def test_sample_generation_is_deterministic(tmp_path: Path) -> None:
    kb = load_kb(kb_root(tmp_path))
    for name in ("a", "b"):
        write_predictions(kb, tmp_path / name / "p.jsonl")
        write_case_export(kb, tmp_path / name / "c.csv", 500)
    for file in ("p.jsonl", "c.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert len((tmp_path / "a" / "c.csv").read_text().splitlines()) == 501


def test_site_build_renders_the_charts(tmp_path: Path) -> None:
    root = _sample_root(tmp_path)
    site = tmp_path / "site"
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
                         cwd=root, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    html = (site / "quality" / "metrics" / "index.html").read_text()
    assert html.count("<svg") >= 4 and "Sample data" in html
    assert (site / "quality" / "sample-cases.csv").is_file()
    assert (site / "quality" / "sample-predictions.jsonl").is_file()


def test_shipped_config_points_at_the_shipped_sample() -> None:
    text = (REPO / "mkdocs.yml").read_text()
    assert f"quality_predictions: {SAMPLE_PREDICTIONS}" in text
    assert f"quality_cases: {SAMPLE_CASES}" in text
    assert (REPO / SAMPLE_PREDICTIONS).is_file() and (REPO / SAMPLE_CASES).is_file()
