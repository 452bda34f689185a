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

__all__ = ["help_center_home"]


def help_center_home(kb: KnowledgeBase) -> GeneratedPage:
    prefix = kb.config.docs_dir.strip("/") + "/"
    rows = []
    for article in public_articles(kb):
        path = article.path.removeprefix(prefix)
        href = escape(page_href(kb, HOME_PAGE, path))
        link = f'<a href="{href}">{escape(article.meta.title)}</a>'
        rows.append((link, escape(article.meta.summary)))
    table = html_block(html_table(("Article", "Summary"), rows)) if rows else "No articles yet."
    markdown = f"# Help center\n\nAnswers to common questions about your payments.\n\n{table}\n"
    return GeneratedPage(HOME_PAGE, markdown)
