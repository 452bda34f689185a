"""The interval-set helper behind the number reasoning of KB307-KB309 and KB313."""

from __future__ import annotations

import pytest

from kb.lint.rules._intervals import INF, Interval, IntervalSet
from kb.when import format_number

cmp = IntervalSet.comparison


def between(lo: float, hi: float, lo_closed: bool = True, hi_closed: bool = True) -> IntervalSet:
    return IntervalSet.of(Interval(lo, hi, lo_closed, hi_closed))


@pytest.mark.parametrize(("interval", "empty"), [
    (Interval(1, 2), False),
    (Interval(2, 2), False),
    (Interval(2, 2, False, True), True),
    (Interval(2, 2, True, False), True),
    (Interval(3, 2), True),
    (Interval(INF, INF), True),
    (Interval(-INF, INF, False, False), False),
])
def test_interval_emptiness(interval: Interval, empty: bool) -> None:
    assert interval.is_empty is empty


def test_membership_respects_open_and_closed_endpoints() -> None:
    s = between(0, 10, lo_closed=True, hi_closed=False)
    assert 0 in s
    assert 9.999 in s
    assert 10 not in s
    assert -0.001 not in s
    assert INF not in IntervalSet.everything()


def test_comparisons() -> None:
    assert IntervalSet.comparison("lt", 5) == between(-INF, 5, False, False)
    assert IntervalSet.comparison("lte", 5) == between(-INF, 5, False, True)
    assert IntervalSet.comparison("gt", 5) == between(5, INF, False, False)
    assert IntervalSet.comparison("gte", 5) == between(5, INF, True, False)
    with pytest.raises(ValueError):
        IntervalSet.comparison("eq", 5)


def test_normalisation_merges_overlapping_and_touching_intervals() -> None:
    assert cmp("lt", 5) | cmp("gte", 5) == IntervalSet.everything()
    assert between(0, 2) | between(1, 3) == between(0, 3)
    assert between(0, 2, hi_closed=False) | between(2, 3) == between(0, 3)
    # (0, 2) and (2, 3) leave 2 out: they must stay apart
    apart = between(0, 2, False, False) | between(2, 3, False, True)
    assert len(apart.intervals) == 2
    assert 2 not in apart
    # the same set built in two orders is equal
    assert between(5, 6) | between(0, 1) == between(0, 1) | between(5, 6)


def test_infinite_endpoints_are_open() -> None:
    s = IntervalSet.closed(None, 3)
    assert s.intervals == (Interval(-INF, 3, False, True),)
    assert IntervalSet.closed(None, None) == IntervalSet.everything()


def test_intersection() -> None:
    assert cmp("gt", 10) & cmp("lt", 5) == IntervalSet.empty()
    assert not (cmp("gt", 10) & cmp("lt", 5))
    assert cmp("gte", 5) & cmp("lte", 5) == IntervalSet.point(5)
    assert cmp("gt", 5) & cmp("lte", 5) == IntervalSet.empty()
    assert (between(0, 10) & (between(-5, 2) | between(8, 20))) == between(0, 2) | between(8, 10)


def test_complement_and_difference() -> None:
    assert ~IntervalSet.empty() == IntervalSet.everything()
    assert ~IntervalSet.everything() == IntervalSet.empty()
    assert ~cmp("lt", 48) == cmp("gte", 48)
    hole = ~IntervalSet.point(7)
    assert 7 not in hole
    assert 6.9 in hole
    assert 7.1 in hole
    rng = IntervalSet.closed(0, None)
    assert rng - cmp("lt", 7) - cmp("gt", 7) == IntervalSet.point(7)
    assert rng - cmp("lt", 48) == cmp("gte", 48)
    assert ~~(between(0, 1, False, True) | IntervalSet.point(3)) == \
        between(0, 1, False, True) | IntervalSet.point(3)


def test_subset() -> None:
    assert IntervalSet.point(3) <= cmp("lt", 7)
    assert not (cmp("lte", 7) <= cmp("lt", 7))
    assert IntervalSet.empty() <= IntervalSet.empty()
    assert between(1, 2) | between(4, 5) <= between(0, 6)


@pytest.mark.parametrize(("values", "text"), [
    (cmp("gte", 48), "hours >= 48"),
    (cmp("gt", 48), "hours > 48"),
    (cmp("lt", 0.5), "hours < 0.5"),
    (cmp("lte", 0), "hours <= 0"),
    (IntervalSet.point(7), "hours = 7"),
    (between(0, 24, True, False), "0 <= hours < 24"),
    (between(0, 24, False, True), "0 < hours <= 24"),
    (IntervalSet.everything(), "every value of hours"),
    (IntervalSet.empty(), "no value of hours"),
    (cmp("lt", 0) | cmp("gte", 48), "hours < 0 or hours >= 48"),
])
def test_describe(values: IntervalSet, text: str) -> None:
    assert values.describe("hours") == text


def test_format_number() -> None:
    assert format_number(48.0) == "48"
    assert format_number(48) == "48"
    assert format_number(0.25) == "0.25"
    assert format_number(INF) == "+inf"
    assert format_number(-INF) == "-inf"
