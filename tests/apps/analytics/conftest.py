"""A tiny book run through two month ends of the real nightly batch (every hook included).

Three loans of 12,000 yuan, first due 2025-01-15, disbursed 2024-12-16, in two districts:
* A pays nothing: M1 on 2025-01-31, M2 on 2025-02-28;
* B pays its first instalment on time: M0, then M1 (February's is unpaid);
* C pays nothing in January, then 2,500 on 2025-02-20: M1, then M0 (cured).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from fieldvisit.apps.delinquency.services import snapshot_run
from tests.factories import BorrowerFactory, BranchFactory, LoanFactory, PaymentFactory

JAN = dt.date(2025, 1, 31)
FEB = dt.date(2025, 2, 28)


@dataclass
class Book:
    loans: dict
    branch: object


@pytest.fixture
def book(db) -> Book:
    branch = BranchFactory(code="SZ1", name="深圳一分行")
    futian = BorrowerFactory(home_district="福田区")
    nanshan = BorrowerFactory(home_district="南山区")
    loans = {
        "A": LoanFactory(branch=branch, borrower=futian),
        "B": LoanFactory(branch=branch, borrower=nanshan),
        "C": LoanFactory(branch=branch, borrower=nanshan),
    }
    loans["B"].refresh_from_db()
    first = loans["B"].installments.get(number=1)
    on_time = first.principal + first.interest
    PaymentFactory(loan=loans["B"], paid_on=dt.date(2025, 1, 15), amount=on_time)
    PaymentFactory(loan=loans["C"], paid_on=dt.date(2025, 2, 20), amount=Decimal("2500.00"))
    for day in (JAN, FEB):
        snapshot_run(day)
    return Book(loans=loans, branch=branch)
