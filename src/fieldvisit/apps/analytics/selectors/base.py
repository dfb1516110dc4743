"""What every dashboard is made of, the filters, and the user's scope.

A dashboard is data (:class:`Dashboard`: charts, tables, notes); the page, the Excel export and
the PDF report all draw the same object, so the numbers on hover, in the workbook and in the
report cannot differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.engines.analytics import svg
from fieldvisit.engines.analytics.svg import Series


@dataclass(frozen=True)
class Filters:
    """The filters every dashboard takes. ``month`` is the first day of a month: time series end
    with it, single-period tables describe it; None means the latest month with data."""

    product: int | None = None
    branch: int | None = None
    district: str = ""
    month: dt.date | None = None

    @property
    def month_end(self) -> dt.date | None:
        if self.month is None:
            return None
        following = (self.month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)

    def apply(
        self,
        qs: QuerySet[Any],
        *,
        product: str | None = "product_id",
        branch: str | None = "branch_id",
        district: str | None = "district",
    ) -> QuerySet[Any]:
        """``qs`` narrowed by the product, branch and district filters, through the given field
        paths (None: the dashboard's rows do not carry that dimension)."""
        conditions = Q()
        if self.product is not None and product:
            conditions &= Q(**{product: self.product})
        if self.branch is not None and branch:
            conditions &= Q(**{branch: self.branch})
        if self.district and district:
            conditions &= Q(**{district: self.district})
        return qs.filter(conditions)

    def as_query(self) -> dict[str, str]:
        query = {}
        if self.product is not None:
            query["product"] = str(self.product)
        if self.branch is not None:
            query["branch"] = str(self.branch)
        if self.district:
            query["district"] = self.district
        if self.month is not None:
            query["month"] = self.month.strftime("%Y-%m")
        return query


def scoped(filters: Filters, user: Any) -> Filters:
    """The filters a user may apply: a manager of a branch sees that branch only, whatever the
    query string says; analysts and administrators see the whole organisation."""
    if getattr(user, "role", None) == Role.MANAGER and getattr(user, "branch_id", None):
        return Filters(filters.product, user.branch_id, filters.district, filters.month)
    return filters


FORMATS: dict[str, Callable[[float], str]] = {
    "plain": svg.plain,
    "percent": svg.percent,
    "yuan": lambda v: f"¥{v:,.2f}",
}


@dataclass(frozen=True)
class Chart:
    """A chart as data. ``kind``: "bar", "stacked", "line" or "heat" (a heat map uses ``rows``,
    ``columns``, ``shares`` and ``counts`` instead of ``labels`` / ``series``)."""

    title: str
    kind: str
    labels: Sequence[str] = ()
    series: Sequence[Series] = ()
    fmt: str = "plain"
    rows: Sequence[str] = ()
    columns: Sequence[str] = ()
    shares: Sequence[Sequence[float]] = ()
    counts: Sequence[Sequence[int]] = ()

    def svg(self) -> str:
        fmt = FORMATS[self.fmt]
        if self.kind == "heat":
            return svg.heat_map(self.title, self.rows, self.columns, self.shares, self.counts)
        if self.kind == "line":
            return svg.line_chart(self.title, self.labels, self.series, fmt=fmt)
        return svg.bar_chart(
            self.title, self.labels, self.series, stacked=self.kind == "stacked", fmt=fmt
        )

    @property
    def empty(self) -> bool:
        if self.kind == "heat":
            return not self.rows
        return not self.labels or all(v is None for s in self.series for v in s.values)


@dataclass(frozen=True)
class Table:
    """A table: ``key`` names the Excel sheet; cells are str, int, float, Decimal or None."""

    key: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass
class Dashboard:
    key: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    month_end: dt.date | None = None


def moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the institution's time zone: filtering a
    timestamp by this range uses its index, where ``__date`` casts every row."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )


def rate(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def money(value: Decimal | int | float | None) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def too_few_note(what: str, reason: str) -> str:
    return _("Too few data to compare for %(what)s (%(reason)s).") % {
        "what": what,
        "reason": reason,
    }
