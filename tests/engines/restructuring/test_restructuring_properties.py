"""Properties of every option for any loan, borrower and policy (hypothesis).

* No option creates or loses principal: the schedule's principal, less what it capitalised, plus
  principal waived or discounted, is the outstanding principal, to the cent; only a settlement
  discounts principal and nothing waives it.
* The books balance per component: before = repaid + waived + discount.
* An unaffordable option, or one over the cap, is never recommended.
* The cap is never exceeded: an option within the cap has an all-in rate (found independently by
  bisection) not above it; a re-amortisation at a rate within the cap that waives the charges is
  within the cap.
* A holiday never means full payments: its months ask nothing, or the interest only; and what
  follows it fits the borrower's limit whenever any extension the policy allows can.
* There is always a humane option to propose: when the policy allows a referral, some option is
  affordable and within the cap (the referral itself when nothing else is).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldvisit.engines.delinquency import (
    Loan,
    LoanTerms,
    Method,
    Payment,
    assess,
    build_schedule,
)
from fieldvisit.engines.money import ZERO
from fieldvisit.engines.restructuring import (
    Affordability,
    Claim,
    Line,
    LoanState,
    Means,
    Option,
    Plan,
    Remedy,
    RemedyPolicy,
    Treatment,
    borrower_means,
    evaluate_options,
    loan_state,
    payment_limit,
    recommend,
    success_probability,
)
from fieldvisit.engines.restructuring.value import cap_basis

D = Decimal
REAMORTISED = (Remedy.TERM_EXTENSION, Remedy.PAYMENT_HOLIDAY, Remedy.RATE_REDUCTION)


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda c: D(c) / 100)


def rates(low_bp: int, high_bp: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low_bp, high_bp).map(lambda bp: D(bp) / 10_000)


@st.composite
def loan_states(draw: st.DrawFn) -> LoanState:
    """A loan paid on time for a while, then partly or not at all, seen some days later."""
    terms = LoanTerms(
        principal=draw(cents(1_000_000, 50_000_000)),  # 10,000.00 … 500,000.00
        annual_rate=draw(rates(0, 3600)),
        months=draw(st.integers(3, 60)),
        method=draw(st.sampled_from(Method)),
        first_due=draw(st.dates(date(2022, 1, 1), date(2026, 12, 31))),
    )
    schedule = build_schedule(terms)
    paid = draw(st.integers(0, terms.months - 1))
    payments = [Payment(i.due_date, i.payment) for i in schedule[:paid] if i.payment]
    token = draw(st.none() | cents(1, 200_000))
    if token is not None:
        payments.append(Payment(schedule[paid].due_date + timedelta(days=5), token))
    as_of = schedule[paid].due_date + timedelta(days=draw(st.integers(0, 500)))
    loan = Loan(terms.annual_rate, schedule, tuple(payments))
    return loan_state(loan, assess(loan, as_of), terms.method)


affordabilities = st.builds(
    Affordability,
    income=st.tuples(st.builds(Line, st.just("salary"), cents(0, 5_000_000))),
    fixed_costs=st.tuples(st.builds(Line, st.just("rent"), cents(0, 2_000_000))),
    flexible_costs=st.tuples(st.builds(Line, st.just("food"), cents(0, 1_000_000))),
    other_debt_payments=st.tuples(st.builds(Line, st.just("card"), cents(0, 500_000))),
    lump_sum_available=cents(0, 60_000_000),
    recovery_months=st.integers(0, 6),
    income_after_recovery=st.none() | cents(0, 5_000_000),
)

policies = st.builds(
    RemedyPolicy,
    allowed_remedies=st.lists(st.sampled_from(Remedy), min_size=1, unique=True).map(tuple),
    affordable_share=rates(1000, 10_000),
    catch_up_months=st.lists(st.integers(1, 24), min_size=1, max_size=3).map(tuple),
    max_extension_months=st.integers(0, 48),
    extension_step_months=st.integers(1, 24),
    max_holiday_months=st.integers(1, 6),
    holiday_interest_only=st.booleans(),
    hardship_charges_treatment=st.sampled_from(Treatment),
    referral_hold_months=st.integers(1, 12),
    rate_cuts=st.lists(rates(1, 1000), max_size=2).map(tuple),
    min_rate=rates(0, 800),
    penalty_waiver_max_share=rates(0, 10_000),
    waiver_cure_months=st.integers(1, 6),
    settlement_max_discount=rates(0, 5000),
    cap_annual_rate=st.sampled_from([D("0.15"), D("0.24"), D("0.36")]),
    interest_treatment=st.sampled_from(Treatment),
    charges_treatment=st.sampled_from(Treatment),
    reamortise_method=st.sampled_from([None, *Method]),
    cost_of_funds=rates(0, 1000),
    legal_recovery_rate=rates(0, 10_000),
    legal_cost=cents(0, 1_000_000),
    legal_months=st.integers(0, 36),
)


def check_option(option: Option, state: LoanState, means: Means, policy: RemedyPolicy) -> None:
    plan = option.plan
    rec = plan.reconciliation
    schedule = plan.schedule
    if plan.remedy is Remedy.REFERRAL:
        # restructures nothing and asks nothing
        assert schedule == ()
        assert rec.before == rec.repaid == rec.waived == rec.discount == rec.capitalised == Claim()
        assert (option.payment, option.affordable, option.within_cap) == (ZERO, True, True)
        return

    # principal is neither created nor lost
    scheduled = sum((i.principal for i in schedule), ZERO)
    assert (
        scheduled - rec.capitalised.total + rec.waived.principal + rec.discount.principal
        == state.outstanding_principal
    )
    assert rec.waived.principal == ZERO
    assert rec.capitalised.principal == ZERO
    if plan.remedy is not Remedy.SETTLEMENT:
        assert rec.discount == rec.discount.__class__()
    # the books balance, component by component
    assert rec.before == state.claim
    assert rec.balanced
    assert rec.before.total == rec.repaid.total + rec.waived.total + rec.discount.total
    # dates run forward from the day after as_of
    assert schedule[0].due_date > state.as_of
    assert all(a.due_date < b.due_date for a, b in itertools.pairwise(schedule))
    assert len(schedule) <= 600
    # affordability is what it says: every month within its limit
    if plan.remedy is Remedy.SETTLEMENT:
        assert option.affordable == (option.limit > 0 and option.payment <= option.limit)
    else:
        paying = [i for i in schedule if i.payment]
        assert option.affordable == (
            means.fits(schedule) and all(means.limit_for(i.number) > 0 for i in paying)
        )
        assert option.limit in (means.limit, means.limit_after)
    if option.affordable:
        assert option.limit > 0
        assert option.payment <= option.limit
    assert D(0) <= option.success_probability <= D(1)
    if plan.remedy is Remedy.PAYMENT_HOLIDAY:
        check_holiday(plan, state, means, policy)


def check_holiday(plan: Plan, state: LoanState, means: Means, policy: RemedyPolicy) -> None:
    """Its months ask nothing or the interest only; what follows fits unless even the longest
    extension the policy allows cannot."""
    holiday = plan.schedule[: plan.months]
    assert all(i.principal == ZERO for i in holiday)
    assert all(
        i.arrears_interest == i.arrears_penalty == i.arrears_compound == ZERO for i in holiday
    )
    assert len({i.interest for i in holiday}) == 1  # the same each month: nothing, or interest
    assert plan.extension is not None
    assert plan.extension >= (plan.months or 0)
    base = max(state.remaining_term, 1)
    assert len(plan.schedule) == base + plan.extension
    if not means.fits(plan.schedule):
        assert plan.extension == min(policy.max_extension_months, 600 - base)


@settings(deadline=None, max_examples=60)
@given(loan_states(), affordabilities, policies)
def test_every_option_balances_and_only_eligible_ones_are_recommended(
    state: LoanState, affordability: Affordability, policy: RemedyPolicy
) -> None:
    options = evaluate_options(state, affordability, policy)
    means = borrower_means(state, affordability, policy)

    for option in options:
        check_option(option, state, means, policy)
        basis = cap_basis(state.claim)
        if option.within_cap and option.all_in_annual_rate is not None:
            # the rounding tolerance of within_cap, as an annual rate: 0.005 per instalment
            # against a basis of at least 10,000.00 moves the rate by well under 0.0001
            assert option.all_in_annual_rate <= policy.cap_annual_rate + D("0.0001")
        charges_waived = (
            policy.hardship_charges_treatment
            if option.remedy is Remedy.PAYMENT_HOLIDAY
            else policy.charges_treatment
        ) is Treatment.WAIVE
        cheap = option.plan.rate <= policy.cap_annual_rate
        if option.remedy in REAMORTISED and charges_waived and cheap:
            assert option.within_cap, (option.remedy, option.plan.rate, basis)
        assert means.limit == payment_limit(affordability, policy.affordable_share)

    fitting = [o for o in options if o.affordable and o.within_cap]
    referred = [o for o in options if o.remedy is Remedy.REFERRAL]
    if policy.allows(Remedy.REFERRAL):
        assert fitting  # always something humane to propose
    # the referral is on the menu exactly when nothing else fits
    assert len(referred) == (1 if policy.allows(Remedy.REFERRAL) and fitting == referred else 0)

    if options:
        result = recommend(options)
        assert len(result.recommended) <= 3
        for chosen in result.recommended:
            assert chosen.affordable
            assert chosen.payment <= chosen.limit
            assert chosen.within_cap
            if chosen.remedy is not Remedy.REFERRAL:
                assert chosen.expected_value >= chosen.legal_value
        values = [o.expected_value for o in result.recommended if o.remedy is not Remedy.REFERRAL]
        assert values == sorted(values, reverse=True)
        assert {id(v.option) for v in result.verdicts} == {id(o) for o in options}


@given(rates(-10_000, 10_000), rates(-10_000, 10_000), rates(0, 100_000), policies)
def test_success_never_falls_as_the_margin_grows(
    m1: Decimal, m2: Decimal, years: Decimal, policy: RemedyPolicy
) -> None:
    low, high = sorted((m1, m2))

    assert success_probability(low, years, policy) <= success_probability(high, years, policy)
