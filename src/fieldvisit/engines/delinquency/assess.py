"""The assessment of one loan at an explicit ``as_of`` date; the portfolio batch must equal it.

Start at :func:`assess`. It replays the loan's payments in date order over its schedule:

1. before each payment (and finally at ``as_of``) every overdue instalment accrues penalty (罚息) on
   its unpaid principal and compound interest (复利) on its unpaid interest, for each day after its
   due date, on what was unpaid at the end of the previous day, at the penalty rate / 360;
2. the payment is allocated by the waterfall: instalments oldest first, within one instalment the
   policy's component order (default penalty, compound, interest, principal); what is left once
   the whole loan is paid is an overpayment;
3. at ``as_of`` it reports DPD, bucket, overdue and accrued amounts, outstanding principal and
   the five-category class.

Accruals are kept exact (as yuan-days, see :class:`_Ledger`) and rounded half-up to the cent each
time a payment is allocated and when reported; the rounded figure of an instalment is always
``round(total accrued so far) − already paid``, so rounding never drifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.delinquency.policy import (
    DEFAULT_POLICY,
    Component,
    DelinquencyPolicy,
    LoanClass,
)
from fieldvisit.engines.delinquency.schedule import Installment, add_months
from fieldvisit.engines.money import ZERO, is_cents, round_money

DAYS_PER_YEAR = 360  # actual/360: a day's rate is the annual rate / 360


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received: ``amount`` yuan (whole cents, > 0) on day ``paid_on``."""

    paid_on: date
    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.paid_on, date):
            raise InvalidField("payments.date", f"must be a date, got {self.paid_on!r}")
        if not isinstance(self.amount, Decimal) or not is_cents(self.amount):
            raise InvalidField(
                "payments.amount", f"must be a Decimal of whole cents, got {self.amount!r}"
            )
        if self.amount <= 0:
            raise InvalidField("payments.amount", f"must be positive, got {self.amount}")


@dataclass(frozen=True, slots=True)
class Loan:
    """A loan as the engine sees it.

    Attributes:
        annual_rate: contract interest rate, a fraction per year; the penalty rate derives from it.
        installments: the schedule, due dates strictly increasing.
        payments: every payment received, in any order; those after ``as_of`` are ignored.
        restructured_on: the date of the restructuring (重组) when the schedule is a restructured
            one, else ``None``.
    """

    annual_rate: Decimal
    installments: tuple[Installment, ...]
    payments: tuple[Payment, ...] = ()
    restructured_on: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.annual_rate, Decimal) or not self.annual_rate.is_finite():
            raise InvalidField("annual_rate", f"must be a finite Decimal, got {self.annual_rate!r}")
        if self.annual_rate < 0:
            raise InvalidField("annual_rate", f"must not be negative, got {self.annual_rate}")
        if not self.installments:
            raise InvalidField("installments", "a loan needs at least one instalment")
        dues = [i.due_date for i in self.installments]
        if any(b <= a for a, b in pairwise(dues)):
            raise InvalidField("installments", "due dates must increase strictly")


@dataclass(frozen=True, slots=True)
class AllocationPart:
    """``amount`` yuan of one payment went to ``component`` of instalment number ``installment``."""

    installment: int
    component: Component
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentAllocation:
    """How one payment was allocated: ``sum(parts) + overpayment == amount`` exactly."""

    paid_on: date
    amount: Decimal
    parts: tuple[AllocationPart, ...]
    overpayment: Decimal


@dataclass(frozen=True, slots=True)
class InstallmentPosition:
    """One instalment at ``as_of``: what is unpaid (yuan, cents) and when it was settled.

    ``settled_on`` is the day its principal and interest became fully paid (``None`` while not).
    Penalty and compound are the rounded accrual minus what was paid of them.
    """

    number: int
    due_date: date
    unpaid_principal: Decimal
    unpaid_interest: Decimal
    unpaid_penalty: Decimal
    unpaid_compound: Decimal
    settled_on: date | None


@dataclass(frozen=True, slots=True)
class Assessment:
    """A loan's delinquency at the end of day ``as_of``; money in yuan, rounded to the cent.

    ``overdue_*`` cover instalments due before ``as_of``; ``total_due`` = overdue principal +
    overdue interest + penalty + compound: the amount that brings DPD to 0 and stops all accrual.
    """

    as_of: date
    dpd: int
    bucket: str
    classification: LoanClass
    in_observation: bool
    overdue_principal: Decimal
    overdue_interest: Decimal
    penalty_interest: Decimal
    compound_interest: Decimal
    outstanding_principal: Decimal
    total_due: Decimal
    overpayment: Decimal
    allocations: tuple[PaymentAllocation, ...]
    installments: tuple[InstallmentPosition, ...]


class _Ledger:
    """The mutable working state of one instalment during a replay.

    ``penalty_base`` and ``compound_base`` are Σ (unpaid amount × days) in yuan-days, exactly.
    The exact accrual is base × penalty rate / 360; keeping the base instead of the quotient keeps
    every intermediate value exact, so the only rounding is the one the conventions define.
    """

    __slots__ = (
        "accrued_through",
        "cleared",
        "compound_base",
        "compound_paid",
        "due",
        "interest",
        "number",
        "penalty_base",
        "penalty_paid",
        "principal",
        "settled_on",
    )

    def __init__(self, installment: Installment) -> None:
        self.number = installment.number
        self.due = installment.due_date
        self.principal = installment.principal  # unpaid principal
        self.interest = installment.interest  # unpaid interest
        self.penalty_base = ZERO
        self.compound_base = ZERO
        self.penalty_paid = ZERO
        self.compound_paid = ZERO
        self.accrued_through = installment.due_date  # no accrual on or before the due date
        self.settled_on: date | None = None if installment.payment else date.min
        # True once everything of it, accruals included, is paid: nothing can fall due on it again
        self.cleared = False

    def accrue(self, day: date) -> None:
        """Accrue for every day in (accrued_through, day] on what is unpaid now.

        Called before anything is paid on ``day``, so the unpaid amounts are those at the end of the
        previous payment day, which stay unchanged until the end of ``day − 1``.
        """
        if day > self.accrued_through:
            if self.principal or self.interest:
                days = (day - self.accrued_through).days
                self.penalty_base += self.principal * days
                self.compound_base += self.interest * days
            self.accrued_through = day

    def owed(self, component: Component, penalty_rate: Decimal) -> Decimal:
        """What is unpaid of ``component`` now, yuan; an accrual is its rounded total minus paid."""
        if component is Component.PRINCIPAL:
            return self.principal
        if component is Component.INTEREST:
            return self.interest
        if component is Component.PENALTY:
            return _rounded_accrual(self.penalty_base, penalty_rate) - self.penalty_paid
        return _rounded_accrual(self.compound_base, penalty_rate) - self.compound_paid

    def pay(self, component: Component, amount: Decimal, day: date) -> None:
        if component is Component.PRINCIPAL:
            self.principal -= amount
        elif component is Component.INTEREST:
            self.interest -= amount
        elif component is Component.PENALTY:
            self.penalty_paid += amount
        else:
            self.compound_paid += amount
        if self.settled_on is None and not self.principal and not self.interest:
            self.settled_on = day


def _rounded_accrual(base: Decimal, penalty_rate: Decimal) -> Decimal:
    # base × rate is exact; the one division by 360 is correct to 28 significant digits, far more
    # than the cent needs for any loan below a trillion yuan, so the half-up rounding is exact.
    if not base:
        return ZERO
    return round_money(base * penalty_rate / DAYS_PER_YEAR)


def assess(loan: Loan, as_of: date, policy: DelinquencyPolicy = DEFAULT_POLICY) -> Assessment:
    """Assess ``loan`` at the end of day ``as_of`` under ``policy``.

    Steps:
      1. penalty rate p = min(annual_rate × (1 + markup), cap) (annual, unrounded);
      2. for each payment dated on or before ``as_of``, by date (same-day payments in input order):
         accrue every instalment up to and including the payment day, then allocate the payment:
         instalments oldest first, each by ``policy.allocation_order``; the rest is overpayment;
      3. accrue up to and including ``as_of`` and report.

    Accrual of an instalment for day d (due date < d ≤ as_of): unpaid principal × p / 360 (罚息) and
    unpaid interest × p / 360 (复利), both as unpaid at the end of day d − 1. DPD = as_of − the due
    date of the oldest instalment due before ``as_of`` with principal or interest unpaid, else 0.
    """
    penalty_rate = policy.penalty_rate(loan.annual_rate)
    order = policy.allocation_order
    ledgers = [_Ledger(installment) for installment in loan.installments]
    payments = sorted((p for p in loan.payments if p.paid_on <= as_of), key=lambda p: p.paid_on)

    allocations = []
    for payment in payments:
        _accrue_all(ledgers, payment.paid_on)
        allocations.append(_allocate(ledgers, payment, penalty_rate, order))
    _accrue_all(ledgers, as_of)

    positions = tuple(
        InstallmentPosition(
            number=ledger.number,
            due_date=ledger.due,
            unpaid_principal=ledger.principal,
            unpaid_interest=ledger.interest,
            unpaid_penalty=ledger.owed(Component.PENALTY, penalty_rate),
            unpaid_compound=ledger.owed(Component.COMPOUND, penalty_rate),
            settled_on=ledger.settled_on,
        )
        for ledger in ledgers
    )
    overdue = [p for p in positions if p.due_date < as_of]
    oldest_unpaid = next((p for p in overdue if p.unpaid_principal or p.unpaid_interest), None)
    dpd = (as_of - oldest_unpaid.due_date).days if oldest_unpaid else 0
    overdue_principal = sum((p.unpaid_principal for p in overdue), ZERO)
    overdue_interest = sum((p.unpaid_interest for p in overdue), ZERO)
    penalty = sum((p.unpaid_penalty for p in overdue), ZERO)
    compound = sum((p.unpaid_compound for p in overdue), ZERO)

    in_observation = _in_observation(loan.restructured_on, positions, as_of)
    classification = policy.classify(dpd)
    if in_observation and classification.rank < LoanClass.SPECIAL_MENTION.rank:
        classification = LoanClass.SPECIAL_MENTION

    return Assessment(
        as_of=as_of,
        dpd=dpd,
        bucket=policy.bucket(dpd),
        classification=classification,
        in_observation=in_observation,
        overdue_principal=overdue_principal,
        overdue_interest=overdue_interest,
        penalty_interest=penalty,
        compound_interest=compound,
        outstanding_principal=sum((p.unpaid_principal for p in positions), ZERO),
        total_due=overdue_principal + overdue_interest + penalty + compound,
        overpayment=sum((a.overpayment for a in allocations), ZERO),
        allocations=tuple(allocations),
        installments=positions,
    )


def _accrue_all(ledgers: list[_Ledger], day: date) -> None:
    for ledger in ledgers:
        if ledger.due >= day:
            break  # due dates increase: no later instalment is overdue on ``day`` either
        ledger.accrue(day)


def _allocate(
    ledgers: list[_Ledger],
    payment: Payment,
    penalty_rate: Decimal,
    order: tuple[Component, ...],
) -> PaymentAllocation:
    """Pay instalments oldest first, each by ``order``; instalments not yet due owe no penalty, so
    money left after everything due goes to the next instalments' interest and principal."""
    left = payment.amount
    parts = []
    for ledger in ledgers:
        if ledger.cleared:
            continue
        for component in order:
            owed = ledger.owed(component, penalty_rate)
            if owed:
                paid = min(owed, left)
                ledger.pay(component, paid, payment.paid_on)
                parts.append(AllocationPart(ledger.number, component, paid))
                left -= paid
                if not left:
                    return PaymentAllocation(payment.paid_on, payment.amount, tuple(parts), ZERO)
        # Every component is paid and, with no principal or interest left, nothing accrues again.
        ledger.cleared = True
    return PaymentAllocation(payment.paid_on, payment.amount, tuple(parts), left)


def _in_observation(
    restructured_on: date | None, positions: tuple[InstallmentPosition, ...], as_of: date
) -> bool:
    """Whether a restructured loan is still in its observation period at ``as_of``.

    The period starts on ``restructured_on`` (R) and ends on the first day E with
      * E ≥ R + 1 year (same day next year, Feb 29 → Feb 28), and
      * the last two instalments due on or after R and on or before E both on time (principal and
        interest fully paid by the end of their due dates).
    Once ended it stays ended. A loan never restructured is not in observation. A restructured
    schedule assessed before R (on the day the remedy was agreed and applied, the day before its
    schedule takes effect) is in observation already: it is the restructured loan being assessed,
    and its class must not look better than the rule allows the moment the new schedule exists.
    """
    if restructured_on is None:
        return False
    if restructured_on > as_of:
        return True
    one_year = add_months(restructured_on, 12)
    if one_year > as_of:
        return True
    since = [p for p in positions if restructured_on <= p.due_date <= as_of]
    on_time = [p.settled_on is not None and p.settled_on <= p.due_date for p in since]
    for k in range(1, len(since)):
        if on_time[k] and on_time[k - 1]:
            # k − 1 and k are the last two instalments due from since[k]'s due date to the next one
            ends = max(since[k].due_date, one_year)
            next_due = since[k + 1].due_date if k + 1 < len(since) else None
            if ends <= as_of and (next_due is None or ends < next_due):
                return False
    return True
