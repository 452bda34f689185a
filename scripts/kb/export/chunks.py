"""Retrieval chunks (kb-chunks.jsonl): one JSON object per line for each section with text.

Chunks are derived from the bundle alone, so they can never show an item the bundle leaves out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from kb.urls import with_anchor

#: the article metadata every chunk carries, for filtering at retrieval time
CHUNK_METADATA = ("title", "type", "visibility", "status", "superseded_by", "owner", "reviewed",
                  "markets", "products", "tags")


def build_chunks(bundle: Mapping[str, Any]) -> Iterator[dict[str, object]]:
    """One chunk per section of every article, in bundle order; sections without text are skipped.

    A chunk's `id` is `<article-id>#<anchor>`, or `<article-id>` for the text before the first
    heading; ids are unique within one export.
    """
    for article in bundle["articles"]:
        metadata = {key: article[key] for key in CHUNK_METADATA}
        for section in article["sections"]:
            if not section["text"]:
                continue
            anchor = section["anchor"]
            yield {
                "id": f"{article['id']}#{anchor}" if anchor else article["id"],
                "article": article["id"],
                "anchor": anchor,
                "heading_path": section["heading_path"],
                "text": section["text"],
                "url": with_anchor(article["url"], anchor),
                "metadata": metadata,
            }


def chunks_jsonl(bundle: Mapping[str, Any]) -> bytes:
    """kb-chunks.jsonl: compact JSON lines, UTF-8, each ending in a newline."""
    lines = (json.dumps(chunk, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
             for chunk in build_chunks(bundle))
    return "".join(line + "\n" for line in lines).encode("utf-8")
