"""The public help center's home page: every public, published article, by section.

Not a `@page_generator`: only the public audience's build uses it (see `kb.audience`).
"""

from __future__ import annotations

from html import escape

from kb.audience import public_articles
from kb.html_blocks import html_block, html_table
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage
from kb.pages.indexes import HOME_PAGE, page_href
from kb.translations import locale_of

__all__ = ["help_center_home"]


def help_center_home(kb: KnowledgeBase) -> GeneratedPage:
    prefix = kb.config.docs_dir.strip("/") + "/"
    rows = []
    for article in public_articles(kb):
        path = article.path.removeprefix(prefix)
        href = escape(page_href(kb, HOME_PAGE, path))
        # a translation's title and summary are read in its own language (screen readers)
        lang = f' lang="{escape(locale_of(article))}"' if article.translation else ""
        link = f'<a href="{href}"{lang}>{escape(article.meta.title)}</a>'
        summary = f"<span{lang}>{escape(article.meta.summary)}</span>" if lang \
            else escape(article.meta.summary)
        rows.append((link, summary))
    table = html_block(html_table(("Article", "Summary"), rows)) if rows else "No articles yet."
    markdown = f"# Help center\n\nAnswers to common questions about your payments.\n\n{table}\n"
    return GeneratedPage(HOME_PAGE, markdown)
