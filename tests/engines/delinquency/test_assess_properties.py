"""Properties of the assessment that hold for any loan, any payments and any policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldvisit.engines.delinquency import (
    Component,
    DelinquencyPolicy,
    Loan,
    LoanTerms,
    Method,
    Payment,
    assess,
    build_schedule,
)
from fieldvisit.engines.money import ZERO, is_cents, round_money

D = Decimal
MONEY_FIELDS = (
    "overdue_principal",
    "overdue_interest",
    "penalty_interest",
    "compound_interest",
    "outstanding_principal",
    "total_due",
    "overpayment",
)


@st.composite
def loans(draw: st.DrawFn) -> Loan:
    terms = LoanTerms(
        principal=D(draw(st.integers(1_000, 20_000_000))) / 100,  # 10.00 … 200,000.00
        annual_rate=D(draw(st.integers(0, 3600))) / 10_000,  # 0 … 36 %
        months=draw(st.integers(1, 36)),
        method=draw(st.sampled_from(Method)),
        first_due=draw(st.dates(date(2022, 1, 1), date(2026, 12, 31))),
    )
    schedule = build_schedule(terms)
    largest = int(terms.principal * 100) // 2 + 100
    payments = draw(
        st.lists(
            st.builds(
                Payment,
                st.integers(-40, 1300).map(lambda days: terms.first_due + timedelta(days=days)),
                st.integers(1, largest).map(lambda cents: D(cents) / 100),
            ),
            max_size=8,
        )
    )
    restructured_on = draw(
        st.none() | st.integers(-60, 400).map(lambda d: terms.first_due + timedelta(days=d))
    )
    return Loan(terms.annual_rate, schedule, tuple(payments), restructured_on)


policies = st.builds(
    DelinquencyPolicy,
    penalty_markup=st.integers(0, 100).map(lambda pct: D(pct) / 100),
    cap_annual_rate=st.integers(0, 3600).map(lambda bp: D(bp) / 10_000),
    allocation_order=st.permutations(list(Component)).map(tuple),
)


def as_of_for(loan: Loan, offset: int) -> date:
    return loan.installments[0].due_date + timedelta(days=offset)


@settings(deadline=None)
@given(loans(), st.integers(-30, 1500), policies)
def test_allocations_sum_exactly_to_each_payment(
    loan: Loan, offset: int, policy: DelinquencyPolicy
) -> None:
    result = assess(loan, as_of_for(loan, offset), policy)

    for allocation in result.allocations:
        assert (
            sum((p.amount for p in allocation.parts), ZERO) + allocation.overpayment
            == allocation.amount
        )
        assert all(p.amount > 0 and is_cents(p.amount) for p in allocation.parts)
        assert allocation.overpayment >= 0
    paid_principal = sum(
        (
            p.amount
            for a in result.allocations
            for p in a.parts
            if p.component is Component.PRINCIPAL
        ),
        ZERO,
    )
    principal = sum((i.principal for i in loan.installments), ZERO)
    assert result.outstanding_principal + paid_principal == principal


@settings(deadline=None)
@given(loans(), st.integers(-30, 1500), policies)
def test_nothing_goes_negative_and_totals_add_up(
    loan: Loan, offset: int, policy: DelinquencyPolicy
) -> None:
    result = assess(loan, as_of_for(loan, offset), policy)

    assert result.dpd >= 0
    for name in MONEY_FIELDS:
        amount = getattr(result, name)
        assert amount >= 0, name
        assert is_cents(amount), name
    for position in result.installments:
        assert (
            min(
                position.unpaid_principal,
                position.unpaid_interest,
                position.unpaid_penalty,
                position.unpaid_compound,
            )
            >= 0
        )
    assert result.total_due == (
        result.overdue_principal
        + result.overdue_interest
        + result.penalty_interest
        + result.compound_interest
    )
    assert result.bucket == policy.bucket(result.dpd)
    assert result.classification.rank >= policy.classify(result.dpd).rank


@settings(deadline=None)
@given(loans(), st.integers(1, 1500), policies)
def test_paying_everything_due_brings_dpd_to_zero(
    loan: Loan, offset: int, policy: DelinquencyPolicy
) -> None:
    as_of = as_of_for(loan, offset)
    before = assess(loan, as_of, policy)
    if before.total_due == 0:
        return
    paying = replace(loan, payments=(*loan.payments, Payment(as_of, before.total_due)))

    after = assess(paying, as_of, policy)

    assert after.dpd == 0
    assert after.total_due == 0
    assert (after.penalty_interest, after.compound_interest) == (0, 0)
    assert after.allocations[-1].overpayment == 0
    assert after.outstanding_principal == before.outstanding_principal - before.overdue_principal


@settings(deadline=None)
@given(loans(), st.integers(-30, 1500), st.integers(1, 400), policies)
def test_accrued_penalty_never_decreases_while_nothing_is_paid(
    loan: Loan, offset: int, later: int, policy: DelinquencyPolicy
) -> None:
    as_of = as_of_for(loan, offset)
    paid_by_then = replace(loan, payments=tuple(p for p in loan.payments if p.paid_on <= as_of))

    first = assess(paid_by_then, as_of, policy)
    second = assess(paid_by_then, as_of + timedelta(days=later), policy)

    assert second.penalty_interest >= first.penalty_interest
    assert second.compound_interest >= first.compound_interest
    for a, b in zip(first.installments, second.installments, strict=True):
        assert b.unpaid_penalty >= a.unpaid_penalty
        assert b.unpaid_compound >= a.unpaid_compound
    if first.dpd:
        assert second.dpd == first.dpd + later


@settings(deadline=None)
@given(loans(), st.integers(0, 1500), policies)
def test_without_payments_each_instalment_accrues_its_amount_times_days_at_the_capped_rate(
    loan: Loan, offset: int, policy: DelinquencyPolicy
) -> None:
    as_of = as_of_for(loan, offset)
    rate = min(loan.annual_rate * (1 + policy.penalty_markup), policy.cap_annual_rate)
    result = assess(replace(loan, payments=()), as_of, policy)

    for installment, position in zip(loan.installments, result.installments, strict=True):
        days = max((as_of - installment.due_date).days, 0)
        assert position.unpaid_penalty == round_money(installment.principal * days * rate / 360)
        assert position.unpaid_compound == round_money(installment.interest * days * rate / 360)
        cap = policy.cap_annual_rate
        assert position.unpaid_penalty <= round_money(installment.principal * days * cap / 360)
