"""The demo brings up a whole small lender: a generated book, imported, batched, with logins."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.apps.demo.services import DEMO_PASSWORD, demo_month_ends, demo_setup
from fieldvisit.apps.loans.models import Loan

AS_OF = dt.date(2026, 11, 28)


def test_month_ends_before_the_business_date_oldest_first():
    assert demo_month_ends(AS_OF, 3) == [
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 31),
    ]


@pytest.mark.django_db(transaction=True)
def test_demo_setup_generates_imports_batches_and_makes_logins(tmp_path):
    lines: list[str] = []

    summary = demo_setup(
        as_of=AS_OF, loans=400, seed=3, book_dir=tmp_path, say=lines.append, history_weeks=1
    )

    assert summary.generated
    assert Loan.objects.count() == 400
    assert summary.snapshot_days[-1] == AS_OF
    assert DelinquencySnapshot.objects.filter(as_of=AS_OF, dpd__gt=0).exists()
    manager = User.objects.get(username="manager")
    agent = User.objects.get(username="agent")
    assert manager.role == Role.MANAGER
    assert manager.branch is not None
    assert agent.role == Role.AGENT
    assert agent.team is not None
    assert User.objects.get(username="legal").branch == manager.branch
    for username in ("admin", "manager", "agent", "trainer", "legal", "analyst"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_demo_setup_twice_keeps_the_book_and_reruns_only_the_batch(tmp_path):
    demo_setup(as_of=AS_OF, loans=200, seed=3, book_dir=tmp_path, history_weeks=1)
    loans_before = set(Loan.objects.values_list("loan_no", flat=True))
    rows_before = DelinquencySnapshot.objects.filter(as_of=AS_OF).count()

    again = demo_setup(as_of=AS_OF, loans=200, seed=99, book_dir=tmp_path, history_weeks=1)

    assert not again.generated
    assert set(Loan.objects.values_list("loan_no", flat=True)) == loans_before
    assert DelinquencySnapshot.objects.filter(as_of=AS_OF).count() == rows_before
