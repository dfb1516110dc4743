"""The nightly refresh of the analytics summary tables, called from the snapshot hook.

For a day D (inside D's snapshot transaction, after the cases sync):

1. if D is a full write (a month end, or the first run): from D's rows, per product, branch and
   district, write
   * :class:`PortfolioMonth` — loans and balances per bucket and class;
   * :class:`VintageMonth` — loans and 30+ DPD loans per origination month;
   * :class:`RollMonth` — bucket on the previous full-write day → bucket on D;
2. every day: rebuild the :class:`CauseMonth` rows of the last :data:`CAUSE_MONTHS` months
   (reports arrive and are amended during the month), and the :class:`EffectCell` rows of the
   month ends whose 60-day outcome window may still be open (the last :data:`EFFECT_MONTHS`),
   from cases, visits, reports and remedies.

Each step deletes the rows of the day (or month end) it writes first: re-running a day gives the
same rows. Cost on 1,000,000 loans: see ``fieldvisit bench analytics`` (README.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.db.models import Q

from fieldvisit.apps.analytics.models import (
    CauseMonth,
    EffectCell,
    FeedbackMonth,
    PortfolioMonth,
    RollMonth,
    UnitKind,
    VintageMonth,
)
from fieldvisit.apps.delinquency.book_reader import bigint, cents_sql, epoch_days, fetch_int_columns
from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun, SnapshotRunStatus
from fieldvisit.apps.loans.models import Borrower, Loan

#: Month ends whose effect cells are rebuilt each night: 30 days to be visited + 60 to cure,
#: rounded up to whole months, plus one.
EFFECT_MONTHS = 5
#: Calendar months of causes rebuilt each night (the current one and the two before).
CAUSE_MONTHS = 3
#: A comparison case's clock starts this many days after the month end.
CONTROL_START_DAYS = 15
#: Visits (and remedies) within this many days after a month end are treatments of that month.
TREATMENT_WINDOW_DAYS = 30
HORIZONS = (30, 60)
#: Upper bounds (yuan, exclusive) of the amount bands on the amount due; the last is open.
AMOUNT_BANDS: tuple[tuple[str, int], ...] = (
    ("lt_5k", 5_000),
    ("5k_20k", 20_000),
    ("20k_50k", 50_000),
    ("ge_50k", 10**12),
)
#: Loans this many days past due or more are "bad" in vintage curves.
BAD_DPD = 31
_BATCH = 5_000


def is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def analytics_snapshot_hook(as_of: dt.date, rows: Any) -> None:
    """Refresh the summary tables for ``as_of`` (see the module docstring)."""
    first_run = not SnapshotRun.objects.filter(
        as_of__lt=as_of, status=SnapshotRunStatus.DONE
    ).exists()
    if is_month_end(as_of) or first_run:
        portfolio_refresh(as_of, rows.frame)
    effect_refresh(as_of)
    causes_refresh(as_of)


# ---------------------------------------------------------------- loans and their dimensions


def loan_dimensions() -> pl.DataFrame:
    """Every loan: ``loan_id``, ``product_id``, ``branch_id``, ``district`` (the borrower's home
    district), ``vintage`` (first day of the disbursement month)."""
    districts = list(Borrower.objects.order_by().values_list("home_district", flat=True).distinct())
    case = " ".join(f"WHEN %s THEN {k}" for k in range(len(districts)))
    loans, borrowers = Loan._meta.db_table, Borrower._meta.db_table
    columns = fetch_int_columns(
        f"SELECT {bigint('l.id')}, {bigint('l.product_id')}, {bigint('l.branch_id')}, "  # noqa: S608
        f"{bigint(epoch_days('l.disbursed_on'))}, "
        f"{bigint(f'CASE b.home_district {case} ELSE -1 END' if districts else '-1')} "
        f"FROM {loans} l JOIN {borrowers} b ON b.id = l.borrower_id",
        list(districts),
        ("loan_id", "product_id", "branch_id", "disbursed", "district_code"),
    )
    frame = pl.DataFrame(columns)
    names = pl.Series("district", [*districts, ""], dtype=pl.String)
    codes = frame["district_code"].to_numpy()
    district = names.gather(np.where(codes < 0, len(districts), codes))
    disbursed = frame["disbursed"].cast(pl.Date)
    return frame.select("loan_id", "product_id", "branch_id").with_columns(
        district, disbursed.dt.truncate("1mo").alias("vintage")
    )


def day_frame(as_of: dt.date) -> pl.DataFrame:
    """The stored rows of ``as_of`` as :class:`SnapshotRows` would give them: ``loan_id``,
    ``dpd``, ``bucket``, ``classification`` and the money columns in cents."""
    table = DelinquencySnapshot._meta.db_table
    buckets = sorted(
        DelinquencySnapshot.objects.filter(as_of=as_of)
        .order_by()
        .values_list("bucket", flat=True)
        .distinct()
    )
    classes = sorted(
        DelinquencySnapshot.objects.filter(as_of=as_of)
        .order_by()
        .values_list("classification", flat=True)
        .distinct()
    )

    def code(column: str, labels: list[str]) -> str:
        return "CASE " + column + " " + " ".join(f"WHEN %s THEN {k}" for k in range(len(labels)))

    money = (
        "overdue_principal",
        "overdue_interest",
        "penalty_interest",
        "compound_interest",
        "outstanding_principal",
        "total_due",
    )
    sql = (
        f"SELECT {bigint('loan_id')}, {bigint('dpd')}, "  # noqa: S608
        f"{bigint(code('bucket', buckets) + ' END')}, "
        f"{bigint(code('classification', classes) + ' END')}, "
        + ", ".join(cents_sql(m) for m in money)
        + f" FROM {table} WHERE as_of = %s"
    )
    if not buckets:
        return pl.DataFrame(
            schema={"loan_id": pl.Int64, "dpd": pl.Int64, "bucket": pl.String}
            | {"classification": pl.String}
            | dict.fromkeys(money, pl.Int64)
        )
    columns = fetch_int_columns(
        sql,
        [*buckets, *classes, as_of],
        ("loan_id", "dpd", "bucket", "classification", *money),
    )
    frame = pl.DataFrame(columns)
    return frame.with_columns(
        pl.Series("bucket", buckets).gather(frame["bucket"]),
        pl.Series("classification", classes).gather(frame["classification"]),
    )


# ---------------------------------------------------------------- step 1: full-write days


def portfolio_refresh(as_of: dt.date, frame: pl.DataFrame) -> None:
    """Write the portfolio, vintage and roll rows of the full-write day ``as_of`` from its rows
    ``frame`` (a row per loan; columns as :func:`day_frame`)."""
    dims = loan_dimensions()
    rows = frame.join(dims, on="loan_id", how="inner")
    keys = ["product_id", "branch_id", "district"]

    portfolio = rows.group_by([*keys, "bucket", "classification"]).agg(
        pl.len().alias("loans"),
        pl.col("outstanding_principal").sum().alias("outstanding"),
        (pl.col("overdue_principal") + pl.col("overdue_interest")).sum().alias("overdue"),
        (pl.col("penalty_interest") + pl.col("compound_interest")).sum().alias("penalty"),
    )
    PortfolioMonth.objects.filter(as_of=as_of).delete()
    _bulk(
        PortfolioMonth,
        (
            PortfolioMonth(
                as_of=as_of,
                **{k: r[k] for k in (*keys, "bucket", "classification", "loans")},
                **{m: _yuan(r[m]) for m in ("outstanding", "overdue", "penalty")},
            )
            for r in portfolio.iter_rows(named=True)
        ),
    )

    month_index = as_of.year * 12 + as_of.month
    vintage = rows.group_by([*keys, "vintage"]).agg(
        pl.len().alias("loans"), (pl.col("dpd") >= BAD_DPD).sum().alias("bad")
    )
    VintageMonth.objects.filter(as_of=as_of).delete()
    _bulk(
        VintageMonth,
        (
            VintageMonth(
                as_of=as_of,
                months_on_book=max(0, month_index - (r["vintage"].year * 12 + r["vintage"].month)),
                **{k: r[k] for k in (*keys, "vintage", "loans", "bad")},
            )
            for r in vintage.iter_rows(named=True)
        ),
    )

    RollMonth.objects.filter(as_of=as_of).delete()
    previous = (
        SnapshotRun.objects.filter(
            as_of__lt=as_of,
            as_of__gte=as_of - dt.timedelta(days=45),
            status=SnapshotRunStatus.DONE,
            full_write=True,
        )
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if previous is None:
        return
    before = day_frame(previous).select("loan_id", pl.col("bucket").alias("from_bucket"))
    rolls = (
        before.join(frame.select("loan_id", pl.col("bucket").alias("to_bucket")), "loan_id", "left")
        .with_columns(pl.col("to_bucket").fill_null(""))
        .join(dims.select("loan_id", *keys), on="loan_id", how="inner")
        .group_by([*keys, "from_bucket", "to_bucket"])
        .agg(pl.len().alias("loans"))
    )
    _bulk(
        RollMonth,
        (RollMonth(as_of=as_of, previous=previous, **r) for r in rolls.iter_rows(named=True)),
    )


# ---------------------------------------------------------------- step 2: visit effect cells


def effect_month_ends(as_of: dt.date) -> list[dt.date]:
    """The month ends before ``as_of`` whose effect cells are rebuilt (newest last)."""
    ends = []
    day = as_of.replace(day=1) - dt.timedelta(days=1)
    for _ in range(EFFECT_MONTHS):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return sorted(ends)


def effect_refresh(as_of: dt.date, month_ends: Iterable[dt.date] | None = None) -> int:
    """Rebuild the effect cells of ``month_ends`` (default :func:`effect_month_ends`) as known
    on ``as_of``; returns the cells written."""
    written = 0
    for month_end in month_ends if month_ends is not None else effect_month_ends(as_of):
        EffectCell.objects.filter(month_end=month_end).delete()
        cells = effect_cells(month_end, as_of)
        written += _bulk(
            EffectCell,
            (EffectCell(month_end=month_end, **r) for r in cells.iter_rows(named=True)),
        )
    return written


def effect_units(month_end: dt.date, as_of: dt.date) -> pl.DataFrame:
    """The cases open at ``month_end`` with their stratum, kind, clock start and cure day.

    Columns: ``case_id``, ``product_id``, ``branch_id``, ``district``, ``bucket``,
    ``amount_band``, ``kind``, ``label``, ``cause``, ``start`` (date), ``cured_on`` (date or
    null). A case visited in the window is a ``visit`` unit; else one with a remedy applied in
    the window a ``remedy`` unit; else, if still open at the control start and not visited or
    given a remedy up to 60 days after it, a ``control``; other cases are left out.
    """
    from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
    from fieldvisit.apps.remedies.models import RemedyProposal
    from fieldvisit.apps.visits.models import Visit, VisitReport

    open_at = CollectionCase.objects.filter(opened_on__lte=month_end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=month_end)
    )
    cases = list(
        open_at.values_list(
            "id", "loan_id", "branch_id", "district", "status", "closed_on", "loan__product_id"
        )
    )
    empty = pl.DataFrame(
        schema={
            "case_id": pl.Int64,
            "product_id": pl.Int64,
            "branch_id": pl.Int64,
            "district": pl.String,
            "bucket": pl.String,
            "amount_band": pl.String,
            "kind": pl.String,
            "label": pl.String,
            "cause": pl.String,
            "start": pl.Date,
            "cured_on": pl.Date,
        }
    )
    if not cases:
        return empty
    snapshot = {
        loan_id: (bucket, total_due)
        for loan_id, bucket, total_due in DelinquencySnapshot.objects.filter(
            as_of=month_end, dpd__gt=0, loan_id__in=open_at.values("loan_id")
        ).values_list("loan_id", "bucket", "total_due")
    }
    window_end = month_end + dt.timedelta(days=TREATMENT_WINDOW_DAYS)
    last_seen = month_end + dt.timedelta(days=CONTROL_START_DAYS + max(HORIZONS))
    first_visit: dict[int, tuple[dt.date, str, int]] = {}
    visited_until: set[int] = set()
    for case_id, day, purpose, visit_id in (
        Visit.objects.filter(case__in=open_at, date__gt=month_end, date__lte=last_seen)
        .order_by("date", "id")
        .values_list("case_id", "date", "purpose", "id")
    ):
        visited_until.add(case_id)
        if day <= window_end and case_id not in first_visit:
            first_visit[case_id] = (day, purpose, visit_id)
    causes: dict[int, str] = {}
    for visit_id, recorded in (
        VisitReport.objects.filter(
            visit_id__in=[v[2] for v in first_visit.values()], amends__isnull=True
        )
        .order_by("submitted_at", "id")
        .values_list("visit_id", "causes")
    ):
        if visit_id not in causes:
            causes[visit_id] = str(recorded[0]) if recorded else ""
    remedy: dict[int, tuple[dt.date, str]] = {}
    remedied: set[int] = set()
    for case_id, applied_on, key in (
        RemedyProposal.objects.filter(
            case__in=open_at, applied_on__gt=month_end, applied_on__lte=last_seen
        )
        .order_by("applied_on", "id")
        .values_list("case_id", "applied_on", "chosen_key")
    ):
        remedied.add(case_id)
        if applied_on is not None and applied_on <= window_end and case_id not in remedy:
            remedy[case_id] = (applied_on, (key or "other").split(":")[0])

    control_start = month_end + dt.timedelta(days=CONTROL_START_DAYS)
    records = []
    for case_id, loan_id, branch_id, district, status, closed_on, product_id in cases:
        state = snapshot.get(loan_id)
        if state is None:
            continue
        cured_on = closed_on if status == CaseStatus.CURED else None
        if case_id in first_visit:
            start, label, visit_id = first_visit[case_id]
            kind, cause = UnitKind.VISIT, causes.get(visit_id, "")
        elif case_id in remedy:
            start, label = remedy[case_id]
            kind, cause = UnitKind.REMEDY, ""
        elif (
            case_id in visited_until
            or case_id in remedied
            or (closed_on is not None and closed_on <= control_start)
        ):
            continue
        else:
            start, kind, label, cause = control_start, UnitKind.CONTROL, "", ""
        records.append(
            (
                case_id,
                product_id,
                branch_id,
                district or "",
                state[0],
                amount_band(state[1]),
                str(kind),
                label,
                cause,
                start,
                cured_on,
            )
        )
    if not records:
        return empty
    return pl.DataFrame(records, schema=empty.schema, orient="row")


def effect_cells(month_end: dt.date, as_of: dt.date) -> pl.DataFrame:
    """:func:`effect_units` counted per stratum, kind, label and cause: for each horizon h,
    ``n{h}`` units whose window [start, start + h] has ended by ``as_of`` and ``cured{h}`` of
    them cured on or before start + h."""
    units = effect_units(month_end, as_of)
    keys = ["product_id", "branch_id", "district", "bucket", "amount_band", "kind", "label"]
    keys.append("cause")
    aggregations = []
    for h in HORIZONS:
        observable = (pl.col("start") + pl.duration(days=h)) <= pl.lit(as_of)
        cured = pl.col("cured_on").is_not_null() & (
            pl.col("cured_on") <= pl.col("start") + pl.duration(days=h)
        )
        aggregations += [
            observable.sum().cast(pl.Int64).alias(f"n{h}"),
            (observable & cured).sum().cast(pl.Int64).alias(f"cured{h}"),
        ]
    return units.group_by(keys).agg(aggregations).sort(keys)


def causes_refresh(as_of: dt.date, months: Iterable[dt.date] | None = None) -> int:
    """Rebuild the :class:`CauseMonth` and :class:`FeedbackMonth` rows of ``months`` (first
    days; default the last :data:`CAUSE_MONTHS` calendar months up to ``as_of``) from the
    current version of each visit report; returns the rows written."""
    from collections import Counter

    from django.utils import timezone

    from fieldvisit.apps.visits.models import Cause, Understood, VisitReport

    if months is None:
        first = as_of.replace(day=1)
        months = [first]
        for _ in range(CAUSE_MONTHS - 1):
            months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    zone = timezone.get_current_timezone()
    written = 0
    for month in sorted(months):
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        counts: Counter[tuple[Any, ...]] = Counter()
        feedback: dict[tuple[Any, ...], list[int]] = {}
        for (
            causes,
            product_id,
            branch_id,
            district,
            income,
            channel,
            understood,
            explained,
            *ratings,
        ) in (
            VisitReport.objects.filter(
                amendments__isnull=True,
                submitted_at__gte=dt.datetime.combine(month, dt.time(), tzinfo=zone),
                submitted_at__lt=dt.datetime.combine(following, dt.time(), tzinfo=zone),
            )
            .values_list(
                "causes",
                "visit__case__loan__product_id",
                "visit__case__branch_id",
                "visit__case__district",
                "visit__case__loan__borrower__income_band",
                "visit__case__loan__sales_channel",
                "understood_terms",
                "mis_explained",
                "rating_clarity",
                "rating_fairness",
                "rating_service",
            )
            .iterator(chunk_size=5_000)
        ):
            key = (product_id, branch_id, district or "", income or "")
            recorded = list(dict.fromkeys(causes or []))
            counts[(*key, "")] += 1
            for cause in recorded:
                counts[(*key, str(cause))] += 1
            f = feedback.setdefault((product_id, branch_id, district or "", channel), [0] * 8)
            f[0] += 1
            f[1] += int(understood == Understood.NO or bool(explained) or Cause.MISSOLD in recorded)
            for k, value in enumerate(ratings):
                if value is not None:
                    f[2 + 2 * k] += value
                    f[3 + 2 * k] += 1
        CauseMonth.objects.filter(month=month).delete()
        FeedbackMonth.objects.filter(month=month).delete()
        written += _bulk(
            CauseMonth,
            (
                CauseMonth(
                    month=month,
                    product_id=p,
                    branch_id=b,
                    district=d,
                    income_band=i,
                    cause=c,
                    reports=n,
                )
                for (p, b, d, i, c), n in counts.items()
            ),
        )
        written += _bulk(
            FeedbackMonth,
            (
                FeedbackMonth(
                    month=month,
                    product_id=p,
                    branch_id=b,
                    district=d,
                    sales_channel=ch,
                    reports=f[0],
                    signals=f[1],
                    clarity_sum=f[2],
                    clarity_n=f[3],
                    fairness_sum=f[4],
                    fairness_n=f[5],
                    service_sum=f[6],
                    service_n=f[7],
                )
                for (p, b, d, ch), f in feedback.items()
            ),
        )
    return written


def amount_band(amount_due: Decimal) -> str:
    """The band of an amount due (yuan): see :data:`AMOUNT_BANDS`."""
    for name, upper in AMOUNT_BANDS:
        if amount_due < upper:
            return name
    return AMOUNT_BANDS[-1][0]


def _yuan(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def _bulk(model: Any, objects: Iterable[Any]) -> int:
    batch: list[Any] = []
    written = 0
    for obj in objects:
        batch.append(obj)
        if len(batch) >= _BATCH:
            model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        written += len(batch)
    return written
