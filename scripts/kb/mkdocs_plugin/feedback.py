""""Was this helpful? / Flag as outdated" under articles and tree pages: plain links that open a
new issue in the KB's repository, its title and body filled in with the page. No server, no
script: the issue tracker records the feedback.

The tracker's new-issue address is `extra.feedback_issues_url` in mkdocs.yml; without it the
links are left out. Only an https address is accepted (an allowlist: never `javascript:`).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from urllib.parse import urlencode, urlsplit

__all__ = ["FEEDBACK_KEY", "feedback_block", "issues_url"]

#: the key under `extra:` in mkdocs.yml
FEEDBACK_KEY = "feedback_issues_url"
LABEL = "kb-feedback"
#: (link text, issue title prefix, what the body asks for)
CHOICES = (
    ("Yes", "Helpful", "What made it useful (optional):"),
    ("No", "Not helpful", "What were you looking for, and what was missing or wrong?"),
    ("Flag as outdated", "Outdated", "What is out of date, and what is true now (a source helps)?"),
)


def issues_url(extra: Mapping[str, object]) -> str | None:
    """The configured new-issue address, or None when the feedback links are off; ValueError
    when it is set but not an https address with a host."""
    value = extra.get(FEEDBACK_KEY)
    if value is None or value == "":
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme != "https" or not parts.hostname or parts.query:
        raise ValueError(f"extra.{FEEDBACK_KEY} must be an https address without a query "
                         f"(a repository's new-issue page), got {value!r}")
    return parts.geturl()


def _link(base: str, text: str, prefix: str, ask: str, title: str, source: str) -> str:
    query = urlencode({"title": f"{prefix}: {title}", "labels": LABEL,
                       "body": f"Page: {title}\nSource: docs/{source}\n\n{ask}\n"})
    return (f'<a class="kb-feedback-{escape(prefix.lower().replace(" ", "-"))}" '
            f'href="{escape(f"{base}?{query}", quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{escape(text)}</a>')


def feedback_block(base: str, title: str, source: str) -> str:
    """The links for the page titled `title` whose Markdown is docs/`source`."""
    links = [_link(base, text, prefix, ask, title, source) for text, prefix, ask in CHOICES]
    return ('<aside class="kb-feedback" aria-label="Feedback on this page">'
            f'<p>Was this helpful? {links[0]} · {links[1]} · {links[2]} '
            '<span class="kb-feedback-note">(opens a new issue, filled in)</span></p></aside>')
