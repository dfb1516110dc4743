"""The one mapping between rows and the engines for remedies and legal: loans → the delinquency
engine's ``Loan``, visit reports → ``Affordability``, settings → ``RemedyPolicy``, and the
engine's options → the JSON snapshot a proposal keeps.

Loans are read by :mod:`fieldvisit.apps.loans.engine_io`, the one mapping the case page and the
nightly batch's book reader share (a restructured loan counts only payments dated on or after
``restructured_on``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from fieldvisit.apps.delinquency.selectors import delinquency_policy_for
from fieldvisit.apps.loans import engine_io as loan_io
from fieldvisit.apps.loans.engine_io import to_engine_loan
from fieldvisit.apps.loans.models import Installment, Loan, Payment
from fieldvisit.engines import delinquency
from fieldvisit.engines.restructuring import (
    Affordability,
    Claim,
    Line,
    LoanState,
    Option,
    Plan,
    Recommendation,
    RemedyPolicy,
    Verdict,
    evaluate_options,
    loan_state,
    recommend,
)


def loan_schedule_rows(loan: Loan, version: int | None = None) -> list[Installment]:
    """The instalment rows of ``version`` (default: the loan's current one), in order."""
    return loan_io.schedule_rows(loan, version)


def loan_payments(loan: Loan, as_of: dt.date | None = None) -> list[Payment]:
    """The payments that count against the current schedule (module rules), oldest first."""
    return list(loan_io.counted_payments(loan, as_of))


@dataclass(frozen=True)
class LoanPosition:
    """A loan assessed at the end of ``as_of`` under the policy in force that day;
    ``payment_ids`` are the payments the assessment counted (read once, with it)."""

    loan: delinquency.Loan
    assessment: delinquency.Assessment
    policy: delinquency.DelinquencyPolicy
    payment_ids: tuple[int, ...] = ()


def loan_position(loan: Loan, as_of: dt.date) -> LoanPosition:
    policy = delinquency_policy_for(as_of)
    payments = list(loan_io.counted_payments(loan, as_of))
    engine = to_engine_loan(loan, loan_io.schedule_rows(loan), payments)
    return LoanPosition(
        engine, delinquency.assess(engine, as_of, policy), policy, tuple(p.pk for p in payments)
    )


def remedy_policy() -> RemedyPolicy:
    """The institution's remedy policy: the engine's defaults with ``settings.REMEDY_POLICY``."""
    return RemedyPolicy.from_mapping(getattr(settings, "REMEDY_POLICY", {}))


def policy_as_mapping(policy: RemedyPolicy) -> dict[str, Any]:
    """The policy as JSON values that :meth:`RemedyPolicy.from_mapping` reads back."""
    from dataclasses import fields

    def plain(value: Any) -> Any:
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        if isinstance(value, Decimal):
            return str(value)
        if hasattr(value, "value"):
            return value.value
        if value is None:
            return "keep"
        return value

    return {f.name: plain(getattr(policy, f.name)) for f in fields(policy)}


# --- Income and spending ---------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyTotals:
    """The four monthly totals the proposal form asks for when there is no visit report."""

    income: Decimal
    fixed_costs: Decimal
    flexible_costs: Decimal
    other_debts: Decimal


def affordability_from_report(report: Any, lump_sum: Decimal = Decimal("0.00")) -> Affordability:
    """The report's income and spending lines, by SFS section, as the engine's Affordability."""
    sections: dict[str, list[Line]] = {"income": [], "fixed": [], "flexible": [], "debts": []}
    for line in report.money_lines.all().order_by("id"):
        if line.amount:
            sections[line.section].append(Line(line.category, line.amount))
    return Affordability(
        income=tuple(sections["income"]),
        fixed_costs=tuple(sections["fixed"]),
        flexible_costs=tuple(sections["flexible"]),
        other_debt_payments=tuple(sections["debts"]),
        lump_sum_available=lump_sum,
    )


def affordability_from_totals(
    totals: MonthlyTotals, lump_sum: Decimal = Decimal("0.00")
) -> Affordability:
    def one(label: str, amount: Decimal) -> tuple[Line, ...]:
        return (Line(label, amount),) if amount else ()

    return Affordability(
        income=one("income", totals.income),
        fixed_costs=one("fixed", totals.fixed_costs),
        flexible_costs=one("flexible", totals.flexible_costs),
        other_debt_payments=one("debts", totals.other_debts),
        lump_sum_available=lump_sum,
    )


def affordability_as_json(affordability: Affordability) -> dict[str, Any]:
    def lines(items: Iterable[Line]) -> list[list[str]]:
        return [[line.label, str(line.amount)] for line in items]

    return {
        "income": lines(affordability.income),
        "fixed_costs": lines(affordability.fixed_costs),
        "flexible_costs": lines(affordability.flexible_costs),
        "other_debt_payments": lines(affordability.other_debt_payments),
        "lump_sum_available": str(affordability.lump_sum_available),
    }


# --- Options ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    """Everything a new proposal stores: the state, the recommendation, the inputs, and the
    payments the claim counts."""

    state: LoanState
    recommendation: Recommendation
    policy: RemedyPolicy
    affordability: Affordability
    payment_ids: tuple[int, ...] = ()


def compute_options(loan: Loan, as_of: dt.date, affordability: Affordability) -> Computed:
    """Assess the loan at ``as_of``, build its state and let the engine compare every remedy."""
    position = loan_position(loan, as_of)
    state = loan_state(position.loan, position.assessment, delinquency.Method(loan.method))
    policy = remedy_policy()
    options = evaluate_options(state, affordability, policy)
    return Computed(state, recommend(options), policy, affordability, position.payment_ids)


def option_key(plan: Plan) -> str:
    """A stable name for an option: remedy, months, rate, waiver and discount shares."""
    parts = [
        plan.remedy.value,
        str(plan.months or 0),
        str(plan.rate),
        str(plan.waiver_share if plan.waiver_share is not None else "-"),
        str(plan.discount_share.quantize(Decimal("0.0001")) if plan.discount_share else "-"),
    ]
    return ":".join(parts)


def claim_as_json(claim: Claim) -> dict[str, str]:
    return {
        "principal": str(claim.principal),
        "interest": str(claim.interest),
        "penalty": str(claim.penalty),
        "compound": str(claim.compound),
        "total": str(claim.total),
    }


def verdict_as_json(verdict: Verdict) -> dict[str, Any]:
    """One option with its verdict, schedule and reconciliation, as JSON (money as strings)."""
    option: Option = verdict.option
    plan = option.plan
    reconciliation = plan.reconciliation

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "key": option_key(plan),
        "remedy": plan.remedy.value,
        "months": plan.months,
        "rate": str(plan.rate),
        "waiver_share": text(plan.waiver_share),
        "discount_share": text(plan.discount_share),
        "rank": verdict.rank,
        "reasons": [r.value for r in verdict.reasons],
        "title_zh": verdict.title_zh,
        "title_en": verdict.title_en,
        "explanation_zh": verdict.explanation_zh,
        "explanation_en": verdict.explanation_en,
        "payment": str(option.payment),
        "limit": str(option.limit),
        "affordable": option.affordable,
        "margin": str(option.margin),
        "all_in_annual_rate": text(option.all_in_annual_rate),
        "within_cap": option.within_cap,
        "cap_annual_rate": str(option.cap_annual_rate),
        "success_probability": str(option.success_probability),
        "plan_value": str(option.plan_value),
        "expected_value": str(option.expected_value),
        "legal_value": str(option.legal_value),
        "total_cost": str(plan.total_cost),
        "new_interest": str(plan.new_interest),
        "installments": len(plan.schedule),
        # A referral changes no schedule: no dates.
        "first_due": plan.schedule[0].due_date.isoformat() if plan.schedule else None,
        "last_due": plan.schedule[-1].due_date.isoformat() if plan.schedule else None,
        "extension": plan.extension,
        "schedule": [
            {
                "number": i.number,
                "due_date": i.due_date.isoformat(),
                "principal": str(i.principal),
                "interest": str(i.interest),
                "arrears_interest": str(i.arrears_interest),
                "arrears_penalty": str(i.arrears_penalty),
                "arrears_compound": str(i.arrears_compound),
                "payment": str(i.payment),
            }
            for i in plan.schedule
        ],
        "reconciliation": {
            "before": claim_as_json(reconciliation.before),
            "repaid": claim_as_json(reconciliation.repaid),
            "capitalised": claim_as_json(reconciliation.capitalised),
            "waived": claim_as_json(reconciliation.waived),
            "discount": claim_as_json(reconciliation.discount),
            "balanced": reconciliation.balanced,
        },
    }


@dataclass(frozen=True)
class NewRow:
    """One instalment of the applied schedule as the loan stores it (principal and interest)."""

    number: int
    due_date: dt.date
    principal: Decimal
    interest: Decimal


def schedule_rows(option: dict[str, Any]) -> list[NewRow]:
    """The chosen option's schedule as loan instalments.

    ``Installment`` has two columns. The principal column repays principal (capitalised amounts
    included); the interest column carries everything else the plan asks for on that date: the
    plan's own interest and any arrears of interest, penalty or compound interest it carries
    or spreads. So the new schedule's payments are exactly the plan's, and an unpaid part of the
    old charges accrues compound interest (复利) like interest if the instalment is missed.
    """
    return [
        NewRow(
            number=row["number"],
            due_date=dt.date.fromisoformat(row["due_date"]),
            principal=Decimal(row["principal"]),
            interest=Decimal(row["interest"])
            + Decimal(row["arrears_interest"])
            + Decimal(row["arrears_penalty"])
            + Decimal(row["arrears_compound"]),
        )
        for row in option["schedule"]
    ]
