"""Dashboards 3 (do visits work?), 4 (why borrowers fall behind) and 5 (what borrowers say).

Only aggregates leave these functions: counts, rates, and borrowers' free-text examples without
names, numbers or addresses attached (the words are the product team's material).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from fieldvisit.apps.analytics.models import CauseMonth, EffectCell, FeedbackMonth, UnitKind
from fieldvisit.apps.analytics.selectors.base import (
    Chart,
    Dashboard,
    Filters,
    Table,
    moments,
    pct,
    rate,
    too_few_note,
)
from fieldvisit.apps.cases.models import CaseStatus
from fieldvisit.apps.loans.models import IncomeBand, Product, SalesChannel
from fieldvisit.apps.remedies.models import RemedyProposal, RemedyStatus
from fieldvisit.apps.visits.models import Cause, VisitReport
from fieldvisit.engines.analytics.matching import MatchedSums, comparison_from_sums
from fieldvisit.engines.analytics.svg import Series
from fieldvisit.engines.analytics.text import frequent_terms

HORIZONS = (30, 60)
#: Free texts read for word counts (the latest): segmentation is the slow part of the page.
TEXT_SAMPLE = 500
RATINGS = ("clarity", "fairness", "service")
STRATUM = ("month_end", "bucket", "amount_band", "product_id", "district")


def _report_window(filters: Filters) -> Q:
    """Reports of the filter's month, or of the last 12 months up to the latest report."""
    if filters.month is not None:
        since, until = moments(filters.month, filters.month_end or filters.month)
        return Q(submitted_at__gte=since, submitted_at__lt=until)
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


def _effect_sql(
    filters: Filters, families: list[tuple[str, str]]
) -> dict[tuple[int, str], dict[int, Any]]:
    """Matched comparisons against the comparison cases, for each family ``(kind, group)`` (a
    unit kind and the column whose values split it, or ``kind`` for all of them) and each value
    of its group, for each horizon. The database computes the sums in one statement (the
    filtered cells are read once, the controls aggregated once), so the page reads a handful of
    rows whatever the volume. Keys: (family index, group value)."""
    table = EffectCell._meta.db_table
    where = ["1 = 1"]
    params: list[Any] = []
    if filters.month is not None:
        # The month filter names the month the visits were made in: the cases open at the end
        # of the month before.
        where.append("month_end = %s")
        params.append(filters.month - dt.timedelta(days=1))
    for column, value in (
        ("product_id", filters.product),
        ("branch_id", filters.branch),
        ("district", filters.district or None),
    ):
        if value is not None:
            where.append(f"{column} = %s")
            params.append(value)
    stratum = ", ".join(STRATUM)
    sums = []
    for h in HORIZONS:
        used = f"(ctl.n{h} > 0 AND trt.t{h} > 0)"
        q = f"(ctl.c{h} * 1.0 / ctl.n{h})"
        sums += [
            f"SUM(CASE WHEN {used} THEN trt.t{h} ELSE 0 END)",
            f"SUM(CASE WHEN {used} THEN trt.tc{h} ELSE 0 END)",
            f"SUM(CASE WHEN {used} THEN trt.t{h} * {q} ELSE 0 END)",
            f"SUM(CASE WHEN {used} THEN trt.t{h} * trt.t{h} * {q} * (1 - {q}) / ctl.n{h} "
            "ELSE 0 END)",
            f"SUM(CASE WHEN {used} THEN ctl.n{h} ELSE 0 END)",
            f"SUM(CASE WHEN {used} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN ctl.n{h} IS NULL OR ctl.n{h} = 0 THEN trt.t{h} ELSE 0 END)",
        ]
    treated_h = ", ".join(f"SUM(n{h}) AS t{h}, SUM(cured{h}) AS tc{h}" for h in HORIZONS)
    control_h = ", ".join(f"SUM(n{h}) AS n{h}, SUM(cured{h}) AS c{h}" for h in HORIZONS)
    # Each part reads the table itself, filtered by kind through the index: cheaper than
    # materialising every filtered cell once and reading that four times.
    cells = f"(SELECT * FROM {table} WHERE {' AND '.join(where)} AND kind = %s) cells"  # noqa: S608
    kinds = []
    parts = []
    for k, (kind, group) in enumerate(families):
        parts.append(
            f"SELECT {k} AS fam, {group} AS grp, {stratum}, {treated_h} FROM {cells} "  # noqa: S608
            f"GROUP BY {group}, {stratum}"
        )
        kinds.append(kind)
    sql = (
        f"WITH ctl AS (SELECT {stratum}, {control_h} FROM {cells} "  # noqa: S608
        f"GROUP BY {stratum}), trt AS ({' UNION ALL '.join(parts)}) "
        f"SELECT trt.fam, trt.grp, {', '.join(sums)} FROM trt LEFT JOIN ctl ON "
        + " AND ".join(f"ctl.{c} = trt.{c}" for c in STRATUM)
        + " GROUP BY trt.fam, trt.grp ORDER BY trt.fam, trt.grp"
    )
    with connection.cursor() as cursor:
        arguments = [*params, UnitKind.CONTROL.value]
        for kind in kinds:
            arguments += [*params, kind]
        cursor.execute(sql, arguments)
        rows = cursor.fetchall()
    result: dict[tuple[int, str], dict[int, Any]] = {}
    for row in rows:
        key = (int(row[0]), str(row[1]))
        result[key] = {}
        for k, h in enumerate(HORIZONS):
            t, tc, wr, wv, n, strata, unmatched = row[2 + 7 * k : 9 + 7 * k]
            result[key][h] = comparison_from_sums(
                MatchedSums(
                    treated=int(t or 0),
                    treated_cured=int(tc or 0),
                    weighted_rate=float(wr or 0),
                    weighted_variance=float(wv or 0),
                    controls=int(n or 0),
                    strata=int(strata or 0),
                    unmatched=int(unmatched or 0),
                )
            )
    return result


def effect_dashboard(filters: Filters) -> Dashboard:
    board = Dashboard("effect", _("Do visits work?"))
    cause_names = dict(Cause.choices)
    specs: list[tuple[str, str, str, Callable[[str], str]]] = [
        (_("All visits"), UnitKind.VISIT, "kind", lambda g: _("all")),
        (_("Purpose"), UnitKind.VISIT, "label", lambda g: g),
        (
            _("Cause"),
            UnitKind.VISIT,
            "cause",
            lambda g: str(cause_names.get(g, g or _("not recorded"))),
        ),
        (_("Remedy"), UnitKind.REMEDY, "label", lambda g: g),
    ]
    sums = _effect_sql(filters, [(kind, group) for _f, kind, group, _n in specs])
    families = [
        (family, {g: by_h for (k, g), by_h in sums.items() if k == index}, name_of)
        for index, (family, _kind, _group, name_of) in enumerate(specs)
    ]
    if not families[0][1]:
        board.notes.append(too_few_note(_("visits"), _("no visited case in the period")))
    table_rows = []
    chart_labels: list[str] = []
    treated_rates: list[float | None] = []
    control_rates: list[float | None] = []
    for family, results, name_of in families:
        for group, by_h in results.items():
            name = name_of(group)
            for h in HORIZONS:
                result = by_h[h]
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
    cells = CauseMonth.objects.all()
    if filters.month is not None:
        cells = cells.filter(month=filters.month)
    else:
        latest = CauseMonth.objects.order_by("-month").values_list("month", flat=True).first()
        if latest is not None:
            cells = cells.filter(month__gt=latest.replace(year=latest.year - 1))
    cells = filters.apply(cells)
    products = dict(Product.objects.values_list("id", "name"))
    by: dict[str, Counter[tuple[str, str]]] = {}
    labels: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
        ("product", "product_id", lambda v: products.get(v, str(v))),
        ("district", "district", lambda v: v or "—"),
        ("income", "income_band", lambda v: str(income_names.get(v, v or "—"))),
        ("month", "month", lambda v: v.strftime("%Y-%m")),
    )
    for key, column, label in labels:
        counter: Counter[tuple[str, str]] = Counter()
        for value, cause, n in (
            cells.values_list(column, "cause").annotate(n=Sum("reports")).order_by()
        ):
            name = str(cause_names.get(cause, cause)) if cause else ""
            counter[(label(value), name)] += n
        by[key] = counter
    totals: Counter[str] = Counter()
    for (_group, name), n in by["month"].items():
        totals[name] += n
    reports = totals.pop("", 0)
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
                [_("Group"), _("Reports"), *names],
                [[g, by[key][(g, "")], *[by[key][(g, n)] for n in names]] for g in groups],
            )
        )
    return board


# ------------------------------------------------------------------ 5. product feedback


def _feedback_cells(filters: Filters) -> Any:
    cells = FeedbackMonth.objects.all()
    if filters.month is not None:
        return filters.apply(cells.filter(month=filters.month))
    latest = FeedbackMonth.objects.order_by("-month").values_list("month", flat=True).first()
    if latest is not None:
        cells = cells.filter(month__gt=latest.replace(year=latest.year - 1))
    return filters.apply(cells)


def feedback_dashboard(filters: Filters) -> Dashboard:
    board = Dashboard("feedback", _("What borrowers say about the products"))
    cells = _feedback_cells(filters)
    names = dict(Product.objects.values_list("id", "name"))
    ratings = list(
        cells.values("product_id")
        .annotate(
            n=Sum("reports"),
            **{f"{k}_{part}": Sum(f"{k}_{part}") for k in RATINGS for part in ("sum", "n")},
        )
        .order_by("product_id")
    )
    products = [names.get(r["product_id"], str(r["product_id"])) for r in ratings]

    def avg(row: dict[str, Any], key: str) -> float | None:
        n = row[f"{key}_n"]
        return round(row[f"{key}_sum"] / n, 2) if n else None

    board.charts.append(
        Chart(
            _("Average ratings by product (1–5)"),
            "bar",
            products,
            [
                Series(_("Clarity"), [avg(r, "clarity") for r in ratings]),
                Series(_("Fairness"), [avg(r, "fairness") for r in ratings]),
                Series(_("Service"), [avg(r, "service") for r in ratings]),
            ],
        )
    )
    board.tables.append(
        Table(
            "ratings",
            _("Ratings by product"),
            [_("Product"), _("Reports"), _("Rated"), _("Clarity"), _("Fairness"), _("Service")],
            [
                [name, r["n"], r["clarity_n"], *[avg(r, k) for k in RATINGS]]
                for name, r in zip(products, ratings, strict=True)
            ],
        )
    )
    texts = list(
        latest_reports(filters)
        .exclude(borrower_words="")
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
    signal_rows = [
        [
            names.get(r["product_id"], str(r["product_id"])),
            str(channel_names.get(r["sales_channel"], r["sales_channel"])),
            r["n"],
            r["s"],
            pct(rate(r["s"], r["n"])),
        ]
        for r in cells.values("product_id", "sales_channel")
        .annotate(n=Sum("reports"), s=Sum("signals"))
        .order_by("product_id", "sales_channel")
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
