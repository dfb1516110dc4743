"""Roll-rate matrix, cure rates, vintage curves and expected loss."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldvisit.engines.analytics.portfolio import (
    Transition,
    VintageCell,
    cure_rates,
    expected_loss,
    roll_matrix,
    vintage_curves,
)

BUCKETS = ("M0", "M1", "M2")


def test_roll_matrix_rows_are_shares_of_each_starting_bucket():
    matrix = roll_matrix(
        [
            Transition("M0", "M0", 90),
            Transition("M0", "M1", 10),
            Transition("M1", "M0", 30),
            Transition("M1", "M2", 60),
            Transition("M1", "", 10),
            Transition("M2", "M2", 5),
        ],
        BUCKETS,
    )
    assert matrix.columns == ("M0", "M1", "M2", "")
    assert matrix.totals == (100, 100, 5)
    assert matrix.shares[0] == (0.9, 0.1, 0.0, 0.0)
    assert matrix.shares[1] == (0.3, 0.0, 0.6, 0.1)
    assert matrix.shares[2] == (0.0, 0.0, 1.0, 0.0)


def test_cure_rate_is_the_share_back_in_m0_with_settlements_in_the_denominator():
    matrix = roll_matrix(
        [Transition("M1", "M0", 30), Transition("M1", "", 10), Transition("M1", "M1", 60)],
        BUCKETS,
    )
    cures = cure_rates(matrix)
    assert set(cures) == {"M1", "M2"}
    assert cures["M1"].rate == 0.3
    assert cures["M1"].n == 100
    assert cures["M2"].n == 0


def test_an_unknown_bucket_is_refused():
    with pytest.raises(ValueError, match="unknown bucket"):
        roll_matrix([Transition("M9", "M0", 1)], BUCKETS)


def test_vintage_curves_add_cells_and_sort_by_month_on_book():
    curves = vintage_curves(
        [
            VintageCell("2025-01", 2, 100, 5),
            VintageCell("2025-01", 1, 100, 1),
            VintageCell("2025-01", 2, 100, 15),
            VintageCell("2025-02", 1, 0, 0),
        ]
    )
    assert curves == {"2025-01": [(1, 0.01), (2, 0.1)]}


def test_expected_loss_is_balance_times_rate_to_the_cent():
    loss = expected_loss(
        {"normal": Decimal("1000000.00"), "loss": Decimal("333.33")},
        {"normal": Decimal("0.015"), "loss": Decimal("0.995")},
    )
    assert loss == {"normal": Decimal("15000.00"), "loss": Decimal("331.66")}


def test_expected_loss_needs_a_rate_for_every_class():
    with pytest.raises(ValueError, match="'doubtful'"):
        expected_loss({"doubtful": Decimal(1)}, {})
