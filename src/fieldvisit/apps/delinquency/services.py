"""The nightly delinquency snapshot: :func:`snapshot_run`.

Steps of one run for day D (one database transaction; see README.md for the storage rule):

1. lock D's :class:`SnapshotRun` row (``SELECT … FOR UPDATE NOWAIT`` on PostgreSQL, the
   database write lock of an IMMEDIATE transaction on SQLite), so two runs of D never interleave;
2. delete D's rows (a re-run replaces the day and nothing else);
3. per range of loan ids: read the book in bulk, assess it with the vectorised engine, read each
   loan's latest stored row before D, and write the rows of loans that are delinquent, changed,
   new, or all loans at month end (COPY on PostgreSQL);
4. call the registered hooks with the day's rows (inside the transaction: see ``hooks.py``);
5. record the run (counts by bucket, rows written, policy, timings) and commit.

A crash at any point leaves the previous state of D (or none); a failure also writes
``last_error`` on the run row, in its own transaction, after the rollback.

Batch cost: reads every loan, instalment and payment once (memory bounded by ``chunk_size``
loans), reads at most the stored rows since the last full write, writes delinquent + changed rows
(every loan at month end).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import islice

import numpy as np
import polars as pl
from django.db import OperationalError, connection, connections, transaction
from django.utils.translation import gettext as _

from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.delinquency.book_reader import BookChunk, LoanRange, loan_id_ranges, read_book
from fieldvisit.apps.delinquency.hooks import MONEY_COLUMNS, SnapshotRows, call_snapshot_hooks
from fieldvisit.apps.delinquency.models import SnapshotRun, SnapshotRunStatus
from fieldvisit.apps.delinquency.selectors import delinquency_policy_for, policy_as_mapping
from fieldvisit.apps.delinquency.snapshot_io import (
    STATE_COLUMNS,
    delete_day,
    read_latest_rows,
    write_rows,
)
from fieldvisit.engines.delinquency.batch import CLASS_LABELS, BookAssessment, assess_book
from fieldvisit.engines.delinquency.policy import DelinquencyPolicy

#: Loans per chunk: about 0.5 GB of working memory at ~24 instalments a loan.
DEFAULT_CHUNK_SIZE = 200_000

Progress = Callable[[int, int], None]
"""``progress(loans_done, loans_total)``, called after each chunk is written."""


class SnapshotRunBusy(ApplicationError):
    """Another run of the same ``as_of`` holds the lock."""


@dataclass(frozen=True, slots=True)
class BucketSummary:
    """One bucket of the day's book (every loan, written or not); money in yuan.

    ``overdue`` = overdue principal + overdue interest; ``total_due`` adds penalty and compound.
    """

    bucket: str
    loans: int
    outstanding_principal: Decimal
    overdue: Decimal
    total_due: Decimal


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    """What one run did: loans assessed and skipped (no schedule), rows written, whether every
    loan got a row, the summary by bucket, and the seconds spent per step."""

    as_of: date
    loans_assessed: int
    loans_skipped: int
    rows_written: int
    full_write: bool
    by_bucket: tuple[BucketSummary, ...]
    timings: dict[str, float] = field(default_factory=dict)


def is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def bucket_labels(policy: DelinquencyPolicy) -> tuple[str, ...]:
    """M0, M1, … and the open last bucket, as the engine names them."""
    edges = len(policy.bucket_edges)
    return (*(f"M{i}" for i in range(edges)), f"M{edges}+")


def snapshot_run(
    as_of: date,
    *,
    policy: DelinquencyPolicy | None = None,
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> SnapshotResult:
    """Assess the whole book at the end of ``as_of`` and store that day's snapshot (module doc).

    ``policy`` defaults to the one in force on ``as_of`` (:func:`delinquency_policy_for`).
    Idempotent: running a day again replaces its rows and nothing else. Raises
    :class:`SnapshotRunBusy` if a run of the same day is in progress.
    """
    policy = policy or delinquency_policy_for(as_of)
    started_at = now()
    SnapshotRun.objects.get_or_create(as_of=as_of)
    try:
        result = _run_locked(as_of, policy, progress, chunk_size, started_at)
    except SnapshotRunBusy:
        raise
    except OperationalError as exc:
        if connection.vendor == "sqlite" and "locked" in str(exc):
            raise _busy(as_of) from exc
        _record_failure(as_of, exc)
        raise
    except Exception as exc:
        _record_failure(as_of, exc)
        raise
    return result


def _busy(as_of: date) -> SnapshotRunBusy:
    return SnapshotRunBusy(
        _("A snapshot run for %(day)s is already in progress.") % {"day": as_of.isoformat()},
        code="busy",
    )


def _record_failure(as_of: date, exc: Exception) -> None:
    if connection.needs_rollback:
        return  # called inside an outer transaction that is already broken: nothing to write
    SnapshotRun.objects.filter(as_of=as_of).update(
        last_error=f"{type(exc).__name__}: {exc}"[:2000], last_failed_at=now()
    )


def _lock_run(as_of: date) -> SnapshotRun:
    try:
        return SnapshotRun.objects.select_for_update(nowait=True).get(as_of=as_of)
    except OperationalError as exc:
        # PostgreSQL: "could not obtain lock on row" (lock_not_available).
        if connection.vendor == "postgresql":
            raise _busy(as_of) from exc
        raise


def _run_locked(
    as_of: date,
    policy: DelinquencyPolicy,
    progress: Progress | None,
    chunk_size: int,
    started_at: datetime,
) -> SnapshotResult:
    timings = dict.fromkeys(("read", "assess", "compare", "write", "hooks"), 0.0)
    clock = time.perf_counter()
    month_end = is_month_end(as_of)
    labels = {"bucket": bucket_labels(policy), "classification": tuple(CLASS_LABELS)}
    with transaction.atomic(durable=True):
        run = _lock_run(as_of)
        delete_day(as_of)
        since = (
            SnapshotRun.objects.filter(
                as_of__lt=as_of, status=SnapshotRunStatus.DONE, full_write=True
            )
            .order_by("-as_of")
            .values_list("as_of", flat=True)
            .first()
        )
        ranges = loan_id_ranges(chunk_size)
        total = sum(r.loans for r in ranges)
        assessed = skipped = written = 0
        summary = _Summary(labels["bucket"])
        day_rows: list[pl.DataFrame] = []
        done = 0
        chunks = _prefetched_books(ranges, as_of)
        for loan_range in ranges:
            low, high = loan_range.low, loan_range.high
            tick = time.perf_counter()
            chunk = next(chunks)
            timings["read"] += time.perf_counter() - tick  # waiting for it, once prefetched

            tick = time.perf_counter()
            current = _frame(assess_book(chunk.book, as_of, policy), labels)
            summary.add(current)
            timings["assess"] += time.perf_counter() - tick

            tick = time.perf_counter()
            previous = read_latest_rows(low, high, as_of, since, labels)
            rows = _rows_to_write(current, previous, month_end=month_end)
            timings["compare"] += time.perf_counter() - tick

            tick = time.perf_counter()
            written += write_rows(as_of, rows.drop("changed"))
            timings["write"] += time.perf_counter() - tick

            assessed += current.height
            skipped += chunk.skipped
            day_rows.append(rows)
            done += loan_range.loans
            if progress is not None:
                progress(done, total)

        tick = time.perf_counter()
        rows_of_day = SnapshotRows(as_of=as_of, policy=policy, frame=_concat(day_rows))
        call_snapshot_hooks(as_of, rows_of_day)
        timings["hooks"] += time.perf_counter() - tick

        timings["total"] = time.perf_counter() - clock
        timings = {name: round(seconds, 3) for name, seconds in timings.items()}
        result = SnapshotResult(
            as_of=as_of,
            loans_assessed=assessed,
            loans_skipped=skipped,
            rows_written=written,
            full_write=written == assessed,
            by_bucket=summary.buckets(),
            timings=timings,
        )
        run.status = SnapshotRunStatus.DONE
        run.started_at = started_at
        run.finished_at = now()
        run.loans_assessed = assessed
        run.loans_skipped = skipped
        run.rows_written = written
        run.full_write = result.full_write
        run.by_bucket = {
            b.bucket: {
                "loans": b.loans,
                "outstanding_principal": str(b.outstanding_principal),
                "overdue": str(b.overdue),
                "total_due": str(b.total_due),
            }
            for b in result.by_bucket
        }
        run.policy = policy_as_mapping(policy)
        run.timings = timings
        run.save()
    return result


#: Chunks read ahead on PostgreSQL, each on its own connection (a server process each).
READ_AHEAD = 2


def _prefetched_books(ranges: list[LoanRange], as_of: date) -> Iterator[BookChunk]:
    """The book chunks in order. On PostgreSQL up to :data:`READ_AHEAD` chunks are read by
    threads while the run assesses and writes: reading is most of the run's time and is done by
    the server, so two readers use both cores. The readers' connections see the committed book,
    as the run's own would (the run writes no portfolio table). SQLite reads in line, and so does
    a run inside a caller's transaction.
    """
    # Other connections see only committed data: read ahead only when the run's transaction is
    # the outermost one, not inside a caller's (a test's) with uncommitted portfolio rows.
    outermost = not connection.savepoint_ids
    if connection.vendor != "postgresql" or len(ranges) < 2 or not outermost:
        for loan_range in ranges:
            yield read_book(loan_range.low, loan_range.high, as_of)
        return

    def read(loan_range: LoanRange) -> BookChunk:
        try:
            return read_book(loan_range.low, loan_range.high, as_of)
        finally:
            connections.close_all()  # this thread's connection; the run's is another thread's

    with ThreadPoolExecutor(max_workers=READ_AHEAD) as pool:
        pending: deque[Future[BookChunk]] = deque()
        upcoming = iter(ranges)
        for loan_range in islice(upcoming, READ_AHEAD):
            pending.append(pool.submit(read, loan_range))
        while pending:
            chunk = pending.popleft().result()
            for loan_range in islice(upcoming, 1):
                pending.append(pool.submit(read, loan_range))
            yield chunk


def _frame(result: BookAssessment, labels: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    """Every loan of a chunk as snapshot columns (money in cents)."""
    classes = np.asarray(labels["classification"])
    return pl.DataFrame(
        {
            "loan_id": result.loan_id,
            "dpd": result.dpd,
            "bucket": pl.Series(result.bucket.astype(np.int64)).replace_strict(
                dict(enumerate(result.bucket_labels)), return_dtype=pl.String
            ),
            "classification": pl.Series(classes[result.classification.astype(np.int64)]),
            "in_observation": result.in_observation,
            **{name: getattr(result, name) for name in MONEY_COLUMNS},
        }
    )


def _rows_to_write(
    current: pl.DataFrame, previous: pl.DataFrame, *, month_end: bool
) -> pl.DataFrame:
    """The rows to store: delinquent (DPD > 0), changed since the loan's previous row or without
    one, and every loan at month end. Adds ``changed``."""
    joined = current.join(previous, on="loan_id", how="left", suffix="_before")
    differs = pl.col("dpd_before").is_null()
    for name in STATE_COLUMNS:
        differs = differs | (pl.col(name) != pl.col(f"{name}_before")).fill_null(True)
    keep = differs | (pl.col("dpd") > 0) | pl.lit(month_end)
    return (
        joined.with_columns(differs.alias("changed"))
        .filter(keep)
        .select(*current.columns, "changed")
    )


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    if frames:
        return pl.concat(frames, how="vertical")
    return pl.DataFrame(
        schema={
            "loan_id": pl.Int64,
            "dpd": pl.Int64,
            "bucket": pl.String,
            "classification": pl.String,
            "in_observation": pl.Boolean,
            **dict.fromkeys(MONEY_COLUMNS, pl.Int64),
            "changed": pl.Boolean,
        }
    )


class _Summary:
    """Per-bucket totals over every loan of the day, accumulated chunk by chunk (in cents)."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self._labels = labels
        self._totals = {label: [0, 0, 0, 0] for label in labels}

    def add(self, frame: pl.DataFrame) -> None:
        grouped = frame.group_by("bucket").agg(
            pl.len().alias("loans"),
            pl.col("outstanding_principal").sum(),
            (pl.col("overdue_principal") + pl.col("overdue_interest")).sum().alias("overdue"),
            pl.col("total_due").sum(),
        )
        for bucket, loans, outstanding, overdue, total_due in grouped.iter_rows():
            totals = self._totals[bucket]
            for i, value in enumerate((loans, outstanding, overdue, total_due)):
                totals[i] += int(value)

    def buckets(self) -> tuple[BucketSummary, ...]:
        cent = Decimal("0.01")
        return tuple(
            BucketSummary(
                bucket=label,
                loans=loans,
                outstanding_principal=Decimal(outstanding) * cent,
                overdue=Decimal(overdue) * cent,
                total_due=Decimal(total_due) * cent,
            )
            for label, (loans, outstanding, overdue, total_due) in self._totals.items()
        )
