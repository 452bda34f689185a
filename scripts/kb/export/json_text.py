"""Indented JSON text, as `json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)`.

The standard library writes indented JSON with its pure-Python encoder, a chain of generators
that costs more than everything else in an export of thousands of articles. This writer
produces the same text (tests compare the two byte for byte) by appending to one list and
leaving every string to the standard library's C escaper.
"""

from __future__ import annotations

import json.encoder
from collections.abc import Callable

_escape: Callable[[str], str] = (
    json.encoder.c_encode_basestring  # type: ignore[attr-defined]
    or json.encoder.py_encode_basestring
)
_INDENT = 2


def dumps_indented(value: object) -> str:
    """`value` as JSON text indented by two spaces; raises like `json.dumps` on what JSON cannot
    hold (NaN, infinities, keys and values of other types)."""
    parts: list[str] = []
    _write(value, parts, 0)
    return "".join(parts)


def _scalar(value: object) -> str | None:
    """The JSON text of a scalar, or None for a container."""
    if isinstance(value, str):
        return _escape(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        return float.__repr__(value)
    if isinstance(value, (list, tuple, dict)):
        return None
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key: object) -> str:
    if isinstance(key, str):
        return _escape(key)
    if isinstance(key, float):
        text = _scalar(key)
        assert text is not None
        return _escape(text)
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _escape(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


#: "\n" and the indentation of each nesting level
_NEWLINES = ["\n" + " " * (_INDENT * level) for level in range(64)]


def _write(value: object, parts: list[str], level: int) -> None:
    """Append the text of a container (or a scalar) to `parts`; the common cases (a string or a
    number in a mapping or a list) are spelled out to save calls."""
    if not isinstance(value, (dict, list, tuple)):
        text = _scalar(value)
        assert text is not None
        parts.append(text)
        return
    if not value:
        parts.append("{}" if isinstance(value, dict) else "[]")
        return
    if level + 2 >= len(_NEWLINES):
        _NEWLINES.extend("\n" + " " * (_INDENT * n) for n in range(len(_NEWLINES), level + 3))
    inner = _NEWLINES[level + 1]
    if isinstance(value, dict):
        separator = "{" + inner
        keys = _KEYS
        for key, item in value.items():
            name = keys.get(key) if key.__class__ is str else None
            if name is None:
                name = _key(key)
                if key.__class__ is str and len(keys) < 4096:
                    keys[key] = name
            kind = item.__class__
            if kind is str:
                parts.append(f"{separator}{name}: {_escape(item)}")
            elif kind is dict or kind is list or kind is tuple:
                parts.append(f"{separator}{name}: ")
                _write(item, parts, level + 1)
            else:
                text = _scalar(item)
                if text is None:
                    parts.append(f"{separator}{name}: ")
                    _write(item, parts, level + 1)
                else:
                    parts.append(f"{separator}{name}: {text}")
            separator = "," + inner
        parts.append(_NEWLINES[level] + "}")
        return
    separator = "[" + inner
    for item in value:
        kind = item.__class__
        if kind is str:
            parts.append(separator + _escape(item))
        elif kind is dict or kind is list or kind is tuple:
            parts.append(separator)
            _write(item, parts, level + 1)
        else:
            text = _scalar(item)
            parts.append(separator)
            if text is None:
                _write(item, parts, level + 1)
            else:
                parts.append(text)
        separator = "," + inner
    parts.append(_NEWLINES[level] + "]")


#: escaped text of the mapping keys seen so far (a bundle repeats a few dozen keys)
_KEYS: dict[str, str] = {}
