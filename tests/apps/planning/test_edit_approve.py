"""Editing a draft (move, remove), approving it, and what approval publishes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import CaseEvent, CaseStatus, CollectionCase
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.organisation.models import AgentProfile
from fieldvisit.apps.planning.models import (
    LeftOutReason,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    PlanStop,
)
from fieldvisit.apps.planning.selectors import approved_stops_for_agent
from fieldvisit.apps.planning.services import (
    PlanCheckFailed,
    plan_approve,
    plan_build,
    plan_move_stop,
    plan_remove_stop,
    plan_replan,
)
from tests.apps.planning.conftest import DAY
from tests.apps.planning.conftest import SHANGHAI as DAY_ZONE

pytestmark = pytest.mark.django_db

SECONDS = 0.5


@pytest.fixture
def morning_case(field_day):
    """One borrower who can be seen only 09:00–10:00; team B works 12:00–21:00 that day."""
    case = field_day.cases[2]
    borrower = case.loan.borrower
    borrower.preferred_visit_start = dt.time(9, 0)
    borrower.preferred_visit_end = dt.time(10, 0)
    borrower.save()
    AgentProfile.objects.filter(user__team=field_day.teams["B"]).update(
        shift_start=dt.time(12, 0), shift_end=dt.time(21, 0)
    )
    return case


def build(field_day):
    return plan_build(date=DAY, branch=field_day.branch, seconds=SECONDS, user=field_day.manager)


def test_a_move_that_breaks_a_window_is_shown_and_blocks_approval(field_day, morning_case):
    plan = build(field_day)
    stop = PlanStop.objects.get(route__plan=plan, case=morning_case)
    assert stop.route.team == field_day.teams["A"]
    to_b = plan.routes.get(team=field_day.teams["B"])

    plan = plan_move_stop(stop=stop, to_route=to_b, user=field_day.manager)

    stop.refresh_from_db()
    assert stop.route == to_b
    assert stop.start.astimezone(DAY_ZONE).time() >= dt.time(12, 0)
    rules = {f["rule"] for f in plan.findings}
    assert "ROUTE-time_window" in rules
    with pytest.raises(PlanCheckFailed) as refused:
        plan_approve(plan=plan, user=field_day.manager)
    assert "ROUTE-time_window" in refused.value.extra["rules"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert CollectionCase.objects.filter(status=CaseStatus.VISIT_PLANNED).count() == 0
    assert plan.events.filter(kind=PlanEventKind.APPROVAL_REFUSED).count() == 1


def test_moving_a_visit_to_the_team_with_an_expired_certificate_breaks_the_two_person_rule(
    field_day,
):
    plan = build(field_day)
    stop = PlanStop.objects.filter(route__plan=plan).first()
    to_x = plan.routes.get(team=field_day.teams["X"])

    plan = plan_move_stop(stop=stop, to_route=to_x, user=field_day.manager)

    rules = {f["rule"] for f in plan.findings}
    assert {"CN-VISIT-01", "ROUTE-skills"} <= rules
    with pytest.raises(PlanCheckFailed, match="CN-VISIT-01"):
        plan_approve(plan=plan, user=field_day.manager)


def test_a_move_re_times_both_routes_at_once(field_day):
    plan = build(field_day)
    route_a = plan.routes.get(team=field_day.teams["A"])
    route_b = plan.routes.get(team=field_day.teams["B"])
    first_b = route_b.stops.order_by("order").first()
    last_a = route_a.stops.order_by("-order").first()
    plan_remove_stop(stop=last_a, user=field_day.manager, reason="room for the move")
    before = {s.pk: s.start for s in PlanStop.objects.filter(route=route_b)}

    plan = plan_move_stop(stop=first_b, to_route=route_a, user=field_day.manager)

    after = {s.pk: s.start for s in PlanStop.objects.filter(route=route_b)}
    assert first_b.pk not in after
    assert any(after[pk] != before[pk] for pk in after)
    assert PlanStop.objects.get(pk=first_b.pk).route == route_a
    assert plan.findings == []
    assert plan.events.filter(kind=PlanEventKind.STOP_MOVED).count() == 1
    assert list(route_a.stops.order_by("order").values_list("order", flat=True)) == list(range(8))


def test_removing_a_visit_leaves_it_out_as_removed_and_updates_the_totals(field_day):
    plan = build(field_day)
    stop = PlanStop.objects.filter(route__plan=plan).order_by("pk").first()
    visits = plan.visits_planned

    plan = plan_remove_stop(stop=stop, user=field_day.manager, reason="borrower in hospital")

    assert plan.visits_planned == visits - 1
    left = plan.left_out.get(case=stop.case)
    assert left.reason == LeftOutReason.REMOVED
    assert left.detail_en == "borrower in hospital"
    assert not PlanStop.objects.filter(pk=stop.pk).exists()


def test_approval_publishes_the_plan_and_moves_its_cases_to_visit_planned(field_day):
    plan = build(field_day)
    planned = list(PlanStop.objects.filter(route__plan=plan).values_list("case_id", flat=True))

    plan = plan_approve(plan=plan, user=field_day.manager)

    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == field_day.manager
    assert set(
        CollectionCase.objects.filter(status=CaseStatus.VISIT_PLANNED).values_list("pk", flat=True)
    ) == set(planned)
    events = CaseEvent.objects.filter(case_id__in=planned, to_status=CaseStatus.VISIT_PLANNED)
    assert events.count() == len(planned)
    assert PlanEvent.objects.get(plan=plan, to_status=PlanStatus.APPROVED).user == field_day.manager
    assert AuditEvent.objects.filter(action="plan.approve", object_id=str(plan.pk)).count() == 1
    member = field_day.agents["A"][0]
    stops = approved_stops_for_agent(member, DAY)
    assert [s.route.team for s in stops] == [field_day.teams["A"]] * len(stops)
    assert len(stops) == plan.routes.get(team=field_day.teams["A"]).stops.count()
    assert list(approved_stops_for_agent(field_day.agents["X"][0], DAY)) == []


def test_an_approved_plan_cannot_be_edited_or_approved_twice(field_day):
    plan = plan_approve(plan=build(field_day), user=field_day.manager)
    stop = PlanStop.objects.filter(route__plan=plan).first()

    with translation.override("en"), pytest.raises(ApplicationError, match="draft"):
        plan_remove_stop(stop=stop, user=field_day.manager)
    with translation.override("en"), pytest.raises(ApplicationError, match="draft"):
        plan_approve(plan=plan, user=field_day.manager)
    assert PlanStop.objects.filter(pk=stop.pk).exists()


def test_a_second_plan_for_the_same_day_cannot_be_approved_over_the_first(field_day):
    first = plan_approve(plan=build(field_day), user=field_day.manager)
    second = build(field_day)

    first_cases = set(PlanStop.objects.filter(route__plan=first).values_list("case", flat=True))
    second_cases = set(PlanStop.objects.filter(route__plan=second).values_list("case", flat=True))
    assert first_cases & second_cases == set()  # planned today: FV-VISIT-7D
    assert {row.rule_id for row in second.left_out.filter(case__in=first_cases)} == {"FV-VISIT-7D"}
    with pytest.raises(ApplicationError, match=f"#{first.pk}"):
        plan_approve(plan=second, user=field_day.manager)


def test_an_agent_may_not_approve(field_day):
    plan = build(field_day)

    with translation.override("en"), pytest.raises(ApplicationError, match="may not approve"):
        plan_approve(plan=plan, user=field_day.agents["A"][0])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_replanning_supersedes_the_draft(field_day):
    old = build(field_day)

    new = plan_replan(plan=old, user=field_day.manager)

    old.refresh_from_db()
    assert old.status == PlanStatus.SUPERSEDED
    assert old.superseded_by == new
    assert new.status == PlanStatus.DRAFT
    assert new.visits_planned > 0
