"""Matched comparison over strata: the effect on the treated, controls re-weighted."""

from __future__ import annotations

from fieldvisit.engines.analytics.matching import StratumCounts, matched_comparison


def test_control_rates_are_weighted_by_the_treated_mix():
    # Given two strata where visits cure 10 points more than no visit, but the treated sit
    # mostly in the stratum that cures often anyway.
    strata = [
        StratumCounts(("M1",), treated=300, treated_cured=180, control=1000, control_cured=500),
        StratumCounts(("M3",), treated=100, treated_cured=20, control=1000, control_cured=100),
    ]
    # When compared within strata
    result = matched_comparison(strata)
    # Then the crude control rate (30 %) is not used: 0.75 × 50 % + 0.25 × 10 % = 40 %.
    assert result.comparison.first.rate == 0.5
    assert round(result.comparison.second.rate, 10) == 0.4
    assert round(result.comparison.difference, 10) == 0.1
    assert result.comparison.low > 0
    assert result.matched_treated == 400
    assert result.controls == 2000
    assert result.unmatched == 0
    assert result.strata == 2


def test_treated_without_controls_are_left_out_and_counted():
    strata = [
        StratumCounts("a", treated=50, treated_cured=25, control=100, control_cured=40),
        StratumCounts("b", treated=7, treated_cured=7, control=0, control_cured=0),
        StratumCounts("c", treated=0, treated_cured=0, control=80, control_cured=8),
    ]
    result = matched_comparison(strata)
    assert result.matched_treated == 50
    assert result.unmatched == 7
    assert result.strata == 1
    assert round(result.comparison.second.rate, 10) == 0.4


def test_no_treated_units_is_too_few():
    result = matched_comparison([StratumCounts("a", 0, 0, 100, 30)])
    assert result.matched_treated == 0
    assert "first group has 0 < 30" in result.comparison.too_few
