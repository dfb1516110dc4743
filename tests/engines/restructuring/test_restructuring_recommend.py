"""recommend(): the affordable options best for the lender, and why each other option is not."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from fieldvisit.engines.delinquency import InvalidField
from fieldvisit.engines.restructuring import (
    DEFAULT_POLICY,
    Affordability,
    Line,
    LoanState,
    Option,
    Reason,
    Remedy,
    evaluate_options,
    recommend,
)

D = Decimal


@pytest.fixture
def options(state: LoanState) -> tuple[Option, ...]:
    """The small loan's three catch-up plans (3, 6, 12 months), for a roomy borrower."""
    affordability = Affordability(income=(Line("salary", D("10000.00")),))
    policy = replace(DEFAULT_POLICY, allowed_remedies=(Remedy.CATCH_UP,))
    return evaluate_options(state, affordability, policy)


def with_figures(option: Option, **changes: object) -> Option:
    base: dict[str, object] = {
        "affordable": True,
        "within_cap": True,
        "legal_value": D("50.00"),
    }
    base.update(changes)
    return replace(option, **base)


def test_the_best_affordable_option_for_the_lender_comes_first(
    options: tuple[Option, ...],
) -> None:
    three, six, twelve = options
    result = recommend(
        [
            with_figures(three, expected_value=D("100.00")),
            with_figures(six, expected_value=D("300.00")),
            with_figures(twelve, expected_value=D("200.00")),
        ]
    )

    assert [o.plan.months for o in result.recommended] == [6, 12, 3]
    assert [v.rank for v in result.verdicts] == [1, 2, 3]
    assert all(v.reasons == () for v in result.verdicts)


def test_each_reason_keeps_an_option_out_however_valuable(options: tuple[Option, ...]) -> None:
    three, six, twelve = options
    result = recommend(
        [
            with_figures(three, expected_value=D("900.00"), affordable=False),
            with_figures(six, expected_value=D("800.00"), within_cap=False),
            with_figures(twelve, expected_value=D("40.00")),
        ]
    )

    assert result.recommended == ()
    reasons = {v.option.plan.months: v.reasons for v in result.verdicts}
    assert reasons == {
        3: (Reason.UNAFFORDABLE,),
        6: (Reason.OVER_CAP,),
        12: (Reason.WORSE_THAN_LEGAL,),
    }


def test_eligible_options_beyond_the_maximum_are_outranked(options: tuple[Option, ...]) -> None:
    three, six, twelve = options
    result = recommend(
        [
            with_figures(three, expected_value=D("100.00")),
            with_figures(six, expected_value=D("300.00")),
            with_figures(twelve, expected_value=D("200.00")),
        ],
        max_recommended=1,
    )

    assert [o.plan.months for o in result.recommended] == [6]
    assert [(v.option.plan.months, v.reasons) for v in result.verdicts[1:]] == [
        (12, (Reason.OUTRANKED,)),
        (3, (Reason.OUTRANKED,)),
    ]


def test_ties_in_value_go_to_the_lower_payment(options: tuple[Option, ...]) -> None:
    three, six, _ = options
    result = recommend(
        [
            with_figures(three, expected_value=D("100.00")),
            with_figures(six, expected_value=D("100.00")),
        ]
    )

    assert [o.plan.months for o in result.recommended] == [6, 3]


def test_explanations_give_the_figures_in_both_languages(options: tuple[Option, ...]) -> None:
    three = with_figures(
        options[0],
        payment=D("1394.02"),
        limit=D("5000.00"),
        success_probability=D("0.9"),
        expected_value=D("3000.00"),
        legal_value=D("-1656.19"),
    )
    refused = with_figures(options[1], payment=D("1207.02"), limit=D("1000.00"), affordable=False)

    best, other = recommend([three, refused]).verdicts

    assert best.title_zh == "3个月补还逾期计划"
    assert best.title_en == "Catch-up plan over 3 months"
    assert best.explanation_zh == (
        "推荐第1：最高月供1,394.02元在借款人可承受额度5,000.00元以内；综合年化成本未超上限；"
        "预计履约概率90.00%；机构预期回收现值3,000.00元，高于诉讼途径的-1,656.19元。"
    )
    assert best.explanation_en == (
        "Recommended, rank 1: the largest monthly payment 1,394.02 fits the borrower's limit of "
        "5,000.00; the all-in cost is within the cap; chance of success 90.00%; expected value "
        "to the lender 3,000.00 against -1,656.19 through the courts."
    )
    assert other.explanation_zh == "不推荐：最高月供1,207.02元超过借款人可承受额度1,000.00元。"
    assert other.explanation_en == (
        "Not recommended: the largest monthly payment 1,207.02 is above the borrower's limit of "
        "1,000.00."
    )


def test_the_summary_says_when_nothing_fits(options: tuple[Option, ...]) -> None:
    result = recommend([with_figures(o, affordable=False) for o in options])

    assert result.summary_en.startswith("No option fits the borrower's means")
    assert result.summary_zh.startswith("没有方案在借款人的承受能力之内")


def test_an_over_cap_option_names_its_cost_and_the_cap(options: tuple[Option, ...]) -> None:
    over = with_figures(options[0], within_cap=False, all_in_annual_rate=D("0.2712"))

    (verdict,) = recommend([over]).verdicts

    assert verdict.explanation_en == (
        "Not recommended: its all-in annual cost 27.12% is above the cap of 24.00%."
    )
    assert verdict.explanation_zh == "不推荐：综合年化成本27.12%超过上限24.00%。"


def test_recommend_refuses_nothing_to_compare() -> None:
    with pytest.raises(InvalidField, match=r"^options: there must be at least one option"):
        recommend([])
