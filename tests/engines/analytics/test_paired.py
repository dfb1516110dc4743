"""Paired differences with a Student-t interval (the strategy lab's comparisons)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.engines.analytics.paired import (
    InvalidPairs,
    paired_difference,
    regularised_incomplete_beta,
    student_t_cdf,
    student_t_quantile,
)


@pytest.mark.parametrize(
    ("dof", "expected"),
    [(1, 12.706204736), (2, 4.302652730), (4, 2.776445105), (9, 2.262157163), (30, 2.042272456)],
)
def test_the_97_5_percent_quantile_is_the_published_t_value(dof, expected):
    assert student_t_quantile(0.975, dof) == pytest.approx(expected, abs=1e-8)


def test_the_quantile_is_symmetric_and_the_cdf_inverts_it():
    assert student_t_quantile(0.025, 4) == pytest.approx(-2.776445105, abs=1e-8)
    assert student_t_cdf(student_t_quantile(0.9, 7), 7) == pytest.approx(0.9, abs=1e-12)
    assert student_t_cdf(0, 3) == 0.5


def test_the_incomplete_beta_matches_closed_forms():
    # I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b
    assert regularised_incomplete_beta(0.3, 1, 1) == pytest.approx(0.3)
    assert regularised_incomplete_beta(0.6, 3, 1) == pytest.approx(0.6**3)
    assert regularised_incomplete_beta(0.2, 1, 4) == pytest.approx(1 - 0.8**4)


def test_a_paired_difference_uses_the_differences_of_the_pairs():
    # given five seeds where a beats b by 1, 2, 3, 4, 5
    a = [11.0, 22.0, 33.0, 44.0, 55.0]
    b = [10.0, 20.0, 30.0, 40.0, 50.0]
    # when
    d = paired_difference(a, b)
    # then: mean 3, s = √2.5, half-width 2.776 × √2.5 / √5
    half = 2.776445105 * math.sqrt(2.5 / 5)
    assert d.difference == pytest.approx(3.0)
    assert (d.low, d.high) == pytest.approx((3.0 - half, 3.0 + half))
    assert d.relative == pytest.approx(3.0 / 30.0)
    assert d.significant


def test_identical_differences_give_a_zero_width_interval():
    d = paired_difference([2.0, 3.0, 4.0], [1.0, 2.0, 3.0])
    assert (d.low, d.difference, d.high) == (1.0, 1.0, 1.0)


def test_no_relative_difference_against_a_zero_mean():
    assert paired_difference([1.0, 2.0], [0.0, 0.0]).relative is None


@pytest.mark.parametrize(
    ("a", "b"), [([1.0], [2.0]), ([1.0, 2.0], [1.0]), ([math.nan, 1.0], [1, 2])]
)
def test_values_that_cannot_pair_are_refused(a, b):
    with pytest.raises(InvalidPairs):
        paired_difference(a, b)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(st.lists(st.tuples(finite, finite), min_size=2, max_size=12))
def test_the_difference_lies_inside_its_interval(pairs):
    d = paired_difference([p[0] for p in pairs], [p[1] for p in pairs])
    assert d.low <= d.difference + 1e-6
    assert d.difference <= d.high + 1e-6
