"""Income and spending categories: the UK Standard Financial Statement's tree, simplified to one
line per SFS group so a phone form stays short (compliance-rules.md §3.3).

Sections map onto the restructuring engine's :class:`Affordability` (income, fixed costs,
flexible costs, other debts' payments), which adds them up; the disposable income shown live in
the form is the same formula, recomputed on the server at submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.visits.models import MoneySection
from fieldvisit.engines.restructuring.affordability import (
    Affordability,
    Line,
    disposable_income,
)


@dataclass(frozen=True)
class Category:
    key: str
    section: MoneySection
    label: Promise


CATEGORIES: tuple[Category, ...] = (
    # Income: SFS earnings, benefits, pensions, other income.
    Category("income_wages", MoneySection.INCOME, _("Wages (borrower)")),
    Category("income_partner", MoneySection.INCOME, _("Partner's wages")),
    Category("income_benefits", MoneySection.INCOME, _("Benefits and allowances")),
    Category("income_pension", MoneySection.INCOME, _("Pensions")),
    Category("income_other", MoneySection.INCOME, _("Other income")),
    # Fixed costs: one line per SFS fixed-cost group.
    Category("fixed_home", MoneySection.FIXED, _("Rent or mortgage")),
    Category("fixed_utilities", MoneySection.FIXED, _("Utilities and water")),
    Category("fixed_care_health", MoneySection.FIXED, _("Care and medicines")),
    Category("fixed_transport", MoneySection.FIXED, _("Transport")),
    Category("fixed_school", MoneySection.FIXED, _("School costs")),
    Category("fixed_insurance", MoneySection.FIXED, _("Pensions and insurance")),
    Category("fixed_other", MoneySection.FIXED, _("Other essential costs")),
    # Flexible costs: the three SFS spending-guideline categories.
    Category("flex_communications", MoneySection.FLEXIBLE, _("Phone, internet and leisure")),
    Category("flex_food", MoneySection.FLEXIBLE, _("Food and housekeeping")),
    Category("flex_personal", MoneySection.FLEXIBLE, _("Clothing and personal costs")),
    # Other debts: what the borrower pays other creditors each month.
    Category("debts_lenders", MoneySection.DEBTS, _("Other lenders")),
    Category("debts_informal", MoneySection.DEBTS, _("Family, friends, private lenders")),
)

BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}
KEYS: tuple[str, ...] = tuple(BY_KEY)


def sections() -> list[tuple[MoneySection, list[Category]]]:
    """The categories grouped by section, in form order."""
    return [(s, [c for c in CATEGORIES if c.section == s]) for s in MoneySection]


@dataclass(frozen=True)
class Totals:
    income: Decimal
    fixed: Decimal
    flexible: Decimal
    debts: Decimal
    disposable: Decimal


def totals(amounts: Mapping[str, Decimal]) -> Totals:
    """Monthly totals and the disposable income (yuan) from ``{category key: amount}``.

    disposable = Σ income − Σ fixed − Σ flexible − Σ other debts (the restructuring engine's
    :func:`disposable_income`, with flexible costs counted as declared).
    """

    def lines(section: MoneySection) -> tuple[Line, ...]:
        return tuple(
            Line(key, amount)
            for key, amount in amounts.items()
            if BY_KEY[key].section == section and amount
        )

    affordability = Affordability(
        income=lines(MoneySection.INCOME),
        fixed_costs=lines(MoneySection.FIXED),
        flexible_costs=lines(MoneySection.FLEXIBLE),
        other_debt_payments=lines(MoneySection.DEBTS),
    )
    return Totals(
        income=affordability.total_income,
        fixed=affordability.total_fixed_costs,
        flexible=affordability.declared_flexible_costs,
        debts=affordability.total_other_debt_payments,
        disposable=disposable_income(affordability),
    )
