"""The portfolio batch equals the one-loan engine, every field, to the cent; bad books are refused.

Random books come from :func:`synthetic_book`: prompt, late, defaulting and erratic payers, part
payments, early payments, overpayments and payoffs, two payments on one day, payments after
``as_of`` and restructured loans. Each test compares every loan with
:func:`fieldvisit.engines.delinquency.assess` through :func:`batch_check.mismatches`.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from fieldvisit.engines.delinquency import (
    DEFAULT_POLICY,
    Component,
    DelinquencyPolicy,
    Loan,
    LoanClass,
    LoanTerms,
    Method,
    Payment,
    add_months,
    build_schedule,
)
from fieldvisit.engines.delinquency.batch import (
    CLASS_LABELS,
    LoanBook,
    assess_book,
    daily_rates,
    one_year_later,
)
from fieldvisit.engines.delinquency.batch_book import book_from_loans, loans_from_book
from fieldvisit.engines.delinquency.batch_check import mismatches
from fieldvisit.engines.delinquency.batch_synthetic import synthetic_book

D = Decimal
AS_OF = date(2025, 6, 30)


def test_given_2000_random_loans_then_every_field_equals_the_one_loan_engine() -> None:
    book = synthetic_book(2_000, AS_OF, seed=11, restructured_share=0.2)

    result = assess_book(book, AS_OF, DEFAULT_POLICY)

    assert mismatches(book, result, AS_OF, DEFAULT_POLICY) == []
    # The book exercises what it claims to: arrears, penalties, overpayments, observation.
    assert (result.dpd > 180).any()
    assert (result.dpd == 0).any()
    assert (result.penalty_interest > 0).any()
    assert (result.compound_interest > 0).any()
    assert (result.overpaid > 0).any()
    assert result.in_observation.any()
    assert (book.pay_date > np.datetime64(AS_OF)).any()
    same_day = (book.pay_loan[1:] == book.pay_loan[:-1]) & (book.pay_date[1:] == book.pay_date[:-1])
    assert same_day.any()


ORDERS = list(itertools.permutations(Component))


@pytest.mark.parametrize(
    ("seed", "order", "markup", "cap", "as_of"),
    [
        (1, ORDERS[0], "0.5", "0.24", date(2024, 2, 29)),
        (2, ORDERS[5], "0", "0.24", date(2024, 12, 31)),
        (3, ORDERS[9], "0.37", "0.3333333", date(2025, 3, 1)),
        (4, ORDERS[14], "0.5", "0.1", date(2026, 1, 31)),
        (5, ORDERS[23], "1", "1", date(2025, 8, 15)),
        # Many decimal digits: the rounding takes the exact Python-integer path.
        (6, ORDERS[17], "1.234567", "0.24", date(2025, 6, 30)),
    ],
)
def test_given_any_policy_then_the_batch_equals_the_one_loan_engine(
    seed: int, order: tuple[Component, ...], markup: str, cap: str, as_of: date
) -> None:
    policy = DelinquencyPolicy(
        penalty_markup=D(markup),
        cap_annual_rate=D(cap),
        allocation_order=order,
        bucket_edges=(0, 15, 45, 100),
    )
    book = synthetic_book(400, as_of, seed=seed, mean_months=12, restructured_share=0.3)

    result = assess_book(book, as_of, policy)

    assert mismatches(book, result, as_of, policy) == []


def test_a_policy_with_many_decimal_digits_takes_the_exact_python_integer_path() -> None:
    # 1,000,000.00 先息后本 at 4.35 %: the last instalment holds 10^8 cents of principal. With a
    # markup of 1.234567 the daily rate 0.0435 × 2.234567 / 360 has units near 10^8 (of 7.2·10^11),
    # and 10^8 cents × 3,650 days × 10^8 units passes 2^61: the rounding must leave int64.
    schedule = build_schedule(
        LoanTerms(D("1000000.00"), D("0.0435"), 24, Method.INTEREST_ONLY, date(2015, 1, 31))
    )
    book = book_from_loans([Loan(D("0.0435"), schedule, (Payment(date(2016, 3, 3), D("7.77")),))])
    policy = DelinquencyPolicy(penalty_markup=D("1.234567"), cap_annual_rate=D("1"))
    as_of = date(2026, 1, 31)

    assert daily_rates(book, policy, 20_484).wide
    assert not daily_rates(book, DEFAULT_POLICY, 20_484).wide
    result = assess_book(book, as_of, policy)
    assert mismatches(book, result, as_of, policy) == []
    assert result.penalty_interest[0] > 0


@pytest.mark.slow
def test_given_100000_random_loans_then_every_field_equals_the_one_loan_engine() -> None:
    book = synthetic_book(100_000, AS_OF, seed=2024, restructured_share=0.1)

    result = assess_book(book, AS_OF, DEFAULT_POLICY)

    # The one-loan engine is the slow side: check the two halves of the book on both cores.
    halves = [range(50_000), range(50_000, 100_000)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        found = [
            pool.submit(mismatches, book, result, AS_OF, DEFAULT_POLICY, rows) for rows in halves
        ]
        assert [m for part in found for m in part.result()] == []


# -- a golden case, worked by hand ------------------------------------------------------------

SCHEDULE = build_schedule(
    LoanTerms(D("12000.00"), D("0.12"), 12, Method.EQUAL_PRINCIPAL, date(2024, 1, 15))
)


def test_golden_late_part_payment_then_a_second_loan_paid_on_time() -> None:
    # Loan 0: 12,000.00 at 12 %, 等额本金: instalment 1 = 1,000.00 + 120.00 due 2024-01-15, and
    # instalment 2 = 1,000.00 + 110.00 due 2024-02-15. Penalty rate 0.12 × 1.5 = 0.18 → 0.0005/day.
    # 500.00 on 02-04 (20 days late): penalty 1,000.00 × 20 × 0.0005 = 10.00, compound
    # 120.00 × 20 × 0.0005 = 1.20, interest 120.00, principal 368.80 → 631.20 principal unpaid.
    # At 2024-02-14 (10 more days): penalty 631.20 × 10 × 0.0005 = 3.156 → 3.16; compound 0.
    # DPD = 02-14 − 01-15 = 30 → M1, special mention; instalment 2 is not yet overdue.
    # Loan 1: the same schedule, instalment 1 paid in full on its due date: nothing due.
    late = Loan(D("0.12"), SCHEDULE, (Payment(date(2024, 2, 4), D("500.00")),))
    prompt = Loan(D("0.12"), SCHEDULE, (Payment(date(2024, 1, 15), D("1120.00")),))
    book = book_from_loans([late, prompt], loan_ids=[7, 8])

    result = assess_book(book, date(2024, 2, 14), DEFAULT_POLICY)

    assert result.loan_id.tolist() == [7, 8]
    assert result.dpd.tolist() == [30, 0]
    assert [result.bucket_labels[b] for b in result.bucket] == ["M1", "M0"]
    assert [CLASS_LABELS[c] for c in result.classification] == [
        LoanClass.SPECIAL_MENTION,
        LoanClass.NORMAL,
    ]
    assert result.overdue_principal.tolist() == [631_20, 0]
    assert result.overdue_interest.tolist() == [0, 0]
    assert result.penalty_interest.tolist() == [3_16, 0]
    assert result.compound_interest.tolist() == [0, 0]
    assert result.total_due.tolist() == [634_36, 0]
    assert result.outstanding_principal.tolist() == [11_631_20, 11_000_00]
    assert result.inst_paid_penalty[:2].tolist() == [10_00, 0]
    assert result.inst_paid_compound[:2].tolist() == [1_20, 0]
    assert result.inst_settled_on[12] == np.datetime64("2024-01-15")
    assert np.isnat(result.inst_settled_on[0])


def test_payments_after_as_of_change_nothing() -> None:
    early = (Payment(date(2024, 2, 4), D("500.00")),)
    later = (*early, Payment(date(2024, 2, 15), D("9000.00")))
    book_early = book_from_loans([Loan(D("0.12"), SCHEDULE, early)])
    book_later = book_from_loans([Loan(D("0.12"), SCHEDULE, later)])

    a = assess_book(book_early, date(2024, 2, 14), DEFAULT_POLICY)
    b = assess_book(book_later, date(2024, 2, 14), DEFAULT_POLICY)

    for name in ("dpd", "penalty_interest", "total_due", "overpaid", "inst_unpaid_principal"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()


def test_restructured_loan_stays_special_mention_through_its_first_year() -> None:
    # Restructured on 2024-01-10, every instalment paid on its due date: DPD 0 but in observation
    # until one year has passed (2025-01-10) with the last two instalments on time.
    payments = tuple(Payment(i.due_date, i.payment) for i in SCHEDULE)
    loan = Loan(D("0.12"), SCHEDULE, payments, restructured_on=date(2024, 1, 10))
    book = book_from_loans([loan])

    agreed = assess_book(book, date(2024, 1, 9), DEFAULT_POLICY)  # the day before it takes effect
    inside = assess_book(book, date(2024, 12, 20), DEFAULT_POLICY)
    after = assess_book(book, date(2025, 1, 10), DEFAULT_POLICY)

    assert (bool(agreed.in_observation[0]), CLASS_LABELS[agreed.classification[0]]) == (
        True,
        LoanClass.SPECIAL_MENTION,
    )
    assert (inside.dpd[0], CLASS_LABELS[inside.classification[0]]) == (
        0,
        LoanClass.SPECIAL_MENTION,
    )
    assert (after.dpd[0], CLASS_LABELS[after.classification[0]]) == (0, LoanClass.NORMAL)


def test_one_year_later_equals_add_months_twelve_including_leap_days() -> None:
    days = [date(2024, 2, 29), date(2023, 2, 28), date(2024, 1, 31), date(2025, 12, 31)]
    days += [date(2020, 1, 1) + timedelta(days=k) for k in range(0, 2_000, 7)]

    got = one_year_later(np.array(days, "datetime64[D]"))

    assert [d.item() for d in got] == [add_months(d, 12) for d in days]


def test_the_book_round_trips_through_the_one_loan_engine_inputs() -> None:
    book = synthetic_book(50, AS_OF, seed=3)

    again = book_from_loans(loans_from_book(book, range(50)), loan_ids=book.loan_id.tolist())

    for name in ("annual_rate_ppm", "inst_principal", "inst_interest", "pay_amount", "pay_loan"):
        assert getattr(again, name).tolist() == getattr(book, name).tolist()
    assert again.inst_due.tolist() == book.inst_due.tolist()
    assert again.pay_date.tolist() == book.pay_date.tolist()
    assert np.array_equal(again.restructured_on, book.restructured_on, equal_nan=True)


# -- bad books --------------------------------------------------------------------------------


def _columns() -> dict[str, Any]:
    return {
        "loan_id": np.array([1, 2]),
        "annual_rate_ppm": np.array([120_000, 120_000]),
        "restructured_on": np.array(["NaT", "NaT"], "datetime64[D]"),
        "inst_loan": np.array([0, 0, 1]),
        "inst_number": np.array([1, 2, 1]),
        "inst_due": np.array(["2024-01-15", "2024-02-15", "2024-01-20"], "datetime64[D]"),
        "inst_principal": np.array([100_00, 100_00, 50_00]),
        "inst_interest": np.array([1_00, 50, 20]),
        "pay_loan": np.array([0, 0, 1]),
        "pay_date": np.array(["2024-01-15", "2024-01-15", "2024-01-01"], "datetime64[D]"),
        "pay_amount": np.array([10_00, 5_00, 70_20]),
    }


def test_a_valid_book_is_accepted_with_its_offsets() -> None:
    book = LoanBook(**_columns())

    assert book.inst_offsets.tolist() == [0, 2, 3]
    assert book.pay_offsets.tolist() == [0, 2, 3]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inst_loan": np.array([1, 0, 0])}, "inst_loan: not sorted by loan"),
        ({"pay_loan": np.array([1, 0, 0])}, "pay_loan: not sorted by loan"),
        ({"inst_number": np.array([2, 1, 1])}, "inst_number: not strictly increasing"),
        (
            {"inst_due": np.array(["2024-02-15", "2024-01-15", "2024-01-20"], "datetime64[D]")},
            "inst_due: not strictly increasing",
        ),
        (
            {"pay_date": np.array(["2024-02-15", "2024-01-15", "2024-01-20"], "datetime64[D]")},
            "pay_date: not sorted within loan row 0",
        ),
        ({"pay_amount": np.array([10_00, 0, 5])}, "pay_amount: row 1 is not positive"),
        ({"inst_principal": np.array([1, -1, 5])}, "inst_principal: row 1 is negative"),
        ({"inst_loan": np.array([0, 0, 0])}, "inst_loan: loan row 1 has no instalments"),
        ({"inst_loan": np.array([0, 0, 2])}, "inst_loan: row 2 names loan row 2, not in the book"),
        ({"pay_amount": np.array([1.5, 2.0, 3.0])}, "pay_amount: expected integers"),
        ({"pay_amount": np.array([1, 2])}, "payments: columns differ in length"),
        ({"loan_id": np.array([1, 1])}, "loan_id: not unique"),
        ({"inst_due": np.array([1, 2, 3])}, "inst_due: expected datetime64 dates"),
        (
            {"inst_due": np.array(["2024-01-15", "NaT", "2024-01-20"], "datetime64[D]")},
            "inst_due: row 1 has no date",
        ),
    ],
)
def test_an_invalid_book_is_refused_naming_the_column(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LoanBook(**{**_columns(), **change})


def test_a_rate_below_a_millionth_cannot_enter_a_book() -> None:
    loan = Loan(D("0.1234567"), SCHEDULE)

    with pytest.raises(
        ValueError, match=r"annual_rate 0\.1234567 is not a whole number of millionths"
    ):
        book_from_loans([loan])


def test_the_policy_bucket_edges_name_the_buckets() -> None:
    book = book_from_loans([Loan(D("0.12"), SCHEDULE)])
    policy = replace(DEFAULT_POLICY, bucket_edges=(0, 30))

    result = assess_book(book, date(2024, 3, 20), policy)

    # Nothing paid: instalment 1 (due 01-15) is 65 days late, beyond the last edge.
    assert result.dpd.tolist() == [65]
    assert result.bucket_labels == ("M0", "M1", "M2+")
    assert result.bucket_labels[result.bucket[0]] == "M2+"


def test_a_synthetic_book_is_the_same_for_the_same_seed() -> None:
    a = synthetic_book(500, AS_OF, seed=9)
    b = synthetic_book(500, AS_OF, seed=9)

    for name in ("inst_principal", "inst_interest", "pay_amount", "pay_loan", "annual_rate_ppm"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()
    assert a.pay_date.tolist() == b.pay_date.tolist()


def test_an_empty_book_gives_an_empty_assessment() -> None:
    book = synthetic_book(0, AS_OF)

    result = assess_book(book, AS_OF, DEFAULT_POLICY)

    assert result.dpd.size == 0
    assert result.total_due.size == 0
