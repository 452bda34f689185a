"""Parse results as bytes: shipped from worker processes and kept in the content cache.

Two things make this faster than plain `pickle` on model objects:

- model dataclasses are rebuilt by calling the class with their fields (a frozen slotted
  dataclass otherwise goes through a Python-level `__setstate__`, about three times slower);
- the position marks of a YAML document (one per value and key, most of a file's objects) are
  packed into one bytes value and unpacked only when a position is first asked for, which
  rarely happens after loading: rules ask for positions only where they report something.

Loading never runs code named by the data: only the classes listed in `_ALLOWED` may be named,
so a planted or corrupt cache file fails to load (`StoreError`) instead of doing harm.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import io
import operator
import pickle
from collections.abc import Callable, Mapping
from typing import Any

from kb.diagnostics import Diagnostic, Severity
from kb.loader.parse import FileResult
from kb.loader.yaml_strict import PositionMap
from kb.model import (
    Annotation,
    Article,
    Body,
    Branch,
    Case,
    CaseSet,
    Example,
    Fact,
    Heading,
    KeyPath,
    Link,
    Metadata,
    Node,
    Outcome,
    Placeholder,
    Policy,
    PolicySet,
    Pos,
    Routing,
    Section,
    SectionPage,
    Signal,
    Source,
    Translation,
    Tree,
    YamlDoc,
)

PROTOCOL = 5


class StoreError(Exception):
    """Bytes that are not a stored parse result (corrupt, truncated or foreign)."""


class PackedMarks(PositionMap):
    """A `PositionMap` kept as bytes until first read."""

    __slots__ = ("_packed",)

    def __init__(self, packed: bytes) -> None:
        super().__init__({})
        self._packed: bytes | None = packed

    @property
    def codes(self) -> dict[KeyPath, int]:
        if self._packed is not None:
            self._codes = _restricted_loads(self._packed)
            self._packed = None
        return self._codes

    @staticmethod
    def pack(marks: Mapping[KeyPath, Pos]) -> bytes:
        if isinstance(marks, PackedMarks) and marks._packed is not None:
            return marks._packed
        if isinstance(marks, PositionMap):
            return pickle.dumps(marks.codes, PROTOCOL)
        return pickle.dumps({path: pos.line << 32 | pos.col for path, pos in marks.items()},
                            PROTOCOL)


def _yaml_doc(value: object, marks: bytes, key_marks: bytes) -> YamlDoc:
    return YamlDoc(value, PackedMarks(marks), PackedMarks(key_marks))


def _reduce_yaml_doc(doc: YamlDoc) -> tuple[Callable[..., YamlDoc], tuple[object, ...]]:
    return _yaml_doc, (doc.value, PackedMarks.pack(doc.marks), PackedMarks.pack(doc.key_marks))


def _by_fields(cls: type) -> Callable[[Any], tuple[type, tuple[object, ...]]]:
    """Reduce an instance of a dataclass to a call of the class with its fields, in order."""
    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (cls, (one(obj),))
    get = operator.attrgetter(*names)
    return lambda obj: (cls, get(obj))


_BY_FIELDS: tuple[type, ...] = (
    Pos, Heading, Link, Section, Body, Metadata, Article, SectionPage, Signal, Fact, Branch,
    Outcome, Node, Example, Routing, Tree, Policy, PolicySet, Annotation, Case, CaseSet,
    Diagnostic, FileResult,
    Placeholder, Translation, Source,
)
_DISPATCH: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    **{cls: _by_fields(cls) for cls in _BY_FIELDS},
    YamlDoc: _reduce_yaml_doc,
}
_ALLOWED: dict[tuple[str, str], object] = {
    **{(cls.__module__, cls.__qualname__): cls for cls in _BY_FIELDS},
    (Severity.__module__, Severity.__qualname__): Severity,
    (__name__, _yaml_doc.__qualname__): _yaml_doc,
    ("datetime", "date"): dt.date,
}


class _Pickler(pickle.Pickler):
    dispatch_table = _DISPATCH


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed here")
        return found


def dumps(value: object) -> bytes:
    """Bytes for `value` (parse results, diagnostics and plain data)."""
    buffer = io.BytesIO()
    _Pickler(buffer, PROTOCOL).dump(value)
    return buffer.getvalue()


def loads(data: bytes, offset: int = 0) -> Any:
    """The value `dumps` made (starting at `offset` in `data`); StoreError for anything else."""
    try:
        return _restricted_loads(data, offset)
    except Exception as exc:  # any damage shows up as some exception; all mean the same
        raise StoreError(f"not a stored value: {type(exc).__name__}: {exc}") from None


def _restricted_loads(data: bytes, offset: int = 0) -> Any:
    stream = io.BytesIO(data)  # shares the bytes, no copy
    if offset:
        stream.seek(offset)
    return _Unpickler(stream).load()
