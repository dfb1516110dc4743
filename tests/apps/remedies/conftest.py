"""The Illness loan in a small branch: the people of a remedy's maker-checker story.

Branch A: manager_a (checker), manager_a2 (another checker), lead_a1 (leads team A1), agent_a1
(the case's agent), legal_a. Branch B: manager_b. The loan: 60,000.00 at 12 % over 36 months
(等额本息, due on the 15th from January 2024), 14 instalments paid on their due dates, nothing
since: on 2025-05-01 it is 47 days past due (M2), the engine's golden Illness loan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseStatus
from fieldvisit.apps.loans.models import Installment
from fieldvisit.engines.restructuring import Affordability, Line
from tests.apps.cases.factories import CaseFactory
from tests.factories import (
    AgentFactory,
    BranchFactory,
    LoanFactory,
    PaymentFactory,
    TeamFactory,
    UserFactory,
)

AS_OF = dt.date(2025, 5, 1)
D = Decimal

AFTER_ILLNESS = Affordability(
    income=(Line("income_benefits", D("3200.00")), Line("income_partner", D("2800.00"))),
    fixed_costs=(
        Line("fixed_home", D("1500.00")),
        Line("fixed_care_health", D("600.00")),
        Line("fixed_utilities", D("300.00")),
    ),
    flexible_costs=(Line("flex_food", D("1300.00")), Line("flex_personal", D("300.00"))),
)


@dataclass
class World:
    users: dict
    case: object
    loan: object


def illness_loan(branch):
    loan = LoanFactory(
        branch=branch,
        principal=D("60000.00"),
        annual_rate=D("0.120000"),
        term_months=36,
        first_due_date=dt.date(2024, 1, 15),
    )
    for row in Installment.objects.filter(loan=loan).order_by("number")[:14]:
        PaymentFactory(loan=loan, paid_on=row.due_date, amount=row.principal + row.interest)
    return loan


@pytest.fixture
def world(db) -> World:
    branch_a = BranchFactory(code="A", name="A 分行")
    branch_b = BranchFactory(code="B", name="B 分行")
    lead = UserFactory(username="lead_a1", role=Role.AGENT, branch=branch_a)
    team = TeamFactory(code="A1", branch=branch_a, lead=lead)
    users = {
        "manager_a": UserFactory(username="manager_a", role=Role.MANAGER, branch=branch_a),
        "manager_a2": UserFactory(username="manager_a2", role=Role.MANAGER, branch=branch_a),
        "manager_b": UserFactory(username="manager_b", role=Role.MANAGER, branch=branch_b),
        "lead_a1": lead,
        "agent_a1": AgentFactory(username="agent_a1", team=team),
        "agent_a2": AgentFactory(username="agent_a2", team=team),
        "legal_a": UserFactory(username="legal_a", role=Role.LEGAL, branch=branch_a),
    }
    loan = illness_loan(branch_a)
    case = CaseFactory(
        loan=loan,
        team=team,
        agent=users["agent_a1"],
        status=CaseStatus.VISITED,
        opened_on=dt.date(2025, 3, 16),
        snapshot_as_of=AS_OF,
        dpd=47,
        bucket="M2",
    )
    return World(users=users, case=case, loan=loan)
