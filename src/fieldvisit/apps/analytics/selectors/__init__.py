"""Read-only selectors of the analytics dashboards: one function per dashboard, each returning a
:class:`~fieldvisit.apps.analytics.selectors.base.Dashboard` (charts, tables, notes)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.analytics.selectors.base import Dashboard, Filters
from fieldvisit.apps.analytics.selectors.people import compliance_dashboard, people_dashboard
from fieldvisit.apps.analytics.selectors.portfolio import portfolio_dashboard, rolls_dashboard
from fieldvisit.apps.analytics.selectors.visits import (
    causes_dashboard,
    effect_dashboard,
    feedback_dashboard,
)

#: key → (menu title, selector); the order is the menu's.
DASHBOARDS: dict[str, tuple[object, Callable[[Filters], Dashboard]]] = {
    "portfolio": (_("Portfolio"), portfolio_dashboard),
    "rolls": (_("Roll and cure"), rolls_dashboard),
    "effect": (_("Do visits work?"), effect_dashboard),
    "causes": (_("Why borrowers fall behind"), causes_dashboard),
    "feedback": (_("Product feedback"), feedback_dashboard),
    "people": (_("People"), people_dashboard),
    "compliance": (_("Compliance report"), compliance_dashboard),
}
