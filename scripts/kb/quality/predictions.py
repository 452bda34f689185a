"""Reading an AI agent's predictions: JSONL, one prediction a line, checked against the KB.

A line is a JSON object with

| key | required | meaning |
| --- | --- | --- |
| `case` | yes | id of a labeled case in `decision_trees/*.cases.yaml` |
| `outcome` | yes | the outcome node id the agent chose (in the case's tree) |
| `path` | no | node ids the agent walked, from the start (the outcome may close it) |
| `citations` | no | article ids the agent cited, each with an optional `#anchor` |
| `confidence` | no | a number from 0 to 1 |
| `model` | no | the agent or model version, for the report |

Other keys are ignored, so an agent may log more. Blank lines are skipped. Every other problem
rejects the line and is reported with its 1-based line number: invalid JSON or UTF-8, a missing
or wrongly typed key, an unknown case id, an outcome that is not an outcome node of the case's
tree, a path naming a node the tree lacks, and a second prediction for a case (the first wins).
A rejected line never counts in any figure.

Limits keep a hostile or broken file cheap: a line over `MAX_LINE_BYTES` is rejected without
being read whole, JSON nested deeper than Python's parser allows and integers over Python's
digit limit are rejected lines, and a message quotes at most `MAX_QUOTED` characters of input.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kb.model import KnowledgeBase
from kb.quality.ground_truth import LabeledCase, labeled_cases, outcome_of

__all__ = ["MAX_LINE_BYTES", "LineProblem", "LineRejected", "Prediction", "PredictionFile",
           "bounded_lines", "json_object", "parse_predictions", "quoted", "read_predictions",
           "text_field"]

#: one prediction is a few hundred bytes; a longer line is rejected (and never read whole)
MAX_LINE_BYTES = 1 << 20
#: how much of an input value a message quotes
MAX_QUOTED = 80


@dataclass(frozen=True, slots=True)
class Prediction:
    line: int
    case: str
    #: the case's tree (from the KB, not from the line)
    tree: str
    outcome: str
    #: node ids, the outcome appended when the path stops at the last question; None when absent
    path: tuple[str, ...] | None
    #: `article-id` or `article-id#anchor` strings; None when absent
    citations: tuple[str, ...] | None
    confidence: float | None
    model: str


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class PredictionFile:
    #: as given (for the report)
    source: str
    #: non-blank lines read
    lines: int
    predictions: tuple[Prediction, ...]
    problems: tuple[LineProblem, ...]

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def models(self) -> tuple[str, ...]:
        return tuple(sorted({p.model for p in self.predictions if p.model}))


def read_predictions(path: Path, kb: KnowledgeBase, source: str = "") -> PredictionFile:
    """Read and check a predictions file; OSError when it cannot be read at all."""
    with path.open("rb") as handle:
        return parse_predictions(bounded_lines(handle), kb, source or str(path))


def bounded_lines(handle: BinaryIO) -> Iterator[bytes]:
    """The file's lines, each cut after `MAX_LINE_BYTES + 1` bytes (the rest is skipped
    unread into memory), so an over-long line is seen as one without being held whole."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        yield line


def parse_predictions(lines: Iterable[bytes], kb: KnowledgeBase,
                      source: str = "<predictions>") -> PredictionFile:
    """Check predictions given as raw lines (bytes, newline optional)."""
    cases = labeled_cases(kb)
    seen: dict[str, int] = {}
    good: list[Prediction] = []
    problems: list[LineProblem] = []
    read = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        read += 1
        if len(raw) > MAX_LINE_BYTES:
            problems.append(LineProblem(number, f"line is over {MAX_LINE_BYTES:,} bytes"))
            continue
        try:
            prediction = _parse_line(number, raw, cases)
        except LineRejected as exc:
            problems.append(LineProblem(number, str(exc)))
            continue
        first = seen.get(prediction.case)
        if first is not None:
            problems.append(LineProblem(number, f"a second prediction for case "
                                                f"`{prediction.case}` (the first is on line "
                                                f"{first})"))
            continue
        seen[prediction.case] = number
        good.append(prediction)
    return PredictionFile(source, read, tuple(good), tuple(problems))


class LineRejected(Exception):
    """A line that is not a JSON object (or not a valid entry): the message says why."""


def _parse_line(number: int, raw: bytes, cases: Mapping[str, LabeledCase]) -> Prediction:
    value = json_object(raw)
    case_id = text_field(value, "case", required=True)
    outcome = text_field(value, "outcome", required=True)
    labeled = cases.get(case_id)
    if labeled is None:
        raise LineRejected(f"unknown case `{quoted(case_id)}` (no labeled case has this id)")
    tree = labeled.tree
    if outcome_of(tree, outcome) is None:
        what = "a question node" if outcome in tree.nodes else "not a node"
        raise LineRejected(f"outcome `{quoted(outcome)}` is {what} of tree `{tree.id}`; outcomes: "
                        + ", ".join(n.id for n in tree.outcomes()))
    path = _texts(value, "path")
    if path is not None:
        unknown = [n for n in path if n not in tree.nodes]
        if unknown:
            raise LineRejected(f"path names {quoted(', '.join(f'`{n}`' for n in unknown))}, not "
                            f"node(s) of tree `{tree.id}`")
        if path and path[-1] != outcome and tree.nodes[path[-1]].outcome is None:
            path = (*path, outcome)
    confidence = value.get("confidence")
    if confidence is not None and (
        isinstance(confidence, bool) or not isinstance(confidence, (int, float))
        or not 0 <= confidence <= 1 or not math.isfinite(confidence)  # no float(huge int)
    ):
        raise LineRejected(f"`confidence` must be a number from 0 to 1, not "
                        f"{quoted(json.dumps(confidence))}")
    model = value.get("model", "")
    if not isinstance(model, str):
        raise LineRejected(f"`model` must be a string, not {_json_kind(model)}")
    return Prediction(number, case_id, tree.id, outcome, path, _texts(value, "citations"),
                      None if confidence is None else float(confidence), model)


def json_object(raw: bytes) -> dict[str, object]:
    """The JSON object on a line; LineRejected saying why when there is none."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise LineRejected(f"not UTF-8 (byte {exc.start + 1})") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise LineRejected("JSON nested too deeply") from None
    except (ValueError, LineRejected) as exc:  # JSONDecodeError, or an integer over the limit
        raise LineRejected(f"not valid JSON: {quoted(str(exc))}") from None
    if not isinstance(value, dict):
        raise LineRejected(f"expected a JSON object, found {_json_kind(value)}")
    return value


def quoted(text: str) -> str:
    """`text`, cut to `MAX_QUOTED` characters: a message never echoes a huge input."""
    if len(text) <= MAX_QUOTED:
        return text
    return f"{text[:MAX_QUOTED]}... ({len(text):,} characters)"


def _no_constant(name: str) -> object:
    raise LineRejected(f"{name} is not JSON")


def text_field(value: Mapping[str, object], key: str, required: bool) -> str:
    found = value.get(key)
    if found is None:
        if required:
            raise LineRejected(f"`{key}` is missing")
        return ""
    if not isinstance(found, str) or not found.strip():
        raise LineRejected(f"`{key}` must be a non-empty string, not "
                        f"{quoted(json.dumps(found))}")
    return found.strip()


def _texts(value: Mapping[str, object], key: str) -> tuple[str, ...] | None:
    found = value.get(key)
    if found is None:
        return None
    if not isinstance(found, list) or not all(isinstance(x, str) and x.strip() for x in found):
        raise LineRejected(f"`{key}` must be a list of non-empty strings")
    return tuple(x.strip() for x in found)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
