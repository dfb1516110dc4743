"""Load a synthetic loan book into the portfolio tables with COPY (PostgreSQL), for benchmarks.

The book comes from :func:`fieldvisit.engines.delinquency.batch_synthetic.synthetic_book`; loans
get ids ``1 … n`` (the book's own), a few thousand shared borrowers, one product ``BENCH`` and one
branch ``BENCH``. Only for a dedicated database: :func:`load_synthetic_book` empties the portfolio
and snapshot tables first and refuses if any loan is not a benchmark loan.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import date

import numpy as np
import polars as pl
from django.db import DatabaseError, connection, models, transaction

from fieldvisit.apps.common.clock import now
from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun
from fieldvisit.apps.loans.models import (
    Borrower,
    EmploymentType,
    IncomeBand,
    Installment,
    Loan,
    Payment,
    Product,
)
from fieldvisit.apps.organisation.models import Branch
from fieldvisit.engines.delinquency.batch_book import LoanBook

BENCH_CODE = "BENCH"
_COPY_ROWS = 2_000_000
_BORROWERS = 5_000


class NotABenchDatabase(Exception):
    """The database holds loans that the benchmark did not create."""


def bench_loan_count() -> int:
    """Loans in the database, after checking they are all benchmark loans."""
    foreign = Loan.objects.exclude(product__code=BENCH_CODE).count()
    if foreign:
        raise NotABenchDatabase(
            f"the database holds {foreign} loans the benchmark did not create; "
            "point DATABASE_URL at a dedicated database"
        )
    return Loan.objects.count()


def load_synthetic_book(book: LoanBook, log: Callable[[str], None] = lambda _: None) -> None:
    """Replace the portfolio with ``book`` (loans, version-1 schedules, payments), by COPY."""
    if connection.vendor != "postgresql":
        raise NotABenchDatabase("the snapshot benchmark needs PostgreSQL (DATABASE_URL)")
    bench_loan_count()
    tables = [
        m._meta.db_table
        for m in (DelinquencySnapshot, SnapshotRun, Payment, Installment, Loan, Borrower)
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            # The generated rows reference each other correctly by construction: skipping the
            # per-row foreign-key triggers makes the load several times faster (needs a superuser,
            # as a dedicated benchmark database usually has; otherwise the checks just run).
            cursor.execute("SAVEPOINT replica")
            try:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("RELEASE SAVEPOINT replica")
            except DatabaseError:
                cursor.execute("ROLLBACK TO SAVEPOINT replica")
        branch, _ = Branch.objects.get_or_create(
            code=BENCH_CODE,
            defaults={
                "name": "基准分行",
                "city": "深圳",
                "district": "福田区",
                "latitude": 22.54,
                "longitude": 114.05,
            },
        )
        product, _ = Product.objects.get_or_create(
            code=BENCH_CODE, defaults={"name": "基准贷", "method": "equal_installment"}
        )
        borrowers = Borrower.objects.bulk_create(
            Borrower(
                borrower_no=f"BB{i:07d}",
                name=f"基准{i}",
                id_number=f"9{i:017d}",
                phone=f"139{i:08d}",
                gender="M",
                birth_date=date(1990, 1, 1),
                city="深圳",
                home_district="福田区",
                home_address="深南大道",
                employment_type=EmploymentType.SALARIED,
                income_band=IncomeBand.FROM_5K,
            )
            for i in range(min(_BORROWERS, max(book.n_loans, 1)))
        )
        started = time.perf_counter()
        log(f"borrowers: {len(borrowers)}")
        _copy_loans(book, [b.pk for b in borrowers], product.pk, branch.pk)
        log(f"loans: {book.n_loans} ({time.perf_counter() - started:.1f} s)")
        _copy_instalments(book)
        log(f"instalments: {book.inst_due.size} ({time.perf_counter() - started:.1f} s)")
        _copy_payments(book)
        log(f"payments: {book.pay_date.size} ({time.perf_counter() - started:.1f} s)")
        with connection.cursor() as cursor:
            table = Loan._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _with_defaults(model: type[models.Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Add the model's other NOT NULL columns with their defaults ("" for text), as the ORM
    would, so the loader keeps working when the portfolio models gain fields."""
    extra = []
    for f in model._meta.concrete_fields:
        if f.column in frame.columns or f.null or f.primary_key:
            continue
        if f.has_default():
            extra.append(pl.lit(str(f.get_default())).alias(str(f.column)))
        elif isinstance(f, models.CharField | models.TextField):
            extra.append(pl.lit("").alias(str(f.column)))
        else:
            raise NotABenchDatabase(f"{model.__name__}.{f.name}: no default to load it with")
    return frame.with_columns(extra) if extra else frame


def _copy(model: type[models.Model], frame: pl.DataFrame) -> None:
    frame = _with_defaults(model, frame)
    table = model._meta.db_table
    columns = ", ".join(frame.columns)
    for start in range(0, frame.height, _COPY_ROWS):
        buffer = io.BytesIO()
        frame.slice(start, _COPY_ROWS).write_csv(buffer, include_header=False)
        statement = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            copy.write(buffer.getbuffer())


def _yuan(cents: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        (cents // 100).cast(pl.String), pl.lit("."), (cents % 100).cast(pl.String).str.zfill(2)
    )


def _copy_loans(book: LoanBook, borrower_ids: list[int], product_id: int, branch_id: int) -> None:
    starts = book.inst_offsets[:-1]
    principal = np.add.reduceat(book.inst_principal, starts)
    first_due = book.inst_due[starts]
    stamp = now().isoformat()
    frame = pl.DataFrame(
        {
            "id": book.loan_id,
            "borrower_id": np.asarray(borrower_ids, np.int64)[book.loan_id % len(borrower_ids)],
            "principal_cents": principal,
            "annual_rate": book.annual_rate_ppm,
            "term_months": np.diff(book.inst_offsets),
            "first_due_date": first_due,
            "restructured_on": book.restructured_on,
        }
    ).select(
        pl.lit(stamp).alias("created_at"),
        pl.lit(stamp).alias("updated_at"),
        pl.format("BL{}", pl.col("id")).alias("loan_no"),
        "borrower_id",
        pl.lit(product_id).alias("product_id"),
        pl.lit(branch_id).alias("branch_id"),
        _yuan(pl.col("principal_cents")).alias("principal"),
        (pl.col("annual_rate").cast(pl.Float64) / 1_000_000).round(6).alias("annual_rate"),
        "term_months",
        pl.lit("equal_installment").alias("method"),
        (pl.col("first_due_date") - pl.duration(days=30)).alias("disbursed_on"),
        "first_due_date",
        pl.lit("branch").alias("sales_channel"),
        pl.lit("active").alias("status"),
        "restructured_on",
        pl.lit(1).alias("schedule_version"),
        "id",
    )
    _copy(Loan, frame)


def _copy_instalments(book: LoanBook) -> None:
    frame = pl.DataFrame(
        {
            "loan_id": book.loan_id[book.inst_loan],
            "version": np.ones(book.inst_due.size, np.int64),
            "number": book.inst_number,
            "due_date": book.inst_due,
            "principal": book.inst_principal,
            "interest": book.inst_interest,
        }
    ).with_columns(_yuan(pl.col("principal")), _yuan(pl.col("interest")))
    _copy(Installment, frame)


def _copy_payments(book: LoanBook) -> None:
    frame = pl.DataFrame(
        {
            "reference": np.arange(book.pay_date.size, dtype=np.int64),
            "loan_id": book.loan_id[book.pay_loan],
            "paid_on": book.pay_date,
            "amount": book.pay_amount,
        }
    ).with_columns(
        pl.format("BP{}", pl.col("reference")).alias("reference"),
        _yuan(pl.col("amount")),
        pl.lit("").alias("channel"),
    )
    _copy(Payment, frame)
