"""Present values, the legal route, the cost cap and the chance of success."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from decimal import Decimal

from fieldvisit.engines.restructuring import (
    DEFAULT_POLICY,
    Affordability,
    Line,
    LoanState,
    Means,
    Remedy,
    Treatment,
    all_in_annual_rate,
    build_plans,
    discount_factor,
    evaluate_options,
    legal_route,
    present_value,
    success_probability,
    within_cap,
)
from fieldvisit.engines.restructuring.value import cap_basis
from tests.engines.restructuring.restructuring_cases import small_state

D = Decimal
ROOMY = Means(limit=D("100000.00"), lump_sum=D("0.00"))


def test_a_year_discounts_by_exactly_the_cost_of_funds() -> None:
    factor = discount_factor(date(2025, 1, 1), date(2026, 1, 1), D("0.03"))

    assert round(factor, 20) == round(1 / D("1.03"), 20)
    assert discount_factor(date(2025, 1, 1), date(2025, 1, 1), D("0.03")) == 1


def test_the_legal_route_recovers_a_share_of_the_claim_later_less_its_cost(
    state: LoanState,
) -> None:
    route = legal_route(state, DEFAULT_POLICY)

    # 3,122.00 × 0.45 = 1,404.90 on 2026-11-01 (549 days), minus 3,000.00 at once
    assert route.claim == D("3122.00")
    assert route.recovered == D("1404.90")
    assert route.recovered_on == date(2026, 11, 1)
    expected = 1404.90 * 1.03 ** (-549 / 365) - 3000
    assert route.expected_value == D("-1656.19")
    assert abs(float(route.expected_value) - expected) < 0.005


def test_a_later_legal_route_is_discounted_from_its_start(state: LoanState) -> None:
    later = legal_route(state, DEFAULT_POLICY, date(2025, 6, 15))

    assert later.recovered_on == date(2026, 12, 15)
    assert later.expected_value > legal_route(state, DEFAULT_POLICY).expected_value  # cost later


def test_present_value_discounts_each_payment_from_its_due_date(state: LoanState) -> None:
    (plan,) = build_plans(
        state,
        replace(DEFAULT_POLICY, allowed_remedies=(Remedy.SETTLEMENT,)),
        Means(D("0"), D("2800.00")),
    )

    # 2,800.00 on May 15, 14 days after as_of
    # 2,800.00 × 1.03^(−14/365) = 2,800.00 × 0.998867… = 2,796.83
    assert present_value(plan.schedule, state.as_of, D("0.03")) == D("2796.83")
    assert abs(2800 * 1.03 ** (-14 / 365) - 2796.83) < 0.005


def test_a_plan_at_the_contract_rate_costs_the_contract_rate() -> None:
    state = replace(small_state(), arrears_interest=D("0"), penalty=D("0"), compound=D("0"))
    policy = replace(DEFAULT_POLICY, allowed_remedies=(Remedy.TERM_EXTENSION,))
    plan = next(p for p in build_plans(state, policy, ROOMY) if p.months == 12)

    rate = all_in_annual_rate(plan, cap_basis(state.claim))

    assert rate is not None
    assert abs(rate - D("0.12")) < D("0.00002")


def test_capitalised_penalty_at_a_contract_rate_equal_to_the_cap_exceeds_it() -> None:
    state = small_state("0.24")
    capitalise = replace(
        DEFAULT_POLICY,
        allowed_remedies=(Remedy.TERM_EXTENSION,),
        interest_treatment=Treatment.CAPITALISE,
        charges_treatment=Treatment.CAPITALISE,
    )
    waive = replace(capitalise, charges_treatment=Treatment.WAIVE)
    basis = cap_basis(state.claim)

    charged = build_plans(state, capitalise, ROOMY)[-1]
    waived = build_plans(state, waive, ROOMY)[-1]

    assert not within_cap(charged, basis, D("0.24"))
    assert within_cap(waived, basis, D("0.24"))  # at exactly the cap, to the rounding tolerance
    rate = all_in_annual_rate(charged, basis)
    assert rate is not None
    assert rate > D("0.24")


def test_success_is_the_logistic_of_margin_and_plan_length() -> None:
    at_limit = success_probability(D("0"), D("0"), DEFAULT_POLICY)
    roomy = success_probability(D("0.5"), D("0"), DEFAULT_POLICY)
    long = success_probability(D("0.5"), D("5"), DEFAULT_POLICY)

    assert at_limit == D(repr(round(1 / (1 + math.exp(-0.5)), 4)))  # 0.6225
    assert roomy == D("0.9241")  # z = 0.5 + 4 × 0.5
    assert long == D("0.8808")  # z = 2.5 − 0.1 × 5


def test_a_settlement_is_judged_against_the_lump_sum_not_the_monthly_limit(
    state: LoanState,
) -> None:
    affordability = Affordability(
        income=(Line("salary", D("1000.00")),), lump_sum_available=D("2800.00")
    )
    policy = replace(DEFAULT_POLICY, allowed_remedies=(Remedy.CATCH_UP, Remedy.SETTLEMENT))

    options = evaluate_options(state, affordability, policy)

    settlement = options[-1]
    assert settlement.remedy is Remedy.SETTLEMENT
    assert settlement.limit == D("2800.00")
    assert settlement.payment == D("2800.00")
    assert settlement.affordable
    assert options[0].limit == D("500.00")  # half of 1,000.00
    assert not options[0].affordable


def test_expected_value_mixes_the_plan_and_the_legal_route_after_failure(
    state: LoanState,
) -> None:
    affordability = Affordability(income=(Line("salary", D("4000.00")),))
    policy = replace(DEFAULT_POLICY, allowed_remedies=(Remedy.CATCH_UP,))

    option = evaluate_options(state, affordability, policy)[0]

    p = option.success_probability
    assert option.failure_value == legal_route(state, policy, date(2025, 5, 15)).expected_value
    assert option.expected_value == round(p * option.plan_value + (1 - p) * option.failure_value, 2)
    assert option.legal_value == legal_route(state, policy).expected_value
