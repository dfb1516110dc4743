"""Building a plan for a small field day: who is visited, by whom, when, and who is left out."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldvisit.apps.planning.models import (
    DepotChoice,
    LeftOutReason,
    PlanStatus,
    PlanStop,
)
from fieldvisit.apps.planning.services import plan_build
from tests.apps.planning.conftest import DAY, local
from tests.apps.planning.factories import TeamPlanningSettingsFactory

pytestmark = pytest.mark.django_db

SECONDS = 0.5


@pytest.fixture
def plan(field_day):
    return plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS, user=field_day.manager)


def test_the_plan_is_a_checked_draft_with_visits(plan):
    assert plan.status == PlanStatus.DRAFT
    assert plan.solved_at is not None
    assert plan.findings == []
    assert plan.visits_planned == PlanStop.objects.filter(route__plan=plan).count() > 0
    assert plan.cases_screened == 20


def test_the_recently_visited_and_the_vulnerable_are_excluded_by_their_rules(plan, field_day):
    planned = set(PlanStop.objects.filter(route__plan=plan).values_list("case_id", flat=True))
    assert field_day.visited.pk not in planned
    assert field_day.vulnerable.pk not in planned
    left = {row.case_id: (row.reason, row.rule_id) for row in plan.left_out.all()}
    assert left[field_day.visited.pk] == (LeftOutReason.EXCLUDED, "FV-VISIT-7D")
    assert left[field_day.vulnerable.pk] == (LeftOutReason.EXCLUDED, "FV-VULN-01")


def test_every_candidate_is_either_visited_or_left_out_with_a_reason(plan, field_day):
    planned = set(PlanStop.objects.filter(route__plan=plan).values_list("case_id", flat=True))
    left = set(plan.left_out.values_list("case_id", flat=True))
    assert planned | left == {c.pk for c in field_day.cases}
    assert planned & left == set()


def test_the_team_with_an_expired_certificate_gets_no_visits_and_the_plan_says_why(plan, field_day):
    route = plan.routes.get(team=field_day.teams["X"])
    assert route.available is False
    assert route.stops.count() == 0
    assert "conduct_law certificate expired on 2026-03-01" in route.notes_en
    assert "2026-03-01 过期" in route.notes_zh


def test_every_stop_lies_inside_its_window_and_08_00_to_21_00(plan):
    stops = PlanStop.objects.filter(route__plan=plan)
    assert stops.exists()
    for stop in stops:
        assert stop.window_start <= stop.start < stop.end <= stop.window_end
        assert local(DAY, 8) <= stop.start
        assert stop.end <= local(DAY, 21)
        assert stop.end - stop.start == dt.timedelta(seconds=stop.service_seconds)
        assert stop.arrival <= stop.start


def test_each_stop_says_why_and_carries_a_brief(plan):
    stop = PlanStop.objects.filter(route__plan=plan).first()
    assert stop.purpose == "first_contact"
    assert stop.rule_id == "EL-FIRST-CONTACT"
    assert stop.explanation_en.startswith("Rule EL-FIRST-CONTACT")
    assert "75 days past due" in stop.brief_en
    assert "逾期 75 天" in stop.brief_zh


def test_a_team_with_a_lunch_break_takes_it_inside_its_window(field_day):
    TeamPlanningSettingsFactory(
        team=field_day.teams["A"],
        lunch_from=dt.time(11, 30),
        lunch_until=dt.time(13, 30),
        lunch_minutes=45,
    )

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS, user=field_day.manager)

    route = plan.routes.get(team=field_day.teams["A"])
    assert plan.findings == []
    assert route.lunch_end - route.lunch_start == dt.timedelta(minutes=45)
    assert local(DAY, 11, 30) <= route.lunch_start
    assert route.lunch_end <= local(DAY, 13, 30)
    for stop in route.stops.all():
        assert stop.end <= route.lunch_start or stop.start >= route.lunch_end


def test_a_team_may_start_and_end_at_a_members_home(field_day):
    member = field_day.agents["B"][1]
    TeamPlanningSettingsFactory(
        team=field_day.teams["B"], depot=DepotChoice.MEMBER_HOME, depot_member=member
    )

    plan = plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS, user=field_day.manager)

    route = plan.routes.get(team=field_day.teams["B"])
    profile = member.agent_profile
    assert (route.start_latitude, route.start_longitude) == (
        profile.home_latitude,
        profile.home_longitude,
    )
    assert route.depot_label == str(member)
    assert plan.findings == []
