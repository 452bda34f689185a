"""The article header's language switcher and stale-translation warning, and the page `lang`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kb.mkdocs_plugin.plugin import with_lang
from kb.pages.article_header import article_header
from kbtest import FIXTURES, edit, load_and_lint, run_cli

TRANSLATION = "docs/guides/reply-refund.pt-BR.md"
TODAY = dt.date(2026, 11, 1)


def _headers(root: Path) -> tuple[str, str]:
    kb = load_and_lint(root)[0].kb
    return (article_header(kb.articles["reply-refund"], kb, TODAY),
            article_header(kb.articles["reply-refund-pt-br"], kb, TODAY))


def _translated(kb_dir: Path) -> Path:
    (kb_dir / TRANSLATION).write_text(
        (FIXTURES / "translation-reply-refund.pt-BR.md").read_text(encoding="utf-8"),
        encoding="utf-8")
    assert run_cli(kb_dir, "translations", "mark", str(kb_dir / TRANSLATION))[0] == 0
    return kb_dir


def test_an_article_in_one_language_has_no_switcher(kb_dir: Path) -> None:
    kb = load_and_lint(kb_dir)[0].kb
    assert "kb-languages" not in article_header(kb.articles["reply-refund"], kb, TODAY)


def test_each_version_links_the_other_in_its_own_language(kb_dir: Path) -> None:
    source, translation = _headers(_translated(kb_dir))
    assert ('<a href="../reply-refund.pt-BR/" hreflang="pt-BR" lang="pt-BR">'
            "Português (Brasil)</a>") in source
    assert '<strong lang="en" aria-current="page">English</strong>' in source
    assert '<a href="../reply-refund/" hreflang="en" lang="en">English</a>' in translation
    assert "Translation out of date" not in translation


def test_a_stale_translation_says_so_on_its_page(kb_dir: Path) -> None:
    _translated(kb_dir)
    edit(kb_dir, "docs/guides/reply-refund.md", "{{amount}} is on its way.",
         "{{amount}} arrives within 5 days.")
    source, translation = _headers(kb_dir)
    assert "Translation out of date" in translation and "Translation out of date" not in source


def test_with_lang_sets_the_page_language_once() -> None:
    page = '<!doctype html><html lang="en" class="no-js"><p lang="en">x</p>'
    assert with_lang(page, "pt-BR") == \
        '<!doctype html><html lang="pt-BR" class="no-js"><p lang="en">x</p>'
