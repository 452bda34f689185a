"""`kb build`: lint first, build beside site/, swap in; any failure leaves the old site/ whole."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sitecheck import mkdocs_build, prepare_site_kb, set_kb_options

from kb.cli import main
from kb.commands.build import RETIRED_PREFIX, STAGING_PREFIX, swap_into_place
from kb.mkdocs_plugin.pagefind_search import INDEX_DIR, read_shards_file, shard_dir
from kb.mkdocs_plugin.pagefind_service import PagefindService

CRASH_HOOK = """
def on_post_build(config):
    raise RuntimeError("simulated crash after the pages were written")
"""

KILL_HOOK = """
import os, signal

def on_page_content(html, page, config, files):
    if page.file.src_uri == "guides/refund.md":
        os.kill(os.getpid(), signal.SIGKILL)  # an interrupted run: no cleanup at all
    return html
"""


WARN_AFTER_BUILD_HOOK = """
import logging

def on_post_build(config):
    logging.getLogger("mkdocs.plugins.late").warning("a warning after every page was written")
"""

ATEXIT_HOOK = """
import atexit
import os
from pathlib import Path

atexit.register(lambda: Path(os.environ["KB_TEST_ATEXIT"]).touch())
"""


def _add_hook(root: Path, name: str, text: str) -> None:
    """Add MkDocs hook file `name` (holding `text`) to the KB's mkdocs.yml, last."""
    (root / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    listed = "hooks:" in config.read_text(encoding="utf-8")
    with config.open("a", encoding="utf-8") as stream:
        stream.write(f"  - {name}\n" if listed else f"\nhooks:\n  - {name}\n")


def _build_fails(root: Path, before: dict[str, bytes]) -> str:
    """`kb build` of `root` fails, leaving the previous site (`before`) as it was and nothing
    beside it; its output."""
    code, output = _build(root)
    assert code == 1, output
    assert _snapshot(root / "site") == before
    assert _leftovers(root) == []
    return output


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir()
                  if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX)))


def _old_site(root: Path) -> dict[str, bytes]:
    site = root / "site"
    (site / "upi").mkdir(parents=True)
    (site / "index.html").write_text("<p>the previous site</p>", encoding="utf-8")
    (site / "upi" / "index.html").write_text("<p>an old page</p>", encoding="utf-8")
    (site / "kb-bundle.json").write_text('{"format": "kb-bundle"}', encoding="utf-8")
    return _snapshot(site)


def _build(root: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--root", str(root), "build"], out=out)
    return code, out.getvalue()


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return prepare_site_kb(tmp_path / "kb")


def test_build_replaces_the_site_and_leaves_nothing_behind(kb_root: Path) -> None:
    _old_site(kb_root)
    code, output = _build(kb_root)
    assert code == 0, output
    site = kb_root / "site"
    assert "the previous site" not in (site / "index.html").read_text(encoding="utf-8")
    assert not (site / "upi").exists(), "files of the old site are gone"
    assert (site / "browse" / "products" / "index.html").is_file()
    assert (site / "kb-bundle.json").is_file() and (site / "llms.txt").is_file()
    assert _leftovers(kb_root) == []


@pytest.mark.parametrize("shard_pages", [None, 4])
def test_build_indexes_the_pages_mkdocs_fed_to_its_indexer(
        kb_root: Path, monkeypatch: pytest.MonkeyPatch, shard_pages: int | None) -> None:
    """MkDocs sends every marked page once, and has the index written itself once every
    page's copy is sent (while it renders): kb's indexer only waits for it. Split into shards,
    the index holds every page in one of them."""
    if shard_pages is not None:
        set_kb_options(kb_root, f"search_shard_pages: {shard_pages}")
    fed: list[int] = []
    asked: list[str] = []
    real_pages, real_ask = PagefindService.pages, PagefindService._ask

    def pages(self: PagefindService) -> int:
        fed.append(real_pages(self))
        return fed[-1]

    def ask(self: PagefindService, payload: dict[str, Any]) -> dict[str, Any]:
        asked.append(payload["type"])
        return real_ask(self, payload)

    monkeypatch.setattr(PagefindService, "pages", pages)
    monkeypatch.setattr(PagefindService, "_ask", ask)
    code, output = _build(kb_root)
    assert code == 0, output
    site = kb_root / "site"
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    indexed = sum(1 for p in site.rglob("index.html")
                  if "data-pagefind-body" in p.read_text(encoding="utf-8"))
    assert set(fed) == {indexed} and indexed > 5, "every marked page went to kb's indexer, once"
    assert "WriteFiles" not in asked, "the index was written at MkDocs' request"
    shards = read_shards_file(site / INDEX_DIR)
    assert (shards > 1) == (shard_pages is not None)
    in_shards = [json.loads((shard_dir(site / INDEX_DIR, n) / "pagefind-entry.json")
                            .read_text(encoding="utf-8"))["languages"]["en"]["page_count"]
                 for n in range(shards)]
    assert sum(in_shards) == indexed and min(in_shards) >= 1
    assert _leftovers(kb_root) == []


def test_a_search_indexer_that_dies_writes_nothing(kb_root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind killed before MkDocs has sent a page: MkDocs still finishes, and the build
    says the index was not built and keeps the previous site."""
    before = _old_site(kb_root)
    real_start = PagefindService.start

    def start_then_die() -> PagefindService:
        service = real_start()
        service._process.kill()
        return service

    monkeypatch.setattr(PagefindService, "start", start_then_die)
    output = _build_fails(kb_root, before)
    assert "the search index was not built: Pagefind stopped" in output
    assert "unchanged" in output


def test_build_without_a_previous_site(kb_root: Path) -> None:
    code, output = _build(kb_root)
    assert code == 0, output
    assert (kb_root / "site" / "index.html").is_file()
    assert _leftovers(kb_root) == []


def test_lint_error_writes_nothing(kb_root: Path) -> None:
    before = _old_site(kb_root)
    bad = (kb_root / "docs/guides/refund.md").read_text(encoding="utf-8")
    (kb_root / "docs/guides/refund.md").write_text(bad.replace("owner: payments-ops-in",
                                                               "owner: nobody"), "utf-8")
    output = _build_fails(kb_root, before)
    assert "docs/guides/refund.md:" in output and "KB105" in output
    assert "nothing written" in output


@pytest.mark.parametrize("hook", [CRASH_HOOK, KILL_HOOK], ids=["crash", "killed"])
def test_failure_in_the_middle_leaves_the_previous_site_whole(kb_root: Path, hook: str) -> None:
    before = _old_site(kb_root)
    _add_hook(kb_root, "failing_hook.py", hook)
    assert "unchanged" in _build_fails(kb_root, before)


def test_swap_restores_the_old_site_when_the_new_one_cannot_move_in(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    import os

    target, new = tmp_path / "site", tmp_path / "new"
    target.mkdir()
    (target / "old.txt").write_text("old", encoding="utf-8")
    new.mkdir()
    real_rename = os.rename

    def failing_rename(src: object, dst: object) -> None:
        if Path(str(src)) == new:
            raise OSError("disk full")
        real_rename(str(src), str(dst))

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(OSError, match="disk full"):
        swap_into_place(new, target)
    assert (target / "old.txt").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "site"]


def test_stale_content_is_published_with_its_badge(kb_root: Path) -> None:
    guide = kb_root / "docs/guides/refund.md"
    guide.write_text(guide.read_text("utf-8").replace("reviewed: 2026-10-01",
                                                      "reviewed: 2026-06-01"), "utf-8")
    code, output = _build(kb_root)
    assert code == 0, output
    assert "KB501" in output
    html = (kb_root / "site" / "guides" / "refund" / "index.html").read_text("utf-8")
    assert ">Stale</span>" in html


def test_mkdocs_ends_at_once_after_a_successful_build_with_its_output_complete(
        kb_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing follows a successful build in `kb build`'s MkDocs child: it ends without
    Python's exit work (an exit handler never runs), and still says all it had to say."""
    _add_hook(kb_root, "at_exit.py", ATEXIT_HOOK)
    monkeypatch.setenv("KB_TEST_ATEXIT", str(tmp_path / "exit-work-done"))
    code, output = _build(kb_root)
    assert code == 0, output
    assert "Documentation built in" in output
    assert not (tmp_path / "exit-work-done").exists()
    assert (kb_root / "site" / "index.html").is_file()
    done = mkdocs_build(kb_root, tmp_path / "plain-site")  # plain MkDocs: its usual exit
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "exit-work-done").exists()


def test_a_strict_warning_after_the_pages_still_fails_the_build(kb_root: Path) -> None:
    before = _old_site(kb_root)
    _add_hook(kb_root, "warn_late.py", WARN_AFTER_BUILD_HOOK)
    output = _build_fails(kb_root, before)
    assert "Aborted with 1 warnings in strict mode" in output
    assert "unchanged" in output
