"""llms.txt follows the llms.txt convention; llms-full.txt holds every exported item in full."""

from __future__ import annotations

import json
import re
from pathlib import Path

from export_support import GOLDEN_KB, bundle_of, exports_of

from kbtest import make_kb

LINK = re.compile(r"^- \[[^\]]+\]\([^)\s]+\): \S.*$")


def test_llms_txt_has_the_convention_s_shape() -> None:
    lines = exports_of(GOLDEN_KB)["llms.txt"].decode().splitlines()
    assert lines[0] == "# Golden KB"
    assert lines[1] == "" and lines[2].startswith("> ")
    headings = [line for line in lines if line.startswith("#")]
    assert headings[0] == "# Golden KB" and all(h.startswith("## ") for h in headings[1:])
    assert headings[1:] == ["## Agent exports", "## Decision trees", "## Policies",
                            "## Procedures", "## Customer replies", "## Optional"]
    # after the first `##`, every non-blank line is a heading or a link entry
    body = lines[lines.index("## Agent exports"):]
    for line in body:
        assert not line or line.startswith("## ") or LINK.match(line), line


def test_llms_txt_lists_every_exported_item_once() -> None:
    files = exports_of(GOLDEN_KB)
    text = files["llms.txt"].decode()
    bundle = bundle_of(files)
    for item in [*bundle["articles"], *bundle["trees"]]:
        assert text.count(f"]({item['url']}): ") == 1, item["id"]
    optional = text.split("## Optional", 1)[1]
    assert "[kb-chunks.jsonl](kb-chunks.jsonl)" in optional
    assert "[Refund window before 2025](refunds/old-window/)" in optional
    assert "superseded by refund-timelines" in optional


def test_llms_txt_links_are_absolute_when_the_site_has_a_url(tmp_path: Path) -> None:
    root = make_kb(tmp_path, base=GOLDEN_KB)
    config = (root / "mkdocs.yml").read_text()
    (root / "mkdocs.yml").write_text("site_url: https://kb.example.invalid/docs/\n" + config)
    files = exports_of(root)
    text = files["llms.txt"].decode()
    assert "(https://kb.example.invalid/docs/refunds/timelines/)" in text
    assert "(https://kb.example.invalid/docs/kb-bundle.json)" in text
    assert bundle_of(files)["build"]["site"]["url"] == "https://kb.example.invalid/docs/"
    # the bundle's own URLs stay relative to the site root
    assert bundle_of(files)["articles"][0]["url"] == "refunds/guide/"


def test_llms_full_txt_has_every_article_in_full_and_every_tree() -> None:
    files = exports_of(GOLDEN_KB)
    full = files["llms-full.txt"].decode()
    bundle = bundle_of(files)
    for article in bundle["articles"]:
        assert article["markdown"].strip() in full, article["id"]
        assert f"article: {article['id']}\n" in full
    for tree in bundle["trees"]:
        assert f"tree: {tree['id']}\n" in full
        assert f"# Decision tree: {tree['title']}" in full
        for node_id in tree["nodes"]:
            assert f"### `{node_id}`" in full
        for fact in tree["facts"].values():
            assert fact["question"] in full
    assert "- when `days` >= 5 and < 30: go to `escalate`" in full
    assert "- when `rail` is one of card, wallet: go to `escalate`" in full
    assert "- otherwise: go to `fraud-review`" in full
    assert "- escalate to queue `fraud-response` within 4 hours" in full


def test_chunks_are_one_section_per_line() -> None:
    files = exports_of(GOLDEN_KB)
    bundle = bundle_of(files)
    lines = files["kb-chunks.jsonl"].decode().splitlines()
    chunks = [json.loads(line) for line in lines]
    sections = [(a["id"], s) for a in bundle["articles"] for s in a["sections"] if s["text"]]
    assert len(chunks) == len(sections)
    assert len({c["id"] for c in chunks}) == len(chunks)
    for chunk, (article_id, section) in zip(chunks, sections, strict=True):
        assert set(chunk) == {"id", "article", "anchor", "heading_path", "text", "url",
                              "metadata"}
        assert chunk["article"] == article_id
        assert chunk["id"] == f"{article_id}#{section['anchor']}"
        assert chunk["text"] == section["text"]
        assert chunk["heading_path"] == section["heading_path"]
        assert chunk["url"].endswith(f"/#{section['anchor']}")
        assert {"type", "visibility", "markets", "products", "tags", "owner",
                "reviewed"} <= set(chunk["metadata"])
    status = next(c for c in chunks if c["id"] == "refund-guide#status-codes")
    assert status["heading_path"] == ["Refund guide", "Tracking", "Status codes"]
    assert status["url"] == "refunds/guide/#status-codes"
    assert status["metadata"]["visibility"] == "internal"


def test_text_before_the_first_heading_is_a_chunk_with_the_article_id(tmp_path: Path) -> None:
    lead = "Read this first: refunds are tracked by reference.\n\n"
    guide = (GOLDEN_KB / "docs/refunds/guide.md").read_text().replace(
        "# Refund guide\n", lead + "# Refund guide\n")
    root = make_kb(tmp_path, {"docs/refunds/guide.md": guide}, base=GOLDEN_KB)
    chunks = [json.loads(line) for line in exports_of(root)["kb-chunks.jsonl"].splitlines()]
    lead = next(c for c in chunks if c["id"] == "refund-guide")
    assert lead["anchor"] == "" and lead["url"] == "refunds/guide/"
    assert lead["heading_path"] == [] and lead["text"].startswith("Read this first")
