"""``fieldvisit bench batch``: the vectorised delinquency batch on a large book, timed.

Builds a synthetic book (``--loans`` loans of about 24 instalments with payment histories) or
reads one from the import format in ``--from DIR`` (``loans``, optional ``schedules``, and
``payments`` as Parquet or CSV), runs :func:`~fieldvisit.engines.delinquency.batch.assess_book`
at ``--as-of``, and prints: the wall time of the computation, loans per second, peak RSS of the
process (book included), and the speed-up over the one-loan engine run loan by loan on a
``--sample`` of the book (time per loan × N). The sample's figures are also compared with the
batch's, every field to the cent; a difference fails the command.
"""

from __future__ import annotations

import json
import resource
import time
from datetime import date
from pathlib import Path
from typing import Any

import click
import numpy as np

from fieldvisit.cli.support import echo_json, fail, json_option
from fieldvisit.engines.delinquency.assess import assess
from fieldvisit.engines.delinquency.batch import CLASS_LABELS, assess_book
from fieldvisit.engines.delinquency.batch_book import RATE_PPM, LoanBook, loans_from_book
from fieldvisit.engines.delinquency.batch_check import mismatches
from fieldvisit.engines.delinquency.batch_synthetic import synthetic_book
from fieldvisit.engines.delinquency.policy import DEFAULT_POLICY
from fieldvisit.engines.delinquency.vectorised_schedule import METHOD_CODES, build_schedules


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: Column names used by ``fieldvisit generate`` where the import format names them otherwise.
ALIASES = {
    "loan_number": "loan_no",
    "repayment_method": "method",
    "instalment_number": "number",
    "installment_number": "number",
}


def _read(directory: Path, kind: str) -> Any:
    import polars as pl

    for suffix, reader in ((".parquet", pl.read_parquet), (".csv", pl.read_csv)):
        path = directory / f"{kind}{suffix}"
        if path.exists():
            frame = reader(path)
            return frame.rename({k: v for k, v in ALIASES.items() if k in frame.columns})
    return None


def _scaled(series: Any, scale: int, name: str) -> np.ndarray[Any, np.dtype[np.int64]]:
    """A money or rate column as integers of 1/scale (cents: 100, millionths: 10^6), exactly."""
    import polars as pl

    digits = len(str(scale)) - 1
    if series.dtype == pl.String:
        series = series.str.to_decimal(scale=digits)
    elif series.dtype.is_float():
        return np.asarray((series * scale).round(0).cast(pl.Int64).to_numpy(), np.int64)
    elif not series.dtype.is_decimal() and not series.dtype.is_integer():
        fail(f"{name}: expected a number, got {series.dtype}")
    exact = series.cast(pl.Decimal(38, digits)) * scale
    if exact.null_count():
        fail(f"{name}: missing or unreadable values")
    return np.asarray(exact.cast(pl.Int64).to_numpy(), np.int64)


def _dates(series: Any, name: str) -> np.ndarray[Any, np.dtype[np.datetime64]]:
    import polars as pl

    try:
        days = series.cast(pl.Date) if series.dtype != pl.String else series.str.to_date()
    except pl.exceptions.PolarsError as exc:
        fail(f"{name}: not a date column ({exc.__class__.__name__})")
    return np.asarray(days.to_numpy(), "datetime64[D]")


def book_from_directory(directory: Path) -> LoanBook:
    """A :class:`LoanBook` from files in the import format (``loans``, ``schedules``, ``payments``).

    Column names of ``fieldvisit generate`` that differ from the import format are mapped by
    :data:`ALIASES`.

    Schedules are built from the loan terms with the vectorised schedule engine when the directory
    has no ``schedules`` file. Payments keep their file order within a loan and day.
    """
    import polars as pl

    loans = _read(directory, "loans")
    payments = _read(directory, "payments")
    if loans is None or payments is None:
        fail(f"--from: {directory} needs loans and payments (.parquet or .csv)")
    for column in (
        "loan_no",
        "principal",
        "annual_rate",
        "term_months",
        "method",
        "first_due_date",
    ):
        if column not in loans.columns:
            fail(f"loans.{column}: missing column")
    loans = loans.sort("loan_no", maintain_order=True)
    loan_no = loans["loan_no"].cast(pl.String)
    row_of = pl.DataFrame({"loan_no": loan_no, "row": np.arange(loans.height, dtype=np.int64)})
    rate = _scaled(loans["annual_rate"], RATE_PPM, "loans.annual_rate")

    schedules = _read(directory, "schedules")
    if schedules is None:
        unknown = ~loans["method"].is_in([m.value for m in METHOD_CODES])
        if unknown.any():
            fail(f"loans.method: unknown method {loans['method'].filter(unknown)[0]!r}")
        built = build_schedules(
            _scaled(loans["principal"], 100, "loans.principal"),
            rate,
            loans["term_months"].to_numpy(),
            _dates(loans["first_due_date"], "loans.first_due_date"),
            loans["method"]
            .replace_strict({m.value: c for m, c in METHOD_CODES.items()})
            .to_numpy(),
        )
        inst_loan, inst_number = built.loan_index, built.instalment_number.astype(np.int64)
        inst_due, inst_p, inst_i = built.due_date, built.principal_cents, built.interest_cents
    else:
        schedules = (
            schedules.with_columns(pl.col("loan_no").cast(pl.String))
            .join(row_of, on="loan_no", how="left", maintain_order="left")
            .sort(["row", "number"], maintain_order=True)
        )
        if schedules["row"].null_count():
            fail("schedules.loan_no: names a loan not in loans")
        inst_loan = schedules["row"].to_numpy()
        inst_number = schedules["number"].to_numpy()
        inst_due = _dates(schedules["due_date"], "schedules.due_date")
        inst_p = _scaled(schedules["principal"], 100, "schedules.principal")
        inst_i = _scaled(schedules["interest"], 100, "schedules.interest")

    payments = (
        payments.with_columns(pl.col("loan_no").cast(pl.String))
        .join(row_of, on="loan_no", how="left", maintain_order="left")
        .with_columns(_day=pl.col("paid_on").cast(pl.Date))
        .sort(["row", "_day"], maintain_order=True)
    )
    if payments["row"].null_count():
        fail("payments.loan_no: names a loan not in loans")
    restructured = (
        _dates(loans["restructured_on"], "loans.restructured_on")
        if "restructured_on" in loans.columns
        else np.full(loans.height, np.datetime64("NaT"), "datetime64[D]")
    )
    try:
        return LoanBook(
            loan_id=np.arange(1, loans.height + 1, dtype=np.int64),
            annual_rate_ppm=rate,
            restructured_on=restructured,
            inst_loan=inst_loan,
            inst_number=inst_number,
            inst_due=inst_due,
            inst_principal=inst_p,
            inst_interest=inst_i,
            pay_loan=payments["row"].to_numpy(),
            pay_date=_dates(payments["paid_on"], "payments.paid_on"),
            pay_amount=_scaled(payments["amount"], 100, "payments.amount"),
        )
    except ValueError as exc:
        fail(str(exc))


def _default_as_of(source: Path | None) -> date:
    manifest = source / "manifest.json" if source else None
    if manifest and manifest.exists():
        try:
            return date.fromisoformat(json.loads(manifest.read_text())["as_of"])
        except (KeyError, ValueError) as exc:
            fail(f"manifest.json: no readable as_of ({exc})")
    return date(2025, 6, 30)


@click.command("batch")
@click.option(
    "--loans", "n_loans", type=click.IntRange(min=1), default=1_000_000, show_default=True
)
@click.option(
    "--sample",
    type=click.IntRange(min=0),
    default=2_000,
    show_default=True,
    help="Loans run through the one-loan engine for the speed-up and the cent-for-cent check.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Default: the as_of of --from's manifest.json, else 2025-06-30.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Read the book from the import format in this directory instead of generating it.",
)
@json_option
def command(
    n_loans: int, sample: int, as_of: Any, seed: int, source: Path | None, as_json: bool
) -> None:
    """Time the vectorised delinquency batch on a book of --loans loans (about 24 instalments)."""
    day = as_of.date() if as_of else _default_as_of(source)
    started = time.perf_counter()
    if source is None:
        book = synthetic_book(n_loans, day, seed=seed)
    else:
        book = book_from_directory(source)
    built_seconds = time.perf_counter() - started
    rss_book = _peak_rss_mb()

    started, cpu_started = time.perf_counter(), time.process_time()
    result = assess_book(book, day, DEFAULT_POLICY)
    batch_seconds = time.perf_counter() - started
    batch_cpu_seconds = time.process_time() - cpu_started
    peak = _peak_rss_mb()

    n = book.n_loans
    rows = np.random.default_rng(seed).choice(n, size=min(sample, n), replace=False).tolist()
    loans = loans_from_book(book, rows)
    started, cpu_started = time.perf_counter(), time.process_time()
    for loan in loans:
        assess(loan, day, DEFAULT_POLICY)
    oracle_seconds = time.perf_counter() - started
    oracle_cpu_seconds = time.process_time() - cpu_started
    different = mismatches(book, result, day, DEFAULT_POLICY, rows)

    per_loan = oracle_seconds / len(loans) if loans else 0.0
    figures: dict[str, Any] = {
        "loans": n,
        "instalments": int(book.inst_due.size),
        "payments": int(book.pay_amount.size),
        "as_of": day,
        "book_seconds": round(built_seconds, 2),
        "batch_seconds": round(batch_seconds, 3),
        "batch_cpu_seconds": round(batch_cpu_seconds, 3),
        "loans_per_second": round(n / batch_seconds),
        "peak_rss_mb_before_batch": round(rss_book),
        "peak_rss_mb": round(peak),
        "sample": len(loans),
        "one_loan_ms_per_loan": round(per_loan * 1000, 4),
        "one_loan_estimated_seconds": round(per_loan * n, 1),
        "speed_up": round(per_loan * n / batch_seconds, 1) if loans else None,
        "speed_up_cpu": (
            round(oracle_cpu_seconds / len(loans) * n / batch_cpu_seconds, 1) if loans else None
        ),
        "sample_mismatches": len(different),
        "buckets": dict(
            zip(
                result.bucket_labels,
                np.bincount(result.bucket, minlength=len(result.bucket_labels)).tolist(),
                strict=True,
            )
        ),
        "classes": dict(
            zip(
                [c.value for c in CLASS_LABELS],
                np.bincount(result.classification, minlength=len(CLASS_LABELS)).tolist(),
                strict=True,
            )
        ),
    }
    if as_json:
        echo_json(figures)
    else:
        origin = f"read from {source}" if source else "generated"
        click.echo(
            f"book: {n:,} loans, {figures['instalments']:,} instalments, "
            f"{figures['payments']:,} payments ({origin} in {built_seconds:.1f} s)"
        )
        click.echo(
            f"batch at {day}: {batch_seconds:.2f} s wall ({batch_cpu_seconds:.2f} s CPU), "
            f"{figures['loans_per_second']:,} loans/s, "
            f"peak RSS {peak:,.0f} MB (book alone {rss_book:,.0f} MB)"
        )
        if loans:
            click.echo(
                f"one-loan engine: {per_loan * 1000:.3f} ms/loan on {len(loans):,} loans "
                f"→ {per_loan * n:,.0f} s for the book; speed-up ×{figures['speed_up']} wall, "
                f"×{figures['speed_up_cpu']} CPU"
            )
            click.echo(f"sample check: {len(loans) - len(different):,}/{len(loans):,} loans equal")
        click.echo("buckets: " + ", ".join(f"{k} {v:,}" for k, v in figures["buckets"].items()))
    if different:
        row = different[0][0]
        fail(
            f"batch differs from the one-loan engine on {len(different)} sampled loans (row {row})"
        )
