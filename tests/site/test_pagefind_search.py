"""The site search engine: Pagefind by default, Material's search when mkdocs.yml picks it,
never both; what each page tells Pagefind (body, weight, kind, visibility, ignored parts)."""

from __future__ import annotations

import base64
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from sitecheck import mkdocs_build, prepare_site_kb

from kb.child import SIDE_WORK_NICENESS
from kb.commands.build import _write_index
from kb.mkdocs_plugin import pagefind_service
from kb.mkdocs_plugin.pagefind_search import (
    INDEX_DIR,
    SHARDS_FILE,
    ResultLabel,
    is_indexed,
    mark_page,
    read_shards_file,
    search_copy,
    shard_count,
    shard_dir,
    write_shards_file,
)
from kb.mkdocs_plugin.pagefind_service import (
    MAX_SHARDS,
    WRITE_KIB_PER_PAGE,
    PageFeed,
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
        service.write(tmp_path / "site" / "pagefind", feed.filled)
    finally:
        service.close()
    assert is_indexed(tmp_path / "site")
    assert feed.sent == 2


def test_the_index_is_written_beside_mkdocs_only_with_room_for_pagefinds_peak(
        monkeypatch: pytest.MonkeyPatch) -> None:
    peak = 1500 * WRITE_KIB_PER_PAGE  # a shard of 1,500 pages
    assert room_to_write(1500, available_kib=2 * peak)
    assert not room_to_write(1500, available_kib=2 * peak - 1)
    available = pagefind_service._available_kib()  # Linux's MemAvailable, as read
    assert available is not None and available > 0
    assert not room_to_write(available // WRITE_KIB_PER_PAGE), "needs twice what is there"
    monkeypatch.setattr(pagefind_service, "_available_kib", lambda: None)
    assert room_to_write(10**9), "where the memory cannot be known, the index is written early"


def test_kb_build_writes_the_index_a_feed_did_not_ask_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without room for Pagefind's peak beside MkDocs, MkDocs never asks for the index: `kb
    build` writes the shards the plugin named once MkDocs has exited; when MkDocs did ask, kb
    only waits for them."""
    written: list[str] = []
    real_ask = PagefindService._ask

    def ask(self: PagefindService, payload: dict[str, Any]) -> dict[str, Any]:
        if payload["type"] == "WriteFiles":
            written.append(payload["output_path"])
        return real_ask(self, payload)

    monkeypatch.setattr(PagefindService, "_ask", ask)
    for asked in (False, True):
        written.clear()
        service = PagefindService.start()
        site = tmp_path / f"site-{asked}"
        try:
            feed = service.feed()
            feed.split(2)
            for n in range(3):
                feed.add(f"refunds/{n}/index.html", mark_page(PAGE, weight=None, label=None))
            write_shards_file(site / INDEX_DIR, feed.filled)
            if asked:
                feed.write(site / INDEX_DIR)
            assert _write_index(service, site, io.StringIO())
        finally:
            service.close()
        assert written == ([] if asked else [str(shard_dir(site / INDEX_DIR, n))
                                             for n in range(2)])
        assert is_indexed(site)
        assert (shard_dir(site / INDEX_DIR, 1) / "pagefind-entry.json").is_file()
        assert not shard_dir(site / INDEX_DIR, 2).exists()


def test_kb_build_refuses_an_index_whose_shards_are_not_named(tmp_path: Path) -> None:
    service = PagefindService.start()
    try:
        service.feed().add("refunds/index.html", mark_page(PAGE, weight=None, label=None))
        log = io.StringIO()
        assert not _write_index(service, tmp_path, log)
    finally:
        service.close()
    assert f"the search index was not built: {tmp_path / INDEX_DIR / SHARDS_FILE}" \
        in log.getvalue()
    assert not is_indexed(tmp_path)


def test_an_index_splits_into_shards_of_about_the_pages_asked() -> None:
    assert [shard_count(pages, 1500) for pages in (0, 1, 1500, 1501, 5650)] == [1, 1, 1, 2, 4]
    assert shard_dir(Path("site/pagefind"), 0) == Path("site/pagefind")
    assert shard_dir(Path("site/pagefind"), 3) == Path("site/pagefind/3")


def test_the_feed_deals_pages_to_its_shards_in_turn() -> None:
    stream = io.BytesIO()
    feed = PageFeed(stream, [7, 8, 9])
    feed.split(5)  # more than the feed has: as many as it has
    assert feed.shards == 3
    for n in range(4):
        feed.add(f"p{n}/index.html", PAGE)
    sent = [json.loads(base64.b64decode(body)) for body in stream.getvalue().split(b",")[:-1]]
    assert [s["payload"]["index_id"] for s in sent] == [7, 8, 9, 7]
    assert (feed.filled, feed.largest) == (3, 2)
    fewer = PageFeed(io.BytesIO(), [7, 8, 9])
    fewer.split(3)
    fewer.add("only/index.html", PAGE)
    assert (fewer.filled, fewer.largest) == (1, 1), "a shard without pages is not written"


def test_the_shards_file_names_the_shards_merged_into_the_first(tmp_path: Path) -> None:
    index = tmp_path / "site" / INDEX_DIR
    write_shards_file(index, 3)
    assert json.loads((index / SHARDS_FILE).read_text(encoding="utf-8")) == {"merge": ["1/", "2/"]}
    assert read_shards_file(index) == 3
    write_shards_file(index, 1)
    assert read_shards_file(index) == 1
    for wrong in ('{"merge": ["../../etc/"]}', '{"merge": "1/"}', "[]", "not json"):
        (index / SHARDS_FILE).write_text(wrong, encoding="utf-8")
        with pytest.raises(ValueError, match=SHARDS_FILE):
            read_shards_file(index)
    (index / SHARDS_FILE).unlink()
    with pytest.raises(ValueError, match="cannot be read"):
        read_shards_file(index)


def test_the_service_writes_each_shard_and_drops_it_once_written(tmp_path: Path) -> None:
    service = PagefindService.start()
    try:
        assert len(service.index_ids) == MAX_SHARDS
        feed = service.feed()
        feed.split(3)
        titles = ["Refunds", "Chargebacks", "Pix keys", "UPI mandates", "Card disputes"]
        for n, title in enumerate(titles):
            feed.add(f"page-{n}/index.html", mark_page(
                PAGE.replace("Title<", f"{title}<"), weight=None, label=None))
        service.write(tmp_path / INDEX_DIR, feed.filled)
        with pytest.raises(PagefindFailed):  # dropped: its memory goes to the next shard
            service._ask({"type": "WriteFiles", "index_id": service.index_ids[0],
                          "output_path": str(tmp_path / "again")})
    finally:
        service.close()
    pages = [sorted(p.name for p in (shard_dir(tmp_path / INDEX_DIR, n) / "fragment").iterdir())
             for n in range(3)]
    assert [len(names) for names in pages] == [2, 2, 1]


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
            service.write(tmp_path / "site" / "pagefind", 1)
        feed = service.feed()
        feed.add("late/index.html", PAGE)  # the service is gone: the feed goes quiet
        assert feed.broken and feed.sent == 0
    finally:
        service.close()
