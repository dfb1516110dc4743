"""Snapshot hooks: called once per run with exactly the day's rows, inside its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldvisit.apps.delinquency.hooks import (
    SnapshotRows,
    register_snapshot_hook,
    registered_snapshot_hooks,
    unregister_snapshot_hook,
)
from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun, SnapshotRunStatus
from fieldvisit.apps.delinquency.services import snapshot_run
from fieldvisit.engines.delinquency.policy import DelinquencyPolicy, LoanClass

DAY = dt.date(2025, 4, 20)


@pytest.fixture
def only_hook():
    """Run with the given hook alone (other apps' hooks, such as the cases sync, set aside)."""
    saved = registered_snapshot_hooks()
    for hook in saved:
        unregister_snapshot_hook(hook)
    installed: list = []

    def install(hook):
        register_snapshot_hook(hook)
        installed.append(hook)

    yield install
    for hook in installed:
        unregister_snapshot_hook(hook)
    for hook in saved:
        register_snapshot_hook(hook)


def test_the_hook_gets_the_rows_written_that_day(book, only_hook):
    calls: list[tuple[dt.date, SnapshotRows]] = []
    only_hook(lambda as_of, rows: calls.append((as_of, rows)))
    policy = DelinquencyPolicy(case_open_dpd=30)

    snapshot_run(DAY, policy=policy)

    [(as_of, rows)] = calls
    assert as_of == DAY
    assert rows.as_of == DAY
    assert rows.policy is policy
    stored = {
        row["loan_id"]: row
        for row in DelinquencySnapshot.objects.filter(as_of=DAY).values(
            "loan_id", "dpd", "bucket", "classification", "total_due", "outstanding_principal"
        )
    }
    assert len(rows) == len(stored) == 5
    for row in rows:
        assert row.loan_id in stored
        assert row.dpd == stored[row.loan_id]["dpd"]
        assert row.bucket == stored[row.loan_id]["bucket"]
        assert row.classification == LoanClass(stored[row.loan_id]["classification"])
        assert row.total_due == stored[row.loan_id]["total_due"]
        assert row.outstanding_principal == stored[row.loan_id]["outstanding_principal"]
        assert row.changed is True  # the first run: every loan is new


def test_the_hook_sees_the_rows_in_the_database_before_commit(book, only_hook):
    seen: list[int] = []
    only_hook(
        lambda as_of, rows: seen.append(DelinquencySnapshot.objects.filter(as_of=as_of).count())
    )

    snapshot_run(DAY)

    assert seen == [5]


def test_month_end_marks_unchanged_rows(book, only_hook):
    snapshot_run(dt.date(2025, 4, 29))
    calls: list[SnapshotRows] = []
    only_hook(lambda as_of, rows: calls.append(rows))

    snapshot_run(dt.date(2025, 4, 30))

    [rows] = calls
    changed = {row.loan_id for row in rows if row.changed}
    delinquent = {row.loan_id for row in rows if row.dpd > 0}
    assert len(rows) == 5
    # a day later only the delinquent loans' figures moved (their penalty accrues)
    assert changed == delinquent
    assert {book.prompt.id, book.principal_method.id}.isdisjoint(changed)


def test_a_failing_hook_rolls_the_day_back(book, only_hook):
    # given a stored day
    snapshot_run(DAY)
    before = list(
        DelinquencySnapshot.objects.filter(as_of=DAY)
        .order_by("loan_id")
        .values_list("id", "loan_id", "total_due")
    )
    run_before = SnapshotRun.objects.get(as_of=DAY)

    def refuse(as_of, rows):
        raise RuntimeError("cases unavailable")

    only_hook(refuse)

    # when the day runs again with a hook that fails
    with pytest.raises(RuntimeError, match="cases unavailable"):
        snapshot_run(DAY)

    # then the previous run's rows and record are intact, and the failure is noted
    after = list(
        DelinquencySnapshot.objects.filter(as_of=DAY)
        .order_by("loan_id")
        .values_list("id", "loan_id", "total_due")
    )
    assert after == before
    run = SnapshotRun.objects.get(as_of=DAY)
    assert run.status == SnapshotRunStatus.DONE
    assert run.finished_at == run_before.finished_at
    assert run.last_error == "RuntimeError: cases unavailable"
    assert run.last_failed_at is not None


def test_a_failing_first_run_leaves_no_rows(book, only_hook):
    def refuse(as_of, rows):
        raise RuntimeError("no")

    only_hook(refuse)

    with pytest.raises(RuntimeError):
        snapshot_run(DAY)

    assert DelinquencySnapshot.objects.count() == 0
    assert SnapshotRun.objects.get(as_of=DAY).status == SnapshotRunStatus.PENDING


def test_registering_twice_calls_once(book, only_hook):
    calls: list[dt.date] = []

    def hook(as_of, rows):
        calls.append(as_of)

    only_hook(hook)
    register_snapshot_hook(hook)

    snapshot_run(DAY)

    assert calls == [DAY]


def test_rows_iterate_with_money_in_yuan():
    import polars as pl

    frame = pl.DataFrame(
        {
            "loan_id": [7],
            "dpd": [3],
            "bucket": ["M1"],
            "classification": ["special_mention"],
            "in_observation": [False],
            "overdue_principal": [123456],
            "overdue_interest": [5],
            "penalty_interest": [0],
            "compound_interest": [1],
            "outstanding_principal": [1000000],
            "total_due": [123462],
            "changed": [True],
        }
    )

    [row] = list(SnapshotRows(as_of=DAY, policy=DelinquencyPolicy(), frame=frame))

    assert row.overdue_principal == Decimal("1234.56")
    assert row.overdue_interest == Decimal("0.05")
    assert row.total_due == Decimal("1234.62")
    assert row.classification is LoanClass.SPECIAL_MENTION
