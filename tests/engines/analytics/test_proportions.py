"""Wilson and Newcombe intervals against published values, and the too-few rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.engines.analytics.proportions import (
    InvalidCounts,
    newcombe,
    too_few_reason,
    wilson,
)


def test_wilson_matches_the_textbook_values():
    # Newcombe (1998), table I: 81/263 → 0.2553 to 0.3662; 0/10 → 0 to 0.2775.
    given_interval = wilson(81, 263)
    assert round(given_interval.low, 4) == 0.2553
    assert round(given_interval.high, 4) == 0.3662
    zero = wilson(0, 10)
    assert zero.low == 0.0
    assert round(zero.high, 4) == 0.2775


def test_an_empty_group_knows_nothing():
    empty = wilson(0, 0)
    assert (empty.rate, empty.low, empty.high) == (0.0, 0.0, 1.0)


def test_more_events_than_units_is_refused():
    with pytest.raises(InvalidCounts, match="events"):
        wilson(11, 10)


def test_newcombe_matches_his_worked_example():
    # Newcombe (1998), method 10: 56/70 − 48/80 = 0.2000, 95 % CI 0.0524 to 0.3339.
    result = newcombe(wilson(56, 70), wilson(48, 80))
    assert round(result.difference, 4) == 0.2
    assert round(result.low, 4) == 0.0524
    assert round(result.high, 4) == 0.3339
    assert result.too_few == ""


def test_small_groups_are_called_too_few():
    assert "first group has 12 < 30" in too_few_reason(wilson(3, 12), wilson(40, 100))
    assert "fewer than 5" in too_few_reason(wilson(40, 100), wilson(2, 200))
    assert too_few_reason(wilson(40, 100), wilson(50, 100)) == ""


@given(
    st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_the_difference_always_lies_inside_its_interval(first, second):
    result = newcombe(wilson(*first), wilson(*second))
    assert -1.0 <= result.low <= result.difference + 1e-12
    assert result.difference - 1e-12 <= result.high <= 1.0


def test_chi_square_p_values_match_the_tables():
    from fieldvisit.engines.analytics.distribution import chi_square, total_variation

    # Given observed counts whose X² is 3.84 on 1 degree of freedom (the 5 % critical value).
    statistic, dof, p = chi_square({"a": 60, "b": 40}, {"a": 0.5, "b": 0.5})
    assert (statistic, dof) == (4.0, 1)
    assert round(p, 4) == 0.0455
    # A count where none is expected cannot fit.
    assert chi_square({"a": 0, "b": 0, "c": 5}, {"a": 0.5, "b": 0.5})[2] == 0.0
    assert total_variation({"a": 0.7, "b": 0.3}, {"a": 0.5, "c": 0.5}) == 0.5
