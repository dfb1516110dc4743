"""The plan page and the plans API: scoped to the manager's branch, edits through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.planning.models import PlanStatus, PlanStop, VisitPlan
from fieldvisit.apps.planning.services import plan_build
from tests.apps.planning.conftest import DAY
from tests.factories import BranchFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(field_day):
    return plan_build(date=DAY, branch=field_day.branch, seconds=0.5, user=field_day.manager)


def test_the_manager_sees_a_list_per_team_the_left_out_and_the_map_data(client, field_day, plan):
    client.force_login(field_day.manager)

    response = client.get(reverse("planning:detail", args=[plan.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="team-route"') == 3
    assert html.count('data-testid="stop"') == plan.visits_planned
    assert 'data-rule="FV-VULN-01"' in html
    assert 'data-rule="FV-VISIT-7D"' in html
    assert 'id="plan-map-data"' in html
    assert "leaflet/leaflet.js" in html
    assert "2026-03-01" in html  # why team X has no visits


def test_another_branch_manager_gets_404_and_an_agent_403(client, field_day, plan):
    other = UserFactory(username="other_mgr", role=Role.MANAGER, branch=BranchFactory(code="NS"))
    client.force_login(other)
    assert client.get(reverse("planning:detail", args=[plan.pk])).status_code == 404
    stop = PlanStop.objects.filter(route__plan=plan).first()
    assert client.post(reverse("planning:remove", args=[stop.pk])).status_code == 404
    assert client.post(reverse("planning:approve", args=[plan.pk])).status_code == 404

    client.force_login(field_day.agents["A"][0])
    assert client.get(reverse("planning:detail", args=[plan.pk])).status_code == 403
    assert PlanStop.objects.filter(pk=stop.pk).exists()
    assert VisitPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_a_manager_builds_a_plan_for_their_branch_from_the_list_page(client, field_day):
    client.force_login(field_day.manager)

    response = client.post(
        reverse("planning:list"),
        {"date": "2026-03-10", "branch": field_day.branch.pk, "seconds": "0.5"},
    )

    plan = VisitPlan.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("planning:detail", args=[plan.pk])
    assert plan.branch == field_day.branch
    assert plan.created_by == field_day.manager


def test_the_page_moves_a_visit_and_approves(client, field_day, plan):
    client.force_login(field_day.manager)
    stop = PlanStop.objects.filter(route__team=field_day.teams["A"], route__plan=plan).last()
    target = plan.routes.get(team=field_day.teams["B"])

    client.post(reverse("planning:move", args=[stop.pk]), {"route": target.pk})

    assert PlanStop.objects.get(pk=stop.pk).route == target
    plan.refresh_from_db()
    assert {f["rule"] for f in plan.findings} == {"ROUTE-max_visits"}  # B already had 8
    client.post(reverse("planning:approve", args=[plan.pk]))
    assert VisitPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_the_api_lists_details_and_refuses_approval_naming_the_rule(client, field_day, plan):
    client.force_login(field_day.manager)
    stop = PlanStop.objects.filter(route__team=field_day.teams["A"], route__plan=plan).first()

    listing = client.get("/api/v1/plans/").json()
    detail = client.get(f"/api/v1/plans/{plan.pk}/").json()
    moved = client.post(
        f"/api/v1/plans/stops/{stop.pk}/move/", {"team": "X"}, content_type="application/json"
    )
    refused = client.post(f"/api/v1/plans/{plan.pk}/approve/")

    assert [row["id"] for row in listing["results"]] == [plan.pk]
    assert [r["team"] for r in detail["routes"]] == ["A", "B", "X"]
    assert sum(len(r["stops"]) for r in detail["routes"]) == plan.visits_planned
    assert {row["rule_id"] for row in detail["left_out"]} >= {"FV-VULN-01", "FV-VISIT-7D"}
    assert moved.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["code"] == "plan_check_failed"
    assert "CN-VISIT-01" in refused.json()["rules"]


def test_the_api_approves_a_clean_plan(client, field_day, plan):
    client.force_login(field_day.manager)

    response = client.post(f"/api/v1/plans/{plan.pk}/approve/")

    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_the_strategy_page_saves_a_new_version(client, field_day):
    from fieldvisit.apps.planning.strategy import strategy_active

    client.force_login(field_day.manager)
    page = client.get(reverse("planning:strategy"))
    form = page.context["form"]
    data = form.initial["strategy"].replace('"service_minutes": 30', '"service_minutes": 40', 1)

    response = client.post(
        reverse("planning:strategy"),
        {
            "strategy": data,
            "certification_courses": form.initial["certification_courses"],
            "note": "longer first contacts",
        },
    )

    assert response.status_code == 302
    active = strategy_active()
    assert active.version == 2
    assert active.data["purposes"]["first_contact"]["service_minutes"] == 40
    bad = client.post(
        reverse("planning:strategy"),
        {"strategy": '{"name": "x"}', "certification_courses": "{}", "note": "broken"},
    )
    assert bad.status_code == 200
    assert 'data-testid="strategy-error"' in bad.content.decode()
    assert strategy_active().version == 2
