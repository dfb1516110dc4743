"""Seeding and timing for ``fieldvisit bench cases``: the manager's case list on 100,000 open cases.

It writes into the database it is given (use a scratch database): one branch ``BENCH`` with 20
teams, a manager, and ``cases`` borrowers, loans and open cases made with bulk inserts. Timings are
medians of several runs after one warm-up, of the whole list page (Django's test client, so the
server's time without the network) and of its two queries (count and first page).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_create
from fieldvisit.apps.cases.models import CollectionCase
from fieldvisit.apps.cases.selectors import (
    CaseFilters,
    case_list_rows,
    cases_filter,
    cases_for_user,
)
from fieldvisit.apps.loans.models import Borrower, Loan, Product
from fieldvisit.apps.organisation.models import Branch, Team

DISTRICTS = (
    "福田区",
    "南山区",
    "罗湖区",
    "宝安区",
    "龙岗区",
    "龙华区",
    "坪山区",
    "光明区",
    "盐田区",
    "大鹏新区",
)
BRANCH_CODE = "BENCH"


@dataclass(frozen=True)
class Timing:
    scenario: str
    page_ms: float
    queries_ms: float


def _bucket(dpd: int) -> str:
    return f"M{min((dpd - 1) // 30 + 1, 7)}" + ("+" if dpd > 180 else "")


@transaction.atomic
def bench_cases_seed(cases: int, *, seed: int = 4) -> tuple[User, list[Team]]:
    """Create the bench branch with ``cases`` open cases (or reuse it if it is already there)."""
    branch, created = Branch.objects.get_or_create(
        code=BRANCH_CODE,
        defaults={
            "name": "压测分行",
            "city": "深圳",
            "district": "福田区",
            "latitude": 22.54,
            "longitude": 114.05,
        },
    )
    manager = User.objects.filter(username="bench_manager").first() or user_create(
        username="bench_manager", password=None, role=Role.MANAGER, branch=branch
    )
    if not created:
        return manager, list(branch.teams.order_by("code"))
    teams = [
        Team.objects.create(code=f"BENCH-T{i:02d}", name=f"压测{i}组", branch=branch)
        for i in range(20)
    ]
    product, _ = Product.objects.get_or_create(
        code="BENCH-P", defaults={"name": "压测产品", "method": "equal_installment"}
    )
    rng = random.Random(seed)
    borrowers = Borrower.objects.bulk_create(
        (
            Borrower(
                borrower_no=f"BENCH{i:08d}",
                name=f"借款人{i}",
                id_number=f"{990000000000000000 + i}",
                phone=f"139{i:08d}",
                gender="F",
                birth_date=dt.date(1988, 1, 1),
                home_district=DISTRICTS[i % len(DISTRICTS)],
                home_address="-",
                employment_type="salaried",
                income_band="5k_10k",
            )
            for i in range(cases)
        ),
        batch_size=5000,
    )
    loans = Loan.objects.bulk_create(
        (
            Loan(
                loan_no=f"BENCHL{i:08d}",
                borrower=borrower,
                product=product,
                branch=branch,
                principal=Decimal("10000.00"),
                annual_rate=Decimal("0.12"),
                term_months=12,
                method="equal_installment",
                disbursed_on=dt.date(2025, 1, 1),
                first_due_date=dt.date(2025, 2, 1),
                sales_channel="online",
            )
            for i, borrower in enumerate(borrowers)
        ),
        batch_size=5000,
    )
    rows = []
    for i, loan in enumerate(loans):
        dpd = rng.randint(1, 240)
        rows.append(
            CollectionCase(
                loan=loan,
                branch=branch,
                district=DISTRICTS[i % len(DISTRICTS)],
                team=rng.choice(teams),
                opened_on=dt.date(2026, 1, 1),
                snapshot_as_of=dt.date(2026, 3, 1),
                dpd=dpd,
                bucket=_bucket(dpd),
                amount_due=Decimal(rng.randint(10_000, 5_000_000)) / 100,
                vulnerable=rng.random() < 0.02,
            )
        )
    CollectionCase.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return manager, teams


def _median_ms(action: Callable[[], Any], runs: int) -> float:
    action()  # warm the caches once
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def bench_cases_time(
    manager: User, teams: list[Team], *, cases: int, runs: int = 7
) -> list[Timing]:
    """Median server time of the list page and of its queries, per filter scenario."""
    client = Client()
    client.force_login(manager)
    scenarios: dict[str, dict[str, Any]] = {
        "no filter, worst DPD first": {},
        "M2 in one district": {"bucket": "M2", "district": "福田区"},
        "DPD 60-90, due >= 10,000, by amount": {
            "dpd_min": 60,
            "dpd_max": 90,
            "amount_min": "10000",
            "sort": "-amount_due",
        },
        "one team, vulnerable": {"team": teams[3].pk, "vulnerable": "yes"},
        "last page (deep OFFSET)": {"page": max(1, cases // 50)},
    }
    timings = []
    for name, params in scenarios.items():

        def page(params: dict[str, Any] = params) -> None:
            response = client.get(reverse("cases:list"), params)
            if response.status_code != 200:
                raise RuntimeError(f"case list answered {response.status_code} for {params}")

        def queries(params: dict[str, Any] = params) -> None:
            filters = CaseFilters(
                bucket=(params["bucket"],) if "bucket" in params else (),
                district=params.get("district", ""),
            )
            rows = case_list_rows(cases_filter(cases_for_user(manager), filters))
            rows.count()
            list(rows[:50])

        timings.append(Timing(name, _median_ms(page, runs), _median_ms(queries, runs)))
    return timings
