"""The costly page generators run in a forked child during a site build: same pages, less wait;
MkDocs lists them at once, by their outline, and reads them only when it converts them."""

from __future__ import annotations

import gc
import os
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitecheck import mkdocs_build, prepare_site_kb

import kb.pages as pages
from kb.forked import BackgroundFailed, fork_is_safe
from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, PageJob, generate_pages
from kb.pages.trees import tree_outline, tree_pages
from kbtest import REPO, cannot_run

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
        return job.result(kb)
    finally:
        job.cancel()


def _where(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    yield GeneratedPage("where.md", str(os.getpid()))


def _no_outline(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    yield from ()


def _broken(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    raise ValueError("no such tree")
    yield GeneratedPage("never.md", "")


def test_a_costly_generator_runs_in_a_child_and_its_failure_is_raised_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = load(load_config(prepare_site_kb(tmp_path / "kb"))).kb
    monkeypatch.setattr(pages, "_GENERATORS", [_where, _broken])
    monkeypatch.setattr(pages, "_COSTLY", {_where: _no_outline})
    with pytest.raises(ValueError, match="no such tree"):
        _in_a_child(kb)
    monkeypatch.setattr(pages, "_GENERATORS", [_where])
    [page] = _in_a_child(kb)
    assert page.markdown != str(os.getpid()), "the costly generator ran in this process"
    monkeypatch.setattr(pages, "_GENERATORS", [_broken])
    monkeypatch.setattr(pages, "_COSTLY", {_broken: _no_outline})
    with pytest.raises(BackgroundFailed, match="ValueError: no such tree"):
        _in_a_child(kb)


def test_the_outline_names_each_page_a_child_makes_by_its_first_heading() -> None:
    kb = load(load_config(REPO)).kb  # the shipped trees
    assert pages._COSTLY[tree_pages] is tree_outline
    job = PageJob(kb, parallel=True)
    try:
        outline = job.outline(kb)
        made = job.made()
    finally:
        job.cancel()
    assert len(outline) == len(kb.trees) > 1
    headings = {p.path: next(line[2:].strip() for line in p.markdown.splitlines()
                             if line.startswith("# ")) for p in made}
    assert outline == headings


def test_a_page_job_keeps_no_reference_to_the_knowledge_base(tmp_path: Path) -> None:
    """MkDocs renders while the tree pages' child runs: the job must not keep the knowledge
    base alive in MkDocs' process once the plugin is done with it."""
    kb = load(load_config(prepare_site_kb(tmp_path / "kb"))).kb
    job = PageJob(kb, parallel=True)
    try:
        assert job.here(kb) and job.outline(kb)
        gone = weakref.ref(kb)
        del kb
        gc.collect()
        assert gone() is None
        assert job.made()
    finally:
        job.cancel()


#: a hook that holds the tree pages' child until MkDocs has read an authored page
HOLD_TREES_HOOK = """
import os
import time
from pathlib import Path

import kb.pages.trees as trees

RELEASE = Path(os.environ["KB_TEST_RELEASE"])
real_run_cases = trees.run_cases


def held_run_cases(kb):
    waited = time.monotonic()
    while not RELEASE.exists():
        if time.monotonic() - waited > 20:
            raise RuntimeError("MkDocs read no page while the tree pages were being made")
        time.sleep(0.05)
    return real_run_cases(kb)


trees.run_cases = held_run_cases


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.startswith("trees/"):
        RELEASE.touch()
    return markdown
"""


def test_mkdocs_reads_the_authored_pages_while_the_tree_pages_are_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = prepare_site_kb(tmp_path / "kb")
    (root / "hold_trees.py").write_text(HOLD_TREES_HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    assert "hooks:" not in config.read_text(encoding="utf-8")
    with config.open("a", encoding="utf-8") as stream:
        stream.write("\nhooks:\n  - hold_trees.py\n")
    monkeypatch.setenv("KB_TEST_RELEASE", str(tmp_path / "released"))
    done = mkdocs_build(root, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    kb = load(load_config(root)).kb
    tree = next(iter(kb.trees.values()))
    page = (tmp_path / "site" / "trees" / tree.id / "index.html").read_text(encoding="utf-8")
    assert f">{tree.meta.title}" in page and "kb-walker" in page
