"""A loan's status today, from the delinquency engine: the one mapping from rows to its inputs
that the case page needs (schedule of the current version, payments)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    assessment: delinquency.Assessment | None
    error: str
    schedule: tuple[ScheduleLine, ...]
    payments: tuple[Payment, ...]


def loan_status(loan: Loan, as_of: dt.date) -> LoanStatusView:
    """Assess ``loan`` at the end of ``as_of`` (two queries: schedule, payments)."""
    rows = list(
        Installment.objects.filter(loan=loan, version=loan.schedule_version).order_by("number")
    )
    payments = tuple(Payment.objects.filter(loan=loan).order_by("paid_on", "id"))
    try:
        assessment = delinquency.assess(
            delinquency.Loan(
                annual_rate=loan.annual_rate,
                installments=tuple(
                    delinquency.Installment(r.number, r.due_date, r.principal, r.interest)
                    for r in rows
                ),
                payments=tuple(delinquency.Payment(p.paid_on, p.amount) for p in payments),
                restructured_on=loan.restructured_on,
            ),
            as_of,
        )
    except delinquency.InvalidField as exc:
        # Bad data from the core system must not take the case page down; it is shown instead.
        return LoanStatusView(None, str(exc), _lines(rows, None, as_of), payments)
    return LoanStatusView(assessment, "", _lines(rows, assessment, as_of), payments)


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
