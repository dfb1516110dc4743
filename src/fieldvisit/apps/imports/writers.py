"""Bulk writes of validated rows, inside the import's transaction.

Rows whose natural key is not in the database yet are inserted directly (PostgreSQL ``COPY``,
SQLite ``executemany`` in batches). Rows that may exist go through a temporary staging table and
one ``INSERT … SELECT … ON CONFLICT (key) DO UPDATE … WHERE <a column differs>``, so an unchanged
row is not written at all and a re-import of the same file changes nothing.

Counts: ``created`` = staged rows without a match before the upsert (plus direct inserts);
``updated`` = rows the upsert wrote minus ``created``; ``unchanged`` = the rest.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.db.backends.utils import CursorWrapper
from polars._typing import PolarsDataType
from psycopg.copy import QueuedLibpqWriter

#: Above this many rows, a PostgreSQL COPY into a table checks its foreign keys once, after the
#: load, instead of once per row, and an empty table gets its indexes after it (:func:`_bulk_load`).
BULK_ROWS = 200_000
BATCH_ROWS = 250_000  # rows per COPY chunk (PostgreSQL) — bounds the CSV text held in memory
SQLITE_BATCH = 5_000
LOOKUP_CHUNK = 500
FULL_SCAN_ABOVE = 20_000  # distinct keys above which one table scan beats chunked IN lookups


@dataclass(frozen=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def lookup(table: str, key: str, values: pl.Series, *, value: str = "id") -> pl.DataFrame:
    """``key → value`` for the distinct non-null ``values`` found in ``table``.

    Few keys: chunked ``IN`` queries; many keys: one scan of the two columns.
    """
    wanted = values.drop_nulls().unique()
    schema: dict[str, PolarsDataType] = {
        key: pl.String,
        value: pl.Int64 if value == "id" else pl.String,
    }
    if wanted.is_empty():
        return pl.DataFrame(schema=schema)
    if wanted.len() > FULL_SCAN_ABOVE and is_postgres():
        found = _scan(table, key, value, schema)
        return found.join(wanted.to_frame(key).cast(pl.String), on=key, how="semi")
    rows: list[tuple[object, object]] = []
    with connection.cursor() as cursor:
        if wanted.len() > FULL_SCAN_ABOVE:
            cursor.execute(f'SELECT "{key}", "{value}" FROM "{table}"')  # noqa: S608 - names are ours
            rows = cursor.fetchall()
        else:
            items = wanted.to_list()
            for start in range(0, len(items), LOOKUP_CHUNK):
                chunk = items[start : start + LOOKUP_CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f'SELECT "{key}", "{value}" FROM "{table}" WHERE "{key}" IN ({marks})',  # noqa: S608
                    chunk,
                )
                rows.extend(cursor.fetchall())
    found = pl.DataFrame(rows, schema=schema, orient="row")
    return found.join(wanted.to_frame(key).cast(pl.String), on=key, how="semi")


def _scan(table: str, key: str, value: str, schema: dict[str, PolarsDataType]) -> pl.DataFrame:
    """Two columns of a whole table, through ``COPY TO`` (a million rows in a second or two,
    where fetching them as Python tuples takes many times longer)."""
    sql = f'COPY (SELECT "{key}", "{value}" FROM "{table}") TO STDOUT (FORMAT csv)'  # noqa: S608
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        data = b"".join(bytes(block) for block in copy)
    if not data:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(
        data, has_header=False, new_columns=list(schema), schema=schema, quote_char='"'
    )


def insert(cursor: CursorWrapper, table: str, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as the table's) and return the count.

    A big PostgreSQL load goes in with the table's foreign keys (and, into an empty table, its
    indexes) set aside and restored after it (:func:`_bulk_load`).
    """
    if frame.is_empty():
        return 0
    if is_postgres():
        with _bulk_load(cursor, table, frame.height):
            _copy(cursor, table, frame)
    else:
        _insert_sqlite(cursor, table, frame)
    return frame.height


def _copy(cursor: CursorWrapper, table: str, frame: pl.DataFrame) -> None:
    """``COPY`` the rows in CSV chunks; a writer thread sends one chunk while the next is made."""
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    # CSV keeps an empty string apart from NULL (\N), which text columns need.
    sql = f"COPY \"{table}\" ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')"
    raw = cursor.cursor
    with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
        for chunk in _chunks(frame, BATCH_ROWS):
            buffer = io.BytesIO()
            chunk.write_csv(buffer, include_header=False, null_value="\\N")
            copy.write(buffer.getvalue())


def _insert_sqlite(cursor: CursorWrapper, table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    marks = ", ".join(["%s"] * frame.width)
    sql = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608
    for chunk in _chunks(_sqlite_values(frame), SQLITE_BATCH):
        cursor.executemany(sql, chunk.rows())


def upsert(
    cursor: CursorWrapper,
    table: str,
    frame: pl.DataFrame,
    *,
    key: Sequence[str],
    insert_only: Sequence[str] = (),
    touch: Sequence[str] = (),
) -> Counts:
    """Insert new rows and update changed ones by the unique ``key`` columns.

    ``insert_only`` columns (``created_at``) are written on insert and never compared or updated;
    ``touch`` columns (``updated_at``) are written on insert and on a real update only.
    """
    if frame.is_empty():
        return Counts()
    stage = f"import_stage_{table}"
    compared = [c for c in frame.columns if c not in key and c not in (*insert_only, *touch)]
    names = ", ".join(f'"{c}"' for c in frame.columns)
    cursor.execute(f'DROP TABLE IF EXISTS "{stage}"')
    cursor.execute(
        f'CREATE TEMP TABLE "{stage}" AS SELECT {names} FROM "{table}" LIMIT 0'  # noqa: S608
    )
    if is_postgres():
        _copy(cursor, stage, frame)
    else:
        _insert_sqlite(cursor, stage, frame)
    match = " AND ".join(f't."{k}" = s."{k}"' for k in key)
    cursor.execute(
        f'SELECT count(*) FROM "{stage}" s WHERE NOT EXISTS '  # noqa: S608
        f'(SELECT 1 FROM "{table}" t WHERE {match})'
    )
    created = int(cursor.fetchone()[0])
    distinct = "IS DISTINCT FROM" if is_postgres() else "IS NOT"
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in (*compared, *touch))
    changed = " OR ".join(f'"{table}"."{c}" {distinct} excluded."{c}"' for c in compared) or "false"
    keys = ", ".join(f'"{k}"' for k in key)
    cursor.execute(
        f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{stage}" WHERE true '  # noqa: S608
        f"ON CONFLICT ({keys}) DO UPDATE SET {sets} WHERE {changed}"
    )
    written = cursor.rowcount
    cursor.execute(f'DROP TABLE "{stage}"')
    return Counts(created, written - created, frame.height - written)


@contextmanager
def _bulk_load(cursor: CursorWrapper, table: str, rows: int) -> Iterator[None]:
    """For a big load, set the table's foreign keys aside (and its indexes, if it is empty).

    PostgreSQL checks a foreign key row by row, and Django's are ``DEFERRABLE INITIALLY
    DEFERRED``, so 20 million rows would queue 20 million checks for the commit; adding the
    constraint back checks every row in one join. Into an empty table, building each index once
    after the load is several times cheaper than keeping it up to date row by row; indexes that
    another table's foreign key relies on (a referenced primary key) stay. Everything happens in
    the import's transaction, so a failure or a kill restores the constraints and indexes with
    the rest. The price: the table (and the tables its keys reference) is locked until the import
    commits, which is why small loads (daily files) keep the row-by-row checks.
    """
    if rows < BULK_ROWS:
        yield
        return
    cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608 - our names
    empty = not cursor.fetchone()[0]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    foreign_keys = cursor.fetchall()
    indexes = _indexes_to_rebuild(cursor, table) if empty else []
    for name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for index, constraint, _definition in indexes:
        if constraint:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
        else:
            cursor.execute(f'DROP INDEX "{index}"')
    yield
    for _index, constraint, definition in indexes:
        if constraint:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {definition}')
        else:
            cursor.execute(definition)
    # Statistics first, so the planner joins the new rows sensibly in the checks below and later.
    cursor.execute(f'ANALYZE "{table}"')
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def _indexes_to_rebuild(cursor: CursorWrapper, table: str) -> list[tuple[str, str, str]]:
    """``(index, constraint or "", definition)`` of the indexes no foreign key relies on.

    A primary key or unique constraint is dropped and added back as a constraint (its
    definition from ``pg_get_constraintdef``), a plain index as its ``CREATE INDEX``.
    """
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text,
               coalesce(c.conname, ''),
               CASE WHEN c.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
                    ELSE pg_get_constraintdef(c.oid) END
        FROM pg_index i
        LEFT JOIN pg_constraint c
               ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
              AND c.contype IN ('p', 'u', 'x')
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (
              SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid
          )
        ORDER BY 1
        """,
        [table],
    )
    return [(str(a), str(b), str(c)) for a, b, c in cursor.fetchall()]


def timestamp(moment: dt.datetime) -> str:
    """A timestamp as the database stores it (UTC; SQLite keeps Django's naive UTC text)."""
    value = connection.ops.adapt_datetimefield_value(moment)
    return str(value)


def _chunks(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for start in range(0, frame.height, size):
        yield frame.slice(start, size)


def _sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as SQLite keeps Django's fields: ISO text for dates and times, 0/1 for booleans."""
    exprs = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            exprs.append(column.dt.to_string("%Y-%m-%d"))
        elif dtype == pl.Time:
            exprs.append(column.dt.to_string("%H:%M:%S"))
        elif dtype == pl.Boolean:
            exprs.append(column.cast(pl.Int8))
        else:
            exprs.append(column)
    return frame.select(exprs)
