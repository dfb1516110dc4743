"""Each remedy's new schedule on the small loan of conftest.py, worked by hand (see README.md).

The loan at 2025-05-01: 3,000.00 principal outstanding (1,000.00 of it overdue), 100.00 interest,
20.00 penalty and 2.00 compound overdue; instalments of 1,000.00 + 20.00 and 1,000.00 + 10.00 due
on May 15 and June 15; contract rate 12 % (1 % a month).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from fieldvisit.engines.delinquency import (
    InvalidField,
    Loan,
    LoanTerms,
    Method,
    Payment,
    assess,
    build_schedule,
)
from fieldvisit.engines.restructuring import (
    DEFAULT_POLICY,
    Claim,
    LoanState,
    Means,
    Remedy,
    RemedyPolicy,
    Treatment,
    build_plans,
    catch_up,
    cycle_date,
    loan_state,
    reamortise,
    reconcile,
    referral,
    settlement,
    settlement_amount,
    split_evenly,
)

D = Decimal
ROOMY = Means(limit=D("100000.00"), lump_sum=D("0.00"))


def rows(schedule: tuple[object, ...]) -> list[tuple[str, ...]]:
    """Each instalment as (due date, principal, interest, arrears interest, penalty, compound)."""
    return [
        (
            str(i.due_date),  # type: ignore[attr-defined]
            str(i.principal),  # type: ignore[attr-defined]
            str(i.interest),  # type: ignore[attr-defined]
            str(i.arrears_interest),  # type: ignore[attr-defined]
            str(i.arrears_penalty),  # type: ignore[attr-defined]
            str(i.arrears_compound),  # type: ignore[attr-defined]
        )
        for i in schedule
    ]


def only(policy: RemedyPolicy, *remedies: Remedy) -> RemedyPolicy:
    return replace(policy, allowed_remedies=remedies)


def test_split_evenly_gives_the_spare_cents_to_the_first_parts() -> None:
    assert split_evenly(D("1000.00"), 3) == (D("333.34"), D("333.33"), D("333.33"))
    assert split_evenly(D("0.07"), 10) == (D("0.01"),) * 7 + (D("0.00"),) * 3
    assert split_evenly(D("0.00"), 2) == (D("0.00"), D("0.00"))


def test_cycle_dates_keep_the_loan_day_after_a_short_month() -> None:
    assert cycle_date(date(2024, 1, 31), 31, 1) == date(2024, 2, 29)
    assert cycle_date(date(2024, 2, 29), 31, 1) == date(2024, 3, 31)
    assert cycle_date(date(2024, 3, 31), 31, -1) == date(2024, 2, 29)


def test_catch_up_spreads_every_arrears_component_over_k_months(state: LoanState) -> None:
    schedule = catch_up(state, 3)

    assert rows(schedule) == [
        ("2025-05-15", "1333.34", "20.00", "33.34", "6.67", "0.67"),
        ("2025-06-15", "1333.33", "10.00", "33.33", "6.67", "0.67"),
        ("2025-07-15", "333.33", "0.00", "33.33", "6.66", "0.66"),
    ]
    assert [i.payment for i in schedule] == [D("1394.02"), D("1384.00"), D("373.98")]
    assert reconcile(state, schedule).balanced


def test_term_extension_carries_interest_and_waives_charges_by_default(state: LoanState) -> None:
    # 3,000.00 over 2 + 1 months at 1 %: annuity 30 / (1 − 1.01^−3) = 1,020.066… → 1,020.07;
    # carried interest 100.00 → 33.34, 33.33, 33.33; penalty and compound waived.
    schedule, capitalised, waived = reamortise(
        state, DEFAULT_POLICY, months=3, rate=state.annual_rate
    )

    assert rows(schedule) == [
        ("2025-05-15", "990.07", "30.00", "33.34", "0.00", "0.00"),
        ("2025-06-15", "999.97", "20.10", "33.33", "0.00", "0.00"),
        ("2025-07-15", "1009.96", "10.10", "33.33", "0.00", "0.00"),
    ]
    assert capitalised == Claim()
    assert waived == Claim(penalty=D("20.00"), compound=D("2.00"))


def test_capitalising_adds_interest_and_charges_to_the_new_principal(state: LoanState) -> None:
    policy = replace(
        DEFAULT_POLICY,
        interest_treatment=Treatment.CAPITALISE,
        charges_treatment=Treatment.CAPITALISE,
    )

    schedule, capitalised, waived = reamortise(state, policy, months=3, rate=state.annual_rate)

    assert capitalised == Claim(interest=D("100.00"), penalty=D("20.00"), compound=D("2.00"))
    assert waived == Claim()
    assert sum(i.principal for i in schedule) == D("3122.00")
    assert schedule[0].interest == D("31.22")  # 3,122.00 × 1 %
    reconciliation = reconcile(state, schedule, capitalised=capitalised)
    assert reconciliation.repaid == state.claim
    assert reconciliation.balanced


def test_carrying_charges_spreads_penalty_and_compound_interest_free(state: LoanState) -> None:
    policy = replace(DEFAULT_POLICY, charges_treatment=Treatment.CARRY)

    schedule, _, waived = reamortise(state, policy, months=3, rate=state.annual_rate)

    assert [i.arrears_penalty for i in schedule] == [D("6.67"), D("6.67"), D("6.66")]
    assert [i.arrears_compound for i in schedule] == [D("0.67"), D("0.67"), D("0.66")]
    assert waived == Claim()


def test_an_interest_only_holiday_then_re_amortises_over_the_remaining_term(
    state: LoanState,
) -> None:
    (plan,) = build_plans(
        state, replace(only(DEFAULT_POLICY, Remedy.PAYMENT_HOLIDAY), max_holiday_months=1), ROOMY
    )

    # holiday: 3,000.00 × 1 % = 30.00; then 30.603 / 0.0201 = 1,522.537… → 1,522.54 over 2 months
    assert (plan.months, plan.extension) == (1, 1)  # the maturity moves out by the holiday
    assert rows(plan.schedule) == [
        ("2025-05-15", "0.00", "30.00", "0.00", "0.00", "0.00"),
        ("2025-06-15", "1492.54", "30.00", "50.00", "0.00", "0.00"),
        ("2025-07-15", "1507.46", "15.07", "50.00", "0.00", "0.00"),
    ]


def test_a_holiday_is_followed_by_the_shortest_extension_whose_payments_fit(
    state: LoanState,
) -> None:
    policy = replace(only(DEFAULT_POLICY, Remedy.PAYMENT_HOLIDAY), max_holiday_months=1)

    (plan,) = build_plans(state, policy, Means(limit=D("800.00"), lump_sum=D("0.00")))

    # +1 month would ask 1,572.54 after the holiday, +2 months 1,053.41; +3 is the first ≤ 800.00:
    # 3,000.00 over 4 months at 1 %, 768.84 + 25.00 of carried interest = 793.84
    assert (plan.months, plan.extension) == (1, 3)
    assert rows(plan.schedule) == [
        ("2025-05-15", "0.00", "30.00", "0.00", "0.00", "0.00"),
        ("2025-06-15", "738.84", "30.00", "25.00", "0.00", "0.00"),
        ("2025-07-15", "746.23", "22.61", "25.00", "0.00", "0.00"),
        ("2025-08-15", "753.69", "15.15", "25.00", "0.00", "0.00"),
        ("2025-09-15", "761.24", "7.61", "25.00", "0.00", "0.00"),
    ]
    assert plan.reconciliation.waived == Claim(penalty=D("20.00"), compound=D("2.00"))
    assert plan.reconciliation.balanced


def test_a_holiday_asks_nothing_when_even_the_interest_does_not_fit(state: LoanState) -> None:
    policy = replace(only(DEFAULT_POLICY, Remedy.PAYMENT_HOLIDAY), max_holiday_months=1)

    # The borrower can spare 20.00 a month: the 30.00 of interest does not fit, so the holiday
    # asks nothing, and no extension brings the payments after it within 20.00 either.
    (plan,) = build_plans(state, policy, Means(limit=D("20.00"), lump_sum=D("0.00")))

    assert plan.schedule[0].payment == D("0.00")
    assert plan.extension == DEFAULT_POLICY.max_extension_months
    assert plan.monthly_payment > D("20.00")


def test_after_the_recovery_the_payments_are_sized_to_the_recovered_limit(
    state: LoanState,
) -> None:
    policy = replace(only(DEFAULT_POLICY, Remedy.PAYMENT_HOLIDAY), max_holiday_months=1)
    # Nothing to spare for a month, 900.00 a month once the borrower is back at work.
    means = Means(limit=D("0.00"), lump_sum=D("0.00"), recovery_months=1, limit_after=D("900.00"))

    (plan,) = build_plans(state, policy, means)

    # The holiday's 30.00 of interest is deferred, interest-free: +7.50 on each of 4 instalments.
    assert (plan.months, plan.extension) == (1, 3)
    assert [i.payment for i in plan.schedule] == [
        D("0.00"),
        D("801.34"),
        D("801.34"),
        D("801.34"),
        D("801.35"),
    ]
    assert means.fits(plan.schedule)


def test_a_holiday_without_payment_defers_its_interest_interest_free(state: LoanState) -> None:
    policy = replace(
        only(DEFAULT_POLICY, Remedy.PAYMENT_HOLIDAY),
        max_holiday_months=1,
        holiday_interest_only=False,
    )

    (plan,) = build_plans(state, policy, ROOMY)

    assert plan.schedule[0].payment == D("0.00")
    assert [i.interest for i in plan.schedule] == [D("0.00"), D("45.00"), D("30.07")]
    assert plan.new_interest == D("75.07")  # 30.00 + 30.00 + 15.07: nothing charged on the 30.00


def test_a_referral_changes_no_schedule_and_restructures_nothing(state: LoanState) -> None:
    plan = referral(state, 3)

    assert (plan.remedy, plan.months, plan.schedule) == (Remedy.REFERRAL, 3, ())
    assert plan.monthly_payment == D("0.00")
    assert plan.reconciliation.before == Claim()
    assert plan.reconciliation.balanced
    # it is never built as a plan: evaluate_options adds it when nothing else fits
    assert build_plans(state, only(DEFAULT_POLICY, Remedy.REFERRAL), ROOMY) == ()


def test_rate_reductions_keep_the_term_and_stop_at_the_floor(state: LoanState) -> None:
    policy = replace(only(DEFAULT_POLICY, Remedy.RATE_REDUCTION), rate_cuts=(D("0.04"), D("0.2")))

    plans = build_plans(state, policy, ROOMY)

    assert [p.rate for p in plans] == [D("0.08"), D("0.04")]
    # 0.08 / 12 a month: 20 / (1 − (1 + 0.08/12)^−2) = 1,515.016… → 1,515.02
    assert rows(plans[0].schedule) == [
        ("2025-05-15", "1495.02", "20.00", "50.00", "0.00", "0.00"),
        ("2025-06-15", "1504.98", "10.03", "50.00", "0.00", "0.00"),
    ]


def test_no_rate_reduction_when_the_rate_is_already_at_the_floor(state: LoanState) -> None:
    policy = replace(only(DEFAULT_POLICY, Remedy.RATE_REDUCTION), min_rate=D("0.12"))

    assert build_plans(state, policy, ROOMY) == ()


def test_a_waiver_forgives_a_share_of_the_charges_against_a_cure_payment(
    state: LoanState,
) -> None:
    plans = build_plans(state, only(DEFAULT_POLICY, Remedy.WAIVER), ROOMY)

    assert [p.waiver_share for p in plans] == [D("0.5"), D("1")]
    assert rows(plans[0].schedule) == [
        ("2025-05-15", "2000.00", "20.00", "100.00", "10.00", "1.00"),
        ("2025-06-15", "1000.00", "10.00", "0.00", "0.00", "0.00"),
    ]
    assert plans[1].reconciliation.waived == Claim(penalty=D("20.00"), compound=D("2.00"))
    assert plans[1].monthly_payment == D("2120.00")


def test_a_settlement_takes_what_the_borrower_can_raise_within_the_maximum_discount(
    state: LoanState,
) -> None:
    # claim 3,122.00; floor 3,122.00 − 624.40 = 2,497.60; the borrower can raise 2,800.00
    assert settlement_amount(state.claim, D("0.2"), D("2800.00")) == D("2800.00")
    assert settlement_amount(state.claim, D("0.2"), D("1000.00")) == D("2497.60")
    assert settlement_amount(state.claim, D("0.2"), D("5000.00")) == D("3122.00")

    schedule, discount = settlement(state, D("2800.00"))

    # the 322.00 discount forgives penalty, compound and interest before principal
    assert discount == Claim(D("200.00"), D("100.00"), D("20.00"), D("2.00"))
    assert rows(schedule) == [("2025-05-15", "2800.00", "0.00", "0.00", "0.00", "0.00")]
    assert reconcile(state, schedule, discount=discount).balanced


def test_the_settlement_discount_never_exceeds_the_maximum_share() -> None:
    claim = Claim(principal=D("0.03"))

    assert settlement_amount(claim, D("0.5"), D("0.00")) == D("0.02")  # 0.015 rounds down to 0.01


def test_the_shortest_term_extension_that_fits_is_offered_with_the_steps(
    state: LoanState,
) -> None:
    policy = replace(only(DEFAULT_POLICY, Remedy.TERM_EXTENSION), max_extension_months=12)

    plans = build_plans(state, policy, Means(limit=D("800.00"), lump_sum=D("0.00")))

    # 1 extra month pays 1,053.41, 2 extra 793.84: the shortest that fits 800.00 is 2
    assert [p.months for p in plans] == [2, 12]
    assert plans[0].monthly_payment == D("793.85")


def test_remedies_that_do_not_apply_are_left_out(state: LoanState) -> None:
    current = replace(
        state, arrears_principal=D("0"), arrears_interest=D("0"), penalty=D("0"), compound=D("0")
    )
    policy = only(DEFAULT_POLICY, Remedy.CATCH_UP, Remedy.WAIVER, Remedy.SETTLEMENT)

    remedies = [p.remedy for p in build_plans(current, policy, ROOMY)]

    assert remedies == [Remedy.SETTLEMENT]


def test_plans_follow_the_remedy_order_and_only_allowed_remedies(state: LoanState) -> None:
    policy = only(DEFAULT_POLICY, Remedy.SETTLEMENT, Remedy.CATCH_UP)

    remedies = [p.remedy for p in build_plans(state, policy, ROOMY)]

    assert remedies == [Remedy.CATCH_UP] * 3 + [Remedy.SETTLEMENT]


def test_loan_state_from_an_assessment_agrees_with_it() -> None:
    terms = LoanTerms(D("12000.00"), D("0.12"), 12, Method.EQUAL_PRINCIPAL, date(2024, 1, 31))
    schedule = build_schedule(terms)
    loan = Loan(terms.annual_rate, schedule, (Payment(date(2024, 1, 31), D("1120.00")),))
    assessment = assess(loan, date(2024, 3, 31))

    state = loan_state(loan, assessment, terms.method)

    # Feb 29 is overdue and Mar 31 is due that very day: both are arrears
    assert state.arrears_principal == D("2000.00")
    assert state.arrears_interest == D("110.00") + D("100.00")
    assert state.penalty == assessment.penalty_interest
    assert state.outstanding_principal == assessment.outstanding_principal == D("11000.00")
    assert state.next_due == date(2024, 4, 30)
    assert state.due(2) == date(2024, 5, 31)
    assert state.remaining_term == 9


def test_a_matured_loan_restructures_on_its_cycle_after_as_of() -> None:
    terms = LoanTerms(D("1000.00"), D("0.12"), 2, Method.EQUAL_PRINCIPAL, date(2024, 1, 31))
    loan = Loan(terms.annual_rate, build_schedule(terms))
    state = loan_state(loan, assess(loan, date(2024, 6, 10)), terms.method)

    assert state.remaining_term == 0
    assert state.next_due == date(2024, 6, 30)
    assert state.arrears_principal == D("1000.00")
    plans = build_plans(state, only(DEFAULT_POLICY, Remedy.TERM_EXTENSION), ROOMY)
    plan = next(p for p in plans if p.months == 12)
    assert len(plan.schedule) == 12
    assert plan.schedule[0].due_date == date(2024, 6, 30)
    assert plan.schedule[1].due_date == date(2024, 7, 31)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"next_due": date(2025, 5, 1)}, r"^next_due: must be after as_of"),
        ({"next_due": date(2025, 5, 16)}, r"^next_due: must be the due date of the first"),
        ({"penalty": D("-1.00")}, r"^penalty: must be whole cents"),
        ({"due_day": 32}, r"^due_day: must be between 1 and 31"),
    ],
)
def test_a_bad_state_is_refused_naming_the_field(
    state: LoanState, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidField, match=message):
        replace(state, **changes)
