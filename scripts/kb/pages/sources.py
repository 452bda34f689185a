"""The "Sources due for a re-check" page: every article source whose check is overdue or falls
due within the next weeks, judged as lint's KB521 and KB522 judge it."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from kb.html_blocks import html_block, html_table
from kb.lint.rules.source_checks import DueSource, due_sources
from kb.model import KnowledgeBase
from kb.pages import GeneratedPage, page_generator
from kb.pages.indexes import page_href

__all__ = ["SOURCES_DUE_PAGE", "sources_due_markdown"]

SOURCES_DUE_PAGE = "reference/sources-due.md"
#: sources falling due within this many days are listed too, so checks can be planned
AHEAD_DAYS = 30


@page_generator
def sources_due_page(kb: KnowledgeBase) -> Iterator[GeneratedPage]:
    yield GeneratedPage(SOURCES_DUE_PAGE, sources_due_markdown(kb))


def sources_due_markdown(kb: KnowledgeBase) -> str:
    """The whole page: a table of due sources, most overdue first, or a line saying none is."""
    today = kb.config.judged_on()
    policy = kb.config.source_checks
    intervals = ", ".join(f"{kind} every {days} days"
                          for kind, days in sorted(policy.interval_days.items()))
    lines = ["# Sources due for a re-check", "",
             f"Judged on {today.isoformat()}. Each article's `sources` are re-checked against "
             f"the regulation, scheme rule or guidance they name: {intervals}. A check more "
             f"than {policy.error_after_days} days overdue fails `kb lint` (KB522). Sources "
             f"falling due in the next {AHEAD_DAYS} days are listed too.", ""]
    due = due_sources(kb, today, AHEAD_DAYS)
    if not due:
        return "\n".join([*lines, "No source is due for a re-check.", ""])
    rows = [_row(kb, d) for d in due]
    head = ["Article", "Source", "Type", "Checked", "Due", "State"]
    return "\n".join([*lines, html_block(html_table(head, rows)), ""])


def _row(kb: KnowledgeBase, due: DueSource) -> list[str]:
    prefix = kb.config.docs_dir.strip("/") + "/"
    href = page_href(kb, SOURCES_DUE_PAGE, due.article.path.removeprefix(prefix))
    article = f'<a href="{escape(href)}">{escape(due.article.meta.title or due.article.id)}</a>'
    source = due.source
    title = escape(source.title)
    if source.url.startswith("https://"):
        title = f'<a href="{escape(source.url)}" rel="noopener">{title}</a>'
    elif source.circular:
        title = f"{title} (circular <code>{escape(source.circular)}</code>)"
    if due.days > 0:
        state = f"overdue by {due.days} day{'s' if due.days != 1 else ''}"
    else:
        state = f"due in {-due.days} day{'s' if due.days != -1 else ''}"
    return [article, title, escape(source.type), due.checked.isoformat(),
            due.due.isoformat(), state]
