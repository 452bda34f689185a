"""Parse results cross the store (from worker processes, and in the content cache) whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.loader import store
from kb.loader.parse import parse_text
from kb.model import Source
from kbtest import REPO

CONTENT = sorted(p for folder in ("docs", "decision_trees") for p in (REPO / folder).rglob("*")
                 if p.suffix in {".md", ".yaml"})


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: str(p.relative_to(REPO)))
def test_every_shipped_content_file_comes_back_from_the_store_equal(path: Path) -> None:
    result = parse_text(str(path.relative_to(REPO)), path.read_text(encoding="utf-8"))
    assert store.loads(store.dumps(result)) == result


def test_a_class_outside_the_model_is_refused() -> None:
    with pytest.raises(store.StoreError):
        store.loads(store.dumps(pytest.MonkeyPatch()))


def test_an_article_source_is_stored_and_read_back() -> None:
    source = Source("Circular", "regulation", "", "RBI/1", dt.date(2026, 1, 2), 0)
    assert store.loads(store.dumps([source])) == [source]
