"""Big PostgreSQL loads: foreign keys checked once after the COPY, indexes of an empty table
built after it, and the schema exactly as it was afterwards (PostgreSQL only)."""

from __future__ import annotations

import pytest
from django.db import connection

from fieldvisit.apps.imports import writers
from fieldvisit.apps.imports.models import ImportSource, ImportStatus
from fieldvisit.apps.imports.services import (
    import_job_create,
    import_job_run,
    import_sources_from_path,
)
from fieldvisit.apps.loans.models import Installment, Payment
from tests.apps.imports.book import write_book

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and ALTER TABLE"),
]

TABLES = ("loans_borrower", "loans_loan", "loans_installment", "loans_payment")


def schema(table: str) -> dict[str, object]:
    """Every constraint (with its deferrability and validity) and index definition of a table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred, convalidated "
            "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table]
        )
        indexes = cursor.fetchall()
    return {"constraints": constraints, "indexes": indexes}


def while_copying(monkeypatch) -> dict[str, list[tuple[int, int]]]:
    """Record (foreign keys, indexes) of each table at the moment rows are copied into it."""
    seen: dict[str, list[tuple[int, int]]] = {}
    copy = writers._copy

    def spying(cursor, table, frame):
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_constraint "
            "        WHERE conrelid = %s::regclass AND contype = 'f'), "
            "       (SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass)",
            [table, table],
        )
        seen.setdefault(table, []).append(cursor.fetchone())
        copy(cursor, table, frame)

    monkeypatch.setattr(writers, "_copy", spying)
    return seen


def run_import(folder):
    job = import_job_create(source=ImportSource.CLI)
    return import_job_run(job=job, sources=import_sources_from_path(folder))


def test_a_big_load_into_empty_tables_copies_without_keys_or_indexes_and_restores_them(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(writers, "BULK_ROWS", 2)
    before = {table: schema(table) for table in TABLES}
    seen = while_copying(monkeypatch)

    job = run_import(write_book(tmp_path / "book"))

    assert job.status == ImportStatus.SUCCEEDED
    # Borrowers and loans keep the primary key other tables' foreign keys rely on; instalments
    # and payments, which nothing refers to, are copied with no index at all.
    assert {table: seen[table] for table in TABLES} == {
        "loans_borrower": [(0, 1)],
        "loans_loan": [(0, 1)],
        "loans_installment": [(0, 0)],
        "loans_payment": [(0, 0)],
    }
    assert {table: schema(table) for table in TABLES} == before
    assert (Installment.objects.count(), Payment.objects.count()) == (6, 2)


def test_a_big_load_into_a_table_with_rows_keeps_its_indexes(tmp_path, monkeypatch):
    first = write_book(tmp_path / "book")
    run_import(first)
    monkeypatch.setattr(writers, "BULK_ROWS", 1)
    before = {table: schema(table) for table in TABLES}
    seen = while_copying(monkeypatch)
    more = write_book(tmp_path / "more")
    (more / "payments.csv").write_text(
        "payment_reference,loan_number,paid_on,amount,method\n"
        "P0000000001-002,L0000000001,2026-03-05,4080.00,bank_transfer\n"
        "P0000000002-002,L0000000002,2026-03-05,4080.00,bank_transfer\n",
        encoding="utf-8",
    )

    job = run_import(more)

    assert job.status == ImportStatus.SUCCEEDED
    payment_indexes = len(before["loans_payment"]["indexes"])
    assert seen["loans_payment"] == [(0, payment_indexes)]
    assert {table: schema(table) for table in TABLES} == before
    assert Payment.objects.count() == 4


def test_small_loads_keep_their_keys_and_indexes(tmp_path, monkeypatch):
    seen = while_copying(monkeypatch)

    run_import(write_book(tmp_path / "book"))

    assert all(keys > 0 for keys, _indexes in seen["loans_installment"])
    assert all(indexes == 3 for _keys, indexes in seen["loans_installment"])
