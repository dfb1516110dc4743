"""A field day for the visit tests, built with factories, on today's business date.

Branch A: manager_a; team A1 (agent_a1, agent_a2) with two stops on an approved plan, team A2
(agent_a3) with one. Branch B: manager_b; team B1 (agent_b1) with one stop. Every case is
"visit planned" (the plan's approval moved it), its borrower living at ``HOME``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseStatus
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.visits import services
from fieldvisit.apps.visits.models import Visit
from fieldvisit.apps.visits.services import Position
from tests.apps.cases.factories import BorrowerFactory, CaseFactory, LoanFactory, schedule
from tests.apps.visits.factories import PlanFactory, RouteFactory, StopFactory
from tests.factories import AgentFactory, BranchFactory, TeamFactory, UserFactory

HOME = (22.5431, 114.0579)
# About 2 km north of HOME (0.018° of latitude ≈ 2.0 km).
FAR = (22.5611, 114.0579)


@dataclass
class Day:
    today: dt.date
    users: dict
    teams: dict
    visits: dict


def make_case(branch, team, agent, **kwargs):
    borrower = BorrowerFactory(
        home_latitude=HOME[0], home_longitude=HOME[1], home_district="福田区"
    )
    loan = LoanFactory(branch=branch, borrower=borrower)
    schedule(loan)
    return CaseFactory(loan=loan, team=team, agent=agent, status=CaseStatus.VISIT_PLANNED, **kwargs)


@pytest.fixture
def day(db) -> Day:
    today = business_date()
    branch_a = BranchFactory(code="A", name="A 分行")
    branch_b = BranchFactory(code="B", name="B 分行")
    teams = {
        "A1": TeamFactory(code="A1", branch=branch_a),
        "A2": TeamFactory(code="A2", branch=branch_a),
        "B1": TeamFactory(code="B1", branch=branch_b),
    }
    users = {
        "manager_a": UserFactory(username="manager_a", role=Role.MANAGER, branch=branch_a),
        "manager_b": UserFactory(username="manager_b", role=Role.MANAGER, branch=branch_b),
        "agent_a1": AgentFactory(username="agent_a1", team=teams["A1"]),
        "agent_a2": AgentFactory(username="agent_a2", team=teams["A1"]),
        "agent_a3": AgentFactory(username="agent_a3", team=teams["A2"]),
        "agent_b1": AgentFactory(username="agent_b1", team=teams["B1"]),
    }
    plan_a = PlanFactory(date=today, branch=branch_a)
    plan_b = PlanFactory(date=today, branch=branch_b)
    route_a1 = RouteFactory(
        plan=plan_a, team=teams["A1"], members=[users["agent_a1"], users["agent_a2"]]
    )
    route_a2 = RouteFactory(plan=plan_a, team=teams["A2"], order=2, members=[users["agent_a3"]])
    route_b1 = RouteFactory(plan=plan_b, team=teams["B1"], members=[users["agent_b1"]])
    StopFactory(route=route_a1, order=1, case=make_case(branch_a, teams["A1"], users["agent_a1"]))
    StopFactory(route=route_a1, order=2, case=make_case(branch_a, teams["A1"], users["agent_a1"]))
    StopFactory(route=route_a2, case=make_case(branch_a, teams["A2"], users["agent_a3"]))
    StopFactory(route=route_b1, case=make_case(branch_b, teams["B1"], users["agent_b1"]))
    a1 = services.visits_from_approved_plan(user=users["agent_a1"], day=today)
    a2 = services.visits_from_approved_plan(user=users["agent_a3"], day=today)
    b1 = services.visits_from_approved_plan(user=users["agent_b1"], day=today)
    return Day(
        today=today,
        users=users,
        teams=teams,
        visits={"first": a1[0], "second": a1[1], "other_team": a2[0], "other_branch": b1[0]},
    )


def checked_in(visit: Visit, user) -> Visit:
    services.visit_check_in(visit=visit, user=user, position=Position(*HOME, 12.0))
    return visit


def report_data(**overrides) -> dict:
    """A complete report as the phone sends it (strings, as a form posts them)."""
    data = {
        "client_id": str(uuid.uuid4()),
        "outcome": "met_borrower",
        "causes": ["job_loss"],
        "household_size": "3",
        "dependants": "1",
        "employment": "unemployed",
        "housing": "tenant_private",
        "state_of_mind": "anxious",
        "income_wages": "0",
        "income_partner": "4200.00",
        "income_benefits": "800",
        "fixed_home": "2100",
        "fixed_utilities": "300",
        "flex_food": "1500",
        "debts_lenders": "400",
        "understood_terms": "partly",
        "rating_clarity": "2",
        "rating_fairness": "3",
        "rating_service": "4",
        "borrower_words": "I lost my job in March and will pay when I find work.",
        "promise_amount": "500.00",
        "promise_date": (business_date() + dt.timedelta(days=10)).isoformat(),
        "remedy_requested": "lower_instalment",
        "next_step": "call",
        "conduct_introduced": "true",
        "conduct_two_staff": "true",
        "conduct_no_third_party": "true",
        "conduct_consent_asked": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


DISPOSABLE = (
    Decimal("4200.00")
    + Decimal("800")
    - Decimal("2100")
    - Decimal("300")
    - Decimal("1500")
    - Decimal("400")
)
