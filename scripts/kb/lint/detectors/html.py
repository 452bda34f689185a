"""Markup in Markdown that the site's sanitiser would remove, found by rendering as the site does.

The text is rendered by the same Python-Markdown and extensions as the site (`kb.render`) and
every tag, attribute, URL or comment trick that `kb.sanitise` would remove is reported with its
offset in the Markdown. Text that holds no `<`, no `{` (attribute lists) and no link destination
with a URL scheme other than http, https or mailto renders to nothing the sanitiser removes, so
it is not rendered at all: most articles cost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kb.sanitise import removed_by_policy

__all__ = ["UnsafeMarkup", "find_unsafe_markup", "may_hold_unsafe_markup"]

#: a raw-HTML or attribute-list opener, or a link destination (inline or a reference
#: definition) that is not plainly http(s), mailto, a fragment or a path without a colon
_MAY_HOLD = re.compile(
    r"[<{]|\]\s*[(:](?!\s*(?:https?://|mailto:)[^\s()<>&\\]*\)|\s*#?[^():<>&\\]*\))"
)


@dataclass(frozen=True, slots=True)
class UnsafeMarkup:
    """One construct the sanitiser would remove: its offset in the Markdown and what it is."""

    offset: int
    description: str


def may_hold_unsafe_markup(markdown: str) -> bool:
    """False when `markdown` cannot render to anything the sanitiser removes."""
    return _MAY_HOLD.search(markdown) is not None


def find_unsafe_markup(markdown: str, render: Callable[[str], str]) -> list[UnsafeMarkup]:
    """What the sanitiser would remove from `render(markdown)`, located in `markdown`.

    A construct is placed where its tag or attribute name (or its URL's scheme) next appears in
    the text after the previous one; a construct made by an entity or escape that is not in the
    text as written is placed at the start.
    """
    if not may_hold_unsafe_markup(markdown):
        return []
    folded = markdown.casefold()
    found: list[UnsafeMarkup] = []
    at = 0
    for removal in removed_by_policy(render(markdown)):
        offset = _locate(folded, removal.needles, at)
        if offset is None:
            offset = _locate(folded, removal.needles, 0)
        at = offset if offset is not None else at
        found.append(UnsafeMarkup(offset or 0, removal.description))
    return found


def _locate(folded: str, needles: tuple[str, ...], start: int) -> int | None:
    for needle in needles:
        offset = folded.find(needle.casefold(), start)
        if offset >= 0:
            return offset
    return None
