"""The seed's Illness story, as a golden test of the engine.

Given a borrower with a 60,000.00 loan at 12 % over 36 months (等额本息, due on the 15th from
January 2024) who paid 14 instalments on time, then fell ill and missed those of 2025-03-15 and
2025-04-15: on 2025-05-01 the loan is 47 days past due (M2). The visit found the income down to
sick pay and the spouse's salary. When the engine compares the remedies, then it recommends a term
extension whose payment fits half of the disposable income, and the books balance.

The same borrower with nothing to spare (income 5,300.00 against spending of 6,750.00) gets a
true payment holiday followed by an extension sized to the income expected after recovery, or,
with no recovery in sight, a referral: never a menu without a humane option.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from fieldvisit.engines.delinquency import (
    Loan,
    LoanTerms,
    Method,
    Payment,
    assess,
    build_schedule,
)
from fieldvisit.engines.restructuring import (
    DEFAULT_POLICY,
    Affordability,
    Claim,
    Line,
    Reason,
    Recommendation,
    Remedy,
    disposable_income,
    evaluate_options,
    loan_state,
    recommend,
)

D = Decimal
AS_OF = date(2025, 5, 1)
TERMS = LoanTerms(D("60000.00"), D("0.12"), 36, Method.EQUAL_INSTALLMENT, date(2024, 1, 15))
AFTER_ILLNESS = Affordability(
    income=(Line("sick pay", D("3200.00")), Line("spouse's salary", D("2800.00"))),
    fixed_costs=(
        Line("rent", D("1500.00")),
        Line("medicines", D("600.00")),
        Line("utilities", D("300.00")),
    ),
    flexible_costs=(
        Line("food and housekeeping", D("1300.00")),
        Line("personal costs", D("300.00")),
    ),
)


def illness_loan() -> Loan:
    """The loan with its first 14 instalments paid on their due dates, nothing since."""
    schedule = build_schedule(TERMS)
    payments = tuple(Payment(i.due_date, i.payment) for i in schedule[:14])
    return Loan(TERMS.annual_rate, schedule, payments)


@pytest.fixture(scope="module")
def result() -> Recommendation:
    loan = illness_loan()
    state = loan_state(loan, assess(loan, AS_OF), TERMS.method)
    return recommend(evaluate_options(state, AFTER_ILLNESS, DEFAULT_POLICY))


def test_the_borrower_is_in_m2_and_can_spare_1000_a_month() -> None:
    loan = illness_loan()

    assessment = assess(loan, AS_OF)

    assert (assessment.dpd, assessment.bucket) == (47, "M2")
    assert loan.installments[0].payment == D("1992.86")  # the old instalment no longer fits
    assert disposable_income(AFTER_ILLNESS) == D("2000.00")  # 6,000 − 2,400 − 1,600


def test_the_engine_recommends_a_term_extension_that_fits(result: Recommendation) -> None:
    best = result.verdicts[0]

    assert best.rank == 1
    assert best.option.remedy is Remedy.TERM_EXTENSION
    assert best.option.plan.months == 36
    assert best.option.payment == D("931.11")
    assert best.option.limit == D("1000.00")
    assert best.option.affordable
    assert best.option.within_cap
    assert best.option.expected_value > best.option.legal_value
    assert best.title_zh == "延长期限36个月"
    assert result.summary_en.startswith("Offer first: Term extension by 36 months")


def test_extensions_fit_and_so_do_holidays_followed_by_one(result: Recommendation) -> None:
    recommended = [
        (o.remedy, o.plan.months, o.plan.extension, o.payment) for o in result.recommended
    ]

    # A holiday of interest only (391.80 a month) is followed by the shortest extension that
    # brings the payments within 1,000.00: a holiday never means full payments.
    assert recommended == [
        (Remedy.TERM_EXTENSION, 36, None, D("931.11")),
        (Remedy.PAYMENT_HOLIDAY, 3, 34, D("999.54")),
        (Remedy.PAYMENT_HOLIDAY, 2, 33, D("999.54")),
    ]
    holiday = result.recommended[1].plan
    assert [i.payment for i in holiday.schedule[:4]] == [D("391.80")] * 3 + [D("999.54")]
    assert result.verdicts[1].explanation_zh.startswith(
        "推荐第2：3个月内只还利息，之后最高月供999.54元在借款人可承受额度1,000.00元以内"
    )
    for verdict in result.verdicts[3:]:
        assert verdict.reasons  # outranked, or unaffordable
        assert verdict.explanation_en.startswith("Not recommended: ")
        assert verdict.explanation_zh.startswith("不推荐：")


# The borrower of the issue: income 5,300.00, spending 6,750.00, nothing to spare.
SPENDING_ABOVE_INCOME = Affordability(
    income=(Line("sick pay and spouse's salary", D("5300.00")),),
    fixed_costs=(Line("rent, medicines, food, school", D("6750.00")),),
)


def options_for(affordability: Affordability) -> Recommendation:
    loan = illness_loan()
    state = loan_state(loan, assess(loan, AS_OF), TERMS.method)
    return recommend(evaluate_options(state, affordability, DEFAULT_POLICY))


def test_with_nothing_to_spare_a_recovery_in_three_months_gets_a_true_holiday() -> None:
    result = options_for(replace(SPENDING_ABOVE_INCOME, recovery_months=3))

    best = result.verdicts[0]
    plan = best.option.plan
    assert disposable_income(SPENDING_ABOVE_INCOME) == D("-1450.00")
    assert (best.rank, plan.remedy, plan.months, plan.extension) == (
        1,
        Remedy.PAYMENT_HOLIDAY,
        3,
        7,
    )
    # Nothing at all for three months, then payments within what the borrower paid before the
    # illness (1,992.86), with the penalty and compound interest waived.
    assert [i.payment for i in plan.schedule[:4]] == [D("0.00")] * 3 + [D("1925.32")]
    assert (best.option.payment, best.option.limit) == (D("1925.39"), D("1992.86"))
    assert plan.reconciliation.waived == Claim(penalty=D("50.56"), compound=D("12.22"))
    assert plan.reconciliation.balanced
    assert best.option.affordable
    assert best.option.within_cap
    assert (
        best.title_en == "Payment holiday of 3 months (nothing to pay), term extended by 7 months"
    )
    assert best.explanation_en.startswith(
        "Recommended, rank 1: nothing to pay for 3 months, then the largest monthly payment "
        "1,925.39 fits the borrower's limit once their income recovers of 1,992.86"
    )


def test_the_income_after_recovery_sizes_the_extension() -> None:
    result = options_for(
        replace(SPENDING_ABOVE_INCOME, recovery_months=3, income_after_recovery=D("9000.00"))
    )

    plan = result.recommended[0].plan
    # (9,000.00 − 6,750.00) × 0.5 = 1,125.00 a month once recovered
    assert (plan.remedy, plan.months, plan.extension) == (Remedy.PAYMENT_HOLIDAY, 3, 29)
    assert result.recommended[0].limit == D("1125.00")
    assert max(i.payment for i in plan.schedule) <= D("1125.00")


def test_with_nothing_to_spare_and_no_recovery_in_sight_the_borrower_is_referred() -> None:
    result = options_for(SPENDING_ABOVE_INCOME)

    best = result.verdicts[0]
    assert (best.rank, best.option.remedy, best.option.plan.months) == (1, Remedy.REFERRAL, 3)
    assert best.option.plan.schedule == ()
    assert best.title_zh == "转介困难帮扶，暂停催收3个月"
    assert result.summary_zh.startswith("没有还款方案在借款人目前的承受能力之内：建议转介困难帮扶")
    # The holidays are still on the menu, and none of them asks full payments while it lasts.
    holidays = [v for v in result.verdicts if v.option.remedy is Remedy.PAYMENT_HOLIDAY]
    assert [v.option.plan.months for v in holidays] == [3, 2, 1]
    for verdict in holidays:
        plan = verdict.option.plan
        assert all(not i.payment for i in plan.schedule[: plan.months])
        assert Reason.UNAFFORDABLE in verdict.reasons


def test_the_extension_reconciles_to_the_cent(result: Recommendation) -> None:
    plan = result.recommended[0].plan
    rec = plan.reconciliation

    # 39,180.33 principal (3,218.13 overdue), 767.59 interest, 50.56 penalty, 12.22 compound
    assert rec.before.principal == D("39180.33")
    assert rec.before.interest == D("767.59")
    assert (rec.waived.penalty, rec.waived.compound) == (D("50.56"), D("12.22"))
    assert sum(i.principal for i in plan.schedule) == D("39180.33")
    assert sum(i.arrears_interest for i in plan.schedule) == D("767.59")
    assert len(plan.schedule) == 20 + 36
    assert plan.schedule[0].due_date == date(2025, 5, 15)
    assert plan.schedule[-1].due_date == date(2029, 12, 15)
    assert rec.balanced
