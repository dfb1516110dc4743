"""One mapping from a loan's rows to the engine: the case page, the remedies and legal code and the
nightly batch's book reader read a restructured loan the same way, so they show the same figures.

The loan: the Illness loan (14 instalments of the first schedule paid on their due dates),
restructured on 2025-05-03 into a second schedule of 3,000.00 + 200.00 a month from 2025-05-15.
The first new instalment is paid on its date, the second is not: on 2025-06-20 the loan is 5 days
past due. Counting the first schedule's payments against the new one (about 28,000 yuan) would
show it paid well ahead instead.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fieldvisit.apps.cases.loan_status import loan_status
from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.apps.loans.engine_io import (
    counted_payments,
    counts_against_schedule,
    engine_loan,
    engine_loans,
)
from fieldvisit.apps.loans.models import Installment, Payment
from fieldvisit.apps.remedies.engine_io import loan_position
from fieldvisit.engines.delinquency import add_months
from tests.apps.remedies.conftest import illness_loan
from tests.apps.remedies.story import nightly
from tests.factories import BranchFactory, PaymentFactory

pytestmark = pytest.mark.django_db

RESTRUCTURED = dt.date(2025, 5, 3)
DAY = dt.date(2025, 6, 20)


@pytest.fixture
def loan():
    loan = illness_loan(BranchFactory())
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            version=2,
            number=n + 1,
            due_date=add_months(dt.date(2025, 5, 15), n),
            principal=Decimal("3000.00"),
            interest=Decimal("200.00"),
        )
        for n in range(12)
    )
    loan.schedule_version, loan.restructured_on = 2, RESTRUCTURED
    loan.save()
    PaymentFactory(loan=loan, paid_on=dt.date(2025, 5, 15), amount=Decimal("3200.00"))
    return loan


def test_the_rule_counts_payments_from_the_restructuring_day_on():
    assert counts_against_schedule(dt.date(2025, 5, 2), None)
    assert not counts_against_schedule(dt.date(2025, 5, 2), RESTRUCTURED)
    assert counts_against_schedule(RESTRUCTURED, RESTRUCTURED)


def test_only_the_new_schedules_payments_count(loan):
    assert Payment.objects.filter(loan=loan).count() == 15
    assert [p.paid_on for p in counted_payments(loan, DAY)] == [dt.date(2025, 5, 15)]
    assert engine_loan(loan, DAY).payments == engine_loans([loan], DAY)[loan.pk].payments


def test_case_page_remedies_and_nightly_batch_agree_on_a_restructured_loan(loan, monkeypatch):
    nightly(DAY, monkeypatch)
    stored = DelinquencySnapshot.objects.get(loan=loan, as_of=DAY)

    page = loan_status(loan, DAY)
    remedies = loan_position(loan, DAY).assessment

    def figures(a):
        return (
            a.dpd,
            a.bucket,
            a.overdue_principal,
            a.overdue_interest,
            a.penalty_interest,
            a.compound_interest,
            a.outstanding_principal,
            a.total_due,
        )

    assert figures(page.assessment) == figures(remedies) == figures(stored)
    assert (stored.dpd, stored.overdue_principal, stored.outstanding_principal) == (
        5,
        Decimal("3000.00"),
        Decimal("33000.00"),
    )
    # The page still lists every payment, and marks the 14 that paid the first schedule.
    assert len(page.payments) == 15
    assert page.superseded == {p.pk for p in page.payments if p.paid_on < RESTRUCTURED}
    assert len(page.superseded) == 14
