"""The site search engine: Pagefind by default, Material's search when mkdocs.yml picks it,
never both; what each page tells Pagefind (body, weight, kind, visibility, ignored parts)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from sitecheck import mkdocs_build, prepare_site_kb

from kb.child import SIDE_WORK_NICENESS
from kb.commands.build import _write_index
from kb.mkdocs_plugin import pagefind_service
from kb.mkdocs_plugin.pagefind_search import (
    INDEX_DIR,
    ResultLabel,
    is_indexed,
    mark_page,
    search_copy,
)
from kb.mkdocs_plugin.pagefind_service import (
    WRITE_KIB_PER_PAGE,
    PagefindFailed,
    PagefindService,
    room_to_write,
)

PAGE = ('<html><body><article class="md-content__inner md-typeset">'
        '<h1 id="t">Title<a class="headerlink" href="#t">&para;</a></h1>'
        '<div data-search-exclude>metadata</div><h2 id="s">Section</h2><p>text</p>'
        "</article></body></html>")


def test_a_page_is_marked_with_its_weight_kind_and_visibility() -> None:
    marked = mark_page(PAGE, weight=0.05,
                       label=ResultLabel("macro", "restricted", "Reply: <refund>, in full"))
    assert ('<article class="md-content__inner md-typeset" data-pagefind-body '
            'data-pagefind-weight="0.10">') in marked  # clamped: a weight of 0 drops the words
    assert '<span hidden data-pagefind-meta="kind:macro"></span>' in marked
    assert '<span hidden data-pagefind-meta="visibility:restricted"></span>' in marked
    # the title whole, commas included, as the element's text (which is not indexed twice)
    assert ('<span hidden data-pagefind-ignore data-pagefind-meta="title">'
            'Reply: &lt;refund&gt;, in full</span>') in marked
    # headings weigh down with the page, not at Pagefind's own heading weights
    assert '<h1 data-pagefind-weight="0.35" id="t">' in marked
    assert '<h2 data-pagefind-weight="0.30" id="s">' in marked
    assert '<div data-search-exclude data-pagefind-ignore>' in marked
    assert '<a class="headerlink" data-pagefind-ignore href="#t">' in marked


def test_a_page_without_weight_or_label_keeps_pagefinds_defaults() -> None:
    marked = mark_page(PAGE, weight=None, label=None)
    assert "data-pagefind-weight" not in marked and "data-pagefind-meta" not in marked
    assert "data-pagefind-body" in marked
    assert mark_page("<html><body><p>no content</p></body></html>", weight=1, label=None) \
        == "<html><body><p>no content</p></body></html>"


def test_pagefinds_copy_of_a_page_is_its_html_tag_and_marked_content() -> None:
    content = PAGE.split("<article class=\"md-content__inner md-typeset\">")[1] \
        .removesuffix("</article></body></html>")
    copy = search_copy(content, title="Ignored: the content has its heading", lang="pt-BR",
                       weight=None, label=None)
    assert copy == ('<!doctype html>\n<html lang="pt-BR" class="no-js"><head>'
                    '<meta charset="utf-8"></head><body>'
                    + mark_page(PAGE, weight=None, label=None).split("<body>")[1] + "\n")
    # content without a title heading gets the one Material's template adds (title as given:
    # MkDocs' titles reach the template as HTML)
    copy = search_copy("<p>text</p>", title="Refunds &amp; chargebacks", lang="en", weight=2,
                       label=ResultLabel("article", "internal", "Refunds & chargebacks"))
    assert ('<article class="md-content__inner md-typeset" data-pagefind-body '
            'data-pagefind-weight="2.00">') in copy
    assert ('<h1 data-pagefind-weight="10.00">Refunds &amp; chargebacks</h1><p>text</p>'
            '</article></body></html>\n') in copy
    assert '<span hidden data-pagefind-meta="kind:article"></span>' in copy


@pytest.fixture(scope="module")
def material_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = prepare_site_kb(tmp_path_factory.mktemp("material") / "kb")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "plugins:\n  - kb:\n" in text
    config.write_text(text.replace("plugins:\n  - kb:\n",
                                   "plugins:\n  - search\n  - kb:\n      search: material\n"),
                      encoding="utf-8")
    return root


def test_material_search_stays_selectable(material_kb: Path) -> None:
    done = mkdocs_build(material_kb, material_kb / "site")
    assert done.returncode == 0, done.stderr
    site = material_kb / "site"
    assert (site / "search" / "search_index.json").is_file()
    assert not (site / "pagefind").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in home and "wasm-unsafe-eval" not in home


def test_pagefind_beside_materials_search_is_refused(material_kb: Path) -> None:
    config = material_kb / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      search: material\n", ""),
                      encoding="utf-8")
    done = mkdocs_build(material_kb, material_kb / "site-both")
    assert done.returncode != 0
    assert "remove the `search` plugin from mkdocs.yml" in done.stderr
    config.write_text(config.read_text(encoding="utf-8").replace("  - search\n", "")
                      .replace("  - kb:\n", "  - kb:\n      search: material\n"),
                      encoding="utf-8")
    done = mkdocs_build(material_kb, material_kb / "site-none")
    assert done.returncode != 0
    assert "needs Material's `search` plugin" in done.stderr


def test_pagefinds_indexer_takes_pages_as_they_come_and_writes_their_index(
        tmp_path: Path) -> None:
    service = PagefindService.start()
    try:
        feed = service.feed()
        feed.add("refunds/index.html", mark_page(PAGE, weight=None, label=None))
        feed.add("macros/reply/index.html", mark_page(PAGE, weight=2, label=None))
        assert service.pages() == 2
        service.write(tmp_path / "site" / "pagefind")
    finally:
        service.close()
    assert is_indexed(tmp_path / "site")
    assert feed.sent == 2


def test_the_index_is_written_beside_mkdocs_only_with_room_for_pagefinds_peak(
        monkeypatch: pytest.MonkeyPatch) -> None:
    peak = 5000 * WRITE_KIB_PER_PAGE
    assert room_to_write(5000, available_kib=2 * peak)
    assert not room_to_write(5000, available_kib=2 * peak - 1)
    available = pagefind_service._available_kib()  # Linux's MemAvailable, as read
    assert available is not None and available > 0
    assert not room_to_write(available // WRITE_KIB_PER_PAGE), "needs twice what is there"
    monkeypatch.setattr(pagefind_service, "_available_kib", lambda: None)
    assert room_to_write(10**9), "where the memory cannot be known, the index is written early"


def test_kb_build_writes_the_index_a_feed_did_not_ask_for(tmp_path: Path) -> None:
    """Without room for Pagefind's peak beside MkDocs, MkDocs never asks for the index: `kb
    build` writes it once MkDocs has exited; when MkDocs did ask, kb only waits for it."""
    for asked in (False, True):
        service = PagefindService.start()
        site = tmp_path / f"site-{asked}"
        try:
            feed = service.feed()
            feed.add("refunds/index.html", mark_page(PAGE, weight=None, label=None))
            if asked:
                feed.write(site / INDEX_DIR)
            assert _write_index(service, site, io.StringIO())
        finally:
            service.close()
        assert is_indexed(site)


def test_pagefinds_indexer_yields_the_cpu_to_the_build() -> None:
    service = PagefindService.start()
    try:
        assert os.getpriority(os.PRIO_PROCESS, service._process.pid) \
            == min(19, os.getpriority(os.PRIO_PROCESS, 0) + SIDE_WORK_NICENESS)
    finally:
        service.close()


def test_an_index_pagefind_cannot_write_is_reported_with_pagefinds_reason(
        tmp_path: Path) -> None:
    (tmp_path / "site").write_text("a file where the site folder should be", encoding="utf-8")
    service = PagefindService.start()
    try:
        service.feed().add("refunds/index.html", mark_page(PAGE, weight=None, label=None))
        with pytest.raises(PagefindFailed, match=r"Pagefind stopped: .*Not a directory"):
            service.write(tmp_path / "site" / "pagefind")
        feed = service.feed()
        feed.add("late/index.html", PAGE)  # the service is gone: the feed goes quiet
        assert feed.broken and feed.sent == 0
    finally:
        service.close()
