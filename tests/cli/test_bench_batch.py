"""``fieldvisit bench batch``: JSON figures, the sample check, books read from a directory."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from fieldvisit.cli import main
from fieldvisit.cli.bench_batch import book_from_directory
from fieldvisit.engines.delinquency.batch_synthetic import synthetic_book


def test_bench_batch_prints_its_figures_and_the_sample_equals_the_one_loan_engine() -> None:
    result = CliRunner().invoke(
        main, ["bench", "batch", "--loans", "300", "--sample", "40", "--seed", "3", "--json"]
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["loans"] == 300
    assert figures["sample"] == 40
    assert figures["sample_mismatches"] == 0
    assert sum(figures["buckets"].values()) == 300
    assert figures["batch_seconds"] > 0
    assert figures["peak_rss_mb"] >= figures["peak_rss_mb_before_batch"]


def _write_import_files(book_dir: Path, *, with_schedules: bool) -> None:
    book = synthetic_book(60, date(2025, 6, 30), seed=5)
    loan_no = [f"L{i:04d}" for i in range(book.n_loans)]
    first = book.inst_offsets[:-1]
    terms = (book.inst_offsets[1:] - first).tolist()
    pl.DataFrame(
        {
            "loan_no": loan_no,
            "principal": [
                f"{sum(book.inst_principal[a:b].tolist()) / 100:.2f}"
                for a, b in zip(first, book.inst_offsets[1:], strict=True)
            ],
            "annual_rate": [f"{r / 1_000_000:.6f}" for r in book.annual_rate_ppm.tolist()],
            "term_months": terms,
            "method": ["equal_principal"] * book.n_loans,
            "first_due_date": book.inst_due[first],
            "restructured_on": book.restructured_on,
        }
    ).write_parquet(book_dir / "loans.parquet")
    if with_schedules:
        pl.DataFrame(
            {
                "loan_no": [loan_no[i] for i in book.inst_loan.tolist()],
                "number": book.inst_number,
                "due_date": book.inst_due,
                "principal": [f"{c / 100:.2f}" for c in book.inst_principal.tolist()],
                "interest": [f"{c / 100:.2f}" for c in book.inst_interest.tolist()],
            }
        ).write_csv(book_dir / "schedules.csv")
    pl.DataFrame(
        {
            "loan_no": [loan_no[i] for i in book.pay_loan.tolist()],
            "paid_on": book.pay_date,
            "amount": [c / 100 for c in book.pay_amount.tolist()],
        }
    ).write_parquet(book_dir / "payments.parquet")


def test_a_book_read_from_the_import_format_keeps_every_cent(tmp_path: Path) -> None:
    original = synthetic_book(60, date(2025, 6, 30), seed=5)
    _write_import_files(tmp_path, with_schedules=True)

    book = book_from_directory(tmp_path)

    assert book.inst_principal.tolist() == original.inst_principal.tolist()
    assert book.inst_interest.tolist() == original.inst_interest.tolist()
    assert book.inst_due.tolist() == original.inst_due.tolist()
    assert book.pay_amount.tolist() == original.pay_amount.tolist()
    assert book.pay_date.tolist() == original.pay_date.tolist()
    assert book.annual_rate_ppm.tolist() == original.annual_rate_ppm.tolist()


def test_bench_batch_builds_schedules_when_the_directory_has_none(tmp_path: Path) -> None:
    _write_import_files(tmp_path, with_schedules=False)

    result = CliRunner().invoke(
        main, ["bench", "batch", "--from", str(tmp_path), "--sample", "60", "--json"]
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (figures["loans"], figures["sample_mismatches"]) == (60, 0)


def test_a_payment_for_an_unknown_loan_is_a_one_line_error(tmp_path: Path) -> None:
    _write_import_files(tmp_path, with_schedules=False)
    pl.DataFrame(
        {"loan_no": ["NOPE"], "paid_on": [date(2025, 1, 1)], "amount": ["10.00"]}
    ).write_parquet(tmp_path / "payments.parquet")

    result = CliRunner().invoke(main, ["bench", "batch", "--from", str(tmp_path)])

    assert result.exit_code == 2
    assert result.output.strip() == "error: payments.loan_no: names a loan not in loans"
