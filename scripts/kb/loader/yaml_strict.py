"""Strict YAML: libyaml's event stream turned into plain values with a position for every node.

PyYAML's loaders keep the last of two duplicate keys, read `yes`/`no`/`on`/`off` as booleans and
expand aliases (an alias bomb costs memory). This reader refuses all three: duplicate keys,
anchors, aliases and explicit tags are errors, and only `true`/`false` are booleans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from kb.model import Path, Pos, YamlDoc

try:  # libyaml's parser is several times faster; PyYAML without it still works
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
#: YAML 1.1 booleans that PyYAML would silently convert; kept as strings and reported
AMBIGUOUS_BOOLEANS = frozenset(
    w for base in ("yes", "no", "on", "off", "y", "n") for w in (base, base.title(), base.upper())
)


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Why a document could not be read. `code` is a KB0xx load rule."""

    code: str
    message: str
    pos: Pos
    hint: str


@dataclass(frozen=True, slots=True)
class ParsedYaml:
    doc: YamlDoc | None
    problems: tuple[YamlProblem, ...]
    #: positions of plain `yes`/`no`/`on`/`off` scalars (kept as strings)
    ambiguous: tuple[tuple[Pos, str], ...]


class _Stop(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        self.problem = problem


def resolve_plain(value: str) -> object:
    """The value of an unquoted scalar under the strict schema."""
    if value in _BOOL:
        return _BOOL[value]
    if value in _NULL:
        return None
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def parse_yaml(text: str, line_offset: int = 0) -> ParsedYaml:
    """Parse one YAML document. `line_offset` is added to every line (for front matter)."""

    def at(mark: yaml.Mark | None) -> Pos:
        if mark is None:
            return Pos(1 + line_offset, 1)
        return Pos(mark.line + 1 + line_offset, mark.column + 1)

    marks: dict[Path, Pos] = {}
    key_marks: dict[Path, Pos] = {}
    ambiguous: list[tuple[Pos, str]] = []
    # each frame: [container, path, pending_key (mapping only), seen keys]
    stack: list[list[object]] = []
    root: list[object] = []
    documents = 0

    def place(value: object, pos: Pos) -> Path:
        if not stack:
            root.append(value)
            marks[()] = pos
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        assert isinstance(path, tuple)
        if isinstance(container, list):
            child = (*path, len(container))
            container.append(value)
            marks[child] = pos
            return child
        assert isinstance(container, dict)
        key = frame[2]
        if key is _NO_KEY:
            if not isinstance(value, (str, int, float, bool)) or value is None:
                raise _Stop(YamlProblem("KB004", "a mapping key must be a plain scalar", pos,
                                        "use a simple word as the key"))
            seen = frame[3]
            assert isinstance(seen, dict)
            if value in seen:
                first = seen[value]
                raise _Stop(YamlProblem(
                    "KB005", f"duplicate key `{value}` (first defined at line {first.line})", pos,
                    "remove one of the two; YAML would silently keep only the last",
                ))
            seen[value] = pos
            frame[2] = value
            key_marks[(*path, value)] = pos  # type: ignore[misc]
            return ()
        child = (*path, key)  # type: ignore[misc]
        container[key] = value
        marks[child] = pos
        frame[2] = _NO_KEY
        return child

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Stop(YamlProblem("KB004", "more than one YAML document in the file",
                                            at(event.start_mark), "remove the second `---`"))
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _Stop(YamlProblem("KB006", f"alias `*{event.anchor}` is not allowed",
                                        at(event.start_mark), "write the value out in full"))
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent,
                                  yaml.SequenceStartEvent)):
                if event.anchor is not None:
                    raise _Stop(YamlProblem("KB006", f"anchor `&{event.anchor}` is not allowed",
                                            at(event.start_mark), "write each value out in full"))
                if event.tag is not None:
                    raise _Stop(YamlProblem("KB007", f"tag `{event.tag}` is not allowed",
                                            at(event.start_mark),
                                            "remove the tag; quote the value if it must stay "
                                            "a string"))
            pos = at(getattr(event, "start_mark", None))
            if isinstance(event, yaml.ScalarEvent):
                value: object
                if not event.style and event.implicit[0]:
                    value = resolve_plain(event.value)
                    if event.value in AMBIGUOUS_BOOLEANS:
                        ambiguous.append((pos, event.value))
                else:
                    value = event.value
                place(value, pos)
            elif isinstance(event, yaml.MappingStartEvent):
                mapping: dict[object, object] = {}
                path = place(mapping, pos)
                stack.append([mapping, path, _NO_KEY, {}])
            elif isinstance(event, yaml.SequenceStartEvent):
                seq: list[object] = []
                path = place(seq, pos)
                stack.append([seq, path, _NO_KEY, {}])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except _Stop as stop:
        return ParsedYaml(None, (stop.problem,), tuple(ambiguous))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return ParsedYaml(None, (YamlProblem("KB004", f"YAML syntax error: {message}", at(mark),
                                             "check indentation, colons and quotes on this line"),),
                          tuple(ambiguous))
    except yaml.YAMLError as exc:
        return ParsedYaml(None, (YamlProblem("KB004", f"YAML error: {exc}", at(None),
                                             "check the file is valid YAML"),), tuple(ambiguous))
    value = root[0] if root else None
    return ParsedYaml(YamlDoc(value, marks, key_marks), (), tuple(ambiguous))


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()
