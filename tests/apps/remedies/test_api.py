"""/api/v1/remedies and /api/v1/followup: the same rules as the pages, one error shape."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fieldvisit.apps.remedies.models import RemedyStatus


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setenv("FIELDVISIT_AS_OF", "2025-05-01")


def test_open_propose_and_approve_through_the_api(world, pinned):
    agent = client_for(world.users["agent_a1"])
    manager = client_for(world.users["manager_a"])

    made = agent.post(
        "/api/v1/remedies/",
        {"case": world.case.pk, "income": "6000", "fixed_costs": "2400", "flexible_costs": "1600"},
        format="json",
    )
    pk = made.json()["id"]
    best = made.json()["options"][0]
    own = agent.post(f"/api/v1/remedies/{pk}/approve/", {}, format="json")
    agent.post(f"/api/v1/remedies/{pk}/propose/", {"option": best["key"]}, format="json")
    approved = manager.post(f"/api/v1/remedies/{pk}/approve/", {"reason": "ok"}, format="json")

    assert made.status_code == 201
    assert (best["remedy"], best["payment"]) == ("term_extension", "931.11")
    assert own.status_code == 400
    assert own.json()["code"] == "forbidden"  # an agent never approves
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["checker"]) == (
        RemedyStatus.APPROVED,
        "manager_a",
    )


def test_another_branch_gets_404_and_a_missing_income_names_the_field(world, pinned):
    outsider = client_for(world.users["manager_b"])
    agent = client_for(world.users["agent_a1"])

    hidden = outsider.post(
        "/api/v1/remedies/", {"case": world.case.pk, "income": "6000"}, format="json"
    )
    invalid = agent.post("/api/v1/remedies/", {"case": world.case.pk}, format="json")

    assert hidden.status_code == 404
    assert invalid.status_code == 400
    assert "income" in invalid.json()["detail"]
    assert agent.get("/api/v1/followup/tasks/").json() == []
