"""The compiled schema check that skips valid documents agrees with the reference validator."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.lint.rules.metadata import is_valid, validator
from kb.loader import load, load_config
from kbtest import FIXTURES, REPO, make_kb


def _documents(root: Path) -> list[tuple[str, object]]:
    kb = load(load_config(root)).kb
    docs: list[tuple[str, object]] = [("article", a.source.value) for a in kb.all_articles()]
    docs += [("tree", t.source.value) for t in kb.all_trees()]
    docs += [("cases", s.source.value) for s in kb.case_sets]
    return docs


def _fixture_roots(tmp_path: Path) -> list[Path]:
    roots = [REPO]
    for n, path in enumerate(sorted((FIXTURES / "rules").glob("KB*.yaml"))):
        fixture = yaml.safe_load(path.read_text(encoding="utf-8"))
        for side in ("fail", "pass"):
            roots.append(make_kb(tmp_path / f"{n}-{side}", fixture[side]["files"]))
    return roots


def test_fast_check_agrees_with_the_reference_validator(tmp_path: Path) -> None:
    checked = 0
    for root in _fixture_roots(tmp_path):
        for kind, value in _documents(root):
            assert is_valid(kind)(value) == validator(kind).is_valid(value), (root, value)
            checked += 1
    assert checked > 300


@pytest.mark.parametrize("value", [{"id": True}, {"nodes": {"a": {"outcome": {"sla_hours": True}}}},
                                   [], "text", None])
def test_fast_check_refuses_what_the_reference_refuses(value: object) -> None:
    for kind in ("article", "tree", "cases"):
        assert is_valid(kind)(value) is False
        assert validator(kind).is_valid(value) is False
