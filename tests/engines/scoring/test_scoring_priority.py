"""The priority: expected benefit = amount at risk × lift, worked by hand, explained, and monotone
in the amount due (no database, no Django)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.engines.money import round_money
from fieldvisit.engines.routing.model import GeoPoint
from fieldvisit.engines.scoring import (
    Adjustment,
    CaseFacts,
    ContactResult,
    FollowUp,
    FollowUpStatus,
    PastOutcome,
    Priority,
    Purpose,
    RemoteContact,
    VisitStrategy,
    default_strategy,
    expected_benefit,
    past_outcome,
)

STRATEGY = default_strategy()
DAY = date(2026, 3, 10)


def contact(day: int, result: ContactResult) -> RemoteContact:
    return RemoteContact(date(2026, 3, day), "call", result)


def case(**changes: object) -> CaseFacts:
    base = CaseFacts(
        case_id="C-1",
        loan_id="L-1",
        dpd=75,
        bucket="M3",
        total_due=Decimal("12345.00"),
        outstanding_principal=Decimal("60000.00"),
        location=GeoPoint(31.19, 121.44),
        remote_contacts=(contact(2, ContactResult.NOT_REACHED),),
    )
    return replace(base, **changes)


def with_weights(**changes: object) -> VisitStrategy:
    return replace(STRATEGY, priority=replace(STRATEGY.priority, **changes))


def test_worked_example_first_contact_in_m3_never_reached() -> None:
    priority = expected_benefit(case(), Purpose.FIRST_CONTACT, STRATEGY)

    # 12,345.00 × (0.12 × 1.25) = 12,345.00 × 0.15 = 1,851.75 yuan = 185,175 fen
    assert priority == Priority(
        amount_at_risk=Decimal("12345.00"),
        base_lift=Decimal("0.12"),
        adjustments=(
            Adjustment(
                "outcome:never_reached",
                Decimal("1.25"),
                "电话短信从未联系上",
                "never reached by call or SMS",
            ),
        ),
        lift=Decimal("0.15"),
        expected_benefit=Decimal("1851.75"),
        prize_units=185175,
        explanation_zh=(
            "风险金额 12,345.00 元，M3 阶段上门进行“首次接触与情况核实”预计可将结清概率提高 "
            "15.0 个百分点（基准 12.0 × 1.25 电话短信从未联系上），预期收益 1,851.75 元。"
        ),
        explanation_en=(
            "12,345.00 yuan is at risk, and a first contact and situation check visit in M3 "
            "should raise the chance of cure by 15.0 points (base 12.0 × 1.25 never reached by "
            "call or SMS): an expected benefit of 1,851.75 yuan."
        ),
    )


def test_worked_example_borrower_who_promised_and_asked_for_a_hardship_assessment_in_m2() -> None:
    promise = FollowUp(date(2026, 3, 20), FollowUpStatus.OPEN)
    facts = case(
        bucket="M2", dpd=40, total_due=Decimal("5000"), promise=promise, borrower_asked_visit=True
    )

    priority = expected_benefit(facts, Purpose.HARDSHIP_ASSESSMENT, STRATEGY)

    # 5,000.00 × (0.10 × 1.1 × 1.2) = 5,000.00 × 0.132 = 660.00 yuan
    assert [(a.name, a.factor) for a in priority.adjustments] == [
        ("outcome:promised", Decimal("1.1")),
        ("borrower_asked", Decimal("1.2")),
    ]
    assert priority.lift == Decimal("0.132")
    assert priority.expected_benefit == Decimal("660.00")
    assert priority.prize_units == 66000
    assert "(base 10.0 × 1.1 promised to pay before × 1.2 the borrower asked for the visit)" in (
        priority.explanation_en
    )


def test_outstanding_principal_counts_by_its_weight() -> None:
    strategy = with_weights(principal_weight=Decimal("0.1"))

    priority = expected_benefit(case(), Purpose.FIRST_CONTACT, strategy)

    assert priority.amount_at_risk == Decimal("18345.00")  # 12,345.00 + 0.1 × 60,000.00
    assert priority.expected_benefit == Decimal("2751.75")  # × 0.15


def test_a_bucket_without_a_row_uses_the_fallback_row() -> None:
    priority = expected_benefit(case(bucket="M7+", dpd=200), Purpose.REMEDY_SIGNING, STRATEGY)

    assert (
        priority.base_lift == STRATEGY.priority.lift["*"][Purpose.REMEDY_SIGNING] == Decimal("0.12")
    )


def test_the_lift_never_exceeds_one() -> None:
    factors = {**STRATEGY.priority.outcome_factors, PastOutcome.NEVER_REACHED: Decimal(10)}
    strategy = with_weights(outcome_factors=factors)

    priority = expected_benefit(case(), Purpose.REMEDY_SIGNING, strategy)

    assert priority.lift == Decimal(1)
    assert priority.expected_benefit == Decimal("12345.00")


def test_a_visit_worth_nothing_still_has_a_prize_of_one() -> None:
    priority = expected_benefit(case(bucket="M1", dpd=10), Purpose.PRE_LEGAL_NOTICE, STRATEGY)

    assert priority.expected_benefit == Decimal("0.00")
    assert priority.prize_units == 1


def test_the_prize_unit_is_configurable() -> None:
    strategy = with_weights(prize_unit_yuan=Decimal(1))

    priority = expected_benefit(case(), Purpose.FIRST_CONTACT, strategy)

    assert priority.prize_units == 1852  # 1,851.75 yuan, rounded half-up to whole yuan


@pytest.mark.parametrize(
    ("facts", "outcome"),
    [
        (case(remote_contacts=()), PastOutcome.NOT_TRIED),
        (case(), PastOutcome.NEVER_REACHED),
        (
            case(
                remote_contacts=(
                    contact(2, ContactResult.REFUSED),
                    contact(5, ContactResult.REACHED),
                )
            ),
            PastOutcome.REACHED,
        ),
        (
            case(
                remote_contacts=(
                    contact(5, ContactResult.REACHED),
                    contact(2, ContactResult.REFUSED),
                )
            ),
            PastOutcome.REACHED,
        ),
        (
            case(
                remote_contacts=(
                    contact(2, ContactResult.REACHED),
                    contact(5, ContactResult.REFUSED),
                    contact(6, ContactResult.NOT_REACHED),
                )
            ),
            PastOutcome.REFUSED,
        ),
        (
            case(
                remote_contacts=(
                    contact(5, ContactResult.REACHED),
                    contact(5, ContactResult.REFUSED),
                )
            ),
            PastOutcome.REFUSED,
        ),
        (
            case(
                remote_contacts=(contact(5, ContactResult.REFUSED),),
                promise=FollowUp(
                    date(2026, 3, 1), FollowUpStatus.BROKEN, broken_on=date(2026, 3, 2)
                ),
            ),
            PastOutcome.PROMISED,
        ),
    ],
)
def test_the_past_outcome_is_read_from_promises_then_the_latest_contact_that_got_through(
    facts: CaseFacts, outcome: PastOutcome
) -> None:
    assert past_outcome(facts) is outcome


money = st.decimals(min_value=0, max_value=10_000_000, places=2)
buckets = st.sampled_from(["M1", "M2", "M3", "M4", "M5", "M6", "M7+"])
purposes = st.sampled_from(list(Purpose))
results = st.lists(st.sampled_from(list(ContactResult)), max_size=4)


@given(
    a=money,
    b=money,
    principal=money,
    bucket=buckets,
    purpose=purposes,
    seen=results,
    asked=st.booleans(),
)
def test_more_due_never_lowers_the_benefit_or_the_prize(
    a: Decimal,
    b: Decimal,
    principal: Decimal,
    bucket: str,
    purpose: Purpose,
    seen: list[ContactResult],
    asked: bool,
) -> None:
    low, high = sorted((a, b))
    contacts = tuple(contact(day + 1, r) for day, r in enumerate(seen))
    strategy = with_weights(principal_weight=Decimal("0.05"))

    def score(due: Decimal) -> Priority:
        facts = case(
            total_due=due,
            outstanding_principal=principal,
            bucket=bucket,
            remote_contacts=contacts,
            borrower_asked_visit=asked,
        )
        return expected_benefit(facts, purpose, strategy)

    lower, higher = score(low), score(high)

    assert lower.expected_benefit <= higher.expected_benefit
    assert lower.prize_units <= higher.prize_units


@given(due=money, bucket=buckets, purpose=purposes, seen=results, asked=st.booleans())
def test_the_benefit_is_its_terms_multiplied_and_the_explanation_quotes_them(
    due: Decimal, bucket: str, purpose: Purpose, seen: list[ContactResult], asked: bool
) -> None:
    contacts = tuple(contact(day + 1, r) for day, r in enumerate(seen))
    facts = case(total_due=due, bucket=bucket, remote_contacts=contacts, borrower_asked_visit=asked)

    priority = expected_benefit(facts, purpose, STRATEGY)

    product = priority.base_lift
    for adjustment in priority.adjustments:
        product *= adjustment.factor
    assert priority.lift == min(Decimal(1), product)
    assert priority.expected_benefit == round_money(priority.amount_at_risk * priority.lift)
    assert Decimal(0) <= priority.expected_benefit <= priority.amount_at_risk
    assert priority.prize_units == max(1, int(priority.expected_benefit * 100))
    assert f"{priority.expected_benefit:,.2f} yuan" in priority.explanation_en
    assert f"{priority.expected_benefit:,.2f} 元" in priority.explanation_zh
    assert f"{priority.amount_at_risk:,.2f}" in priority.explanation_en


def test_days_past_due_can_weigh_in_the_amount_at_risk() -> None:
    # given a strategy that ranks by age: 10 yuan a day past due, nothing for the amount due
    strategy = with_weights(due_weight=Decimal(0), dpd_weight=Decimal(10))
    # when
    priority = expected_benefit(case(dpd=75), Purpose.FIRST_CONTACT, strategy)
    # then the amount at risk is 75 × 10 and older cases weigh more
    assert priority.amount_at_risk == Decimal("750.00")
    older = expected_benefit(case(dpd=120), Purpose.FIRST_CONTACT, strategy)
    assert older.expected_benefit > priority.expected_benefit


def test_a_random_weight_draws_a_reproducible_amount_per_case_and_day() -> None:
    # given a strategy that ranks at random (up to 1,000 yuan), nothing else
    strategy = with_weights(due_weight=Decimal(0), random_weight=Decimal(1000))
    # when the same case is scored twice on the same day, and the next day
    first = expected_benefit(case(), Purpose.FIRST_CONTACT, strategy)
    again = expected_benefit(case(), Purpose.FIRST_CONTACT, strategy)
    tomorrow = expected_benefit(case(dpd=76), Purpose.FIRST_CONTACT, strategy)
    # then the draw repeats within a day, changes from day to day, and stays in range
    assert first == again
    assert first.amount_at_risk != tomorrow.amount_at_risk
    draws = [
        expected_benefit(case(case_id=f"C-{i}"), Purpose.FIRST_CONTACT, strategy).amount_at_risk
        for i in range(200)
    ]
    assert all(Decimal(0) <= d < Decimal(1000) for d in draws)
    assert len(set(draws)) > 190
