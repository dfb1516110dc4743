"""A small book built with factories, and the one-loan engine's view of the same loans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from fieldvisit.apps.loans.models import Loan as LoanRow
from fieldvisit.engines.delinquency.assess import Loan, Payment
from fieldvisit.engines.delinquency.schedule import LoanTerms, Method, build_schedule
from tests.factories import LoanFactory, PaymentFactory


def engine_loan(loan: LoanRow) -> Loan:
    """The one-loan engine input of a factory loan, built from its terms (not from the rows the
    batch reads), counting payments from the restructuring day as the batch's mapping does."""
    terms = LoanTerms(
        principal=Decimal(loan.principal),
        annual_rate=Decimal(loan.annual_rate),
        months=loan.term_months,
        method=Method(loan.method),
        first_due=loan.first_due_date,
    )
    payments = tuple(
        Payment(paid_on=p.paid_on, amount=Decimal(p.amount))
        for p in loan.payments.order_by("paid_on", "id")
        if loan.restructured_on is None or p.paid_on >= loan.restructured_on
    )
    return Loan(
        annual_rate=Decimal(loan.annual_rate),
        installments=build_schedule(terms),
        payments=payments,
        restructured_on=loan.restructured_on,
    )


def pay_instalments(loan: LoanRow, numbers: range, *, late_days: int = 0) -> None:
    """Pay instalments ``numbers`` in full, each ``late_days`` after its due date."""
    for inst in loan.installments.filter(number__in=list(numbers)):
        PaymentFactory(
            loan=loan,
            paid_on=inst.due_date + dt.timedelta(days=late_days),
            amount=inst.principal + inst.interest,
        )


@dataclass
class Book:
    prompt: LoanRow  # pays every instalment on its due date
    late: LoanRow  # paid January only: delinquent from February
    partial: LoanRow  # paid January, part of February, late
    restructured: LoanRow  # restructured in February; a payment before it does not count
    principal_method: LoanRow  # equal principal, paid ahead and overpaid

    def all(self) -> list[LoanRow]:
        return [self.prompt, self.late, self.partial, self.restructured, self.principal_method]


@pytest.fixture
def book(db) -> Book:
    """Five loans with monthly instalments due on the 15th from 2025-01-15."""
    prompt = LoanFactory()
    pay_instalments(prompt, range(1, 5))
    late = LoanFactory(principal=Decimal("50000.00"), annual_rate=Decimal("0.180000"))
    pay_instalments(late, range(1, 2))
    partial = LoanFactory(method="interest_only", annual_rate=Decimal("0.072000"))
    pay_instalments(partial, range(1, 2), late_days=3)
    PaymentFactory(loan=partial, paid_on=dt.date(2025, 2, 20), amount=Decimal("30.00"))
    restructured = LoanFactory(
        first_due_date=dt.date(2025, 3, 1),
        restructured_on=dt.date(2025, 2, 1),
        annual_rate=Decimal("0.049000"),
        term_months=24,
    )
    PaymentFactory(loan=restructured, paid_on=dt.date(2025, 1, 20), amount=Decimal("5000.00"))
    pay_instalments(restructured, range(1, 2), late_days=10)
    principal_method = LoanFactory(method="equal_principal", principal=Decimal("9999.99"))
    PaymentFactory(loan=principal_method, paid_on=dt.date(2025, 1, 10), amount=Decimal("4000.00"))
    return Book(prompt, late, partial, restructured, principal_method)
