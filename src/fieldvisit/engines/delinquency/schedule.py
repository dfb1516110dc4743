"""Repayment schedules: 等额本息, 等额本金 and 先息后本, monthly.

Conventions (design.md, "Conventions the engines share"):

* Instalment k (1-based) falls due k − 1 months after the first due date, on the first due date's
  day of month, clamped to the month's last day (first due Jan 31 → Feb 28 or 29 → Mar 31 → …).
* Scheduled interest of a period = outstanding principal × annual rate / 12, rounded half-up to
  0.01.
* ``equal_installment``: payment = annuity P·r / (1 − (1 + r)^−n), r = annual rate / 12, rounded
  to 0.01; principal part = payment − interest; the last instalment takes all remaining principal,
  so the principal parts sum exactly to the loan amount.
* ``equal_principal``: principal part = P / n rounded to 0.01; the last instalment takes the rest.
* ``interest_only``: interest every month, all principal with the last instalment.
* No instalment's principal part exceeds what is still outstanding (this only binds for loans of a
  few yuan over many months, where rounding up every payment would otherwise overpay).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.money import ZERO, is_cents, round_money

MAX_MONTHS = 600


class Method(StrEnum):
    """Repayment method."""

    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息: equal payments (annuity)
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金: equal principal parts, falling interest
    INTEREST_ONLY = "interest_only"  # 先息后本: interest monthly, principal at the end


@dataclass(frozen=True, slots=True)
class Installment:
    """One scheduled instalment: ``principal`` and ``interest`` in yuan, whole cents, ≥ 0."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal

    def __post_init__(self) -> None:
        for name in ("principal", "interest"):
            amount = getattr(self, name)
            if not isinstance(amount, Decimal) or not is_cents(amount) or amount < 0:
                raise InvalidField(
                    f"installments[{self.number}].{name}",
                    f"must be a Decimal of whole cents, not negative; got {amount!r}",
                )

    @property
    def payment(self) -> Decimal:
        """principal + interest, yuan."""
        return self.principal + self.interest


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """What a schedule is built from.

    Attributes:
        principal: the loan amount in yuan, whole cents, > 0.
        annual_rate: contract interest rate, a fraction per year (``Decimal("0.049")`` = 4.9 %).
        months: number of monthly instalments, 1 … 600.
        method: the repayment method.
        first_due: due date of instalment 1.
    """

    principal: Decimal
    annual_rate: Decimal
    months: int
    method: Method
    first_due: date

    def __post_init__(self) -> None:
        if not isinstance(self.principal, Decimal) or not is_cents(self.principal):
            raise InvalidField(
                "principal", f"must be a Decimal of whole cents, got {self.principal!r}"
            )
        if self.principal <= 0:
            raise InvalidField("principal", f"must be positive, got {self.principal}")
        if not isinstance(self.annual_rate, Decimal) or not self.annual_rate.is_finite():
            raise InvalidField("annual_rate", f"must be a finite Decimal, got {self.annual_rate!r}")
        if not Decimal(0) <= self.annual_rate < Decimal(10):
            raise InvalidField(
                "annual_rate", f"must be a fraction in [0, 10), got {self.annual_rate}"
            )
        if isinstance(self.months, bool) or not isinstance(self.months, int):
            raise InvalidField("months", f"must be an integer, got {self.months!r}")
        if not 1 <= self.months <= MAX_MONTHS:
            raise InvalidField("months", f"must be between 1 and {MAX_MONTHS}, got {self.months}")
        if not isinstance(self.method, Method):
            raise InvalidField("method", f"must be a Method, got {self.method!r}")
        if not isinstance(self.first_due, date):
            raise InvalidField("first_due", f"must be a date, got {self.first_due!r}")


def add_months(start: date, months: int) -> date:
    """The date ``months`` calendar months after ``start``.

    On ``start``'s day of month, clamped to the target month's length: Jan 31 + 1 month = Feb 28
    (Feb 29 in a leap year).
    """
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    month = month_index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(first_due: date, number: int) -> date:
    """Due date of instalment ``number`` (1-based): ``number − 1`` months after ``first_due``.

    Always counted from ``first_due`` (never from the previous due date), so a schedule anchored on
    the 31st returns to the 31st after a short month.
    """
    return add_months(first_due, number - 1)


def annuity_payment(principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    """The 等额本息 monthly payment in yuan, rounded half-up to 0.01.

    payment = P·r / (1 − (1 + r)^−n) with r = annual_rate / 12 and n = months; P / n when r = 0.
    Computed with 50 significant digits so that the rounding to the cent is that of the exact value.
    """
    with localcontext() as context:
        context.prec = 50
        monthly = annual_rate / 12
        if monthly == 0:
            exact = principal / months
        else:
            exact = principal * monthly / (1 - (1 + monthly) ** -months)
        return round_money(exact)


def monthly_interest(outstanding: Decimal, annual_rate: Decimal) -> Decimal:
    """Scheduled interest of one period in yuan: outstanding × annual_rate / 12, rounded to 0.01."""
    return round_money(outstanding * annual_rate / 12)


def build_schedule(terms: LoanTerms) -> tuple[Installment, ...]:
    """The instalments of a loan, in order; principal parts sum exactly to ``terms.principal``.

    Steps, for k = 1 … n with outstanding O (starting at the loan amount P):
      1. interest_k = round(O × annual_rate / 12);
      2. principal_k = the method's regular part (annuity − interest_k, round(P / n), or 0),
         at most O; for k = n, principal_k = O;
      3. O ← O − principal_k.
    """
    n = terms.months
    annuity = (
        annuity_payment(terms.principal, terms.annual_rate, n)
        if terms.method is Method.EQUAL_INSTALLMENT
        else ZERO
    )
    equal_part = round_money(terms.principal / n)

    outstanding = terms.principal
    installments = []
    for number in range(1, n + 1):
        interest = monthly_interest(outstanding, terms.annual_rate)
        if number == n:
            principal = outstanding
        elif terms.method is Method.EQUAL_INSTALLMENT:
            principal = min(max(annuity - interest, ZERO), outstanding)
        elif terms.method is Method.EQUAL_PRINCIPAL:
            principal = min(equal_part, outstanding)
        else:
            principal = ZERO
        installments.append(
            Installment(
                number=number,
                due_date=due_date(terms.first_due, number),
                principal=principal,
                interest=interest,
            )
        )
        outstanding -= principal
    return tuple(installments)


def total_interest(installments: tuple[Installment, ...]) -> Decimal:
    """Sum of the scheduled interest of ``installments``, yuan."""
    return sum((i.interest for i in installments), ZERO)
