"""Disposable income from the visit's income and spending, and the payment limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldvisit.engines.delinquency import InvalidField
from fieldvisit.engines.restructuring import (
    Affordability,
    Line,
    disposable_income,
    limit_after_recovery,
    payment_limit,
)

D = Decimal


def household(**changes: object) -> Affordability:
    values: dict[str, object] = {
        "income": (Line("sick pay", D("3200.00")), Line("spouse's salary", D("2800.00"))),
        "fixed_costs": (Line("rent", D("1500.00")), Line("medicines", D("600.00"))),
        "flexible_costs": (Line("food and housekeeping", D("1300.00")),),
        "other_debt_payments": (Line("credit card", D("200.00")),),
    }
    values.update(changes)
    return Affordability(**values)


def test_disposable_income_is_income_less_costs_and_other_debts() -> None:
    # 6,000.00 − 2,100.00 − 1,300.00 − 200.00
    assert disposable_income(household()) == D("2400.00")


def test_flexible_costs_above_the_guideline_count_only_when_explained() -> None:
    unexplained = household(flexible_guideline=D("1000.00"))
    explained = household(flexible_guideline=D("1000.00"), flexible_explained=True)

    assert unexplained.counted_flexible_costs == D("1000.00")
    assert disposable_income(unexplained) == D("2700.00")
    assert disposable_income(explained) == D("2400.00")


def test_flexible_costs_below_the_guideline_count_as_declared() -> None:
    assert disposable_income(household(flexible_guideline=D("2000.00"))) == D("2400.00")


def test_the_limit_is_the_share_of_disposable_income_rounded_to_the_cent() -> None:
    assert payment_limit(household(), D("0.5")) == D("1200.00")
    assert payment_limit(household(), D("0.333")) == D("799.20")


def test_a_negative_disposable_income_gives_a_zero_limit() -> None:
    broke = household(income=(Line("sick pay", D("1000.00")),))

    assert disposable_income(broke) == D("-2600.00")
    assert payment_limit(broke, D("0.5")) == D("0.00")


def test_without_a_recovery_the_limit_after_it_is_the_limit_now() -> None:
    broke = household(income=(Line("sick pay", D("1000.00")),))

    assert limit_after_recovery(broke, D("0.5"), D("1992.86")) == D("0.00")


def test_a_recovery_of_unknown_income_brings_back_the_regular_instalment() -> None:
    broke = household(income=(Line("sick pay", D("1000.00")),), recovery_months=3)

    # back at work, the borrower can pay what they paid before the illness
    assert limit_after_recovery(broke, D("0.5"), D("1992.86")) == D("1992.86")


def test_a_known_income_after_recovery_is_judged_by_the_same_rule() -> None:
    broke = household(
        income=(Line("sick pay", D("1000.00")),),
        recovery_months=3,
        income_after_recovery=D("6000.00"),
    )

    # (6,000.00 − 3,600.00 of costs) × 0.5
    assert limit_after_recovery(broke, D("0.5"), D("1992.86")) == D("1200.00")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Line("rent", D("-1.00")), r"^rent.amount: must be a Decimal of whole cents"),
        (lambda: Line("rent", D("1.001")), r"^rent.amount: must be a Decimal of whole cents"),
        (lambda: Line(" ", D("1.00")), r"^line.label: must be a non-empty string"),
        (lambda: household(income=[Line("pay", D("1.00"))]), r"^income: must be a tuple of Line"),
        (
            lambda: household(lump_sum_available=D("-5.00")),
            r"^lump_sum_available: must be a Decimal",
        ),
        (lambda: household(recovery_months=-1), r"^recovery_months: must be an integer 0 … 120"),
        (
            lambda: household(income_after_recovery=D("0.001")),
            r"^income_after_recovery: must be a Decimal of whole cents",
        ),
    ],
)
def test_bad_lines_are_refused_naming_the_field(build: object, message: str) -> None:
    with pytest.raises(InvalidField, match=message):
        build()  # type: ignore[operator]
