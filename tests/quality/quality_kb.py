"""Shared fixtures for the quality tests: the base fixture KB with annotated cases, and small
prediction and case-export files whose figures are worked out by hand in the tests."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from kb.loader import load, load_config
from kb.model import KnowledgeBase
from kbtest import make_kb

# Tree `refund` (tests/fixtures/rules/_base): outcomes done (resolve), wait (inform),
# escalate (escalate, articles guide-refund#timelines / #escalation).
CASES = """\
tree: refund
cases:
  - id: r-1
    description: Refund arrived.
    facts: {arrived: true}
    expected: done
    annotations:
      - {by: ann-a, outcome: done}
      - {by: ann-b, outcome: done}
  - id: r-2
    description: Not arrived after 2 days.
    facts: {arrived: false, days: 2}
    expected: wait
    annotations:
      - {by: ann-a, outcome: wait}
      - {by: ann-b, outcome: escalate}
  - id: r-3
    description: Not arrived after 9 days.
    facts: {arrived: false, days: 9}
    expected: escalate
    annotations:
      - {by: ann-a, outcome: escalate}
      - {by: ann-b, outcome: escalate}
  - id: r-4
    description: Not arrived after 1 day.
    facts: {arrived: false, days: 1}
    expected: wait
    annotations:
      - {by: ann-a, outcome: wait}
      - {by: ann-b, outcome: wait}
  - id: r-5
    description: Refund arrived yesterday.
    facts: {arrived: true}
    expected: done
    annotations:
      - {by: ann-a, outcome: done}
      - {by: ann-b, outcome: wait}
  - id: r-6
    description: Not arrived after 10 days.
    facts: {arrived: false, days: 10}
    expected: escalate
    annotations:
      - {by: ann-a, outcome: wait}
      - {by: ann-b, outcome: wait}
  - id: r-7
    description: Not arrived after 3 days; labeled once.
    facts: {arrived: false, days: 3}
    expected: wait
    annotations:
      - {by: ann-a, outcome: wait}
"""

# line: content (line 9 is blank)
PREDICTIONS = [
    {"case": "r-1", "outcome": "done", "path": ["arrived", "done"],
     "citations": ["guide-refund#timelines"], "confidence": 0.9, "model": "agent-1"},
    {"case": "r-2", "outcome": "escalate", "path": ["arrived", "age", "escalate"],
     "citations": ["guide-refund#escalation"], "confidence": 0.8, "model": "agent-1"},
    {"case": "r-3", "outcome": "wait", "path": ["arrived", "age", "wait"],
     "citations": ["guide-refund"], "confidence": 0.7, "model": "agent-1"},
    {"case": "r-4", "outcome": "wait", "path": ["arrived", "age"],
     "citations": ["guide-refund#timelines"], "confidence": 0.95, "model": "agent-1"},
    "not json {",
    {"case": "r-5", "outcome": "refunded"},
    {"case": "nope", "outcome": "done"},
    {"case": "r-1", "outcome": "wait"},
    "",
    {"case": "r-5", "outcome": "done", "confidence": 0.65, "model": "agent-1"},
    {"case": "r-6", "outcome": "escalate", "confidence": 1.5},
]
BAD_LINES = {5: "not valid JSON", 6: "refunded", 7: "unknown case", 8: "second prediction",
             11: "confidence"}

HEADER = ["case_id", "created_at", "channel", "tree", "outcome", "escalated", "resolved",
          "reopened", "handle_seconds", "csat", "path"]
# good rows: figures worked out by hand in test_quality_metrics.py
GOOD_ROWS: list[tuple[object, ...]] = [
    ("c1", "2026-01-05T09:00:00Z", "ai", "refund", "done", False, True, False, 60, 5,
     ["arrived", "done"]),
    ("c2", "2026-01-06T10:00:00Z", "ai", "refund", "wait", False, True, True, 120, 2,
     ["arrived", "age", "wait"]),
    ("c3", "2026-01-07T00:00:00Z", "ai", "refund", "escalate", True, True, False, 200, None,
     ["arrived", "age", "escalate"]),
    ("c4", "2026-01-12T08:00:00Z", "ai", "refund", "wait", False, False, False, 100, 4,
     ["arrived", "age"]),
    ("c5", "2026-01-13T00:00:00Z", "human", "refund", "escalate", True, True, False, 600, 3,
     None),
    ("c6", "2026-01-14T00:00:00Z", "human", "refund", "done", False, True, False, 300, None,
     None),
    ("c7", "2026-01-14T00:00:00Z", "human", "legacy-tree", "old", False, True, False, 400, 5,
     None),
]


def kb_root(tmp_path: Path, options: Mapping[str, str] | None = None,
            files: Mapping[str, str] | None = None) -> Path:
    """The base fixture KB with the annotated cases, plus kb options appended to mkdocs.yml."""
    root = make_kb(tmp_path / "kb", {"decision_trees/refund.cases.yaml": CASES, **(files or {})})
    if options:
        config = root / "mkdocs.yml"
        text = config.read_text()
        extra = "".join(f"      {k}: {v}\n" for k, v in options.items())
        config.write_text(text.replace("  - kb:\n", "  - kb:\n" + extra, 1))
    return root


def load_kb(root: Path) -> KnowledgeBase:
    return load(load_config(root)).kb


def predictions_text(lines: Sequence[object] = PREDICTIONS) -> str:
    return "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)


def csv_text(rows: Sequence[Sequence[object]], extra_lines: Sequence[str] = ()) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue() + "".join(line + "\n" for line in extra_lines)


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ">".join(value)
    return str(value)


def jsonl_text(rows: Sequence[Sequence[object]]) -> str:
    return "".join(json.dumps(dict(zip(HEADER, row, strict=True))) + "\n" for row in rows)


def write_parquet(path: Path, rows: Sequence[Sequence[object]]) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(zip(*rows, strict=True))
    stamps = [dt.datetime.fromisoformat(str(v).replace("Z", "+00:00")) for v in columns[1]]
    table = pa.table({
        "case_id": pa.array(columns[0], pa.string()),
        "created_at": pa.array(stamps, pa.timestamp("s", tz="UTC")),
        "channel": pa.array(columns[2], pa.string()),
        "tree": pa.array(columns[3], pa.string()),
        "outcome": pa.array(columns[4], pa.string()),
        "escalated": pa.array(columns[5], pa.bool_()),
        "resolved": pa.array(columns[6], pa.bool_()),
        "reopened": pa.array(columns[7], pa.bool_()),
        "handle_seconds": pa.array(columns[8], pa.int64()),
        "csat": pa.array(columns[9], pa.int64()),
        "path": pa.array(columns[10], pa.list_(pa.string())),
    })
    pq.write_table(table, path)
