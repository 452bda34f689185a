"""Strict YAML: libyaml's event stream turned into plain values with a position for every node.

PyYAML's loaders keep the last of two duplicate keys, read `yes`/`no`/`on`/`off` as booleans and
expand aliases (an alias bomb costs memory). This reader refuses all three: duplicate keys,
anchors, aliases and explicit tags are errors, and only `true`/`false` are booleans.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import yaml

from kb.loader.limits import MAX_YAML_DEPTH
from kb.model import KeyPath, Pos, YamlDoc

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


_SHIFT = 32
_COLUMN = (1 << _SHIFT) - 1


def _pos(code: int) -> Pos:
    return Pos(code >> _SHIFT, code & _COLUMN)


class PositionMap(Mapping[KeyPath, Pos]):
    """The positions of a document's values (or keys) by path, kept as one int each: a `Pos` is
    made only when asked for, and most never are (rules ask where they report something)."""

    __slots__ = ("_codes",)

    def __init__(self, codes: dict[KeyPath, int]) -> None:
        self._codes = codes

    @property
    def codes(self) -> dict[KeyPath, int]:
        """KeyPath -> `line << 32 | column`."""
        return self._codes

    def __getitem__(self, path: KeyPath) -> Pos:
        code = self.codes[path]
        return Pos(code >> _SHIFT, code & _COLUMN)

    def __contains__(self, path: object) -> bool:
        return path in self.codes

    def get(self, path: KeyPath, default: Any = None) -> Any:
        code = self.codes.get(path)
        return default if code is None else Pos(code >> _SHIFT, code & _COLUMN)

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"


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


#: the first characters a plain scalar that is not a string can start with (see `resolve_plain`)
_NOT_TEXT_START = frozenset("0123456789+-.tTfFnN~")


def resolve_plain(value: str) -> object:
    """The value of an unquoted scalar under the strict schema."""
    if value and value[0] not in _NOT_TEXT_START:
        return value  # the common case: a word cannot be a boolean, null or number
    if value in _BOOL:
        return _BOOL[value]
    if value in _NULL:
        return None
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


if _Loader.__name__ == "CSafeLoader":
    from yaml._yaml import CParser as _CParser

    def _events(text: str) -> Iterator[Any]:
        # libyaml's parser directly: PyYAML's `yaml.parse` adds a generator and a second call
        # per event, and builds a constructor and resolver that events never use
        return iter(_CParser(text).get_event, None)
else:  # pragma: no cover - depends on how PyYAML was built
    def _events(text: str) -> Iterator[Any]:
        return yaml.parse(text, Loader=_Loader)


def _at(mark: Any, line_offset: int) -> Pos:
    if mark is None:
        return Pos(1 + line_offset, 1)
    return Pos(mark.line + 1 + line_offset, mark.column + 1)


def parse_yaml(text: str, line_offset: int = 0) -> ParsedYaml:
    """Parse one YAML document. `line_offset` is added to every line (for front matter)."""
    marks: dict[KeyPath, int] = {}
    key_marks: dict[KeyPath, int] = {}
    ambiguous: list[tuple[Pos, str]] = []
    # each frame: [container, path, pending_key (mapping only), seen keys]
    stack: list[list[Any]] = []
    root: list[object] = []
    documents = 0
    line_base = 1 + line_offset

    def place(value: object, pos: int) -> KeyPath:
        """Put `value` where the parser is (a list item, a mapping key or value, the root);
        `pos` is a position code (see `PositionMap`)."""
        if not stack:
            root.append(value)
            marks[()] = pos
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if container.__class__ is list:
            child = (*path, len(container))
            container.append(value)
            marks[child] = pos
            return child
        key = frame[2]
        if key is _NO_KEY:
            if not isinstance(value, (str, int, float, bool)) or value is None:
                raise _Stop(YamlProblem("KB004", "a mapping key must be a plain scalar",
                                        _pos(pos), "use a simple word as the key"))
            seen = frame[3]
            if value in seen:
                first = _pos(seen[value])
                raise _Stop(YamlProblem(
                    "KB005", f"duplicate key `{value}` (first defined at line {first.line})",
                    _pos(pos), "remove one of the two; YAML would silently keep only the last",
                ))
            seen[value] = pos
            frame[2] = value
            key_marks[(*path, value)] = pos  # type: ignore[arg-type]
            return ()
        child = (*path, key)
        container[key] = value
        marks[child] = pos
        frame[2] = _NO_KEY
        return child

    try:
        for event in _events(text):
            kind = event.__class__
            if kind is _SCALAR:
                if event.anchor is not None or event.tag is not None:
                    _refuse_node(event, line_offset)
                mark = event.start_mark
                pos = (mark.line + line_base) << _SHIFT | (mark.column + 1)
                raw = event.value
                value: object = raw
                if not event.style and event.implicit[0]:
                    value = resolve_plain(raw)
                    if raw in AMBIGUOUS_BOOLEANS:
                        ambiguous.append((_pos(pos), raw))
                if stack:
                    # inline `place` for the most common event: a scalar in a container
                    frame = stack[-1]
                    container = frame[0]
                    if container.__class__ is dict and frame[2] is not _NO_KEY:
                        child = (*frame[1], frame[2])
                        container[frame[2]] = value
                        marks[child] = pos
                        frame[2] = _NO_KEY
                        continue
                place(value, pos)
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                if event.anchor is not None or event.tag is not None:
                    _refuse_node(event, line_offset)
                mark = event.start_mark
                pos = (mark.line + line_base) << _SHIFT | (mark.column + 1)
                if len(stack) >= MAX_YAML_DEPTH:
                    raise _Stop(YamlProblem(
                        "KB010", f"more than {MAX_YAML_DEPTH} mappings or lists inside each "
                                 "other", _pos(pos), "flatten the structure"))
                new: dict[object, object] | list[object] = {} if kind is _MAPPING_START else []
                path = place(new, pos)
                stack.append([new, path, _NO_KEY, {}])
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                stack.pop()
            elif kind is _DOCUMENT_START:
                documents += 1
                if documents > 1:
                    raise _Stop(YamlProblem("KB004", "more than one YAML document in the file",
                                            _at(event.start_mark, line_offset),
                                            "remove the second `---`"))
            elif kind is _ALIAS:
                raise _Stop(YamlProblem("KB006", f"alias `*{event.anchor}` is not allowed",
                                        _at(event.start_mark, line_offset),
                                        "write the value out in full"))
    except _Stop as stop:
        return ParsedYaml(None, (stop.problem,), tuple(ambiguous))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return ParsedYaml(None, (YamlProblem("KB004", f"YAML syntax error: {message}",
                                             _at(mark, line_offset),
                                             "check indentation, colons and quotes on this line"),),
                          tuple(ambiguous))
    except yaml.YAMLError as exc:
        return ParsedYaml(None, (YamlProblem("KB004", f"YAML error: {exc}", _at(None, line_offset),
                                             "check the file is valid YAML"),), tuple(ambiguous))
    value = root[0] if root else None
    return ParsedYaml(YamlDoc(value, PositionMap(marks), PositionMap(key_marks)), (),
                      tuple(ambiguous))


def _refuse_node(event: Any, line_offset: int) -> NoReturn:
    """Stop at a node with an anchor (KB006) or an explicit tag (KB007)."""
    pos = _at(event.start_mark, line_offset)
    if event.anchor is not None:
        raise _Stop(YamlProblem("KB006", f"anchor `&{event.anchor}` is not allowed", pos,
                                "write each value out in full"))
    tag = getattr(event, "tag", None)
    raise _Stop(YamlProblem("KB007", f"tag `{tag}` is not allowed", pos,
                            "remove the tag; quote the value if it must stay a string"))


_SCALAR = yaml.ScalarEvent
_MAPPING_START = yaml.MappingStartEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent
_DOCUMENT_START = yaml.DocumentStartEvent
_ALIAS = yaml.AliasEvent


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()
