"""Effective dates: content merged before the day it applies.

An article or tree with `effective_from` is built into the site (marked "Takes effect on …")
but left out of the agent exports before that day. A deprecated item stops applying on its
`effective_until` or, without one, on the day its successor (`superseded_by`) takes effect; from
then on the exports leave it out. Every decision takes the day as an argument (`kb --today`
for a build), so the same sources and day give the same outputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from kb.model import Article, KnowledgeBase, Metadata, Tree

__all__ = ["UPCOMING_DAYS", "Change", "ends_on", "in_effect", "upcoming_changes"]

#: how far ahead the home page (and `kb diff`) look for changes
UPCOMING_DAYS = 30


@dataclass(frozen=True, slots=True)
class Change:
    """An item that starts or stops applying on `day`."""

    day: dt.date
    kind: Literal["takes effect", "ends"]
    item_id: str
    title: str
    #: the item's file, relative to the KB root
    path: str


def ends_on(kb: KnowledgeBase, meta: Metadata) -> dt.date | None:
    """The first day a deprecated item no longer applies, if it has one."""
    if meta.effective_until is not None or meta.status != "deprecated":
        return meta.effective_until
    successor = kb.articles.get(meta.superseded_by) or kb.trees.get(meta.superseded_by)
    return successor.meta.effective_from if successor is not None else None


def in_effect(kb: KnowledgeBase, item: Article | Tree, today: dt.date) -> bool:
    """Whether `item` applies on `today`: it has taken effect and has not ended."""
    start, end = item.meta.effective_from, ends_on(kb, item.meta)
    return (start is None or start <= today) and (end is None or today < end)


def upcoming_changes(kb: KnowledgeBase, today: dt.date,
                     days: int = UPCOMING_DAYS) -> list[Change]:
    """What starts or stops applying after `today` and within `days` days, by day then id."""
    last = today + dt.timedelta(days=days)
    changes: list[Change] = []
    items: list[Article | Tree] = [*kb.articles.values(), *kb.trees.values()]
    for item in items:
        meta = item.meta
        start, end = meta.effective_from, ends_on(kb, meta)
        if start is not None and today < start <= last:
            changes.append(Change(start, "takes effect", meta.id, meta.title, item.path))
        if end is not None and today < end <= last:
            changes.append(Change(end, "ends", meta.id, meta.title, item.path))
    return sorted(changes, key=lambda c: (c.day, c.item_id, c.kind))
