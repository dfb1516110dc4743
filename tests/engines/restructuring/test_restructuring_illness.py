"""The seed's Illness story, as a golden test of the engine.

Given a borrower with a 60,000.00 loan at 12 % over 36 months (等额本息, due on the 15th from
January 2024) who paid 14 instalments on time, then fell ill and missed those of 2025-03-15 and
2025-04-15: on 2025-05-01 the loan is 47 days past due (M2). The visit found the income down to
sick pay and the spouse's salary. When the engine compares the remedies, then it recommends a term
extension whose payment fits half of the disposable income, and the books balance.
"""

from __future__ import annotations

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


def test_only_term_extensions_fit_and_the_rest_say_why(result: Recommendation) -> None:
    recommended = [(o.remedy, o.plan.months, o.payment) for o in result.recommended]

    # 31 months is the shortest extension that fits 1,000.00
    assert recommended == [
        (Remedy.TERM_EXTENSION, 36, D("931.11")),
        (Remedy.TERM_EXTENSION, 31, D("999.54")),
    ]
    for verdict in result.verdicts[2:]:
        assert Reason.UNAFFORDABLE in verdict.reasons
        assert verdict.explanation_en.startswith("Not recommended: ")
        assert verdict.explanation_zh.startswith("不推荐：")


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
