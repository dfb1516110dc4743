"""A small world for the case tests: two branches, teams, one user per role, four cases.

Branch A: manager_a, legal_a; team A1 (lead: lead_a1, an agent) with agent_a1 and agent_a2;
team A2 with agent_a3. Branch B: manager_b, team B1 with agent_b1. Plus admin, trainer, analyst.

Cases: ``mine`` (A1 / agent_a1), ``team`` (A1 / agent_a2), ``other_team`` (A2 / agent_a3, in the
legal status), ``other_branch`` (B1 / agent_b1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseStatus
from tests.apps.cases.factories import BorrowerFactory, CaseFactory, LoanFactory, schedule
from tests.factories import AgentFactory, BranchFactory, TeamFactory, UserFactory


@dataclass
class World:
    users: dict
    cases: dict
    teams: dict
    branches: dict


@pytest.fixture
def world(db) -> World:
    branch_a = BranchFactory(code="A", name="A 分行")
    branch_b = BranchFactory(code="B", name="B 分行")
    lead_a1 = UserFactory(username="lead_a1", role=Role.AGENT, branch=branch_a)
    team_a1 = TeamFactory(code="A1", branch=branch_a, lead=lead_a1)
    team_a2 = TeamFactory(code="A2", branch=branch_a)
    team_b1 = TeamFactory(code="B1", branch=branch_b)
    lead_a1.team = team_a1
    lead_a1.save()
    users = {
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True),
        "manager_a": UserFactory(username="manager_a", role=Role.MANAGER, branch=branch_a),
        "manager_b": UserFactory(username="manager_b", role=Role.MANAGER, branch=branch_b),
        "lead_a1": lead_a1,
        "agent_a1": AgentFactory(username="agent_a1", team=team_a1),
        "agent_a2": AgentFactory(username="agent_a2", team=team_a1),
        "agent_a3": AgentFactory(username="agent_a3", team=team_a2),
        "agent_b1": AgentFactory(username="agent_b1", team=team_b1),
        "legal_a": UserFactory(username="legal_a", role=Role.LEGAL, branch=branch_a),
        "trainer": UserFactory(username="trainer", role=Role.TRAINER, branch=branch_a),
        "analyst": UserFactory(username="analyst", role=Role.ANALYST, branch=branch_a),
    }

    def case(branch, team, agent, **kwargs):
        loan = LoanFactory(branch=branch, borrower=BorrowerFactory())
        schedule(loan)
        return CaseFactory(loan=loan, team=team, agent=agent, **kwargs)

    cases = {
        "mine": case(branch_a, team_a1, users["agent_a1"]),
        "team": case(branch_a, team_a1, users["agent_a2"]),
        "other_team": case(branch_a, team_a2, users["agent_a3"], status=CaseStatus.LEGAL),
        "other_branch": case(branch_b, team_b1, users["agent_b1"]),
    }
    return World(
        users=users,
        cases=cases,
        teams={"A1": team_a1, "A2": team_a2, "B1": team_b1},
        branches={"A": branch_a, "B": branch_b},
    )


# Which of the world's cases each actor may see.
VISIBLE = {
    "admin": {"mine", "team", "other_team", "other_branch"},
    "manager_a": {"mine", "team", "other_team"},
    "lead_a1": {"mine", "team"},
    "agent_a1": {"mine"},
    "legal_a": {"other_team"},
    "trainer": set(),
    "analyst": set(),
}
