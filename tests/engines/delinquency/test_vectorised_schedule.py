"""The vectorised schedule equals the one-loan Decimal oracle to the cent, for whole books."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldvisit.engines.delinquency.schedule import LoanTerms, Method, build_schedule
from fieldvisit.engines.delinquency.vectorised_schedule import (
    METHOD_CODES,
    METHOD_ORDER,
    annuity_payment_cents,
    build_schedules,
    half_up_interest_cents,
    monthly_due_dates,
)


def _oracle_rows(
    principal_cents: int, rate_ppm: int, months: int, first_due: date, method: Method
) -> list[tuple[int, date, int, int]]:
    terms = LoanTerms(
        principal=Decimal(principal_cents) / 100,
        annual_rate=Decimal(rate_ppm) / 1_000_000,
        months=months,
        method=method,
        first_due=first_due,
    )
    return [
        (i.number, i.due_date, int(i.principal * 100), int(i.interest * 100))
        for i in build_schedule(terms)
    ]


def _vector_rows(schedule, loan: int) -> list[tuple[int, date, int, int]]:
    rows = slice(schedule.offsets[loan], schedule.offsets[loan + 1])
    return [
        (int(n), d.astype(object), int(p), int(i))
        for n, d, p, i in zip(
            schedule.instalment_number[rows],
            schedule.due_date[rows],
            schedule.principal_cents[rows],
            schedule.interest_cents[rows],
            strict=True,
        )
    ]


def test_a_random_book_of_3000_loans_equals_the_oracle_to_the_cent():
    # given 3000 loans like a consumer lender's: 1 000 – 1 000 000 yuan, 0 – 36 % a year, 1 – 60
    # months, every method, first due dates on every day of the month including the 29th – 31st
    rng = np.random.default_rng(20240920)
    n = 3000
    principal = rng.integers(1_000_00, 1_000_000_00, n) // rng.choice([1, 100], n)
    rates = [0, 1, 43500, 80000, 128800, 180000, 240000, 360000]
    rate = rng.choice(rates, n) + rng.integers(0, 2, n)
    months = rng.integers(1, 61, n)
    first = np.datetime64("2023-01-01") + rng.integers(0, 900, n).astype("timedelta64[D]")
    method = rng.integers(0, 3, n)

    # when the book is built in one call
    schedule = build_schedules(principal, rate, months, first, method)

    # then every loan's rows equal the oracle's, and there are exactly sum(months) of them
    assert schedule.n_rows == int(months.sum())
    for loan in range(n):
        expected = _oracle_rows(
            int(principal[loan]),
            int(rate[loan]),
            int(months[loan]),
            first[loan].astype(object),
            METHOD_ORDER[int(method[loan])],
        )
        assert _vector_rows(schedule, loan) == expected, f"loan {loan}"


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(1, 10**10),
    rate=st.integers(0, 400_000),
    months=st.integers(1, 48),
    method=st.sampled_from(list(Method)),
)
def test_principal_parts_sum_to_the_loan_amount_and_nothing_is_negative(
    principal, rate, months, method
):
    schedule = build_schedules(
        [principal], [rate], [months], [np.datetime64("2024-01-31")], [METHOD_CODES[method]]
    )

    assert int(schedule.principal_cents.sum()) == principal
    assert (schedule.principal_cents >= 0).all()
    assert (schedule.interest_cents >= 0).all()


@settings(max_examples=200, deadline=None)
@given(principal=st.integers(1, 10**9), rate=st.integers(1, 400_000), months=st.integers(1, 60))
def test_annuity_rounds_like_the_oracle(principal, rate, months):
    expected = _oracle_rows(principal, rate, months, date(2024, 1, 15), Method.EQUAL_INSTALLMENT)

    schedule = build_schedules([principal], [rate], [months], [np.datetime64("2024-01-15")], [0])

    assert _vector_rows(schedule, 0) == expected


def test_an_annuity_exactly_on_a_half_cent_is_decided_by_decimal_and_rounds_up():
    # 0 % interest: 100.05 yuan over 2 months is exactly 50.025 yuan → 50.03
    assert annuity_payment_cents(np.array([10005]), np.array([0]), np.array([2])).tolist() == [5003]


def test_interest_rounds_half_up_in_integers():
    # at 6 %: 100 yuan → 0.50 a month exactly; 0.10 → 0.0005 → 0.00; 1.00 → 0.005 → 0.01
    assert half_up_interest_cents(
        np.array([10000, 10, 100]), np.array([60000, 60000, 60000])
    ).tolist() == [50, 0, 1]


def test_due_dates_anchored_on_the_31st_clamp_to_month_end_and_come_back():
    due = monthly_due_dates(np.repeat(np.datetime64("2024-01-31"), 4), np.arange(4))

    assert due.astype(str).tolist() == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]


@pytest.mark.parametrize(
    ("argument", "values", "message"),
    [
        ("principal_cents", {"principal_cents": [0]}, "principal_cents: row 0 must be positive"),
        ("term_months", {"term_months": [0]}, "term_months: row 0 must be at least 1"),
        ("method", {"method": [3]}, "method: row 0 must be 0, 1 or 2"),
        ("annual_rate_ppm", {"annual_rate_ppm": [-1]}, "annual_rate_ppm: row 0 must be in"),
    ],
)
def test_bad_input_is_refused_naming_the_argument(argument, values, message):
    arguments = {
        "principal_cents": [100_00],
        "annual_rate_ppm": [100_000],
        "term_months": [12],
        "first_due": [np.datetime64("2024-01-01")],
        "method": [0],
    } | values

    with pytest.raises(ValueError, match=message):
        build_schedules(**arguments)
