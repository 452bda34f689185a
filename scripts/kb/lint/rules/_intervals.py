"""Sets of real numbers as finite unions of intervals: what number branches of a tree cover.

An `IntervalSet` is immutable and always normalised: its intervals are non-empty, sorted, and
neither overlap nor touch, so two sets holding the same numbers compare equal. Endpoints may be
open or closed; infinite endpoints are always open. The decision-tree rules use it to prove that
branches are exhaustive (KB308), that none is shadowed (KB309) and that a default is needed (KB313).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from kb.when import format_number

INF = math.inf

@dataclass(frozen=True, slots=True)
class Interval:
    """The numbers between `lo` and `hi`; each endpoint included when its `*_closed` flag is set."""

    lo: float
    hi: float
    lo_closed: bool = True
    hi_closed: bool = True

    @property
    def is_empty(self) -> bool:
        if self.lo > self.hi:
            return True
        if self.lo == self.hi:
            return math.isinf(self.lo) or not (self.lo_closed and self.hi_closed)
        return False

    def __contains__(self, x: float) -> bool:
        above = x > self.lo or (x == self.lo and self.lo_closed)
        below = x < self.hi or (x == self.hi and self.hi_closed)
        return above and below and not math.isinf(x)

    def describe(self, name: str) -> str:
        """`x < 5`, `x >= 48`, `0 <= x < 24`, `x = 5`, or `every value of x`."""
        lo, hi = format_number(self.lo), format_number(self.hi)
        if self.lo == self.hi:
            return f"{name} = {lo}"
        left = "<=" if self.lo_closed else "<"
        right = "<=" if self.hi_closed else "<"
        if math.isinf(self.lo) and math.isinf(self.hi):
            return f"every value of {name}"
        if math.isinf(self.lo):
            return f"{name} {right} {hi}"
        if math.isinf(self.hi):
            return f"{name} {'>=' if self.lo_closed else '>'} {lo}"
        return f"{lo} {left} {name} {right} {hi}"


def _open_infinities(iv: Interval) -> Interval:
    return Interval(iv.lo, iv.hi, iv.lo_closed and not math.isinf(iv.lo),
                    iv.hi_closed and not math.isinf(iv.hi))


def _normalise(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    ordered = sorted((_open_infinities(iv) for iv in intervals if not iv.is_empty),
                     key=lambda iv: (iv.lo, not iv.lo_closed))
    merged: list[Interval] = []
    for iv in ordered:
        if merged:
            cur = merged[-1]
            touches = iv.lo < cur.hi or (iv.lo == cur.hi and (cur.hi_closed or iv.lo_closed))
            if touches:
                if iv.hi > cur.hi:
                    hi, hi_closed = iv.hi, iv.hi_closed
                elif iv.hi == cur.hi:
                    hi, hi_closed = cur.hi, cur.hi_closed or iv.hi_closed
                else:
                    hi, hi_closed = cur.hi, cur.hi_closed
                merged[-1] = Interval(cur.lo, hi, cur.lo_closed, hi_closed)
                continue
        merged.append(iv)
    return tuple(merged)


def _intersect(a: Interval, b: Interval) -> Interval:
    if a.lo > b.lo:
        lo, lo_closed = a.lo, a.lo_closed
    elif b.lo > a.lo:
        lo, lo_closed = b.lo, b.lo_closed
    else:
        lo, lo_closed = a.lo, a.lo_closed and b.lo_closed
    if a.hi < b.hi:
        hi, hi_closed = a.hi, a.hi_closed
    elif b.hi < a.hi:
        hi, hi_closed = b.hi, b.hi_closed
    else:
        hi, hi_closed = a.hi, a.hi_closed and b.hi_closed
    return Interval(lo, hi, lo_closed, hi_closed)


@dataclass(frozen=True, slots=True)
class IntervalSet:
    """A union of disjoint intervals; supports `|`, `&`, `-`, `~`, `<=`, `in` and truthiness."""

    intervals: tuple[Interval, ...] = ()

    @classmethod
    def of(cls, *intervals: Interval) -> IntervalSet:
        return cls(_normalise(intervals))

    @classmethod
    def empty(cls) -> IntervalSet:
        return cls(())

    @classmethod
    def everything(cls) -> IntervalSet:
        return cls((Interval(-INF, INF, False, False),))

    @classmethod
    def point(cls, x: float) -> IntervalSet:
        return cls.of(Interval(x, x))

    @classmethod
    def closed(cls, lo: float | None, hi: float | None) -> IntervalSet:
        """[lo, hi]; a missing bound is infinite (and so open)."""
        return cls.of(Interval(-INF if lo is None else lo, INF if hi is None else hi))

    @classmethod
    def comparison(cls, op: str, bound: float) -> IntervalSet:
        """The numbers `v` with `v <op> bound`, for op in lt, lte, gt, gte."""
        if op == "lt":
            return cls.of(Interval(-INF, bound, False, False))
        if op == "lte":
            return cls.of(Interval(-INF, bound, False, True))
        if op == "gt":
            return cls.of(Interval(bound, INF, False, False))
        if op == "gte":
            return cls.of(Interval(bound, INF, True, False))
        raise ValueError(f"unknown comparison `{op}`")

    def __bool__(self) -> bool:
        return bool(self.intervals)

    def __contains__(self, x: float) -> bool:
        return any(x in iv for iv in self.intervals)

    def __or__(self, other: IntervalSet) -> IntervalSet:
        if not other.intervals:
            return self
        if not self.intervals:
            return other
        return IntervalSet(_normalise((*self.intervals, *other.intervals)))

    def __and__(self, other: IntervalSet) -> IntervalSet:
        if not self.intervals or not other.intervals:
            return _EMPTY
        return IntervalSet(_normalise(_intersect(a, b) for a in self.intervals
                                      for b in other.intervals))

    def __invert__(self) -> IntervalSet:
        gaps: list[Interval] = []
        lo, lo_closed = -INF, False
        for iv in self.intervals:
            gaps.append(Interval(lo, iv.lo, lo_closed, not iv.lo_closed))
            lo, lo_closed = iv.hi, not iv.hi_closed
        gaps.append(Interval(lo, INF, lo_closed, False))
        return IntervalSet(_normalise(gaps))

    def __sub__(self, other: IntervalSet) -> IntervalSet:
        if not self.intervals or not other.intervals:
            return self
        return self & ~other

    def __le__(self, other: IntervalSet) -> bool:
        return not (self - other)

    def pick(self) -> float:
        """One number of the set, as plain as can be: a closed endpoint, else a whole number,
        else a midpoint. ValueError when the set is empty."""
        if not self.intervals:
            raise ValueError("an empty set has no number to pick")
        iv = self.intervals[0]
        finite_lo, finite_hi = not math.isinf(iv.lo), not math.isinf(iv.hi)
        candidates: list[float] = []
        if finite_lo:
            candidates += [iv.lo, math.floor(iv.lo) + 1.0]
        if finite_hi:
            candidates += [iv.hi, math.ceil(iv.hi) - 1.0]
        candidates.append(0.0)
        if finite_lo and finite_hi:
            candidates.append((iv.lo + iv.hi) / 2)
        for x in candidates:
            if x in iv:
                return int(x) if float(x).is_integer() else x
        raise AssertionError(f"no number picked from {iv}")  # a non-empty interval has one

    def describe(self, name: str) -> str:
        """The set as conditions on `name`, joined with `or` (`x < 0 or x >= 48`)."""
        if not self.intervals:
            return f"no value of {name}"
        return " or ".join(iv.describe(name) for iv in self.intervals)


_EMPTY = IntervalSet(())
