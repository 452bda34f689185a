"""No restricted or draft item appears in any export: not its id, its path or its words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from export_support import GOLDEN_KB, HIDDEN_IDS, HIDDEN_WORDS, REPO, exports_of, load_kb

from kb.buildinfo import build_info
from kb.export import EXPORT_FILES, build_exports
from kbtest import make_kb


def test_the_fixture_has_restricted_and_draft_items() -> None:
    kb = load_kb(GOLDEN_KB)
    states = {(i.meta.visibility, i.meta.status)
              for i in [*kb.articles.values(), *kb.trees.values()] if i.id in HIDDEN_IDS}
    assert ("restricted", "published") in states
    assert ("public", "draft") in states and ("internal", "draft") in states
    assert {t.id for t in kb.trees.values() if t.id in HIDDEN_IDS} == {
        "refund-fraud-ring", "refund-instant-tree"}
    for word in HIDDEN_WORDS:
        assert any(word in f.text for f in kb.files.values()), word


@pytest.mark.parametrize("name", EXPORT_FILES)
def test_no_export_shows_a_restricted_or_draft_item(name: str) -> None:
    data = exports_of(GOLDEN_KB)[name]
    for needle in (*HIDDEN_IDS, *HIDDEN_WORDS):
        assert needle.encode() not in data, f"{name} contains {needle!r}"


def test_a_restricted_article_linked_from_a_public_one_stays_hidden(tmp_path: Path) -> None:
    """The public article links to the restricted one: the link is reduced to its text."""
    files = exports_of(GOLDEN_KB)
    assert b"specialists check them against the\\nfraud signals before" in files["kb-bundle.json"]
    assert b"[fraud signals]" not in files["llms-full.txt"]


def _hidden_sentence(text: str) -> str:
    """A distinctive stretch of an item's own text: its longest sentence."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    return max(sentences, key=len)


def test_real_content_exports_show_no_restricted_or_draft_item() -> None:
    kb = load_kb(REPO)
    hidden_articles = [a for a in kb.all_articles()
                       if a.meta.visibility == "restricted" or a.meta.status == "draft"]
    hidden_trees = [t for t in kb.all_trees()
                    if t.meta.visibility == "restricted" or t.meta.status == "draft"]
    files = build_exports(kb, build_info(REPO))
    blob = b"\n".join(files[name] for name in EXPORT_FILES if name != "kb-bundle.schema.json")
    text = blob.decode()
    for article in hidden_articles:
        assert not _mentions(text, article.id), article.id
        assert _hidden_sentence(article.body.text) not in text, article.path
        assert not _mentions(text, article.path.rsplit("/", 1)[-1]), article.path
    for tree in hidden_trees:
        assert not _mentions(text, tree.id), tree.id


def _mentions(text: str, word: str) -> bool:
    """Whether `word` occurs in `text` as a whole id (not inside a longer id)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def test_a_restricted_tree_citing_an_exported_article_is_still_hidden(tmp_path: Path) -> None:
    ring = (GOLDEN_KB / "decision_trees/refund-fraud-ring.yaml").read_text()
    root = make_kb(tmp_path, {"decision_trees/refund-fraud-ring.yaml":
                              ring.replace("article: refund-fraud-signals",
                                           "article: refund-guide")}, base=GOLDEN_KB)
    for name, data in exports_of(root).items():
        assert b"refund-fraud-ring" not in data and b"osprey" not in data, name
