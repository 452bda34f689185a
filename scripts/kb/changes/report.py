"""A KbDiff as text for a terminal, Markdown for a pull-request comment, or JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from kb.changes.compare import (
    CaseChange,
    ExportMove,
    FactChange,
    FieldChange,
    ItemRef,
    KbDiff,
    OutcomeChange,
    Rename,
)
from kb.effective import UPCOMING_DAYS, Change

#: GitHub refuses a comment body over 65,536 characters; this leaves room for a footer
MARKDOWN_LIMIT = 65_000
#: lines a section shows before the rest is cut to a count
SECTION_ROWS = 200


def _item(r: ItemRef) -> str:
    return f"{r.kind} `{r.id}` ({r.path}): {r.title}"


def _rename(r: Rename) -> str:
    return f"{r.kind} `{r.id}`: {r.old_path} -> {r.new_path}"


def _field(c: FieldChange) -> str:
    return f"{c.kind} `{c.id}`: {c.field} {c.old or '(none)'} -> {c.new or '(none)'}"


def _export(m: ExportMove) -> str:
    return f"{m.kind} `{m.id}` {m.move} the agent exports"


def _outcome(c: OutcomeChange) -> str:
    return f"tree `{c.tree}`: outcome `{c.node}` {c.change} ({c.title})"


def _case(c: CaseChange) -> str:
    where = f"paths part at `{c.parts_at}`" if c.parts_at else "paths part at the start"
    verdict = "matches" if c.new == c.expected else "does not match"
    return (f"tree `{c.tree}` case `{c.case}`: {c.old or '(stuck)'} -> {c.new or '(stuck)'}"
            f" ({where}; {verdict} expected `{c.expected}`)")


def _fact(c: FactChange) -> str:
    if c.change in ("added", "removed"):
        return f"tree `{c.tree}` fact `{c.fact}` {c.change} ({c.old or c.new})"
    return f"tree `{c.tree}` fact `{c.fact}`: {c.change} {c.old or '(none)'} -> {c.new or '(none)'}"


def _upcoming(c: Change) -> str:
    return f"{c.day.isoformat()}: `{c.item_id}` {c.kind} ({c.path}): {c.title}"


Section = tuple[str, str, Callable[[Any], str]]

#: (KbDiff field, heading, how one record reads), in the order a reviewer reads them
SECTIONS: tuple[Section, ...] = (
    ("cases", "Labeled cases whose walk now ends at a different outcome", _case),
    ("exports", "Entering or leaving the agent exports", _export),
    ("added", "Added", _item),
    ("removed", "Removed", _item),
    ("renamed", "Renamed (same id, new path)", _rename),
    ("fields", "Visibility or status changed", _field),
    ("outcomes", "Outcomes added or removed", _outcome),
    ("facts", "Facts changed (type, options, bounds, thresholds)", _fact),
    ("text", "Exported text changed", _item),
    ("upcoming", f"Taking effect or ending in the next {UPCOMING_DAYS} days", _upcoming),
)




def _sections(diff: KbDiff) -> list[tuple[str, list[str]]]:
    return [(heading, [line(r) for r in getattr(diff, key)])
            for key, heading, line in SECTIONS if getattr(diff, key)]


def _cut(lines: Sequence[str], rows: int) -> list[str]:
    if len(lines) <= rows:
        return list(lines)
    return [*lines[:rows], f"... and {len(lines) - rows} more"]


def diff_text(diff: KbDiff) -> str:
    out = [f"kb diff {diff.base} -> {diff.head}"]
    if diff.empty:
        out.append("no change to articles, trees, cases or the agent exports")
    for heading, lines in _sections(diff):
        out.append(f"\n{heading} ({len(lines)}):")
        out.extend(f"  {line}" for line in lines)
    return "\n".join(out)


def diff_markdown(diff: KbDiff, limit: int = MARKDOWN_LIMIT) -> str:
    """A pull-request comment of at most `limit` characters: long sections are cut to a count."""
    rows = SECTION_ROWS
    while True:
        text = _markdown(diff, rows)
        if len(text) <= limit or rows == 0:
            return text if len(text) <= limit else text[: limit - 40] + "\n\n... (cut to fit)\n"
        rows //= 2


def _markdown(diff: KbDiff, rows: int) -> str:
    out = [f"### Knowledge base changes: `{diff.base}` -> `{diff.head}`", ""]
    if diff.empty:
        out.append("No change to articles, trees, cases or the agent exports.")
    for heading, lines in _sections(diff):
        out += [f"**{heading}** ({len(lines)})", ""]
        out += [f"- {line}" for line in _cut(lines, rows)]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def diff_json(diff: KbDiff) -> str:
    return json.dumps({"format": "kb-diff", "version": 1, **asdict(diff)}, indent=2,
                      ensure_ascii=False, default=_iso_date)


def _iso_date(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


RENDERERS: dict[str, Callable[[KbDiff], str]] = {
    "text": diff_text, "markdown": diff_markdown, "json": diff_json}
