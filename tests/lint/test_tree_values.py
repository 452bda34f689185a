"""What a branch covers and how it must be typed, per fact type (the reasoning of KB307-KB309)."""

from __future__ import annotations

from kb.lint.rules._intervals import IntervalSet
from kb.lint.rules.trees.values import ValueSet, covered_by, universe, value_problem, when_problems
from kb.model import Fact, Pos


def fact(kind: str, options: tuple[str, ...] = (), lo: float | None = None,
         hi: float | None = None) -> Fact:
    return Fact("f", "?", kind, options, lo, hi, "", Pos(1, 1))


BOOLEAN = fact("boolean")
STATUS = fact("choice", ("success", "pending", "failed"))
HOURS = fact("number", lo=0, hi=100)


def test_boolean_coverage_follows_walk_semantics() -> None:
    assert covered_by(BOOLEAN, True) == ValueSet(frozenset({True}))
    assert covered_by(BOOLEAN, [True, False]) == universe(BOOLEAN)
    assert not covered_by(BOOLEAN, "true")  # a string never equals a boolean
    assert not covered_by(BOOLEAN, 1)  # nor does a number


def test_choice_coverage_and_description() -> None:
    taken = covered_by(STATUS, "success") | covered_by(STATUS, ["pending"])
    left = universe(STATUS) - taken
    assert left == ValueSet(frozenset({"failed"}))
    assert (universe(STATUS) - covered_by(STATUS, "success")).describe(STATUS) == \
        "f = pending or f = failed"
    assert covered_by(STATUS, "success") <= taken


def test_number_coverage_is_clipped_to_the_range() -> None:
    assert covered_by(HOURS, {"lt": 48}).numbers == \
        IntervalSet.closed(0, 100) & IntervalSet.comparison("lt", 48)
    assert not covered_by(HOURS, {"gt": 10, "lt": 5})
    assert not covered_by(HOURS, 200)
    assert covered_by(HOURS, [1, 2]).numbers == IntervalSet.point(1) | IntervalSet.point(2)
    assert not covered_by(HOURS, {"lt": "48"})  # the walk never holds for a text bound
    assert (universe(HOURS) - covered_by(HOURS, {"lt": 48})).describe(HOURS) == "48 <= f <= 100"


def test_when_problems() -> None:
    assert when_problems(BOOLEAN, True) == []
    assert when_problems(BOOLEAN, "true") == ['`"true"` is text, not true or false']
    assert when_problems(BOOLEAN, {"lt": 1})
    assert when_problems(STATUS, ["pending", "failed"]) == []
    assert when_problems(STATUS, "faild") == ["`faild` is not an option of `f` "
                                              "(did you mean `failed`?)"]
    assert when_problems(STATUS, {"lt": 1})
    assert when_problems(HOURS, {"gte": 0, "lt": 100}) == []
    assert when_problems(HOURS, {"lt": 101}) == ["101 is above the maximum 100 of `f`"]
    assert when_problems(HOURS, [1, True]) == ["`true` is a boolean, not a number"]
    assert when_problems(HOURS, None) == []  # the schema reports a missing `when`


def test_value_problem_for_case_values() -> None:
    assert value_problem(HOURS, -1) == "-1 is below the minimum 0 of `f`"
    assert value_problem(HOURS, "72") == '`"72"` is text, not a number'
    assert value_problem(STATUS, 1) == "`1` is a number, not one of the options"
    assert value_problem(BOOLEAN, False) == ""
