"""Effective dates: an item is on the site before its day but not in the exports; from that day
it is exported and the item it supersedes leaves; the home page lists what changes soon."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from kb.buildinfo import SiteInfo
from kb.effective import Change, upcoming_changes
from kb.export.scope import ExportScope
from kb.loader import load
from kb.loader.config_file import load_config
from kb.model import KnowledgeBase
from kb.pages.article_header import article_headers
from kb.pages.indexes import HOME_PAGE, index_pages
from kb.pages.trees import tree_markdown
from kbtest import make_kb

DAY = dt.date(2026, 11, 1)


def _article(article_id: str, extra: str) -> str:
    return (f"---\nid: {article_id}\ntitle: Limits {article_id}\nsummary: The limits.\n"
            "type: reference\nvisibility: internal\nowner: payments-ops-in\n"
            f"reviewed: 2026-10-01\nmarkets: [IN]\nproducts: [upi]\n{extra}---\n"
            "# Limits\n\n## Daily limit\n\nThe daily limit applies.\n")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_kb(tmp_path_factory.mktemp("effective") / "kb", {
        "docs/guides/limits-new.md": _article(
            "limits-new", f"status: published\neffective_from: {DAY}\n"),
        "docs/guides/limits-old.md": _article(
            "limits-old", "status: deprecated\nsuperseded_by: limits-new\n"),
    })


def _kb(root: Path, today: dt.date) -> KnowledgeBase:
    return load(replace(load_config(root), today=today)).kb


@pytest.mark.parametrize(("today", "exported"), [
    (DAY - dt.timedelta(days=1), {"limits-old"}),
    (DAY, {"limits-new"}),
    (DAY + dt.timedelta(days=400), {"limits-new"}),
])
def test_the_exports_follow_the_day(root: Path, today: dt.date, exported: set[str]) -> None:
    scope = ExportScope.of(_kb(root, today), SiteInfo())
    assert {"limits-new", "limits-old"} & set(scope.articles) == exported


def test_an_explicit_end_date_wins(tmp_path: Path) -> None:
    make_kb(tmp_path, {
        "docs/guides/limits-new.md": _article("limits-new", "status: published\n"),
        "docs/guides/limits-old.md": _article(
            "limits-old", "status: deprecated\nsuperseded_by: limits-new\n"
            f"effective_until: {DAY}\n"),
    })
    assert "limits-old" in ExportScope.of(_kb(tmp_path, DAY - dt.timedelta(days=1)),
                                          SiteInfo()).articles
    assert "limits-old" not in ExportScope.of(_kb(tmp_path, DAY), SiteInfo()).articles


def test_upcoming_changes_look_thirty_days_ahead(root: Path) -> None:
    kb = _kb(root, DAY)
    assert upcoming_changes(kb, DAY - dt.timedelta(days=30)) == [
        Change(DAY, "takes effect", "limits-new", "Limits limits-new",
               "docs/guides/limits-new.md"),
        Change(DAY, "ends", "limits-old", "Limits limits-old", "docs/guides/limits-old.md"),
    ]
    assert upcoming_changes(kb, DAY - dt.timedelta(days=31)) == []
    assert upcoming_changes(kb, DAY) == []


def test_the_site_marks_the_item_and_lists_the_change(root: Path) -> None:
    before = _kb(root, DAY - dt.timedelta(days=3))
    header = article_headers(before)["guides/limits-new.md"]
    assert "Takes effect on 2026-11-01" in header
    home = next(p for p in index_pages(before) if p.path == HOME_PAGE).markdown
    assert "## Changes in the next 30 days" in home
    assert "- 2026-11-01: [Limits limits-new](guides/limits-new.md) takes effect" in home
    assert "- 2026-11-01: [Limits limits-old](guides/limits-old.md) ends" in home

    after = _kb(root, DAY)
    assert "Takes effect" not in article_headers(after)["guides/limits-new.md"]
    home = next(p for p in index_pages(after) if p.path == HOME_PAGE).markdown
    assert "Changes in the next" not in home


def test_a_tree_not_yet_in_effect_is_marked_and_not_exported(tmp_path: Path) -> None:
    make_kb(tmp_path)
    tree = tmp_path / "decision_trees" / "refund.yaml"
    text = tree.read_text(encoding="utf-8")
    tree.write_text(text.replace("\nstatus: published\n",
                                 f"\nstatus: published\neffective_from: {DAY}\n"),
                    encoding="utf-8")
    before, after = _kb(tmp_path, DAY - dt.timedelta(days=1)), _kb(tmp_path, DAY)
    assert before.trees["refund"].meta.effective_from == DAY
    assert "Takes effect on 2026-11-01" in tree_markdown(before.trees["refund"], before)
    assert "Takes effect" not in tree_markdown(after.trees["refund"], after)
    assert "refund" not in ExportScope.of(before, SiteInfo()).trees
    assert "refund" in ExportScope.of(after, SiteInfo()).trees
