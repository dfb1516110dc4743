"""Dashboards 3 (do visits work?), 4 (why borrowers fall behind) and 5 (what borrowers say).

Only aggregates leave these functions: counts, rates, and borrowers' free-text examples without
names, numbers or addresses attached (the words are the product team's material).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from typing import Any

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from fieldvisit.apps.analytics.models import EffectCell, UnitKind
from fieldvisit.apps.analytics.selectors.base import (
    Chart,
    Dashboard,
    Filters,
    Table,
    pct,
    rate,
    too_few_note,
)
from fieldvisit.apps.cases.models import CaseStatus
from fieldvisit.apps.loans.models import IncomeBand, SalesChannel
from fieldvisit.apps.remedies.models import RemedyProposal, RemedyStatus
from fieldvisit.apps.visits.models import Cause, Understood, VisitReport
from fieldvisit.engines.analytics.matching import StratumCounts, matched_comparison
from fieldvisit.engines.analytics.svg import Series
from fieldvisit.engines.analytics.text import frequent_terms

HORIZONS = (30, 60)
#: Free texts read for word counts (the latest): segmentation is the slow part of the page.
TEXT_SAMPLE = 2_000
STRATUM = ("month_end", "bucket", "amount_band", "product_id", "district")


def _report_window(filters: Filters) -> Q:
    """Reports of the filter's month, or of the last 12 months up to the latest report."""
    if filters.month is not None:
        return Q(submitted_at__date__gte=filters.month, submitted_at__date__lte=filters.month_end)
    return Q()


def latest_reports(filters: Filters) -> Any:
    """The current version of every report (amended originals are left out), in scope."""
    qs = VisitReport.objects.filter(amendments__isnull=True).filter(_report_window(filters))
    return filters.apply(
        qs,
        product="visit__case__loan__product_id",
        branch="visit__case__branch_id",
        district="visit__case__district",
    )


# ------------------------------------------------------------------ 3. do visits work?


def effect_dashboard(filters: Filters) -> Dashboard:
    board = Dashboard("effect", _("Do visits work?"))
    cells = EffectCell.objects.all()
    if filters.month_end is not None:
        # The month filter names the month the visits were made in: the cases open at the end of
        # the month before.
        cells = cells.filter(month_end=filters.month - dt.timedelta(days=1))
    rows = list(
        filters.apply(cells)
        .values(*STRATUM, "kind", "label", "cause")
        .annotate(n30=Sum("n30"), c30=Sum("cured30"), n60=Sum("n60"), c60=Sum("cured60"))
        .order_by()
    )
    controls: dict[tuple[Hashable, ...], dict[int, tuple[int, int]]] = defaultdict(dict)
    for r in rows:
        if r["kind"] == UnitKind.CONTROL:
            key = tuple(r[k] for k in STRATUM)
            for h in HORIZONS:
                n, c = controls[key].get(h, (0, 0))
                controls[key][h] = (n + r[f"n{h}"], c + r[f"c{h}"])

    def compare(kind: str, pick: Callable[[dict[str, Any]], bool], h: int) -> Any:
        treated: dict[tuple[Hashable, ...], list[int]] = defaultdict(lambda: [0, 0])
        for r in rows:
            if r["kind"] == kind and pick(r):
                t = treated[tuple(r[k] for k in STRATUM)]
                t[0] += r[f"n{h}"]
                t[1] += r[f"c{h}"]
        return matched_comparison(
            StratumCounts(key, t[0], t[1], *controls.get(key, {}).get(h, (0, 0)))
            for key, t in treated.items()
        )

    purposes = sorted({r["label"] for r in rows if r["kind"] == UnitKind.VISIT})
    causes = sorted({r["cause"] for r in rows if r["kind"] == UnitKind.VISIT and r["cause"]})
    remedies = sorted({r["label"] for r in rows if r["kind"] == UnitKind.REMEDY})
    cause_names = dict(Cause.choices)
    groups: list[tuple[str, str, str, Callable[[dict[str, Any]], bool]]] = [
        (_("All visits"), _("all"), UnitKind.VISIT, lambda r: True)
    ]
    groups += [(_("Purpose"), p, UnitKind.VISIT, lambda r, p=p: r["label"] == p) for p in purposes]
    groups += [
        (_("Cause"), str(cause_names.get(c, c)), UnitKind.VISIT, lambda r, c=c: r["cause"] == c)
        for c in causes
    ]
    groups += [(_("Remedy"), k, UnitKind.REMEDY, lambda r, k=k: r["label"] == k) for k in remedies]
    table_rows = []
    chart_labels: list[str] = []
    treated_rates: list[float | None] = []
    control_rates: list[float | None] = []
    for family, name, kind, pick in groups:
        for h in HORIZONS:
            result = compare(kind, pick, h)
            d = result.comparison
            verdict = d.too_few
            table_rows.append(
                [
                    family,
                    name,
                    h,
                    result.matched_treated,
                    pct(d.first.rate) if d.first.n else "—",
                    result.controls,
                    pct(d.second.rate) if d.second.n else "—",
                    None if verdict else round(d.difference, 4),
                    None if verdict else f"{d.low:+.1%} … {d.high:+.1%}",
                    result.unmatched,
                    _("too few data") if verdict else "",
                ]
            )
            if verdict and family == _("All visits"):
                board.notes.append(too_few_note(f"{name}, {h} {_('days')}", verdict))
            if h == 30 and not verdict:
                chart_labels.append(name)
                treated_rates.append(d.first.rate)
                control_rates.append(d.second.rate)
    board.charts.append(
        Chart(
            _("Cured within 30 days: treated vs comparable cases (enough data only)"),
            "bar",
            chart_labels,
            [
                Series(_("Treated"), treated_rates),
                Series(_("Comparable, not treated"), control_rates),
            ],
            fmt="percent",
        )
    )
    board.tables.append(
        Table(
            "effect",
            _("Cure within 30 and 60 days: treated vs matched comparison"),
            [
                _("Group"),
                _("Name"),
                _("Days"),
                _("Treated"),
                _("Treated cured"),
                _("Comparison cases"),
                _("Comparison cured"),
                _("Difference"),
                _("95% CI"),
                _("Unmatched"),
                _("Note"),
            ],
            table_rows,
        )
    )
    board.tables.append(_remedy_outcomes(filters))
    board.notes.append(
        _(
            "Matched on month, bucket, amount band, product and district; comparison cases were "
            "open at the month end and not visited in the window. Intervals: Wilson / Newcombe."
        )
    )
    return board


def _remedy_outcomes(filters: Filters) -> Table:
    qs = filters.apply(
        RemedyProposal.objects.filter(
            status__in=(RemedyStatus.APPLIED, RemedyStatus.BROKEN), applied_on__isnull=False
        ),
        product="loan__product_id",
        branch="case__branch_id",
        district="case__district",
    )
    if filters.month is not None:
        qs = qs.filter(applied_on__gte=filters.month, applied_on__lte=filters.month_end)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for key, status, case_status in qs.values_list("chosen_key", "status", "case__status"):
        kind = (key or "other").split(":")[0]
        if status == RemedyStatus.BROKEN:
            counts[kind]["broken"] += 1
        elif case_status == CaseStatus.CURED:
            counts[kind]["cured"] += 1
        else:
            counts[kind]["running"] += 1
    from fieldvisit.engines.analytics.proportions import MIN_GROUP, wilson

    rows = []
    for kind, c in sorted(counts.items()):
        ended = c["cured"] + c["broken"]
        p = wilson(c["cured"], ended)
        rows.append(
            [
                kind,
                sum(c.values()),
                c["cured"],
                c["broken"],
                c["running"],
                pct(p.rate) if ended else "—",
                f"{p.low:.1%} – {p.high:.1%}" if ended >= MIN_GROUP else _("too few data"),
            ]
        )
    return Table(
        "remedies",
        _("Remedies applied: cured versus broken"),
        [
            _("Remedy"),
            _("Applied"),
            _("Cured"),
            _("Broken"),
            _("Running"),
            _("Cured of ended"),
            _("95% CI"),
        ],
        rows,
    )


# ------------------------------------------------------------------ 4. causes


def causes_dashboard(filters: Filters) -> Dashboard:
    board = Dashboard("causes", _("Why borrowers fall behind"))
    cause_names = dict(Cause.choices)
    income_names = dict(IncomeBand.choices)
    rows = latest_reports(filters).values_list(
        "causes",
        "visit__case__loan__product__name",
        "visit__case__district",
        "visit__case__loan__borrower__income_band",
        TruncMonth("submitted_at"),
    )
    by: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    reports = 0
    for causes, product, district, income, month in rows.iterator(chunk_size=5000):
        reports += 1
        for cause in causes or []:
            name = str(cause_names.get(cause, cause))
            totals[name] += 1
            by["product"][(product, name)] += 1
            by["district"][(district or "—", name)] += 1
            by["income"][(str(income_names.get(income, income)), name)] += 1
            by["month"][(month.strftime("%Y-%m") if month else "—", name)] += 1
    names = [n for n, _c in totals.most_common()]
    board.notes.append(
        _("%(reports)s visit reports, %(causes)s causes recorded (a report may give several).")
        % {"reports": reports, "causes": sum(totals.values())}
    )
    board.charts.append(
        Chart(
            _("Causes recorded"), "bar", names, [Series(_("Reports"), [totals[n] for n in names])]
        )
    )
    months = sorted({m for m, _n in by["month"]})
    board.charts.append(
        Chart(
            _("Causes by month"),
            "stacked",
            months,
            [Series(n, [by["month"][(m, n)] for m in months]) for n in names],
        )
    )
    for key, title in (
        ("product", _("Causes by product")),
        ("district", _("Causes by district")),
        ("income", _("Causes by income band")),
        ("month", _("Causes by month")),
    ):
        groups = sorted({g for g, _n in by[key]})
        board.tables.append(
            Table(
                f"causes_{key}",
                title,
                [_("Group"), *names, _("Total")],
                [
                    [g, *[by[key][(g, n)] for n in names], sum(by[key][(g, n)] for n in names)]
                    for g in groups
                ],
            )
        )
    return board


# ------------------------------------------------------------------ 5. product feedback


def feedback_dashboard(filters: Filters) -> Dashboard:
    board = Dashboard("feedback", _("What borrowers say about the products"))
    reports = latest_reports(filters)
    ratings = list(
        reports.values("visit__case__loan__product__name")
        .annotate(
            n=Count("id"),
            rated=Count("rating_clarity"),
            clarity=Avg("rating_clarity"),
            fairness=Avg("rating_fairness"),
            service=Avg("rating_service"),
        )
        .order_by("visit__case__loan__product__name")
    )
    products = [r["visit__case__loan__product__name"] for r in ratings]

    def avg(value: float | None) -> float | None:
        return None if value is None else round(float(value), 2)

    board.charts.append(
        Chart(
            _("Average ratings by product (1–5)"),
            "bar",
            products,
            [
                Series(_("Clarity"), [avg(r["clarity"]) for r in ratings]),
                Series(_("Fairness"), [avg(r["fairness"]) for r in ratings]),
                Series(_("Service"), [avg(r["service"]) for r in ratings]),
            ],
        )
    )
    board.tables.append(
        Table(
            "ratings",
            _("Ratings by product"),
            [_("Product"), _("Reports"), _("Rated"), _("Clarity"), _("Fairness"), _("Service")],
            [
                [r["visit__case__loan__product__name"], r["n"], r["rated"]]
                + [avg(r[k]) for k in ("clarity", "fairness", "service")]
                for r in ratings
            ],
        )
    )
    texts = list(
        reports.exclude(borrower_words="")
        .order_by("-submitted_at", "-id")
        .values_list("id", "borrower_words")[:TEXT_SAMPLE]
    )
    by_id = dict(texts)
    words = frequent_terms(texts, top=20)
    phrases = frequent_terms(texts, top=10, phrases=True)
    board.charts.append(
        Chart(
            _("Most frequent words in the borrowers' own words"),
            "bar",
            [w.term for w in words],
            [Series(_("Reports"), [w.texts for w in words])],
        )
    )
    board.tables.append(
        Table(
            "words",
            _("Most frequent words and phrases, with examples"),
            [_("Word or phrase"), _("Reports"), _("Example")],
            [[t.term, t.texts, by_id[t.examples[0]][:200]] for t in [*words, *phrases]],
        )
    )
    if len(texts) == TEXT_SAMPLE:
        board.notes.append(_("Words counted in the latest %(n)s texts.") % {"n": TEXT_SAMPLE})
    channel_names = dict(SalesChannel.choices)
    # JSON "contains" is not portable (SQLite): the flag is decided here, one row per report.
    signal_counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for product, channel, understood, explained, causes in reports.values_list(
        "visit__case__loan__product__name",
        "visit__case__loan__sales_channel",
        "understood_terms",
        "mis_explained",
        "causes",
    ).iterator(chunk_size=5000):
        counts = signal_counts[(product, channel)]
        counts[0] += 1
        flagged = understood == Understood.NO or bool(explained) or Cause.MISSOLD in (causes or [])
        counts[1] += int(flagged)
    signal_rows = [
        [product, str(channel_names.get(channel, channel)), n, flagged, pct(rate(flagged, n))]
        for (product, channel), (n, flagged) in sorted(signal_counts.items())
    ]
    board.charts.append(
        Chart(
            _("Mis-selling signals by product and channel (share of reports)"),
            "bar",
            [f"{r[0]} · {r[1]}" for r in signal_rows],
            [Series(_("Share"), [rate(r[3], r[2]) for r in signal_rows])],
            fmt="percent",
        )
    )
    board.tables.append(
        Table(
            "mis_selling",
            _("Mis-selling signals: did not understand, mis-explained or mis-sold"),
            [_("Product"), _("Sales channel"), _("Reports"), _("Signals"), _("Share")],
            signal_rows,
        )
    )
    return board
