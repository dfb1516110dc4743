"""Loans, schedules and payments are consistent with each other and with design.md's engines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from fieldvisit.demo.generator import BUCKETS, LAST_BUCKET
from fieldvisit.engines.delinquency.assess import Loan, Payment, assess
from fieldvisit.engines.delinquency.schedule import Installment, LoanTerms, Method, build_schedule

from .conftest import AS_OF


def test_products_span_rates_8_to_24_percent_terms_6_to_36_months_and_all_methods(book_20k):
    loans = book_20k.table("loans")

    assert loans["annual_rate"].min() >= Decimal("0.08")
    assert loans["annual_rate"].max() <= Decimal("0.24")
    assert set(loans["term_months"].unique()) == {6, 12, 24, 36}
    assert set(loans["repayment_method"].unique()) == {m.value for m in Method}
    assert set(loans["channel"].unique()) == {"branch", "online", "agent", "partner"}
    assert set(loans["product_code"].unique()) == set(book_20k.table("products")["product_code"])


def test_schedule_principal_parts_sum_to_each_loan_amount(book_20k):
    loans = book_20k.table("loans")
    sums = (
        book_20k.table("schedules")
        .group_by("loan_number")
        .agg(pl.col("principal").sum().alias("scheduled"), pl.len().alias("instalments"))
    )
    joined = loans.join(sums, on="loan_number", how="left")

    assert joined["scheduled"].null_count() == 0
    assert (joined["scheduled"] == joined["principal"]).all()
    assert (joined["instalments"] == joined["term_months"]).all()


def test_schedules_equal_the_one_loan_engine_to_the_cent(small_book):
    loans = small_book.table("loans").head(300)
    schedules = small_book.table("schedules").filter(
        pl.col("loan_number").is_in(loans["loan_number"].implode())
    )
    by_loan = {key[0]: frame for key, frame in schedules.group_by("loan_number")}

    for number, principal, rate, months, method, first_due in loans.select(
        "loan_number",
        "principal",
        "annual_rate",
        "term_months",
        "repayment_method",
        "first_due_date",
    ).iter_rows():
        expected = build_schedule(LoanTerms(principal, rate, months, Method(method), first_due))
        rows = by_loan[number].sort("instalment_number").rows()
        assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
            (i.number, i.due_date, i.principal, i.interest) for i in expected
        ], number


def test_payments_reference_known_loans_are_positive_whole_cents_and_not_after_as_of(book_20k):
    payments = book_20k.table("payments")
    loans = book_20k.table("loans")

    assert payments["payment_reference"].n_unique() == payments.height
    assert payments["loan_number"].is_in(loans["loan_number"].implode()).all()
    assert (payments["amount"] > 0).all()
    assert payments["paid_on"].max() <= AS_OF
    assert (
        payments.join(loans, on="loan_number")["paid_on"]
        .ge(payments.join(loans, on="loan_number")["disbursed_on"])
        .all()
    )


def test_the_delinquency_engine_finds_exactly_the_dpd_the_generator_simulated(small_book):
    # given the generator's own DPD for every loan, from its hidden simulation
    simulated = small_book.summary.loan_dpd
    loans = small_book.table("loans")
    schedules = {k[0]: f for k, f in small_book.table("schedules").group_by("loan_number")}
    payments = {k[0]: f for k, f in small_book.table("payments").group_by("loan_number")}

    # when the one-loan engine replays each loan's schedule and payments on as_of (penalties and
    # the allocation waterfall included)
    mismatches = []
    for row, (number, rate) in enumerate(loans.select("loan_number", "annual_rate").iter_rows()):
        installments = tuple(
            Installment(number=n, due_date=due, principal=p, interest=i)
            for _, n, due, p, i in schedules[number].sort("instalment_number").iter_rows()
        )
        paid = payments.get(number)
        received = tuple(
            Payment(paid_on=day, amount=amount)
            for _, _, day, amount, _ in (paid.iter_rows() if paid is not None else ())
        )
        result = assess(Loan(annual_rate=rate, installments=installments, payments=received), AS_OF)
        if result.dpd != simulated[row]:
            mismatches.append((number, result.dpd, int(simulated[row])))

    # then every loan's DPD is the same
    assert mismatches == []
    assert (simulated > 0).sum() > 50


def test_the_bucket_mix_of_a_20000_loan_book_looks_like_a_real_book(book_20k):
    mix = {row.bucket: row.share for row in book_20k.summary.bucket_mix}
    delinquent = 1 - mix["M0"]
    shares = [mix[name] for name, _ in BUCKETS[1:]]

    assert 0.05 <= delinquent <= 0.10
    assert shares == sorted(shares, reverse=True)
    assert len(set(shares)) == len(shares)
    assert mix[LAST_BUCKET] > 0.002
    assert sum(r.loans for r in book_20k.summary.bucket_mix) == book_20k.summary.active_loans


def test_ground_truth_has_one_row_per_borrower_and_only_known_causes(book_20k):
    truth = book_20k.table("ground_truth")
    borrowers = book_20k.table("borrowers")
    troubled = truth.filter(pl.col("cause") != "none")

    assert truth["borrower_number"].to_list() == borrowers["borrower_number"].to_list()
    assert set(truth["cause"].unique()) == {
        "none",
        "job_loss",
        "illness",
        "business_failure",
        "over_indebtedness",
        "weak_money_management",
        "mis_selling",
        "dispute",
        "wilful_non_payment",
    }
    assert troubled["start_month"].null_count() == 0
    assert truth.filter(pl.col("cause") == "none")["start_month"].null_count() == (
        truth.height - troubled.height
    )
    recovered = troubled.drop_nulls("recovery_month")
    assert (recovered["recovery_month"] >= recovered["start_month"]).all()
    assert troubled.filter(pl.col("cause") == "wilful_non_payment")[
        "recovery_month"
    ].null_count() == (troubled.filter(pl.col("cause") == "wilful_non_payment").height)


@pytest.mark.parametrize("table", ["loans", "schedules", "payments"])
def test_csv_money_is_a_decimal_string_with_two_decimals(small_book, table):
    frame = pl.read_csv(small_book.directory / f"{table}.csv", infer_schema=False)
    column = {"loans": "principal", "schedules": "interest", "payments": "amount"}[table]

    assert frame[column].str.contains(r"^\d+\.\d{2}$").all()


def test_csv_and_parquet_hold_the_same_rows(small_book):
    for table in ("borrowers", "loans", "payments"):
        from_csv = pl.read_csv(small_book.directory / f"{table}.csv", infer_schema=False)
        from_parquet = small_book.table(table)
        assert from_csv.columns == from_parquet.columns
        assert from_csv.height == from_parquet.height
        assert from_csv.row(0)[0] == str(from_parquet.row(0)[0])


def test_the_csv_files_are_utf8_without_bom(small_book):
    raw = (small_book.directory / "borrowers.csv").read_bytes()

    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "深圳市" in raw.decode("utf-8")


def test_the_manifest_lists_every_table_and_marks_ground_truth_hidden(small_book):
    import json

    manifest = json.loads((small_book.directory / "manifest.json").read_text(encoding="utf-8"))

    assert manifest["as_of"] == date(2025, 6, 30).isoformat()
    assert manifest["hidden_tables"] == ["ground_truth"]
    assert manifest["tables"]["loans"]["rows"] == 2_000
