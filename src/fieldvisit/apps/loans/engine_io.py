"""The one mapping from a loan's rows to the delinquency engine's ``Loan``, for every page and
service that assesses a loan one at a time (case page, visit brief, remedies, legal pack).

Mapping rules (the nightly batch's book reader, ``apps/delinquency/book_reader.py``, applies the
same ones in SQL; ``tests/apps/loans/test_engine_io.py`` holds them equal):

* a loan's schedule is its instalments of version ``Loan.schedule_version``;
* a restructured loan counts only payments dated on or after ``restructured_on``
  (:func:`counts_against_schedule`): earlier ones paid the superseded schedule, whose balance the
  new schedule already carries;
* payments after ``as_of`` are not read; same-day payments keep their booking order (id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet

from fieldvisit.apps.loans.models import Installment, Loan, Payment
from fieldvisit.engines import delinquency


def counts_against_schedule(paid_on: dt.date, restructured_on: dt.date | None) -> bool:
    """Whether a payment made on ``paid_on`` counts against the loan's current schedule."""
    return restructured_on is None or paid_on >= restructured_on


def schedule_rows(loan: Loan, version: int | None = None) -> list[Installment]:
    """The instalment rows of ``version`` (default: the loan's current one), in order."""
    return list(
        Installment.objects.filter(loan=loan, version=version or loan.schedule_version).order_by(
            "number"
        )
    )


def counted_payments(loan: Loan, as_of: dt.date | None = None) -> QuerySet[Payment]:
    """The payments that count against the current schedule (module rules), oldest first."""
    payments = Payment.objects.filter(loan=loan)
    if loan.restructured_on is not None:
        payments = payments.filter(paid_on__gte=loan.restructured_on)
    if as_of is not None:
        payments = payments.filter(paid_on__lte=as_of)
    return payments.order_by("paid_on", "id")


def to_engine_loan(
    loan: Loan, rows: Iterable[Installment], payments: Iterable[Payment]
) -> delinquency.Loan:
    """``loan`` as the engine sees it, from rows already read; ``payments`` may hold every
    payment of the loan: those that do not count against the schedule are left out here."""
    return delinquency.Loan(
        annual_rate=Decimal(loan.annual_rate),
        installments=tuple(
            delinquency.Installment(r.number, r.due_date, r.principal, r.interest) for r in rows
        ),
        payments=tuple(
            delinquency.Payment(p.paid_on, p.amount)
            for p in payments
            if counts_against_schedule(p.paid_on, loan.restructured_on)
        ),
        restructured_on=loan.restructured_on,
    )


def engine_loan(loan: Loan, as_of: dt.date | None = None) -> delinquency.Loan:
    """``loan`` as the delinquency engine sees it (two queries)."""
    return to_engine_loan(loan, schedule_rows(loan), counted_payments(loan, as_of))


def engine_loans(loans: Iterable[Loan], as_of: dt.date) -> dict[int, delinquency.Loan]:
    """Many loans as the engine sees them at ``as_of``, by loan id (two queries in all).

    A loan without an instalment of its current version is left out (the engine needs one).
    """
    by_id = {loan.pk: loan for loan in loans}
    if not by_id:
        return {}
    rows: dict[int, list[Installment]] = {pk: [] for pk in by_id}
    for row in Installment.objects.filter(loan_id__in=list(by_id)).order_by("loan_id", "number"):
        if row.version == by_id[row.loan_id].schedule_version:
            rows[row.loan_id].append(row)
    payments: dict[int, list[Payment]] = {pk: [] for pk in by_id}
    for payment in Payment.objects.filter(loan_id__in=list(by_id), paid_on__lte=as_of).order_by(
        "paid_on", "id"
    ):
        payments[payment.loan_id].append(payment)
    return {
        pk: to_engine_loan(loan, rows[pk], payments[pk]) for pk, loan in by_id.items() if rows[pk]
    }
