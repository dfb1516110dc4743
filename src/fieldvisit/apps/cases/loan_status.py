"""A loan's status today, from the delinquency engine, for the case page and the visit brief.

Rows become engine input through :mod:`fieldvisit.apps.loans.engine_io`, the mapping the remedies
and legal code use and the nightly batch's book reader mirrors: a restructured loan counts only
the payments made on or after ``restructured_on`` (the page still lists every payment, and marks
the earlier ones as paying the superseded schedule)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fieldvisit.apps.delinquency.selectors import delinquency_policy_for
from fieldvisit.apps.loans.engine_io import counts_against_schedule, schedule_rows, to_engine_loan
from fieldvisit.apps.loans.models import Installment, Loan, Payment
from fieldvisit.engines import delinquency


@dataclass(frozen=True)
class ScheduleLine:
    """One instalment for display: ``state`` is "paid", "overdue" or "due"."""

    number: int
    due_date: dt.date
    principal: object
    interest: object
    unpaid_principal: object
    unpaid_interest: object
    settled_on: dt.date | None
    state: str


@dataclass(frozen=True)
class LoanStatusView:
    """``payments`` are all the loan's payments; ``superseded`` the ids of those
    made before the restructuring, which do not count against the current schedule."""

    assessment: delinquency.Assessment | None
    error: str
    schedule: tuple[ScheduleLine, ...]
    payments: tuple[Payment, ...]
    superseded: frozenset[int] = frozenset()


def loan_status(loan: Loan, as_of: dt.date) -> LoanStatusView:
    """Assess ``loan`` at the end of ``as_of`` under the policy in force that day, as the nightly
    batch does (three queries: policy, schedule, payments)."""
    rows = schedule_rows(loan)
    payments = tuple(Payment.objects.filter(loan=loan).order_by("paid_on", "id"))
    superseded = frozenset(
        p.pk for p in payments if not counts_against_schedule(p.paid_on, loan.restructured_on)
    )
    try:
        assessment = delinquency.assess(
            to_engine_loan(loan, rows, payments), as_of, delinquency_policy_for(as_of)
        )
    except delinquency.InvalidField as exc:
        # Bad data from the core system must not take the case page down; it is shown instead.
        return LoanStatusView(None, str(exc), _lines(rows, None, as_of), payments, superseded)
    return LoanStatusView(assessment, "", _lines(rows, assessment, as_of), payments, superseded)


def _lines(
    rows: list[Installment], assessment: delinquency.Assessment | None, as_of: dt.date
) -> tuple[ScheduleLine, ...]:
    positions = {p.number: p for p in assessment.installments} if assessment else {}
    lines = []
    for row in rows:
        position = positions.get(row.number)
        unpaid_p = position.unpaid_principal if position else row.principal
        unpaid_i = position.unpaid_interest if position else row.interest
        if position is not None and position.settled_on is not None:
            state = "paid"
        elif row.due_date < as_of:
            state = "overdue"
        else:
            state = "due"
        lines.append(
            ScheduleLine(
                number=row.number,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
                unpaid_principal=unpaid_p,
                unpaid_interest=unpaid_i,
                settled_on=position.settled_on if position else None,
                state=state,
            )
        )
    return tuple(lines)
