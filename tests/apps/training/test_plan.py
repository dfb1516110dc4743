"""The planner sends neither a suspended agent nor one whose certificate has lapsed, and says why.

Uses the planning app's field day (2026-03-10): team A (a0, a1), team B (b0, b1, b2), team X.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fieldvisit.apps.planning.models import PlanRoute
from fieldvisit.apps.planning.services import plan_build
from fieldvisit.apps.training import services
from fieldvisit.apps.training.models import Certification
from tests.apps.planning.conftest import DAY, field_day  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

SECONDS = 0.5


def members_planned(plan) -> set[int]:
    return set(
        PlanRoute.objects.filter(plan=plan, available=True, stops__isnull=False).values_list(
            "members", flat=True
        )
    )


def serious_complaint(recorder, agent, received_on=DAY - dt.timedelta(days=1)):
    return services.complaint_record(
        user=recorder,
        agent=agent,
        received_on=received_on,
        channel="phone",
        category="threat",
        severity="serious",
        content="上门时言语威胁",
    )


def test_a_suspended_agent_never_appears_in_the_plan_and_the_plan_says_why(field_day):  # noqa: F811
    b0 = field_day.agents["B"][0]
    serious_complaint(field_day.manager, b0)

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS)

    route_b = plan.routes.get(team=field_day.teams["B"])
    assert b0.pk not in set(route_b.members.values_list("pk", flat=True))
    assert b0.pk not in members_planned(plan)
    assert f"{b0} is suspended from field visits since 2026-03-09." in route_b.notes_en
    # The other two members of team B still go out: two is enough.
    assert route_b.available is True
    assert route_b.stops.exists()


def test_a_team_left_with_one_member_by_a_suspension_gets_no_visits(field_day):  # noqa: F811
    a0 = field_day.agents["A"][0]
    serious_complaint(field_day.manager, a0)

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS)

    route_a = plan.routes.get(team=field_day.teams["A"])
    assert route_a.available is False
    assert route_a.stops.count() == 0
    assert a0.pk not in members_planned(plan)


def test_a_cleared_suspension_makes_the_agent_plannable_again_from_that_day(field_day):  # noqa: F811
    a0 = field_day.agents["A"][0]
    serious_complaint(field_day.manager, a0)
    suspension = a0.suspensions.get()
    services.suspension_clear(
        user=field_day.manager, suspension=suspension, on_date=DAY, note="核实为误会，已复训"
    )

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS)

    assert plan.routes.get(team=field_day.teams["A"]).available is True
    assert a0.pk in members_planned(plan)


def test_an_agent_whose_certificate_expires_on_the_plan_day_never_appears(field_day):  # noqa: F811
    b1 = field_day.agents["B"][1]
    Certification.objects.filter(agent=b1).update(expires_on=DAY)

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS)

    assert b1.pk not in members_planned(plan)
    route_b = plan.routes.get(team=field_day.teams["B"])
    assert route_b.available is False
    assert f"{b1}'s conduct_law certificate expired on 2026-03-10." in route_b.notes_en


def test_an_agent_whose_certificate_expires_the_day_after_is_planned(field_day):  # noqa: F811
    b1 = field_day.agents["B"][1]
    Certification.objects.filter(agent=b1).update(expires_on=DAY + dt.timedelta(days=1))

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS)

    assert b1.pk in members_planned(plan)


def test_an_agent_suspended_after_the_plan_was_built_fails_its_check(field_day):  # noqa: F811
    from fieldvisit.apps.planning.checks import plan_check

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS)
    route_a = plan.routes.get(team=field_day.teams["A"])
    assert route_a.stops.exists()

    serious_complaint(field_day.manager, field_day.agents["A"][0])

    findings = plan_check(plan)
    assert {(f["rule"], f["team"]) for f in findings} == {("CN-VISIT-01", route_a.team_id)}
    assert len(findings) == route_a.stops.count()
