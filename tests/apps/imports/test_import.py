"""Importing a portfolio: all or nothing, idempotent, by natural keys, every bad cell named."""

# ruff: noqa: E501 - the tables of bad cells and files read best one case a line

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from django.utils import translation

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.imports.models import ImportJob, ImportSource, ImportStatus
from fieldvisit.apps.imports.services import (
    import_job_create,
    import_job_run,
    import_sources_from_path,
)
from fieldvisit.apps.loans.models import Borrower, Installment, Loan, Payment, Product
from fieldvisit.apps.organisation.models import Branch
from tests.apps.imports.book import id_number, rows, write_book, write_csv

pytestmark = pytest.mark.django_db

MODELS = (Branch, Product, Borrower, Loan, Installment, Payment, User)


def run_import(path: Path, kind: str | None = None) -> ImportJob:
    job = import_job_create(source=ImportSource.CLI)
    return import_job_run(job=job, sources=import_sources_from_path(path, kind=kind))


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def file_counts(job: ImportJob) -> dict[str, tuple[int, int, int]]:
    return {
        f["kind"]: (f["created"], f["updated"], f["unchanged"])
        for f in job.files
        if not f.get("skipped")
    }


def errors(job: ImportJob) -> list[tuple[str, int | None, str, str]]:
    return [(e.file, e.line, e.column, e.code) for e in job.row_errors.all()]


def test_a_valid_book_is_imported_whole(tmp_path):
    job = run_import(write_book(tmp_path / "book"))

    assert job.status == ImportStatus.SUCCEEDED
    assert file_counts(job) == {
        "branches": (1, 0, 0),
        "products": (1, 0, 0),
        "borrowers": (2, 0, 0),
        "loans": (2, 0, 0),
        "schedules": (6, 0, 0),
        "payments": (2, 0, 0),
    }
    loan = Loan.objects.select_related("borrower", "product", "branch").get(loan_no="L0000000001")
    assert (loan.borrower.name, loan.product.code, loan.branch.code) == ("韦想彬", "SAL", "SZ01")
    assert str(loan.principal) == "12000.00"
    assert loan.sales_channel == "branch"
    assert loan.method == "equal_principal"
    assert [str(i.interest) for i in loan.installments.order_by("number")] == [
        "120.00",
        "80.00",
        "40.00",
    ]
    assert Product.objects.get().terms_months == "12,24"


def test_importing_the_same_files_again_changes_nothing(tmp_path):
    folder = write_book(tmp_path / "book")
    run_import(folder)
    stamp = Borrower.objects.get(borrower_no="C0000000001").updated_at

    again = run_import(folder)

    assert again.status == ImportStatus.SUCCEEDED
    assert file_counts(again) == {
        "branches": (0, 0, 1),
        "products": (0, 0, 1),
        "borrowers": (0, 0, 2),
        "loans": (0, 0, 2),
        "schedules": (0, 0, 6),
        "payments": (0, 0, 2),
    }
    assert Borrower.objects.get(borrower_no="C0000000001").updated_at == stamp


def test_a_newer_file_updates_rows_by_their_natural_key(tmp_path):
    run_import(write_book(tmp_path / "book"))
    tables = rows()
    tables["borrowers"][0]["mobile"] = "13900000000"
    newer = tmp_path / "newer"
    newer.mkdir()
    write_csv(newer, "borrowers.csv", tables["borrowers"])

    job = run_import(newer)

    assert file_counts(job) == {"borrowers": (0, 1, 1)}
    assert Borrower.objects.get(borrower_no="C0000000001").phone == "13900000000"
    assert Borrower.objects.count() == 2


def test_daily_payment_files_are_imported_incrementally(tmp_path):
    run_import(write_book(tmp_path / "book"))
    daily = tmp_path / "daily"
    daily.mkdir()
    payment = {
        "payment_reference": "P0000000001-002",
        "loan_number": "L0000000001",
        "paid_on": "2026-03-05",
        "amount": "4080.00",
        "method": "auto_debit",
    }
    write_csv(daily, "payments-2026-03-05.csv", [payment])

    job = run_import(daily)

    assert file_counts(job) == {"payments": (1, 0, 0)}
    assert list(
        Payment.objects.filter(loan__loan_no="L0000000001").values_list("reference", flat=True)
    ) == ["P0000000001-001", "P0000000001-002"]


def test_schedules_missing_from_the_import_are_built_from_the_loan_terms(tmp_path):
    tables = rows()
    del tables["schedules"]

    job = run_import(write_book(tmp_path / "book", tables))

    assert job.status == ImportStatus.SUCCEEDED
    assert file_counts(job)["schedules"] == (6, 0, 0)
    loan = Loan.objects.get(loan_no="L0000000001")
    assert [(i.number, str(i.principal), str(i.interest)) for i in loan.installments.all()] == [
        (1, "4000.00", "120.00"),
        (2, "4000.00", "80.00"),
        (3, "4000.00", "40.00"),
    ]


def test_gb18030_and_utf8_with_bom_files_are_read(tmp_path):
    tables = rows()
    folder = tmp_path / "book"
    write_book(folder, {k: v for k, v in tables.items() if k not in ("borrowers", "branches")})
    write_csv(folder, "borrowers.csv", tables["borrowers"], encoding="gb18030")
    write_csv(folder, "branches.csv", tables["branches"], encoding="utf-8-sig")

    job = run_import(folder)

    assert job.status == ImportStatus.SUCCEEDED, errors(job)
    assert Borrower.objects.get(borrower_no="C0000000002").name == "张志强"
    assert Branch.objects.get().name == "深圳福田外访中心"


def test_xlsx_and_parquet_files_are_read(tmp_path):
    import openpyxl

    tables = rows()
    folder = tmp_path / "book"
    write_book(folder, {k: v for k, v in tables.items() if k not in ("borrowers", "loans")})
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    header = list(tables["borrowers"][0])
    sheet.append(header)
    for row in tables["borrowers"]:
        sheet.append([row[h] or None for h in header])
    workbook.save(folder / "borrowers.xlsx")
    pl.DataFrame(tables["loans"]).with_columns(
        pl.col("principal").cast(pl.Decimal(18, 2)),
        pl.col("term_months").cast(pl.Int16),
        pl.col("disbursed_on", "first_due_date", "maturity_date").str.to_date(),
    ).write_parquet(folder / "loans.parquet")

    job = run_import(folder)

    assert job.status == ImportStatus.SUCCEEDED, errors(job)
    assert file_counts(job)["borrowers"] == (2, 0, 0)
    assert file_counts(job)["loans"] == (2, 0, 0)
    assert Loan.objects.get(loan_no="L0000000002").term_months == 3


def test_a_folder_with_csv_and_parquet_of_one_table_imports_one_of_them(tmp_path):
    folder = write_book(tmp_path / "book")
    pl.read_csv(folder / "payments.csv", infer_schema=False).write_parquet(
        folder / "payments.parquet"
    )

    names = [source.name for source in import_sources_from_path(folder)]

    assert "payments.parquet" in names
    assert "payments.csv" not in names


def _mutate(kind: str, line: int, column: str, value: str):
    def apply(tables):
        tables[kind][line - 2][column] = value
        return tables

    return apply


# (what is wrong, change to the valid book, expected (file, line, column, code))
BAD_CELLS = [
    ("wrong type", _mutate("loans", 2, "term_months", "twelve"), ("loans.csv", 2, "term_months", "not_integer")),
    ("bad date", _mutate("loans", 3, "disbursed_on", "2026-13-01"), ("loans.csv", 3, "disbursed_on", "not_date")),
    ("required", _mutate("borrowers", 2, "name", ""), ("borrowers.csv", 2, "name", "required")),
    ("unknown enum", _mutate("loans", 2, "channel", "telesales"), ("loans.csv", 2, "channel", "unknown_choice")),
    ("bad ID check digit", _mutate("borrowers", 2, "id_number", "440303198602040010"), ("borrowers.csv", 2, "id_number", "bad_id_check")),
    ("ID too short", _mutate("borrowers", 3, "id_number", "4403031986"), ("borrowers.csv", 3, "id_number", "bad_id_number")),
    ("bad mobile", _mutate("borrowers", 3, "mobile", "1881113532"), ("borrowers.csv", 3, "mobile", "bad_mobile")),
    ("3 decimals", _mutate("payments", 2, "amount", "4120.001"), ("payments.csv", 2, "amount", "money_decimals")),
    ("negative money", _mutate("schedules", 4, "interest", "-1.00"), ("schedules.csv", 4, "interest", "money_negative")),
    ("zero principal", _mutate("loans", 2, "principal", "0"), ("loans.csv", 2, "principal", "not_positive")),
    ("latitude out of range", _mutate("borrowers", 2, "home_lat", "122.5"), ("borrowers.csv", 2, "home_lat", "out_of_range")),
    ("half a coordinate", _mutate("borrowers", 2, "home_lng", ""), ("borrowers.csv", 2, "home_lng", "pair_incomplete")),
    ("first due before disbursement", _mutate("loans", 2, "first_due_date", "2026-01-01"), ("loans.csv", 2, "first_due_date", "not_after")),
    ("unknown borrower", _mutate("loans", 3, "borrower_number", "C9999999999"), ("loans.csv", 3, "borrower_number", "unknown_ref")),
    ("unknown loan", _mutate("payments", 3, "loan_number", "L9999999999"), ("payments.csv", 3, "loan_number", "unknown_ref")),
    ("duplicate key", _mutate("loans", 3, "loan_number", "L0000000001"), ("loans.csv", 3, "loan_number", "duplicate")),
    ("huge field", _mutate("borrowers", 3, "name", "张" * 1_000_000), ("borrowers.csv", 3, "name", "too_long")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"), [case[1:] for case in BAD_CELLS], ids=[case[0] for case in BAD_CELLS]
)
def test_a_bad_cell_is_reported_and_nothing_is_written(tmp_path, change, expected):
    before = counts()

    job = run_import(write_book(tmp_path / "book", change(rows())))

    assert job.status == ImportStatus.FAILED
    assert expected in errors(job)
    assert counts() == before
    assert all(f["created"] == f["updated"] == 0 for f in job.files)


def test_the_duplicate_names_the_first_line_and_the_huge_value_is_shortened(tmp_path):
    tables = rows()
    tables["loans"][1]["loan_number"] = "L0000000001"
    tables["borrowers"][1]["employer"] = "张" * 1_000_000

    job = run_import(write_book(tmp_path / "book", tables))

    with translation.override("en"):
        by_code = {e.code: e for e in job.row_errors.all()}
        assert by_code["duplicate"].reason == "Duplicate of line 2."
        assert by_code["too_long"].value == "张" * 100 + "…"
        assert by_code["too_long"].reason == "Longer than 100 characters."


def _write_raw(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


def _loans_csv_bytes(without: str = "") -> bytes:
    folder_rows = [{k: v for k, v in r.items() if k != without} for r in rows()["loans"]]
    header = ",".join(folder_rows[0])
    lines = [header, *(",".join(r.values()) for r in folder_rows)]
    return ("\n".join(lines) + "\n").encode()


BAD_FILES = [
    ("bad encoding", "loans.csv", _loans_csv_bytes().replace(b"L0000000002", b"L\xff\xfe2"), ("loans.csv", None, "", "bad_encoding")),
    ("truncated mid-row", "loans.csv", _loans_csv_bytes()[:-60], ("loans.csv", 3, "", "truncated")),
    ("truncated in a quote", "loans.csv", _loans_csv_bytes()[:-40] + b'"unfinished', ("loans.csv", 3, "", "truncated")),
    ("missing column", "loans.csv", _loans_csv_bytes(without="loan_number"), ("loans.csv", None, "loan_number", "missing_column")),
    ("a row too long", "loans.csv", _loans_csv_bytes().replace(b",CNY\n", b",CNY,extra\n", 1), ("loans.csv", 2, "", "bad_row_shape")),
    ("truncated parquet", "loans.parquet", b"PAR1\x15\x04\x15\x10\x15\x14L\x15", ("loans.parquet", None, "", "unreadable")),
    ("empty file", "loans.csv", b"", ("loans.csv", None, "", "empty")),
    ("not a table", "notes.csv", b"a,b\n1,2\n", ("notes.csv", None, "", "unknown_kind")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "expected"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_file_is_reported_and_nothing_is_written(tmp_path, name, data, expected):
    tables = rows()
    del tables["loans"]
    folder = write_book(tmp_path / "book", tables)
    _write_raw(folder, name, data)
    before = counts()

    job = run_import(folder)

    assert job.status == ImportStatus.FAILED
    assert expected in errors(job), errors(job)
    assert counts() == before


def test_a_bad_file_does_not_drown_the_report_in_unknown_references(tmp_path):
    tables = rows()
    del tables["loans"]
    folder = write_book(tmp_path / "book", tables)
    _write_raw(folder, "loans.csv", b"\xff\xfe\x00")

    job = run_import(folder)

    assert errors(job) == [("loans.csv", None, "", "bad_encoding")]


def test_an_id_number_held_by_another_borrower_in_the_database_is_refused(tmp_path):
    run_import(write_book(tmp_path / "book"))
    tables = rows()
    newcomer = {**tables["borrowers"][0], "borrower_number": "C0000000009"}
    newer = tmp_path / "newer"
    newer.mkdir()
    write_csv(newer, "borrowers.csv", [newcomer])

    job = run_import(newer)

    assert errors(job) == [("borrowers.csv", 2, "id_number", "id_number_taken")]
    with translation.override("en"):
        assert job.row_errors.get().reason == "This ID number belongs to borrower C0000000001."
    assert Borrower.objects.count() == 2


def test_an_id_number_with_a_lower_case_x_is_stored_upper_case(tmp_path):
    tables = rows()
    number = next(
        id_number(f"44030319860204{i:03d}")
        for i in range(3, 999)
        if id_number(f"44030319860204{i:03d}").endswith("X")
    )
    tables["borrowers"][0]["id_number"] = number.lower()

    job = run_import(write_book(tmp_path / "book", tables))

    assert job.status == ImportStatus.SUCCEEDED, errors(job)
    assert Borrower.objects.get(borrower_no="C0000000001").id_number == number
