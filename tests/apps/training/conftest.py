"""Personas for the training tests: one branch (福田), its manager, a trainer without a branch,
four field agents in team T1 (two certified) and an agent of another branch."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.training.services import courses_ensure_defaults
from tests.factories import AgentFactory, BranchFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_courses(request):
    """The five default courses come from a data migration, and a transactional test elsewhere
    on the same worker flushes them: put them back before each database test here."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or "transactional_db" in request.fixturenames:
        return
    if marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
        courses_ensure_defaults()


@dataclass
class Staff:
    branch: object
    other_branch: object
    manager: object
    trainer: object
    agents: list
    outsider: object


@pytest.fixture
def staff(db) -> Staff:
    branch = BranchFactory(code="FT", name="福田支行")
    other = BranchFactory(code="NS", name="南山支行")
    team = TeamFactory(code="T1", branch=branch)
    return Staff(
        branch=branch,
        other_branch=other,
        manager=UserFactory(username="manager_ft", role=Role.MANAGER, branch=branch),
        trainer=UserFactory(username="trainer", role=Role.TRAINER, display_name="王培训"),
        agents=[
            AgentFactory(username=f"agent{i}", display_name=f"外访员{i}", team=team)
            for i in range(4)
        ],
        outsider=AgentFactory(username="agent_ns", team=TeamFactory(code="N1", branch=other)),
    )
