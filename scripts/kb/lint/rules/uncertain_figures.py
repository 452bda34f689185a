"""KB523: a figure marked uncertain in an article that names no sources."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.diagnostics import Finding
from kb.lint.registry import rule
from kb.lint.runner import LintContext
from kb.model import Article, Pos

#: the words authors use to mark a figure as uncertain (see "Facts and sources" in the
#: authoring guide)
UNCERTAIN = re.compile(
    r"\b(?:low confidence|uncertain|unconfirmed|not yet confirmed|"
    r"confirm (?:it |this )?against the (?:current|primary))\b", re.IGNORECASE)
_FIGURE = re.compile(r"\d")


def uncertain_lines(article: Article) -> Iterator[Pos]:
    """The position of each uncertainty marker on a body line that also holds a figure."""
    for i, line in enumerate(article.body.markdown.split("\n")):
        marker = UNCERTAIN.search(line)
        if marker is not None and _FIGURE.search(line):
            yield Pos(article.body.first_line + i, marker.start() + 1)


@rule("KB523", "uncertain-figure-unsourced", scope="article", local=True)
def uncertain_figure_unsourced(article: Article, ctx: LintContext) -> Iterator[Finding]:
    """A figure is marked uncertain in an article that lists no `sources`.

    What it checks:
        A body line that holds a number and marks it uncertain ("low confidence",
        "uncertain", "unconfirmed", "not yet confirmed", "confirm against the current
        circular") appears only in an article whose front matter lists `sources`.
    Why it matters:
        An uncertain figure is acceptable only while someone knows where it came from and can
        check it; without a source it cannot be confirmed or corrected, only repeated.
    Bad:
        ```markdown
        Some banks cap new users at about 5,000 in the first 24 h (low confidence).
        ```
    Good:
        ```yaml
        sources:
          - title: Bank limits for new UPI users (secondary)
            type: industry
            url: https://example.org/upi-new-user-limits
            checked: 2026-10-01
        ```
    """
    if article.sources:
        return
    for pos in uncertain_lines(article):
        yield Finding.at(article.path, pos, "figure marked uncertain, but the article lists "
                         "no `sources`",
                         "add the source it rests on to `sources:` in the front matter, or "
                         "remove the figure")
