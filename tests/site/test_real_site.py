"""The shipped content, built for real with `mkdocs build --strict`: it must build cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitecheck import (
    REPO,
    add_tree_stub_if_needed,
    broken_links,
    heading_ids,
    mkdocs_build,
    page_html,
    page_text,
    remote_fetches_in_site,
)

from kb.loader import load, load_config
from kb.model import KnowledgeBase

GENERATED = ("index.md", "browse/index.md", "browse/products.md", "browse/markets.md",
             "browse/teams.md", "trees/index.md", "reference/lint-rules.md")


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KnowledgeBase]:
    # a copy, so the stand-in for tree pages (only while they are not generated) stays out of
    # the repository; the content itself is exactly what ships
    root = tmp_path_factory.mktemp("real") / "kb"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "decision_trees"):
        shutil.copytree(REPO / folder, root / folder)
    add_tree_stub_if_needed(root)
    site = root / "site"
    done = mkdocs_build(root, site)
    assert done.returncode == 0, f"the shipped content does not build:\n{done.stderr}"
    return site, load(load_config(root)).kb


def test_generated_pages_exist(real: tuple[Path, KnowledgeBase]) -> None:
    site, _ = real
    for docs_path in GENERATED:
        assert "<h1" in page_html(site, docs_path), docs_path


def test_every_article_heading_id_equals_the_loader_anchor(
        real: tuple[Path, KnowledgeBase]) -> None:
    site, kb = real
    prefix = kb.config.docs_dir + "/"
    mismatches = {}
    for article in kb.all_articles():
        expected = [(h.level, h.anchor) for h in article.body.headings]
        built = heading_ids(page_html(site, article.path.removeprefix(prefix)))
        if built != expected:
            mismatches[article.path] = (expected, built)
    assert mismatches == {}


def test_every_article_page_has_its_header(real: tuple[Path, KnowledgeBase]) -> None:
    site, kb = real
    prefix = kb.config.docs_dir + "/"
    for article in kb.all_articles():
        html = page_html(site, article.path.removeprefix(prefix))
        assert "About this article" in html, article.path
        banner = "Humans only \u2014 never quote or give to AI agents" in html
        assert banner == (article.meta.visibility == "restricted"), article.path


def test_indexes_list_every_article_and_tree(real: tuple[Path, KnowledgeBase]) -> None:
    site, kb = real
    teams = page_text(page_html(site, "browse/teams.md"))
    for article in kb.articles.values():
        assert article.meta.title in teams, article.id
    trees = page_html(site, "trees/index.md")
    for tree_id in kb.trees:
        assert f'href="{tree_id}/"' in trees, tree_id


def test_no_page_fetches_anything_from_the_network(real: tuple[Path, KnowledgeBase]) -> None:
    site, _ = real
    assert remote_fetches_in_site(site) == {}


def test_every_internal_link_leads_to_a_built_page_and_anchor(
        real: tuple[Path, KnowledgeBase]) -> None:
    site, _ = real
    assert broken_links(site) == {}


def test_the_diagram_legend_keeps_its_colours(real: tuple[Path, KnowledgeBase]) -> None:
    """The legend is the kb's own HTML: the content sanitiser, which drops `style`, leaves it."""
    site, kb = real
    for tree in kb.trees.values():
        html = page_html(site, f"trees/{tree.id}.md")
        assert html.count('class="kb-swatch" style="border-color:') == 3, tree.id
