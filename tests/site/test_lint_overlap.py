"""A lint that outlasts the page generation does not hold MkDocs up, and still gates the build.

When the site folder holds nothing MkDocs' emptying would lose (a `kb build` staging folder, a
first build), the plugin leaves a lint still running in its child `pending` and MkDocs reads
the pages meanwhile; the lint is reported once it ends, at the latest before any page is
written. Where a previous site would be lost, the plugin waits first (`test_plugin`'s gate).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config as mkdocs_config
from mkdocs.exceptions import PluginError
from sitecheck import mkdocs_build, prepare_site_kb

import kb.mkdocs_plugin.plugin as plugin
from kb.forked import fork_is_safe
from kb.loader import load_config
from kbtest import cannot_run, edit

pytestmark = pytest.mark.forks

BROKEN_OWNER = ("owner: payments-ops-in", "owner: nobody")


@pytest.fixture
def slow_lint(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lint takes a second longer than it would: the pages are made long before."""
    if not fork_is_safe():
        cannot_run("the lint overlap tests", "forking is not safe in this process now")
    lint = plugin.lint_kb

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(1.0)
        return lint(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plugin, "lint_kb", slow)


@pytest.mark.usefixtures("slow_lint")
def test_a_lint_still_running_is_left_pending_and_its_errors_stop_the_build(
        tmp_path: Path) -> None:
    root = prepare_site_kb(tmp_path / "kb")
    edit(root, "docs/guides/refund.md", *BROKEN_OWNER)
    started = time.monotonic()
    parts = plugin.prepare(load_config(root), lint_later=True)
    assert time.monotonic() - started < 1.0, "prepare waited for the lint"
    assert parts.pending is not None and parts.exports is None
    with pytest.raises(PluginError, match=r"(?s)1 lint error.*KB105"):
        parts.pending.settle(parts)
    assert parts.exports is None, "no agent exports start for a KB with lint errors"


@pytest.mark.usefixtures("slow_lint")
def test_a_clean_pending_lint_starts_the_exports_when_it_is_settled(tmp_path: Path) -> None:
    parts = plugin.prepare(load_config(prepare_site_kb(tmp_path / "kb")), lint_later=True)
    assert parts.pending is not None and parts.exports is None
    parts.pending.settle(parts)
    assert parts.exports is not None and "kb-bundle.json" in parts.exports.result()


@pytest.mark.usefixtures("slow_lint")
def test_without_lint_later_the_lint_is_awaited_and_its_errors_raised_at_once(
        tmp_path: Path) -> None:
    root = prepare_site_kb(tmp_path / "kb")
    edit(root, "docs/guides/refund.md", *BROKEN_OWNER)
    with pytest.raises(PluginError, match="1 lint error"):
        plugin.prepare(load_config(root))


def test_only_a_missing_or_dot_only_site_folder_has_nothing_to_lose(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert plugin.nothing_to_lose(site)
    site.mkdir()
    (site / ".kb-build-owner").write_text("1", encoding="utf-8")
    assert plugin.nothing_to_lose(site)
    (site / "index.html").write_text("previous", encoding="utf-8")
    assert not plugin.nothing_to_lose(site)


def test_a_lint_error_with_no_previous_site_stops_the_build_before_a_page_is_written(
        tmp_path: Path) -> None:
    root = prepare_site_kb(tmp_path / "kb")
    edit(root, "docs/guides/refund.md", *BROKEN_OWNER)
    site = root / "site"
    done = mkdocs_build(root, site, strict=False)
    assert done.returncode != 0
    assert "1 lint error" in done.stderr and "KB105" in done.stderr
    assert not list(site.rglob("*.html")), "pages were written despite the lint error"


@pytest.mark.usefixtures("slow_lint")
def test_mkdocs_reads_pages_while_the_lint_runs_and_the_exports_still_reach_the_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = prepare_site_kb(tmp_path / "kb")
    site = tmp_path / "site"
    pending_while_read: list[bool] = []
    read = plugin.KbPlugin.on_page_markdown

    def spy(self: plugin.KbPlugin, markdown: str, /, **context: Any) -> str | None:
        pending_while_read.append(self.parts is not None and self.parts.pending is not None)
        return read(self, markdown, **context)

    monkeypatch.setattr(plugin.KbPlugin, "on_page_markdown", spy)
    build(mkdocs_config(str(root / "mkdocs.yml"), site_dir=str(site)))
    assert any(pending_while_read), "MkDocs read no page while the lint ran"
    assert (site / "kb-bundle.json").is_file() and (site / "index.html").is_file()
