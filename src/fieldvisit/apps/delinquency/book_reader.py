"""Read the loan book from the database into the batch engine's columnar input, in bulk.

No ORM object per row: each table is one SQL query that already turns money into integer cents,
rates into millionths and dates into days since 1970-01-01, so what comes back is a block of
integers. On PostgreSQL the query runs as ``COPY (…) TO STDOUT`` and Polars parses the CSV (the
fastest way out of the server); on SQLite, the embedded default with small books, a plain cursor.

The book is read in ranges of loan ids (:func:`loan_id_ranges`) so that memory stays bounded by
the chunk size, not the book size.

Mapping rules (the one place rows become engine input):

* a loan's schedule is its instalments of version ``Loan.schedule_version``;
* a restructured loan counts only payments dated on or after ``restructured_on``: earlier ones
  paid the superseded schedule, whose balance the new schedule already reflects;
* payments dated after ``as_of`` are not read (the engine would ignore them);
* payments on the same day keep their booking order (payment id);
* a loan with no instalment of its current version cannot be assessed and is skipped (counted).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from fieldvisit.apps.loans.models import Installment, Loan, Payment
from fieldvisit.engines.delinquency.batch_book import LoanBook

I64 = npt.NDArray[np.int64]

#: Stands for "never restructured" in the integer column; far outside any real date.
_NO_DATE = -(2**31)


@dataclass(frozen=True)
class BookChunk:
    """The book of the loans with ids in ``[low, high)``; ``skipped`` loans had no schedule."""

    low: int
    high: int
    book: LoanBook
    skipped: int


@dataclass(frozen=True)
class LoanRange:
    """The loans with ids in ``[low, high)``; ``loans`` of them."""

    low: int
    high: int
    loans: int


def loan_id_ranges(chunk_size: int) -> list[LoanRange]:
    """Half-open id ranges of at most ``chunk_size`` loans each, covering every loan.

    Reads the ids only (8 bytes a loan), so ranges hold equal numbers of loans even when ids
    have gaps.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size: must be at least 1, got {chunk_size}")
    table = Loan._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")  # noqa: S608 - table name, no input
        ids = np.fromiter((row[0] for row in cursor.fetchall()), np.int64)
    if ids.size == 0:
        return []
    starts = list(range(0, int(ids.size), chunk_size))
    ends = [*starts[1:], int(ids.size)]
    return [
        LoanRange(
            low=int(ids[start]),
            high=int(ids[end]) if end < ids.size else int(ids[-1]) + 1,
            loans=end - start,
        )
        for start, end in zip(starts, ends, strict=True)
    ]


def epoch_days(column: str) -> str:
    """SQL for the days from 1970-01-01 to the date in ``column`` (an integer), per vendor."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def cents_sql(column: str, scale: int = 100) -> str:
    """SQL for ``column × scale`` as an exact BIGINT (cents of a money column by default).

    PostgreSQL's numeric → bigint cast rounds, and ``column × scale`` is integral anyway; SQLite
    keeps decimals as floating point, whose cast truncates, hence the ROUND there.
    """
    if connection.vendor == "postgresql":
        return f"CAST({column} * {scale} AS BIGINT)"
    return f"CAST(ROUND({column} * {scale}) AS BIGINT)"


def bigint(expression: str) -> str:
    """Every column :func:`fetch_int_columns` reads must be a BIGINT (fixed-width COPY rows)."""
    return f"CAST({expression} AS BIGINT)"


def fetch_int_columns(sql: str, params: list[Any], names: tuple[str, ...]) -> dict[str, I64]:
    """Run a query whose columns are all non-null BIGINTs; return each as an int64 array."""
    if connection.vendor == "postgresql":
        return _copy_out_binary(sql, params, names)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    block = np.array(rows, dtype=np.int64).reshape(len(rows), len(names))
    return {name: np.ascontiguousarray(block[:, i]) for i, name in enumerate(names)}


_PGCOPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def _copy_out_binary(sql: str, params: list[Any], names: tuple[str, ...]) -> dict[str, I64]:
    """``COPY (sql) TO STDOUT (FORMAT binary)`` parsed with one ``np.frombuffer``.

    With every column a non-null BIGINT, each row of PostgreSQL's binary COPY format has the
    same layout: a 16-bit field count, then per field a 32-bit length (8) and the 64-bit value,
    all big-endian. So the whole body is one array of fixed-size records: no text to format on
    the server nor to parse here.
    """
    buffer = io.BytesIO()
    statement = f"COPY ({sql}) TO STDOUT (FORMAT binary)"
    # Django's %s placeholders are psycopg's; psycopg binds them client-side for COPY.
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for block in copy:
            buffer.write(block)
    data = buffer.getbuffer()
    if bytes(data[:11]) != _PGCOPY_SIGNATURE:
        raise ValueError("COPY binary: unexpected header")
    extension = int.from_bytes(data[15:19], "big")
    body = data[19 + extension : len(data) - 2]  # the trailer is a field count of -1
    record = np.dtype(
        [("fields", ">i2")]
        + [item for i in range(len(names)) for item in ((f"l{i}", ">i4"), (f"v{i}", ">i8"))]
    )
    if len(body) % record.itemsize:
        raise ValueError("COPY binary: a column is not a non-null BIGINT")
    rows = np.frombuffer(body, dtype=record)
    if rows.size and (
        (rows["fields"] != len(names)).any()
        or any((rows[f"l{i}"] != 8).any() for i in range(len(names)))
    ):
        raise ValueError("COPY binary: a column is not a non-null BIGINT")
    columns = {name: rows[f"v{i}"].astype(np.int64) for i, name in enumerate(names)}
    del rows, body, data
    return columns


def read_book(low: int, high: int, as_of: date) -> BookChunk:
    """The columnar book of the loans with ids in ``[low, high)``, as the engine needs it on
    ``as_of`` (see the module docstring for the mapping rules)."""
    loan_t, inst_t, pay_t = (m._meta.db_table for m in (Loan, Installment, Payment))
    restructured = epoch_days("l.restructured_on")
    loans = fetch_int_columns(
        f"SELECT l.id, {cents_sql('l.annual_rate', 1_000_000)}, "  # noqa: S608 - no user input
        f"{bigint(f'CASE WHEN l.restructured_on IS NULL THEN {_NO_DATE} ELSE {restructured} END')} "
        f"FROM {loan_t} l WHERE l.id >= %s AND l.id < %s ORDER BY l.id",
        [low, high],
        ("id", "rate_ppm", "restructured"),
    )
    inst = fetch_int_columns(
        f"SELECT i.loan_id, {bigint('i.number')}, {bigint(epoch_days('i.due_date'))}, "  # noqa: S608
        f"{cents_sql('i.principal')}, {cents_sql('i.interest')} "
        f"FROM {inst_t} i JOIN {loan_t} l ON l.id = i.loan_id AND i.version = l.schedule_version "
        f"WHERE i.loan_id >= %s AND i.loan_id < %s ORDER BY i.loan_id, i.version, i.number",
        [low, high],
        ("loan_id", "number", "due", "principal", "interest"),
    )
    pay = fetch_int_columns(
        f"SELECT p.loan_id, {bigint(epoch_days('p.paid_on'))}, {cents_sql('p.amount')} "  # noqa: S608
        f"FROM {pay_t} p JOIN {loan_t} l ON l.id = p.loan_id "
        f"WHERE p.loan_id >= %s AND p.loan_id < %s AND p.paid_on <= %s "
        f"AND (l.restructured_on IS NULL OR p.paid_on >= l.restructured_on) "
        f"ORDER BY p.loan_id, p.paid_on, p.id",
        [low, high, as_of],
        ("loan_id", "day", "amount"),
    )

    # Keep the loans that have a schedule, and only rows of kept loans (a loan added between
    # the three queries must not shift the row numbers).
    with_schedule = np.isin(loans["id"], inst["loan_id"])
    loan_id = loans["id"][with_schedule]
    inst_keep = np.isin(inst["loan_id"], loan_id)
    pay_keep = np.isin(pay["loan_id"], loan_id)
    restructured_day = loans["restructured"][with_schedule]
    restructured_on = restructured_day.astype("datetime64[D]")
    restructured_on[restructured_day == _NO_DATE] = np.datetime64("NaT")
    book = LoanBook(
        loan_id=loan_id,
        annual_rate_ppm=loans["rate_ppm"][with_schedule],
        restructured_on=restructured_on,
        inst_loan=np.searchsorted(loan_id, inst["loan_id"][inst_keep]),
        inst_number=inst["number"][inst_keep],
        inst_due=inst["due"][inst_keep].astype("datetime64[D]"),
        inst_principal=inst["principal"][inst_keep],
        inst_interest=inst["interest"][inst_keep],
        pay_loan=np.searchsorted(loan_id, pay["loan_id"][pay_keep]),
        pay_date=pay["day"][pay_keep].astype("datetime64[D]"),
        pay_amount=pay["amount"][pay_keep],
    )
    return BookChunk(low=low, high=high, book=book, skipped=int((~with_schedule).sum()))
