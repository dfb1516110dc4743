"""The borrower's affordability: monthly income and spending as the visit report records them.

The lines follow the Standard Financial Statement's tree (compliance-rules.md §3.3): income by
source, fixed costs, flexible costs (communications and leisure, food and housekeeping, personal
costs), and payments to other creditors. The labels are the visit report's business; the engine
only adds them up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.money import ZERO, is_cents, round_money


@dataclass(frozen=True, slots=True)
class Line:
    """One monthly amount: ``amount`` yuan a month (whole cents, ≥ 0) under ``label``."""

    label: str
    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.label, str) or not self.label.strip():
            raise InvalidField("line.label", "must be a non-empty string")
        _cents(f"{self.label}.amount", self.amount)


@dataclass(frozen=True, slots=True)
class Affordability:
    """What the borrower can pay, from the visit's income and spending; all amounts monthly yuan.

    Attributes:
        income: monthly income by source (salary, sick pay, spouse's earnings, benefits, …).
        fixed_costs: rent, utilities, medicines, school, insurance, transport, …
        flexible_costs: food and housekeeping, personal costs, communications and leisure.
        other_debt_payments: what the borrower pays other creditors each month.
        flexible_guideline: the spending guideline for the household's flexible costs, if the
            institution uses one (yuan a month); ``None`` counts flexible costs as declared.
        flexible_explained: the agent recorded why flexible costs exceed the guideline (illness
            diet, a carer, …); the declared figure then counts in full.
        lump_sum_available: what the borrower can raise at once without new borrowing or selling
            the home (savings, family help), yuan; used only for a settlement.
        recovery_months: months until the borrower expects their income to recover (back at
            work after an illness, a new job found); 0 when no recovery is expected and the
            income above is the income from now on.
        income_after_recovery: the total monthly income expected once recovered, yuan, with the
            same costs; ``None`` when not known (the engine then assumes the borrower can again
            pay the loan's regular instalment, as they did before the hardship).
    """

    income: tuple[Line, ...]
    fixed_costs: tuple[Line, ...] = ()
    flexible_costs: tuple[Line, ...] = ()
    other_debt_payments: tuple[Line, ...] = ()
    flexible_guideline: Decimal | None = None
    flexible_explained: bool = False
    lump_sum_available: Decimal = ZERO
    recovery_months: int = 0
    income_after_recovery: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("income", "fixed_costs", "flexible_costs", "other_debt_payments"):
            lines = getattr(self, name)
            if not isinstance(lines, tuple) or not all(isinstance(x, Line) for x in lines):
                raise InvalidField(name, "must be a tuple of Line")
        if self.flexible_guideline is not None:
            _cents("flexible_guideline", self.flexible_guideline)
        if not isinstance(self.flexible_explained, bool):
            raise InvalidField("flexible_explained", "must be true or false")
        _cents("lump_sum_available", self.lump_sum_available)
        months = self.recovery_months
        if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 120:
            raise InvalidField("recovery_months", f"must be an integer 0 … 120, got {months!r}")
        if self.income_after_recovery is not None:
            _cents("income_after_recovery", self.income_after_recovery)

    @property
    def total_income(self) -> Decimal:
        """Σ income, yuan a month."""
        return _total(self.income)

    @property
    def total_fixed_costs(self) -> Decimal:
        """Σ fixed costs, yuan a month."""
        return _total(self.fixed_costs)

    @property
    def declared_flexible_costs(self) -> Decimal:
        """Σ flexible costs as declared, yuan a month."""
        return _total(self.flexible_costs)

    @property
    def counted_flexible_costs(self) -> Decimal:
        """Flexible costs as counted: the declared sum, capped at the guideline unless explained.

        Spending at or below the guideline is never questioned; above it, the excess counts only
        when the agent recorded the reason (the SFS "trigger figure" practice).
        """
        declared = self.declared_flexible_costs
        if self.flexible_guideline is None or self.flexible_explained:
            return declared
        return min(declared, self.flexible_guideline)

    @property
    def total_other_debt_payments(self) -> Decimal:
        """Σ payments to other creditors, yuan a month."""
        return _total(self.other_debt_payments)


def disposable_income(affordability: Affordability) -> Decimal:
    """Monthly disposable income, yuan (may be negative).

    disposable = Σ income − Σ fixed costs − counted flexible costs − Σ other debts' payments.
    """
    a = affordability
    return (
        a.total_income
        - a.total_fixed_costs
        - a.counted_flexible_costs
        - a.total_other_debt_payments
    )


def payment_limit(affordability: Affordability, share: Decimal) -> Decimal:
    """The largest monthly payment that fits, yuan: max(0, round(share × disposable income))."""
    return max(ZERO, round_money(share * disposable_income(affordability)))


def limit_after_recovery(
    affordability: Affordability, share: Decimal, regular_payment: Decimal
) -> Decimal:
    """The monthly limit once the borrower's income has recovered, yuan.

    No recovery expected (``recovery_months`` = 0): the limit now, :func:`payment_limit`.
    Income after recovery known: max(0, round(share × (income after − fixed − counted flexible −
    other debts))), the same rule on the recovered income. Not known: the larger of the limit now
    and ``regular_payment``, the loan's regular instalment, which the borrower paid before the
    hardship.
    """
    now = payment_limit(affordability, share)
    if not affordability.recovery_months:
        return now
    if affordability.income_after_recovery is None:
        return max(now, regular_payment)
    recovered = replace(
        affordability, income=(Line("income_after_recovery", affordability.income_after_recovery),)
    )
    return payment_limit(recovered, share)


def _total(lines: tuple[Line, ...]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


def _cents(name: str, amount: object) -> None:
    if not isinstance(amount, Decimal) or not is_cents(amount) or amount < 0:
        raise InvalidField(name, f"must be a Decimal of whole cents, not negative; got {amount!r}")
