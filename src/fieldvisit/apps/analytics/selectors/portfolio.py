"""Dashboards 1 (portfolio) and 2 (roll and cure): read the month-end summary tables only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from fieldvisit.apps.analytics.models import PortfolioMonth, RollMonth, VintageMonth
from fieldvisit.apps.analytics.selectors.base import (
    Chart,
    Dashboard,
    Filters,
    Table,
    money,
    pct,
)
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.delinquency.models import Classification, SnapshotRun, SnapshotRunStatus
from fieldvisit.apps.delinquency.selectors import delinquency_policy_for
from fieldvisit.apps.delinquency.services import bucket_labels
from fieldvisit.engines.analytics.portfolio import (
    Transition,
    VintageCell,
    cure_rates,
    expected_loss,
    roll_matrix,
    vintage_curves,
)
from fieldvisit.engines.analytics.svg import Series

#: Default loss rate per class (provisioning shares of the 2002 guidance: general 1 %, special
#: mention 2 %, substandard 25 %, doubtful 50 %, loss 100 %); override ANALYTICS_LOSS_RATES.
DEFAULT_LOSS_RATES = {
    "normal": Decimal("0.01"),
    "special_mention": Decimal("0.02"),
    "substandard": Decimal("0.25"),
    "doubtful": Decimal("0.50"),
    "loss": Decimal("1.00"),
}
HISTORY = 12


def loss_rates() -> dict[str, Decimal]:
    configured = getattr(settings, "ANALYTICS_LOSS_RATES", {})
    return {**DEFAULT_LOSS_RATES, **{k: Decimal(str(v)) for k, v in configured.items()}}


def month_ends(filters: Filters, count: int = HISTORY) -> list[dt.date]:
    """The last ``count`` full-write days up to the filter's month (oldest first)."""
    qs = SnapshotRun.objects.filter(status=SnapshotRunStatus.DONE, full_write=True)
    if filters.month_end is not None:
        qs = qs.filter(as_of__lte=filters.month_end)
    return sorted(qs.order_by("-as_of").values_list("as_of", flat=True)[:count])


def buckets_order(day: dt.date | None) -> list[str]:
    return list(bucket_labels(delinquency_policy_for(day or business_date())))


def portfolio_dashboard(filters: Filters) -> Dashboard:
    days = month_ends(filters)
    board = Dashboard("portfolio", _("Portfolio"), month_end=days[-1] if days else None)
    if not days:
        board.notes.append(_("No month-end snapshot yet: run the nightly batch."))
        return board
    rows = (
        filters.apply(PortfolioMonth.objects.filter(as_of__in=days))
        .values("as_of", "bucket", "classification")
        .annotate(n=Sum("loans"), out=Sum("outstanding"), due=Sum("overdue"), pen=Sum("penalty"))
        .order_by()
    )
    buckets = buckets_order(days[-1])
    classes = [c.value for c in Classification]
    class_names = dict(Classification.choices)
    by_bucket: dict[tuple[dt.date, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    by_class: dict[tuple[dt.date, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for r in rows:
        b = by_bucket[(r["as_of"], r["bucket"])]
        for k, name in enumerate(("n", "out", "due", "pen")):
            b[k] += r[name] or 0
        c = by_class[(r["as_of"], r["classification"])]
        c[0] += r["n"] or 0
        c[1] += r["out"] or 0
    labels = [d.strftime("%Y-%m") for d in days]
    board.charts.append(
        Chart(
            _("Loans by bucket"),
            "stacked",
            labels,
            [Series(b, [float(by_bucket[(d, b)][0]) for d in days]) for b in buckets],
        )
    )
    board.charts.append(
        Chart(
            _("Outstanding principal by class (yuan)"),
            "stacked",
            labels,
            [
                Series(str(class_names[c]), [float(by_class[(d, c)][1]) for d in days])
                for c in classes
            ],
            fmt="yuan",
        )
    )
    overdue = [sum(by_bucket[(d, b)][2] for b in buckets) for d in days]
    penalty = [sum(by_bucket[(d, b)][3] for b in buckets) for d in days]
    board.charts.append(
        Chart(
            _("Overdue amount and penalty accrued (yuan)"),
            "line",
            labels,
            [
                Series(_("Overdue principal and interest"), [float(v) for v in overdue]),
                Series(_("Penalty and compound interest"), [float(v) for v in penalty]),
            ],
            fmt="yuan",
        )
    )
    latest = days[-1]
    rates = loss_rates()
    balances = {c: by_class[(latest, c)][1] for c in classes}
    losses = expected_loss(balances, rates)
    board.charts.append(
        Chart(
            _("Expected loss by class on %(day)s (yuan)") % {"day": latest},
            "bar",
            [str(class_names[c]) for c in classes],
            [Series(_("Expected loss"), [float(losses[c]) for c in classes])],
            fmt="yuan",
        )
    )
    board.tables.append(
        Table(
            "by_bucket",
            _("By bucket and month end"),
            [_("Month end"), _("Bucket"), _("Loans"), _("Outstanding"), _("Overdue"), _("Penalty")],
            [
                [d, b, int(v[0]), money(v[1]), money(v[2]), money(v[3])]
                for d in days
                for b in buckets
                for v in [by_bucket[(d, b)]]
            ],
        )
    )
    board.tables.append(
        Table(
            "expected_loss",
            _("Expected loss by class on %(day)s") % {"day": latest},
            [_("Class"), _("Loans"), _("Outstanding"), _("Loss rate"), _("Expected loss")],
            [
                [
                    str(class_names[c]),
                    int(by_class[(latest, c)][0]),
                    money(balances[c]),
                    rates[c],
                    losses[c],
                ]
                for c in classes
            ]
            + [
                [
                    _("Total"),
                    int(sum(by_class[(latest, c)][0] for c in classes)),
                    money(sum(balances.values())),
                    None,
                    money(sum(losses.values())),
                ]
            ],
        )
    )
    board.tables.append(
        Table(
            "totals",
            _("Totals by month end"),
            [_("Month end"), _("Overdue"), _("Penalty")],
            [[d, money(o), money(p)] for d, o, p in zip(days, overdue, penalty, strict=True)],
        )
    )
    return board


def rolls_dashboard(filters: Filters) -> Dashboard:
    days = month_ends(filters)
    board = Dashboard("rolls", _("Roll and cure"), month_end=days[-1] if days else None)
    if len(days) < 2:
        board.notes.append(_("Roll rates need two month-end snapshots."))
    buckets = buckets_order(days[-1] if days else None)
    transitions: dict[dt.date, list[Transition]] = defaultdict(list)
    for r in (
        filters.apply(RollMonth.objects.filter(as_of__in=days))
        .values("as_of", "from_bucket", "to_bucket")
        .annotate(n=Sum("loans"))
        .order_by()
    ):
        transitions[r["as_of"]].append(Transition(r["from_bucket"], r["to_bucket"], r["n"]))
    if days and transitions.get(days[-1]):
        matrix = roll_matrix(transitions[days[-1]], buckets)
        columns = [c or _("Left the book") for c in matrix.columns]
        board.charts.append(
            Chart(
                _("Roll rates into %(day)s") % {"day": days[-1]},
                "heat",
                rows=buckets,
                columns=columns,
                shares=matrix.shares,
                counts=matrix.counts,
            )
        )
        board.tables.append(
            Table(
                "roll_matrix",
                _("Roll-rate matrix into %(day)s (loans)") % {"day": days[-1]},
                [_("From \\ to"), *columns, _("Loans")],
                [
                    [b, *[f"{s:.1%}" for s in matrix.shares[i]], matrix.totals[i]]
                    for i, b in enumerate(buckets)
                ],
            )
        )
    cure_days = [d for d in days if transitions.get(d)]
    cures = {d: cure_rates(roll_matrix(transitions[d], buckets)) for d in cure_days}
    shown = buckets[1:5]
    board.charts.append(
        Chart(
            _("Cure rate by bucket (back to %(first)s a month later)") % {"first": buckets[0]},
            "line",
            [d.strftime("%Y-%m") for d in cure_days],
            [
                Series(b, [cures[d][b].rate if cures[d][b].n else None for d in cure_days])
                for b in shown
            ],
            fmt="percent",
        )
    )
    board.tables.append(
        Table(
            "cure_rates",
            _("Cure rates by bucket"),
            [_("Month end"), _("Bucket"), _("Loans"), _("Cured"), _("Cure rate"), _("95% CI")],
            [
                [
                    d,
                    b,
                    int(p.n),
                    int(p.events),
                    pct(p.rate),
                    f"{p.low:.1%} – {p.high:.1%}",
                ]
                for d in cure_days
                for b, p in cures[d].items()
                if p.n
            ],
        )
    )
    cells = [
        VintageCell(r["vintage"].strftime("%Y-%m"), r["months_on_book"], r["n"], r["b"])
        for r in filters.apply(VintageMonth.objects.filter(as_of__in=days))
        .values("vintage", "months_on_book")
        .annotate(n=Sum("loans"), b=Sum("bad"))
        .order_by()
    ]
    curves = vintage_curves(cells)
    recent = sorted(curves)[-8:]
    longest = max((mob for v in recent for mob, _share in curves[v]), default=0)
    board.charts.append(
        Chart(
            _("Vintage curves: share 30+ days past due by months on book"),
            "line",
            [str(m) for m in range(longest + 1)],
            [Series(v, [dict(curves[v]).get(m) for m in range(longest + 1)]) for v in recent],
            fmt="percent",
        )
    )
    board.tables.append(
        Table(
            "vintages",
            _("Vintages"),
            [_("Origination month"), _("Months on book"), _("Loans"), _("30+ DPD"), _("Share")],
            [
                [c.vintage, c.months_on_book, c.loans, c.bad, pct(c.bad / c.loans)]
                for c in sorted(cells, key=lambda c: (c.vintage, c.months_on_book))
                if c.loans
            ],
        )
    )
    return board
