"""Properties of the portfolio batch on books that hypothesis draws (and shrinks when one fails).

Each example is a small book of loans with random terms and payment histories: any dates around
the schedule (early, late, on the due date, several on one day, after ``as_of``), any amounts.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldvisit.engines.delinquency import (
    Component,
    DelinquencyPolicy,
    Loan,
    LoanTerms,
    Method,
    Payment,
    build_schedule,
)
from fieldvisit.engines.delinquency.batch import BookAssessment, assess_book
from fieldvisit.engines.delinquency.batch_book import LoanBook, book_from_loans
from fieldvisit.engines.delinquency.batch_check import mismatches

START = date(2024, 1, 31)


@st.composite
def loans(draw: st.DrawFn) -> Loan:
    months = draw(st.integers(1, 18))
    rate = Decimal(draw(st.integers(0, 360_000))) / 1_000_000
    terms = LoanTerms(
        principal=Decimal(draw(st.integers(1, 50_000_000))) / 100,
        annual_rate=rate,
        months=months,
        method=draw(st.sampled_from(Method)),
        first_due=START + timedelta(days=draw(st.integers(0, 40))),
    )
    schedule = build_schedule(terms)
    payments = draw(
        st.lists(
            st.builds(
                Payment,
                st.integers(-30, 30 * (months + 4)).map(lambda d: terms.first_due + timedelta(d)),
                st.integers(1, 2 * int(terms.principal * 100) // months + 100).map(
                    lambda c: Decimal(c) / 100
                ),
            ),
            max_size=months + 6,
        )
    )
    restructured = draw(st.none() | st.integers(-40, 400).map(lambda d: START + timedelta(d)))
    return Loan(rate, schedule, tuple(payments), restructured_on=restructured)


policies = st.builds(
    DelinquencyPolicy,
    penalty_markup=st.sampled_from([Decimal("0.5"), Decimal("0"), Decimal("0.3")]),
    cap_annual_rate=st.sampled_from([Decimal("0.24"), Decimal("0.1"), Decimal("0.36")]),
    allocation_order=st.permutations(list(Component)).map(tuple),
)
books = st.lists(loans(), min_size=1, max_size=6)
as_of_dates = st.integers(0, 700).map(lambda d: START + timedelta(d))


def _paid_up_to(book: LoanBook, as_of: date) -> list[int]:
    counted = np.where(book.pay_date <= np.datetime64(as_of), book.pay_amount, 0)
    totals = np.concatenate(([0], np.cumsum(counted)))
    return (totals[book.pay_offsets[1:]] - totals[book.pay_offsets[:-1]]).tolist()


def _allocated(book: LoanBook, r: BookAssessment) -> list[int]:
    parts = (
        (book.inst_principal - r.inst_unpaid_principal)
        + (book.inst_interest - r.inst_unpaid_interest)
        + r.inst_paid_penalty
        + r.inst_paid_compound
    )
    return (np.add.reduceat(parts, book.inst_offsets[:-1]) + r.overpaid).tolist()


@settings(max_examples=150, deadline=None)
@given(books, as_of_dates, policies)
def test_the_batch_equals_the_one_loan_engine(
    drawn: list[Loan], as_of: date, policy: DelinquencyPolicy
) -> None:
    book = book_from_loans(drawn)

    result = assess_book(book, as_of, policy)

    assert mismatches(book, result, as_of, policy) == []


@settings(max_examples=150, deadline=None)
@given(books, as_of_dates, policies)
def test_allocations_sum_to_the_payments_and_nothing_is_negative(
    drawn: list[Loan], as_of: date, policy: DelinquencyPolicy
) -> None:
    book = book_from_loans(drawn)

    r = assess_book(book, as_of, policy)

    assert _allocated(book, r) == _paid_up_to(book, as_of)
    for name in (
        "dpd",
        "overdue_principal",
        "overdue_interest",
        "penalty_interest",
        "compound_interest",
        "outstanding_principal",
        "total_due",
        "overpaid",
        "inst_unpaid_principal",
        "inst_unpaid_interest",
        "inst_paid_penalty",
        "inst_paid_compound",
        "inst_penalty_due",
        "inst_compound_due",
    ):
        assert (getattr(r, name) >= 0).all(), name
    assert (r.inst_unpaid_principal <= book.inst_principal).all()
    assert (r.inst_unpaid_interest <= book.inst_interest).all()
    assert (r.outstanding_principal >= r.overdue_principal).all()
    assert (
        r.total_due
        == r.overdue_principal + r.overdue_interest + r.penalty_interest + r.compound_interest
    ).all()


@settings(max_examples=100, deadline=None)
@given(books, as_of_dates, policies)
def test_paying_the_total_due_on_as_of_brings_every_loan_to_dpd_zero(
    drawn: list[Loan], as_of: date, policy: DelinquencyPolicy
) -> None:
    before = assess_book(book_from_loans(drawn), as_of, policy)
    cured = [
        Loan(
            loan.annual_rate,
            loan.installments,
            (*loan.payments, Payment(as_of, Decimal(int(due)) / 100)) if due else loan.payments,
            loan.restructured_on,
        )
        for loan, due in zip(drawn, before.total_due.tolist(), strict=True)
    ]

    after = assess_book(book_from_loans(cured), as_of, policy)

    assert after.dpd.tolist() == [0] * len(drawn)
    assert after.total_due.tolist() == [0] * len(drawn)
    assert after.overpaid.tolist() == before.overpaid.tolist()
