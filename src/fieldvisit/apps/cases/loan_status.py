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
from fieldvisit.apps.remedies.models import RemedyProposal
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
    """``payments`` are all the loan's payments; ``superseded`` the ids of those made before the
    restructuring, which do not count against the current schedule; ``early`` the ids of those
    made before the restructuring was applied but dated from the day it takes effect on, which
    count against the new schedule (paid after the remedy was agreed, before it was in force)."""

    assessment: delinquency.Assessment | None
    error: str
    schedule: tuple[ScheduleLine, ...]
    payments: tuple[Payment, ...]
    superseded: frozenset[int] = frozenset()
    early: frozenset[int] = frozenset()


def loan_status(loan: Loan, as_of: dt.date) -> LoanStatusView:
    """Assess ``loan`` at the end of ``as_of`` under the policy in force that day, as the nightly
    batch does (three queries: policy, schedule, payments; a fourth for a restructured loan: the
    day its restructuring was applied)."""
    rows = schedule_rows(loan)
    payments = tuple(Payment.objects.filter(loan=loan).order_by("paid_on", "id"))
    superseded = frozenset(
        p.pk for p in payments if not counts_against_schedule(p.paid_on, loan.restructured_on)
    )
    applied_on = restructuring_applied_on(loan)
    early = frozenset(
        p.pk
        for p in payments
        if applied_on is not None and p.pk not in superseded and p.paid_on < applied_on
    )
    try:
        assessment = delinquency.assess(
            to_engine_loan(loan, rows, payments), as_of, delinquency_policy_for(as_of)
        )
    except delinquency.InvalidField as exc:
        # Bad data from the core system must not take the case page down; it is shown instead.
        return LoanStatusView(
            None, str(exc), _lines(rows, None, as_of), payments, superseded, early
        )
    return LoanStatusView(
        assessment, "", _lines(rows, assessment, as_of), payments, superseded, early
    )


def restructuring_applied_on(loan: Loan) -> dt.date | None:
    """The day the remedy that wrote the loan's current schedule was applied (None if none)."""
    if loan.restructured_on is None:
        return None
    return (
        RemedyProposal.objects.filter(loan=loan, new_version=loan.schedule_version)
        .values_list("applied_on", flat=True)
        .first()
    )


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
