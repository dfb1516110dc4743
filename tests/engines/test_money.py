"""The one money constructor and the one rounding function."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.engines.money import is_cents, round_money, to_money, to_rate


def test_to_money_converts_str_int_and_decimal_exactly() -> None:
    assert to_money("1234.567") == Decimal("1234.567")  # no rounding on the way in
    assert to_money(" 12.30 ") == Decimal("12.30")
    assert to_money(7) == Decimal(7)
    assert to_money(Decimal("0.1")) == Decimal("0.1")
    assert to_rate("0.049") == Decimal("0.049")


@pytest.mark.parametrize("value", [0.1, 1.0, True])
def test_to_money_refuses_float_and_bool(value: object) -> None:
    with pytest.raises(TypeError, match="expected str, int or Decimal"):
        to_money(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["abc", "", "1,000.00", "NaN", "Infinity", Decimal("NaN")])
def test_to_money_refuses_what_is_not_a_finite_number(value: str | Decimal) -> None:
    with pytest.raises(ValueError, match="not a"):
        to_money(value)


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("2.345", "2.35"),  # a tie goes up: half-up, not banker's rounding (which gives 2.34)
        ("2.335", "2.34"),
        ("2.3449999", "2.34"),
        ("0.005", "0.01"),
        ("-2.345", "-2.35"),  # ties go away from zero
        ("10", "10.00"),
    ],
)
def test_round_money_is_half_up_to_the_cent(amount: str, rounded: str) -> None:
    result = round_money(Decimal(amount))
    assert result == Decimal(rounded)
    assert result.as_tuple().exponent == -2


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6))
def test_round_money_moves_an_amount_by_at_most_half_a_cent(amount: Decimal) -> None:
    rounded = round_money(amount)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert is_cents(rounded)
    assert round_money(rounded) == rounded
