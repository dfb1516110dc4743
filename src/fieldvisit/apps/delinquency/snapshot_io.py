"""Bulk reads and writes of snapshot rows: no ORM object per row on PostgreSQL.

Rows travel as Polars frames with money in int64 cents (the columns of
:class:`fieldvisit.apps.delinquency.hooks.SnapshotRows`). Writing is ``COPY … FROM STDIN`` on
PostgreSQL and ``bulk_create`` in batches on SQLite.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import polars as pl
from django.db import connection

from fieldvisit.apps.delinquency.book_reader import (
    bigint,
    cents_sql,
    epoch_days,
    fetch_int_columns,
)
from fieldvisit.apps.delinquency.hooks import MONEY_COLUMNS
from fieldvisit.apps.delinquency.models import SNAPSHOT_FIGURES, DelinquencySnapshot

#: The columns two snapshot rows are compared on to tell whether a loan's state changed.
STATE_COLUMNS: tuple[str, ...] = SNAPSHOT_FIGURES

_SQLITE_BATCH = 2_000


def read_latest_rows(
    low: int, high: int, before: date, since: date | None, labels: dict[str, tuple[str, ...]]
) -> pl.DataFrame:
    """The latest stored row before ``before`` of each loan with id in ``[low, high)``.

    Only rows on or after ``since`` are read (the last full write, which has a row for every loan
    then in the book), so the scan is bounded by one month of history, not all of it. Text columns
    come back as codes and are mapped through ``labels`` (bucket and classification labels).
    """
    table = DelinquencySnapshot._meta.db_table
    bucket_sql = _code_sql("bucket", labels["bucket"])
    class_sql = _code_sql("classification", labels["classification"])
    money = ", ".join(cents_sql(name) for name in MONEY_COLUMNS)
    where = "loan_id >= %s AND loan_id < %s AND as_of < %s"
    params: list[object] = [low, high, before]
    if since is not None:
        where += " AND as_of >= %s"
        params.append(since)
    names = ("loan_id", "day", "dpd", "bucket", "classification", "in_observation", *MONEY_COLUMNS)
    columns = fetch_int_columns(
        f"SELECT loan_id, {bigint(epoch_days('as_of'))}, {bigint('dpd')}, "  # noqa: S608
        f"{bigint(bucket_sql)}, {bigint(class_sql)}, "
        f"{bigint('CASE WHEN in_observation THEN 1 ELSE 0 END')}, {money} "
        f"FROM {table} WHERE {where}",
        params,
        names,
    )
    frame = pl.DataFrame(columns).sort("loan_id", "day")
    frame = frame.unique(subset="loan_id", keep="last", maintain_order=True).drop("day")
    return frame.with_columns(
        _decode("bucket", labels["bucket"]),
        _decode("classification", labels["classification"]),
        pl.col("in_observation").cast(pl.Boolean),
    )


def _code_sql(column: str, labels: tuple[str, ...]) -> str:
    # Labels are the policy's own ("M0", "special_mention"): safe to inline, and integers travel
    # much faster than text through COPY. An unknown label (an older policy) becomes -1, so it
    # always compares as changed.
    cases = " ".join(f"WHEN '{label}' THEN {code}" for code, label in enumerate(labels))
    return f"CASE {column} {cases} ELSE -1 END"


def _decode(column: str, labels: tuple[str, ...]) -> pl.Expr:
    mapping = dict(enumerate(labels))
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)


def delete_day(as_of: date) -> int:
    """Delete every snapshot row of ``as_of`` (one statement, no ORM collection); the count."""
    table = DelinquencySnapshot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE as_of = %s", [as_of])  # noqa: S608
        return max(int(cursor.rowcount), 0)


def write_rows(as_of: date, rows: pl.DataFrame) -> int:
    """Insert ``rows`` (snapshot columns, money in cents) as snapshot rows of ``as_of``."""
    if rows.height == 0:
        return 0
    if connection.vendor == "postgresql":
        _copy_in(as_of, rows)
    else:
        _bulk_create(as_of, rows)
    return rows.height


def _yuan(column: str) -> pl.Expr:
    """int64 cents as the exact decimal text PostgreSQL reads: -1234 → "-12.34"."""
    cents = pl.col(column)
    magnitude = cents.abs()
    return pl.concat_str(
        pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // 100).cast(pl.String),
        pl.lit("."),
        (magnitude % 100).cast(pl.String).str.zfill(2),
    ).alias(column)


def _copy_in(as_of: date, rows: pl.DataFrame) -> None:
    table = DelinquencySnapshot._meta.db_table
    columns = ("as_of", "loan_id", *SNAPSHOT_FIGURES)
    text = rows.select(
        pl.lit(as_of.isoformat()).alias("as_of"),
        "loan_id",
        "dpd",
        "bucket",
        "classification",
        "in_observation",
        *(_yuan(name) for name in MONEY_COLUMNS),
    )
    buffer = io.BytesIO()
    text.write_csv(buffer, include_header=False)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        view = buffer.getbuffer()
        step = 1 << 20
        for start in range(0, len(view), step):
            copy.write(view[start : start + step])
        del view


def _bulk_create(as_of: date, rows: pl.DataFrame) -> None:
    cent = Decimal("0.01")
    DelinquencySnapshot.objects.bulk_create(
        (
            DelinquencySnapshot(
                as_of=as_of,
                loan_id=record["loan_id"],
                dpd=record["dpd"],
                bucket=record["bucket"],
                classification=record["classification"],
                in_observation=record["in_observation"],
                **{name: Decimal(record[name]) * cent for name in MONEY_COLUMNS},
            )
            for record in rows.iter_rows(named=True)
        ),
        batch_size=_SQLITE_BATCH,
    )
