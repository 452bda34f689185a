"""The bundle format page: generated, complete, and in step with the schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import markdown
from export_support import GOLDEN_KB, load_kb, python_blocks

from kb.export import bundle_schema
from kb.pages import generate_pages
from kb.pages.bundle_format import (
    BUNDLE_FORMAT_PAGE,
    REFERENCE_SECTIONS,
    bundle_format_markdown,
)


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, spec in node.get("properties", {}).items():
            yield f"{path}{name}", spec
            yield from _properties(spec, f"{path}{name}.")
        for key in ("$defs",):
            for name, spec in node.get(key, {}).items():
                yield from _properties(spec, f"{name}:")


def test_the_page_is_generated_for_the_site() -> None:
    pages = {p.path: p.markdown for p in generate_pages(load_kb(GOLDEN_KB))}
    assert BUNDLE_FORMAT_PAGE == "agents/bundle-format.md"
    assert pages[BUNDLE_FORMAT_PAGE] == bundle_format_markdown()


def test_every_schema_field_is_described_and_on_the_page() -> None:
    schema = json.loads(bundle_schema())
    page = bundle_format_markdown()
    shown = {name for _, name in REFERENCE_SECTIONS if name}
    assert shown | {"node", "id", "node_id", "anchor", "url", "date", "sha256", "scalar",
                    "when", "locale"} == set(schema["$defs"])
    for name, spec in _properties(schema):
        assert spec.get("description"), f"{name} has no description"
        field = name.split(":", 1)[-1]
        on_page = ":" not in name or name.split(":", 1)[0] in shown
        if on_page and field not in ("lt", "lte", "gt", "gte"):
            assert f"| `{field}` |" in page, f"{name} is not on the page"


def test_the_page_documents_what_agents_rely_on() -> None:
    page = bundle_format_markdown()
    for phrase in ("restricted", "draft", "byte-identical", "SOURCE_DATE_EPOCH", "sha256",
                   "first that holds", "default", "true` is\n  never `1`", "kb-chunks.jsonl"):
        assert phrase in page, phrase


def test_the_page_renders_and_its_code_compiles() -> None:
    page = bundle_format_markdown()
    html = markdown.markdown(page, extensions=["tables", "fenced_code", "toc"])
    assert html.count("<table>") == len(REFERENCE_SECTIONS) + 2
    for block in python_blocks(page):
        compile(block, "<page>", "exec")
