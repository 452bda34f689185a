"""`--fail-under name=value,...`: gate a pipeline on report figures.

Each figure has a direction. For a higher-is-better figure (accuracy) the value must be at least
the threshold; for a lower-is-better one (under_escalation) at most the threshold, so
`--fail-under accuracy=0.95,under_escalation=0.01` reads as "accuracy of 95% or better and
under-escalation of 1% or less". A gated figure that could not be measured counts as missed.
Values are fractions (`0.95`) or percentages (`95%`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

__all__ = ["Better", "Miss", "Threshold", "check_thresholds", "parse_thresholds"]


class Better(Enum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True, slots=True)
class Threshold:
    name: str
    value: float
    better: Better

    def describe(self) -> str:
        sign = ">=" if self.better is Better.HIGHER else "<="
        return f"{self.name} {sign} {_number(self.value)}"


@dataclass(frozen=True, slots=True)
class Miss:
    threshold: Threshold
    #: the measured figure, None when it could not be measured
    actual: float | None

    def describe(self) -> str:
        got = "not measured" if self.actual is None else _number(self.actual)
        return f"{self.threshold.name} is {got}; required {self.threshold.describe()}"


def parse_thresholds(text: str, known: Mapping[str, Better]) -> list[Threshold]:
    """Parse `name=value,...`; ValueError names the bad part and the known names."""
    thresholds: list[Threshold] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, raw = (s.strip() for s in part.partition("="))
        if not sep or not name or not raw:
            raise ValueError(f"`{part}` is not name=value")
        if name not in known:
            raise ValueError(f"unknown figure `{name}`; known: {', '.join(sorted(known))}")
        try:
            value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            raise ValueError(f"`{raw}` is not a number (write 0.95 or 95%)") from None
        if not math.isfinite(value):
            raise ValueError(f"`{raw}` is not a finite number")
        thresholds.append(Threshold(name, value, known[name]))
    if not thresholds:
        raise ValueError("no thresholds given")
    return thresholds


def check_thresholds(thresholds: list[Threshold],
                     figures: Mapping[str, float | None]) -> list[Miss]:
    """The thresholds the figures miss, in the order given."""
    misses: list[Miss] = []
    for t in thresholds:
        actual = figures.get(t.name)
        if actual is None or _misses(t, actual):
            misses.append(Miss(t, actual))
    return misses


def _misses(t: Threshold, actual: float) -> bool:
    if t.better is Better.HIGHER:
        return actual < t.value - 1e-12
    return actual > t.value + 1e-12


def _number(value: float) -> str:
    return f"{value:.4g}"
