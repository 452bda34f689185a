"""The costly page generators run in a forked child during a site build: same pages, less wait."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitecheck import prepare_site_kb

import kb.pages as pages
from kb.forked import BackgroundFailed, fork_is_safe
from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, PageJob, generate_pages
from kb.pages.trees import tree_pages
from kbtest import cannot_run

pytestmark = pytest.mark.forks


@pytest.fixture(autouse=True)
def needs_fork() -> None:
    if not fork_is_safe():
        cannot_run("the page generator child tests", "forking is not safe in this process now")


def test_pages_made_with_a_child_are_the_pages_made_here(tmp_path: Path) -> None:
    kb = load(load_config(prepare_site_kb(tmp_path / "kb"))).kb
    assert tree_pages in pages._COSTLY
    here = generate_pages(kb)
    assert any(p.path.startswith("trees/") for p in here)
    assert _in_a_child(kb) == here


def _in_a_child(kb: KnowledgeBase) -> list[GeneratedPage]:
    """The pages as the site build makes them: the costly generators in a child."""
    job = PageJob(kb, parallel=True)
    try:
        return job.result()
    finally:
        job.cancel()


def _where(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    yield GeneratedPage("where.md", str(os.getpid()))


def _broken(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    raise ValueError("no such tree")
    yield GeneratedPage("never.md", "")


def test_a_costly_generator_runs_in_a_child_and_its_failure_is_raised_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = load(load_config(prepare_site_kb(tmp_path / "kb"))).kb
    monkeypatch.setattr(pages, "_GENERATORS", [_where, _broken])
    monkeypatch.setattr(pages, "_COSTLY", [_where])
    with pytest.raises(ValueError, match="no such tree"):
        _in_a_child(kb)
    monkeypatch.setattr(pages, "_GENERATORS", [_where])
    [page] = _in_a_child(kb)
    assert page.markdown != str(os.getpid()), "the costly generator ran in this process"
    monkeypatch.setattr(pages, "_GENERATORS", [_broken])
    monkeypatch.setattr(pages, "_COSTLY", [_broken])
    with pytest.raises(BackgroundFailed, match="ValueError: no such tree"):
        _in_a_child(kb)
