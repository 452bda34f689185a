"""`when`: the one home of branch (and signal) conditions, what they mean and how they read.

- `when: <scalar>` holds when it equals the fact's value (a boolean never equals a number);
- `when: [a, b]` holds when any element does;
- `when: {lt|lte|gt|gte: n, ...}` holds when every comparison holds (numbers only).

Branches and the risk signals of facts share these semantics; `kb.walk` walks with them, the
linter reasons about them, and the site, the exports and the reports print them from here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import TypeGuard

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "lt": lambda v, n: v < n,
    "lte": lambda v, n: v <= n,
    "gt": lambda v, n: v > n,
    "gte": lambda v, n: v >= n,
}

#: the comparison operators of a `when` mapping, as symbols (ASCII and typographic)
COMPARISON_SYMBOLS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
COMPARISON_SIGNS = {"lt": "<", "lte": "\u2264", "gt": ">", "gte": "\u2265"}

_SPECIAL_WORDS = frozenset({"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n"})


def is_number(value: object) -> TypeGuard[int | float]:
    """A number that is not a boolean."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def scalar_equals(when: object, value: object) -> bool:
    """Equality without Python's `True == 1`: booleans equal only booleans."""
    if isinstance(when, bool) or isinstance(value, bool):
        return isinstance(when, bool) and isinstance(value, bool) and when is value
    if is_number(when) and is_number(value):
        return when == value
    return type(when) is type(value) and when == value


def holds(when: object, value: object) -> bool:
    """Whether a `when` holds for a fact's value, by the documented semantics."""
    if isinstance(when, list):
        return any(scalar_equals(w, value) for w in when)
    if isinstance(when, dict):
        if not when or not is_number(value):
            return False
        for op, bound in when.items():
            compare = COMPARISONS.get(str(op))
            if compare is None or not is_number(bound) or not compare(value, bound):
                return False
        return True
    return scalar_equals(when, value)


# --- formatting -------------------------------------------------------------------------------


def format_number(x: float) -> str:
    """`48` for 48.0, `0.5` for 0.5, `-inf`/`+inf` for the infinities."""
    if math.isinf(x):
        return "+inf" if x > 0 else "-inf"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def format_value(value: object) -> str:
    """A fact value as a person types it: `true`, `pending`, `72`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_yaml(value: object) -> str:
    """A `when` or fact value as an author writes it in YAML flow style (quoted where YAML
    would read it as something else): `{lt: 48}`, `[pending, failed]`, `"yes"`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if is_number(value):
        return format_number(value)
    if isinstance(value, str):
        return json.dumps(value) if _needs_quotes(value) else value
    if isinstance(value, list):
        return "[" + ", ".join(as_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {as_yaml(v)}" for k, v in value.items()) + "}"
    return str(value)


def _needs_quotes(text: str) -> bool:
    """Whether YAML would read `text` unquoted as something other than this string."""
    if text.strip() != text or not text or text.lower() in _SPECIAL_WORDS:
        return True
    try:
        float(text)
    except ValueError:
        return bool(set(text) & set(":#,[]{}&*!|>'\"%@`")) or text.startswith("-")
    return True


def as_label(when: object) -> str:
    """How a `when` reads on a diagram's edge: `true`, `pending or failed`, `< 48`, `>= 1, < 5`
    (with the signs \u2264 and \u2265)."""
    if isinstance(when, bool):
        return "true" if when else "false"
    if isinstance(when, list):
        return " or ".join(as_label(w) for w in when)
    if isinstance(when, dict):
        return ", ".join(f"{COMPARISON_SIGNS.get(str(k), str(k))} {as_label(v)}"
                         for k, v in when.items())
    if isinstance(when, float) and when.is_integer():
        return str(int(when))
    return str(when)


def as_words(fact: str, when: object) -> str:
    """A condition on `fact` in words: `` `app_status` is one of pending, failed ``."""
    if isinstance(when, list):
        return f"`{fact}` is one of " + ", ".join(format_value(w) for w in when)
    if isinstance(when, dict):
        parts = [f"{COMPARISON_SYMBOLS.get(str(op), str(op))} {format_value(bound)}"
                 for op, bound in when.items()]
        return f"`{fact}` " + " and ".join(parts)
    return f"`{fact}` is {format_value(when)}"
