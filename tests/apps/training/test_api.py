"""/api/v1/training: the same access rules as the pages, and the whole session → certification
→ assignability path through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.training import services
from fieldvisit.apps.training.models import AgentSuspension
from tests.apps.training.factories import ReportFactory, VisitFactory, certify_for_visits, course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_trainer_schedules_records_and_completes_a_session(staff):
    client = api(staff.trainer)
    a, b = staff.agents[:2]
    created = client.post(
        "/api/v1/training/sessions/",
        {"course": "conduct_law", "date": "2026-03-02", "agents": [a.pk, b.pk]},
        format="json",
    )
    assert created.status_code == 201
    session = created.json()["id"]

    done = client.post(
        f"/api/v1/training/sessions/{session}/results/",
        {
            "results": [
                {"agent": a.pk, "attended": True, "score": "91"},
                {"agent": b.pk, "attended": False},
            ],
            "complete": True,
        },
        format="json",
    )

    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert [(r["agent"], r["passed"]) for r in done.json()["attendees"]] == [
        (a.pk, True),
        (b.pk, False),
    ]
    certificates = client.get("/api/v1/training/certifications/").json()["results"]
    assert [(c["agent"], c["course"], c["expires_on"]) for c in certificates] == [
        (a.pk, "conduct_law", "2027-03-02")
    ]


def test_assignability_says_who_may_go_and_why_not(staff):
    today = business_date()
    certify_for_visits(
        staff.agents[0],
        passed_on=today - dt.timedelta(days=1),
        expires_on=today + dt.timedelta(days=100),
    )

    rows = api(staff.manager).get("/api/v1/training/assignability/").json()

    by_agent = {r["agent"]: r for r in rows}
    assert set(by_agent) == {a.pk for a in staff.agents}
    assert by_agent[staff.agents[0].pk]["assignable"] is True
    assert by_agent[staff.agents[0].pk]["courses"] == [
        "communication",
        "conduct_law",
        "counselling",
    ]
    assert by_agent[staff.agents[1].pk]["assignable"] is False
    assert "No conduct_law certificate." in by_agent[staff.agents[1].pk]["why_en"]


def test_a_serious_complaint_through_the_api_suspends_and_only_a_manager_clears(staff):
    agent = staff.agents[0]
    created = api(staff.trainer).post(
        "/api/v1/training/complaints/",
        {
            "agent": agent.pk,
            "received_on": "2026-03-05",
            "channel": "regulator",
            "category": "threat",
            "severity": "serious",
            "content": "威胁",
        },
        format="json",
    )
    assert created.status_code == 201
    suspension = AgentSuspension.objects.get(agent=agent)

    refused = api(staff.trainer).post(
        f"/api/v1/training/suspensions/{suspension.pk}/clear/",
        {"on_date": "2026-03-09", "note": "ok"},
        format="json",
    )
    cleared = api(staff.manager).post(
        f"/api/v1/training/suspensions/{suspension.pk}/clear/",
        {"on_date": "2026-03-09", "note": "调查后不成立"},
        format="json",
    )

    assert refused.status_code == 403
    assert cleared.status_code == 200
    suspension.refresh_from_db()
    assert suspension.cleared_on == dt.date(2026, 3, 9)


def test_the_api_gives_a_trainer_no_borrower_identity(staff):
    report = ReportFactory(submitted_by=staff.agents[0], visit=VisitFactory())
    borrower = report.visit.case.loan.borrower
    client = api(staff.trainer)

    drawn = client.post(
        "/api/v1/training/qa/draws/", {"month": "2026-03", "seed": 9}, format="json"
    )
    reviews = client.get("/api/v1/training/qa/reviews/")
    summary = client.get("/api/v1/training/summary/")

    assert drawn.status_code == 201
    assert drawn.json()["drawn"] == 1
    assert reviews.json()["results"][0]["case"] == report.visit.case_id
    for response in (drawn, reviews, summary):
        for secret in (borrower.name, borrower.id_number, borrower.phone):
            assert secret not in response.content.decode()
    assert client.get(f"/api/v1/cases/{report.visit.case_id}/").status_code == 404


def test_an_agent_sees_only_their_finished_reviews_and_cannot_draw(staff):
    agent = staff.agents[0]
    ReportFactory(submitted_by=agent, visit=VisitFactory())
    services.qa_sample_draw(user=staff.trainer, month=dt.date(2026, 3, 1), seed=1)

    client = api(agent)

    assert client.get("/api/v1/training/qa/reviews/").json()["results"] == []
    assert (
        client.post("/api/v1/training/qa/draws/", {"month": "2026-03", "seed": 1}).status_code
        == 403
    )
    assert client.get("/api/v1/training/summary/").status_code == 403


def test_a_manager_of_another_branch_gets_404_for_the_session_detail(staff):
    session = services.session_schedule(
        user=staff.trainer, course=course("pipl"), date=dt.date(2026, 3, 2), agents=staff.agents[:2]
    )
    other = UserFactory(role="manager", branch=staff.other_branch)

    assert api(other).get(f"/api/v1/training/sessions/{session.pk}/").status_code == 404
    assert api(staff.manager).get(f"/api/v1/training/sessions/{session.pk}/").status_code == 200
