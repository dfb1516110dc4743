"""A small field day on 2026-03-10 (a Tuesday), built with factories.

Branch 福田 at (22.541, 114.055). Teams: ``A`` (2 agents) and ``B`` (3 agents), every member
certified; ``X`` (2 agents) whose second member's conduct certificate expired on 2026-03-01.
Twenty open cases, M3, 75 DPD, with a snapshot of 2026-03-09 and three unanswered calls in the
last week (rule EL-FIRST-CONTACT): ten in 福田区 and ten in 南山区. Among them ``visited`` (a visit
attempt three days before) and ``vulnerable`` (flagged), which must never be planned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CollectionCase
from tests.apps.cases.factories import BorrowerFactory, CaseFactory, LoanFactory
from tests.apps.planning.factories import (
    CertificationFactory,
    ContactAttemptFactory,
    CourseFactory,
    SnapshotFactory,
)
from tests.factories import AgentFactory, BranchFactory, TeamFactory, UserFactory

DAY = dt.date(2026, 3, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")
DISTRICTS = {"福田区": (22.541, 114.055), "南山区": (22.533, 113.930)}


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class FieldDay:
    branch: object
    manager: object
    caller: object
    teams: dict[str, object]
    agents: dict[str, list[object]]
    cases: list[CollectionCase] = field(default_factory=list)
    visited: CollectionCase | None = None
    vulnerable: CollectionCase | None = None


def certify(agent, *, expires_on=dt.date(2026, 6, 1), courses=("FV-COMPLIANCE", "COMM-COUNSEL")):
    for code in courses:
        CertificationFactory(agent=agent, course=CourseFactory(code=code), expires_on=expires_on)


def open_case(branch, caller, district, n, *, amount="3381.00", **case_fields):
    lat, lon = DISTRICTS[district]
    # A small spiral around the district's centre: ~0.5–2 km apart.
    borrower = BorrowerFactory(
        home_district=district,
        home_latitude=lat + 0.004 * (n % 4) - 0.006,
        home_longitude=lon + 0.005 * (n // 4) - 0.006,
    )
    loan = LoanFactory(branch=branch, borrower=borrower)
    case = CaseFactory(
        loan=loan,
        dpd=75,
        bucket="M3",
        amount_due=Decimal(amount),
        snapshot_as_of=DAY - dt.timedelta(days=1),
        **case_fields,
    )
    SnapshotFactory(loan=loan, total_due=Decimal(amount))
    for days_ago in (2, 4, 6):
        ContactAttemptFactory(
            case=case, user=caller, attempted_at=local(DAY - dt.timedelta(days=days_ago), 10)
        )
    return case


def team_of(branch, code, size, *, expired_member=False):
    team = TeamFactory(code=code, name=f"{code} 组", branch=branch)
    members = [
        AgentFactory(username=f"{code.lower()}{i}", display_name=f"{code}队员{i}", team=team)
        for i in range(size)
    ]
    for i, member in enumerate(members):
        if expired_member and i == size - 1:
            certify(member, courses=("COMM-COUNSEL",))
            certify(member, courses=("FV-COMPLIANCE",), expires_on=dt.date(2026, 3, 1))
        else:
            certify(member)
    return team, members


@pytest.fixture
def field_day(db) -> FieldDay:
    branch = BranchFactory(code="FT", name="福田支行", latitude=22.541, longitude=114.055)
    manager = UserFactory(username="manager_ft", role=Role.MANAGER, branch=branch)
    caller = UserFactory(username="caller", role=Role.AGENT, branch=branch)
    teams, agents = {}, {}
    for code, size, expired in (("A", 2, False), ("B", 3, False), ("X", 2, True)):
        teams[code], agents[code] = team_of(branch, code, size, expired_member=expired)
    day = FieldDay(branch=branch, manager=manager, caller=caller, teams=teams, agents=agents)
    for n in range(10):
        for district in DISTRICTS:
            day.cases.append(open_case(branch, caller, district, n))
    day.visited = day.cases[0]
    ContactAttemptFactory(
        case=day.visited,
        user=caller,
        channel="visit",
        outcome="not_at_home",
        visitors=2,
        attempted_at=local(DAY - dt.timedelta(days=3), 15),
    )
    day.vulnerable = day.cases[1]
    CollectionCase.objects.filter(pk=day.vulnerable.pk).update(vulnerable=True)
    return day
