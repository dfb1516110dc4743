"""snapshot_run: the stored figures are the one-loan engine's; a day stores only what changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun, SnapshotRunStatus
from fieldvisit.apps.delinquency.selectors import snapshot_on
from fieldvisit.apps.delinquency.services import snapshot_run
from fieldvisit.engines.delinquency.assess import assess
from tests.apps.delinquency.conftest import engine_loan
from tests.factories import LoanFactory, PaymentFactory

DAY = dt.date(2025, 4, 20)
FIGURES = (
    "dpd",
    "bucket",
    "classification",
    "in_observation",
    "overdue_principal",
    "overdue_interest",
    "penalty_interest",
    "compound_interest",
    "outstanding_principal",
    "total_due",
)


def stored(day: dt.date) -> dict[int, dict[str, object]]:
    return {
        row["loan_id"]: {name: row[name] for name in FIGURES}
        for row in DelinquencySnapshot.objects.filter(as_of=day).values("loan_id", *FIGURES)
    }


def expected(loan, day: dt.date) -> dict[str, object]:
    figures = assess(engine_loan(loan), day)
    return {
        "dpd": figures.dpd,
        "bucket": figures.bucket,
        "classification": figures.classification.value,
        "in_observation": figures.in_observation,
        "overdue_principal": figures.overdue_principal,
        "overdue_interest": figures.overdue_interest,
        "penalty_interest": figures.penalty_interest,
        "compound_interest": figures.compound_interest,
        "outstanding_principal": figures.outstanding_principal,
        "total_due": figures.total_due,
    }


def test_stored_figures_equal_the_one_loan_engine(book):
    # given five loans covering the methods, late and partial payers, a restructuring, an
    # overpayment; when the first run of a day stores them
    result = snapshot_run(DAY, chunk_size=2)

    # then every loan has a row (a loan's first row is always written), equal to assess()
    rows = stored(DAY)
    assert set(rows) == {loan.id for loan in book.all()}
    for loan in book.all():
        assert rows[loan.id] == expected(loan, DAY), loan.loan_no
    assert result.loans_assessed == 5
    assert result.rows_written == 5
    assert result.full_write is True
    # and the book has some arrears, so the comparison is not of zeros only
    assert rows[book.late.id]["dpd"] == 64  # 2025-04-20 − 2025-02-15
    assert rows[book.late.id]["penalty_interest"] > 0


def test_the_run_records_counts_by_bucket_and_the_policy(book):
    snapshot_run(DAY)

    run = SnapshotRun.objects.get(as_of=DAY)
    assert run.status == SnapshotRunStatus.DONE
    assert run.loans_assessed == 5
    assert run.rows_written == 5
    # the late and the partial payer owe since 2025-02-15: 64 days, M3; the restructured loan
    # paid instalment 1 (due 03-01) ten days late without its penalty, so it owes since 03-01:
    # 50 days, M2
    assert {bucket: b["loans"] for bucket, b in run.by_bucket.items()} == {
        "M0": 2,
        "M1": 0,
        "M2": 1,
        "M3": 2,
        "M4": 0,
        "M5": 0,
        "M6": 0,
        "M7+": 0,
    }
    late, partial = (assess(engine_loan(loan), DAY) for loan in (book.late, book.partial))
    assert run.by_bucket["M3"]["overdue"] == str(
        late.overdue_principal
        + late.overdue_interest
        + partial.overdue_principal
        + partial.overdue_interest
    )
    assert run.policy["penalty_markup"] == "0.5"
    assert run.finished_at >= run.started_at


def test_a_later_day_stores_only_delinquent_and_changed_loans(book):
    # given the first run of 2025-04-20 stored every loan
    snapshot_run(DAY)
    # and on 2025-04-21 the prompt payer pays ahead (its outstanding principal changes)
    next_day = DAY + dt.timedelta(days=1)
    PaymentFactory(loan=book.prompt, paid_on=next_day, amount=Decimal("500.00"))

    # when 2025-04-21 runs
    result = snapshot_run(next_day)

    # then only the delinquent loans and the changed one have a row
    delinquent = {lid for lid, row in stored(DAY).items() if row["dpd"] > 0}
    assert delinquent == {book.late.id, book.partial.id, book.restructured.id}
    assert set(stored(next_day)) == delinquent | {book.prompt.id}
    assert result.rows_written == 4
    assert result.loans_assessed == 5
    assert result.full_write is False
    # and the absent loan's state on that day is its previous row, which is still exact
    row = snapshot_on(book.principal_method.id, next_day)
    assert row.as_of == DAY
    assert {name: getattr(row, name) for name in FIGURES} == expected(
        book.principal_method, next_day
    )


def test_a_cured_loan_gets_one_row_then_none_until_month_end(book):
    snapshot_run(DAY)
    late_figures = expected(book.late, DAY)
    cure_day = DAY + dt.timedelta(days=1)
    total_due_next_day = assess(engine_loan(book.late), cure_day).total_due
    PaymentFactory(loan=book.late, paid_on=cure_day, amount=total_due_next_day)
    assert late_figures["dpd"] > 0

    snapshot_run(cure_day)
    snapshot_run(cure_day + dt.timedelta(days=1))
    month_end = dt.date(2025, 4, 30)
    snapshot_run(month_end)

    assert stored(cure_day)[book.late.id]["dpd"] == 0
    assert book.late.id not in stored(cure_day + dt.timedelta(days=1))
    assert snapshot_on(book.late.id, cure_day + dt.timedelta(days=1)).as_of == cure_day
    assert set(stored(month_end)) == {loan.id for loan in book.all()}
    assert SnapshotRun.objects.get(as_of=month_end).full_write is True


def test_month_end_stores_every_loan_even_unchanged(book):
    snapshot_run(dt.date(2025, 4, 29))

    result = snapshot_run(dt.date(2025, 4, 30))

    assert result.rows_written == 5
    assert set(stored(dt.date(2025, 4, 30))) == {loan.id for loan in book.all()}


def test_rerunning_a_day_replaces_its_rows_and_nothing_else(book):
    # given two stored days
    snapshot_run(DAY)
    next_day = DAY + dt.timedelta(days=1)
    snapshot_run(next_day)
    first_day_ids = set(DelinquencySnapshot.objects.filter(as_of=DAY).values_list("id", flat=True))
    before = stored(next_day)

    # when the second day runs again, unchanged data, then again after a new payment
    snapshot_run(next_day)
    again = stored(next_day)
    PaymentFactory(loan=book.late, paid_on=next_day, amount=Decimal("100.00"))
    snapshot_run(next_day)

    # then the re-run gives the same rows, a change of data replaces them, and the other day's
    # rows are the very same rows
    assert again == before
    assert stored(next_day)[book.late.id] == expected(book.late, next_day)
    assert stored(next_day)[book.late.id] != before[book.late.id]
    assert set(DelinquencySnapshot.objects.filter(as_of=DAY).values_list("id", flat=True)) == (
        first_day_ids
    )
    assert SnapshotRun.objects.filter(as_of=next_day).count() == 1


def test_a_loan_without_a_schedule_is_skipped_and_counted(book):
    orphan = LoanFactory()
    orphan.installments.all().delete()

    result = snapshot_run(DAY)

    assert result.loans_skipped == 1
    assert result.loans_assessed == 5
    assert orphan.id not in stored(DAY)


def test_progress_reports_each_chunk(book):
    calls: list[tuple[int, int]] = []

    snapshot_run(DAY, chunk_size=2, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_an_empty_book_stores_nothing(db):
    result = snapshot_run(DAY)

    assert result.rows_written == 0
    assert DelinquencySnapshot.objects.count() == 0
    assert SnapshotRun.objects.get(as_of=DAY).status == SnapshotRunStatus.DONE


@pytest.mark.parametrize("chunk_size", [1, 3, 1000])
def test_chunking_does_not_change_the_rows(book, chunk_size):
    snapshot_run(DAY, chunk_size=chunk_size)

    assert stored(DAY) == {loan.id: expected(loan, DAY) for loan in book.all()}


def test_the_celery_task_runs_the_day(book):
    from fieldvisit.apps.delinquency.tasks import delinquency_snapshot_run

    outcome = delinquency_snapshot_run.apply(args=["2025-04-20"]).get()

    assert outcome == {"as_of": "2025-04-20", "loans": 5, "rows_written": 5, "full_write": True}
    assert set(stored(DAY)) == {loan.id for loan in book.all()}
