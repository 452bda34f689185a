"""A real `mkdocs build --strict` of a small KB: generated pages, headers, anchors, assets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitecheck import (
    broken_links,
    heading_ids,
    mkdocs_build,
    page_html,
    prepare_site_kb,
    remote_fetches,
    remote_fetches_in_site,
    set_kb_options,
)

from kb.lint.registry import all_rules
from kb.loader import load, load_config
from kb.mkdocs_plugin.pagefind_search import INDEX_DIR, read_shards_file, shard_dir
from kb.model import KnowledgeBase

GENERATED = ("index.md", "browse/index.md", "browse/products.md", "browse/markets.md",
             "browse/teams.md", "trees/index.md", "reference/lint-rules.md")
EXPORTS = ("kb-bundle.json", "kb-bundle.schema.json", "kb-chunks.jsonl", "llms.txt",
           "llms-full.txt")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, KnowledgeBase]:
    root = prepare_site_kb(tmp_path_factory.mktemp("site-kb") / "kb")
    site = root / "site"
    done = mkdocs_build(root, site)
    assert done.returncode == 0, done.stderr
    return root, site, load(load_config(root)).kb


def test_generated_pages_are_built(built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    for docs_path in GENERATED:
        assert "<h1" in page_html(site, docs_path), docs_path


def test_agent_exports_are_written_into_the_site(built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    for name in EXPORTS:
        assert (site / name).is_file(), name
    bundle = json.loads((site / "kb-bundle.json").read_text(encoding="utf-8"))
    ids = {a["id"] for a in bundle["articles"]}
    assert "guide-refund" in ids
    assert not ids & {"fraud-signals", "pix-draft"}, "restricted and draft stay out"


def test_every_html_page_carries_the_content_security_policy(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    pages = sorted(site.rglob("*.html"))
    assert site / "404.html" in pages
    missing = [p.relative_to(site).as_posix() for p in pages
               if 'http-equiv="Content-Security-Policy"' not in p.read_text(encoding="utf-8")]
    assert missing == []


def test_generated_pages_are_in_nav_and_search(built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    home = page_html(site, "index.md")
    pages = sorted(site.rglob("index.html"))
    for url in ("browse/", "browse/products/", "browse/markets/", "browse/teams/", "trees/",
                "reference/lint-rules/"):
        assert f'href="{url}"' in home, f"{url} missing from the nav"
    # what Pagefind indexes: the pages whose content is marked as its body
    indexed = {p.parent.relative_to(site).as_posix() + "/" for p in pages
               if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    assert {"browse/", "trees/", "trees/refund/", "reference/lint-rules/",
            "guides/refund/"} <= indexed
    # the grouped browse pages repeat every title and summary: search leaves them out
    assert not {"browse/products/", "browse/markets/", "browse/teams/"} & indexed
    assert (site / "pagefind" / "pagefind-entry.json").is_file()


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site built with its search index split into shards of four pages."""
    root = prepare_site_kb(tmp_path_factory.mktemp("sharded-kb") / "kb")
    set_kb_options(root, "search_shard_pages: 4")
    done = mkdocs_build(root, root / "site")
    assert done.returncode == 0, done.stderr
    return root / "site"


@pytest.mark.parametrize("shards", ["one index", "in shards"])
def test_the_search_index_holds_what_pagefind_makes_of_the_built_pages(
        built: tuple[Path, Path, KnowledgeBase], sharded: Path, shards: str,
        tmp_path: Path) -> None:
    """The build sends Pagefind each page's search copy; Pagefind's own command run over the
    built pages themselves finds the same pages with the same content, byte for byte, and an
    index split into shards holds each page in exactly one of them. (The index's word chunks
    may differ: the command numbers pages in the order it finds them on disk, the build in
    MkDocs' order, which does not change from one build to the next.)"""
    site = built[1] if shards == "one index" else sharded
    whole = tmp_path / "site"
    shutil.copytree(site, whole, ignore=shutil.ignore_patterns(INDEX_DIR))
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(whole), "--output-path",
                    str(whole / INDEX_DIR), "--force-language", "en", "--silent"], check=True)

    def fragments(index: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((index / "fragment").iterdir())}

    def page_count(index: Path) -> int:
        entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
        return int(entry["languages"]["en"]["page_count"])

    index = site / INDEX_DIR
    parts = [shard_dir(index, n) for n in range(read_shards_file(index))]
    assert (len(parts) > 1) == (shards == "in shards")
    built_fragments = {}
    for part in parts:
        assert len(fragments(part)) == page_count(part) >= 1
        assert not fragments(part).keys() & built_fragments.keys(), "a page in two shards"
        built_fragments.update(fragments(part))
    assert len(built_fragments) > 5
    assert built_fragments == fragments(whole / INDEX_DIR)


def test_nav_puts_finding_aids_first_and_titles_sections(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    home = page_html(site, "index.md")
    nav = home[home.index('class="md-nav md-nav--primary"'):]
    positions = [nav.index(label) for label in ("Browse", "Decision trees", "Guides",
                                                "Lint rules")]
    assert positions == sorted(positions)


def test_every_article_heading_id_equals_the_loader_anchor(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, kb = built
    prefix = kb.config.docs_dir + "/"
    assert "anchor-zoo" in kb.articles
    for article in kb.all_articles():
        expected = [(h.level, h.anchor) for h in article.body.headings]
        built_ids = heading_ids(page_html(site, article.path.removeprefix(prefix)))
        assert built_ids == expected, article.path


def test_anchor_fixture_covers_the_hard_cases(built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, _, kb = built
    anchors = [h.anchor for h in kb.articles["anchor-zoo"].body.headings]
    assert anchors == [
        "anchor-zoo",
        "whats-the-sla-24h-not-48h",
        "the-sla_hours-field-its-units",
        "refunds-fast",
        "devolucao-do-pix-prazo",
        "_1",
        "timelines",
        "timelines_1",
        "unicode-strong-and-100-done-ab",
        "setext-heading-level-two",
    ]


def test_restricted_article_carries_the_humans_only_banner(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    html = page_html(site, "guides/fraud-signals.md")
    assert "Humans only \u2014 never quote or give to AI agents" in html
    assert "Humans only" not in page_html(site, "guides/refund.md")


def test_article_header_shows_owner_review_visibility_markets_products(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    html = page_html(site, "guides/refund.md")
    for text in ("Owner:", "payments-ops-in", "Last review:", "2026-10-01", "Visibility:",
                 "Internal", "Markets:", "Products:", "upi"):
        assert text in html, text
    assert 'href="../../browse/teams/#payments-ops-in"' in html
    assert 'href="../../browse/markets/#in"' in html


def test_deprecated_article_links_its_successor(built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    html = page_html(site, "guides/old-refund.md")
    assert "Deprecated" in html and "superseded by" in html
    assert 'href="../refund/"' in html


def test_index_pages_list_title_summary_type_and_visibility(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, kb = built
    products = page_html(site, "browse/products.md")
    for item in (kb.articles["guide-refund"], kb.articles["fraud-signals"]):
        for text in (item.meta.title, item.meta.summary, item.type):
            assert text in products
    assert "restricted (humans only)" in products
    trees = page_html(site, "trees/index.md")
    tree = kb.trees["refund"]
    assert tree.meta.title in trees and tree.meta.summary in trees
    assert 'href="refund/"' in trees


def test_every_internal_link_leads_to_a_built_page_and_anchor(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    # the generated pages' HTML blocks hold links MkDocs' strict build does not check
    _, site, _ = built
    assert broken_links(site) == {}


def test_every_internal_link_resolves_without_directory_urls(tmp_path: Path) -> None:
    root = prepare_site_kb(tmp_path / "kb")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "use_directory_urls: true" in config
    (root / "mkdocs.yml").write_text(
        config.replace("use_directory_urls: true", "use_directory_urls: false"), encoding="utf-8")
    site = root / "site"
    done = mkdocs_build(root, site)
    assert done.returncode == 0, done.stderr
    tree_page = (site / "trees" / "refund.html").read_text(encoding="utf-8")
    assert 'href="../guides/refund.html#timelines" data-kb-article="wait"' in tree_page
    assert 'href="../browse/teams.html#payments-ops-in"' in tree_page
    assert 'href="refund.html"' in (site / "trees" / "index.html").read_text(encoding="utf-8")
    assert broken_links(site) == {}


def test_the_link_check_catches_missing_pages_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">Here</h2>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a> <a href="a/#here">ok</a> <a href="#top">same page</a> '
        '<a href="https://example.com/x">external</a> <a href="mailto:x@example.com">mail</a> '
        '<a href="b/">no page</a> <a href="a/#there">no anchor</a> <a href="../up/">above</a>',
        encoding="utf-8")
    assert broken_links(tmp_path) == {"index.html": [
        "b/ (no file b)", "a/#there (no #there in a/index.html)", "../up/ (no file ../up)"]}


def test_rules_page_lists_every_rule(built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    html = page_html(site, "reference/lint-rules.md")
    for rule in all_rules():
        assert rule.code in html and rule.name in html, rule.code


def test_plugin_assets_are_linked_and_copied(built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    assert (site / "assets" / "kb" / "kb-site.css").is_file()
    assert 'href="assets/kb/kb-site.css"' in page_html(site, "index.md")


def test_no_page_fetches_anything_from_the_network(
        built: tuple[Path, Path, KnowledgeBase]) -> None:
    _, site, _ = built
    assert remote_fetches_in_site(site) == {}


def test_the_network_check_catches_cdn_assets() -> None:
    html = """
      <link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
      <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
      <link rel="canonical" href="https://kb.example.com/upi/">
      <script src="//unpkg.com/mermaid@11/dist/mermaid.min.js"></script>
      <img srcset="a.png 1x, https://cdn.example.com/b.png 2x">
      <style>@import "https://cdn.example.com/x.css"; body { background: url(y.png) }</style>
      <div style="background: url('http://cdn.example.com/z.png')"></div>
      <a href="https://example.com/">a plain link is not a fetch</a>
      <script src="assets/javascripts/bundle.js"></script>
    """
    found = remote_fetches(html)
    assert found == [
        "<link> https://fonts.gstatic.com",
        "<link> https://fonts.googleapis.com/css?family=Roboto",
        "<script> //unpkg.com/mermaid@11/dist/mermaid.min.js",
        "<img> https://cdn.example.com/b.png",
        "<style> https://cdn.example.com/x.css",
        "<div> http://cdn.example.com/z.png",
    ]
