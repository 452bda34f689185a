"""The labeled sets' files (search queries, routing messages): one YAML mapping holding one list
of entries, each checked by its reader; a malformed entry is a problem with its position, and
left out. Each entry belongs to a split: `tune` (the only entries used to tune) or `test` (the
figures reported)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.loader.yaml_strict import parse_yaml

SPLITS = ("tune", "test")
#: a set's file is read whole: larger files are refused
MAX_FILE_BYTES = 4 << 20


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: int
    message: str


def read_entries(path: Path, key: str, problem: Callable[[object], str],
                 problems: list[Problem]) -> Iterator[tuple[dict[str, object], int]]:
    """Each entry of the `key` list of `path` that `problem(entry)` finds nothing wrong with
    (a mapping), with its line; what is wrong goes to `problems`. OSError when the file cannot
    be read."""
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem(1, 1, f"the file has {len(raw)} bytes; at most "
                                      f"{MAX_FILE_BYTES} are read"))
        return
    parsed = parse_yaml(raw.decode("utf-8", errors="replace"))
    if parsed.doc is None:
        problems.extend(Problem(p.pos.line, p.pos.col, p.message) for p in parsed.problems)
        return
    doc = parsed.doc
    entries = doc.value.get(key) if isinstance(doc.value, dict) else None
    if not isinstance(entries, list):
        pos = doc.pos()
        problems.append(Problem(pos.line, pos.col, f"expected a mapping with a `{key}` list"))
        return
    for i, entry in enumerate(entries):
        pos = doc.pos(key, i)
        message = problem(entry)
        if message:
            problems.append(Problem(pos.line, pos.col, message))
        else:
            assert isinstance(entry, dict)
            yield entry, pos.line
