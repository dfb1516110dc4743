"""The loan as restructuring sees it at ``as_of``: the claim, the arrears and what is not yet due.

Build it from the delinquency engine's assessment with :func:`loan_state`, or directly.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from fieldvisit.engines.delinquency.assess import Assessment, Loan
from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.delinquency.schedule import Installment, Method
from fieldvisit.engines.money import ZERO, is_cents


@dataclass(frozen=True, slots=True)
class Claim:
    """An amount owed, split by component; yuan, whole cents."""

    principal: Decimal = ZERO
    interest: Decimal = ZERO
    penalty: Decimal = ZERO  # 罚息
    compound: Decimal = ZERO  # 复利

    @property
    def total(self) -> Decimal:
        """principal + interest + penalty + compound, yuan."""
        return self.principal + self.interest + self.penalty + self.compound

    def __add__(self, other: Claim) -> Claim:
        return Claim(
            self.principal + other.principal,
            self.interest + other.interest,
            self.penalty + other.penalty,
            self.compound + other.compound,
        )


NO_CLAIM = Claim()


def cycle_date(anchor: date, due_day: int, offset: int) -> date:
    """The due date ``offset`` months after ``anchor``'s month, on ``due_day`` clamped to the month.

    A loan due on the 31st is due on Feb 28 (or 29), then again on Mar 31: the day of month comes
    from ``due_day``, never from the previous (clamped) date. ``offset`` may be negative.
    """
    year, month_index = divmod(anchor.month - 1 + offset, 12)
    year += anchor.year
    month = month_index + 1
    return date(year, month, min(due_day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class LoanState:
    """A loan at the end of day ``as_of``.

    Attributes:
        as_of: the date of the state.
        annual_rate: contract rate, a fraction per year.
        method: the loan's repayment method.
        arrears_principal, arrears_interest: unpaid principal and interest of the instalments due
            on or before ``as_of`` (one due on ``as_of`` itself is not overdue yet, but a plan
            agreed that day must still provide for it).
        penalty, compound: unpaid penalty (罚息) and compound interest (复利) accrued to ``as_of``.
        upcoming: the instalments due after ``as_of``, with their unpaid principal and interest.
        next_due: the first due date after ``as_of`` on the loan's cycle (the first date of a new
            schedule); equal to ``upcoming[0].due_date`` when anything is upcoming.
        due_day: the loan's day of month (1–31), from its first due date.
        dpd: days past due at ``as_of`` (for the explanations only).
    """

    as_of: date
    annual_rate: Decimal
    method: Method
    arrears_principal: Decimal
    arrears_interest: Decimal
    penalty: Decimal
    compound: Decimal
    upcoming: tuple[Installment, ...]
    next_due: date
    due_day: int
    dpd: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.annual_rate, Decimal) or not self.annual_rate.is_finite():
            raise InvalidField("annual_rate", "must be a finite Decimal")
        if not Decimal(0) <= self.annual_rate < Decimal(10):
            raise InvalidField("annual_rate", f"must be in [0, 10), got {self.annual_rate}")
        if not isinstance(self.method, Method):
            raise InvalidField("method", "must be a Method")
        for name in ("arrears_principal", "arrears_interest", "penalty", "compound"):
            amount = getattr(self, name)
            if not isinstance(amount, Decimal) or not is_cents(amount) or amount < 0:
                raise InvalidField(name, f"must be whole cents, not negative; got {amount!r}")
        if isinstance(self.due_day, bool) or not isinstance(self.due_day, int):
            raise InvalidField("due_day", "must be an integer")
        if not 1 <= self.due_day <= 31:
            raise InvalidField("due_day", f"must be between 1 and 31, got {self.due_day}")
        if self.next_due <= self.as_of:
            raise InvalidField("next_due", "must be after as_of")
        dates = [i.due_date for i in self.upcoming]
        if dates and dates[0] != self.next_due:
            raise InvalidField("next_due", "must be the due date of the first upcoming instalment")
        if any(b <= a for a, b in pairwise(dates)):
            raise InvalidField("upcoming", "due dates must increase strictly")

    @property
    def outstanding_principal(self) -> Decimal:
        """All unpaid principal, yuan: arrears principal + Σ upcoming principal."""
        return self.arrears_principal + sum((i.principal for i in self.upcoming), ZERO)

    @property
    def remaining_term(self) -> int:
        """Number of instalments due after ``as_of`` (0 once the loan has matured)."""
        return len(self.upcoming)

    @property
    def claim(self) -> Claim:
        """What the borrower owes at ``as_of`` plus the principal not yet due."""
        return Claim(self.outstanding_principal, self.arrears_interest, self.penalty, self.compound)

    @property
    def arrears(self) -> Claim:
        """What is due and unpaid at ``as_of``."""
        return Claim(self.arrears_principal, self.arrears_interest, self.penalty, self.compound)

    def due(self, number: int) -> date:
        """Due date of instalment ``number`` (1-based) of a new schedule from ``next_due``."""
        return cycle_date(self.next_due, self.due_day, number - 1)

    @property
    def period_start(self) -> date:
        """The cycle date one month before ``next_due``: where the current interest period began."""
        return cycle_date(self.next_due, self.due_day, -1)


def loan_state(loan: Loan, assessment: Assessment, method: Method) -> LoanState:
    """The state of ``loan`` at ``assessment.as_of``, from the delinquency engine's assessment.

    Arrears are the instalments due on or before ``as_of`` (so an instalment due that very day is
    in the arrears, not upcoming); penalty and compound are the assessment's. The due day is the
    first instalment's day of month; ``next_due`` is the first date on that cycle after ``as_of``.
    """
    as_of = assessment.as_of
    positions = assessment.installments
    arrears = [p for p in positions if p.due_date <= as_of]
    upcoming = tuple(
        Installment(p.number, p.due_date, p.unpaid_principal, p.unpaid_interest)
        for p in positions
        if p.due_date > as_of
    )
    first_due = loan.installments[0].due_date
    if upcoming:
        next_due = upcoming[0].due_date
    else:
        offset = max(0, (as_of.year - first_due.year) * 12 + as_of.month - first_due.month)
        next_due = cycle_date(first_due, first_due.day, offset)
        if next_due <= as_of:
            next_due = cycle_date(first_due, first_due.day, offset + 1)
    return LoanState(
        as_of=as_of,
        annual_rate=loan.annual_rate,
        method=method,
        arrears_principal=sum((p.unpaid_principal for p in arrears), ZERO),
        arrears_interest=sum((p.unpaid_interest for p in arrears), ZERO),
        penalty=assessment.penalty_interest,
        compound=assessment.compound_interest,
        upcoming=upcoming,
        next_due=next_due,
        due_day=first_due.day,
        dpd=assessment.dpd,
    )
