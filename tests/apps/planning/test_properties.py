"""Property: on random small days, every plan that approval accepts — as built, or after a random
manual move — satisfies every hard constraint, checked independently of the approval gate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fieldvisit.apps.cases.models import CollectionCase, ContactAttempt
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.organisation.models import AgentProfile
from fieldvisit.apps.planning.checks import plan_routes, route_spec, stop_spec, stored_route
from fieldvisit.apps.planning.models import PlanStatus
from fieldvisit.apps.planning.problem import build_problem
from fieldvisit.apps.planning.services import plan_approve, plan_build, plan_move_stop
from fieldvisit.apps.training.models import Certification
from fieldvisit.engines.routing import RoutingSolution, check_solution
from tests.apps.planning.conftest import DAY, SHANGHAI, certify, local, open_case
from tests.apps.planning.factories import ContactAttemptFactory
from tests.factories import AgentFactory, BranchFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

team_shape = st.fixed_dictionaries(
    {
        "size": st.sampled_from([1, 2, 2, 3, 3]),
        "expired": st.sampled_from([False, False, True]),
        "start": st.sampled_from([8, 9, 12]),
        "hours": st.sampled_from([4, 8, 9]),
        "max_visits": st.integers(1, 6),
    }
)
case_shape = st.fixed_dictionaries(
    {
        "district": st.sampled_from(["福田区", "南山区"]),
        "n": st.integers(0, 15),
        "preferred": st.sampled_from([None, (9, 11), (14, 17), (19, 23), (6, 8)]),
        "vulnerable": st.booleans(),
        "visited_days_ago": st.sampled_from([None, None, 2, 6, 7, 10]),
    }
)


def make_day(teams, cases):
    from fieldvisit.apps.accounts.roles import Role

    branch = BranchFactory(latitude=22.541, longitude=114.055)
    manager = UserFactory(role=Role.MANAGER, branch=branch)
    caller = UserFactory(role=Role.AGENT, branch=branch)
    for shape in teams:
        team = TeamFactory(branch=branch, max_visits_per_day=shape["max_visits"])
        for i in range(shape["size"]):
            agent = AgentFactory(team=team)
            AgentProfile.objects.filter(user=agent).update(
                shift_start=dt.time(shape["start"]),
                shift_end=dt.time(min(23, shape["start"] + shape["hours"])),
            )
            expired = shape["expired"] and i == 0
            certify(agent, expires_on=dt.date(2026, 3, 1) if expired else dt.date(2026, 6, 1))
    for shape in cases:
        case = open_case(branch, caller, shape["district"], shape["n"])
        borrower = case.loan.borrower
        if shape["preferred"]:
            start, end = shape["preferred"]
            borrower.preferred_visit_start = dt.time(start)
            borrower.preferred_visit_end = dt.time(end - 1, 59)
            borrower.save()
        if shape["vulnerable"]:
            CollectionCase.objects.filter(pk=case.pk).update(vulnerable=True)
        if shape["visited_days_ago"] is not None:
            ContactAttemptFactory(
                case=case,
                user=caller,
                channel="visit",
                outcome="met",
                visitors=2,
                attempted_at=local(DAY - dt.timedelta(days=shape["visited_days_ago"]), 15),
            )
    return branch, manager


def assert_every_hard_constraint(plan):
    routes = [r for r in plan_routes(plan) if r.stops.all()]
    seen = set()
    problem = build_problem(
        [route_spec(r) for r in routes], [stop_spec(s) for r in routes for s in r.stops.all()]
    )
    solution = RoutingSolution(
        routes=tuple(stored_route(r, list(r.stops.all()), DAY) for r in routes),
        dropped=(),
        prize=0,
        distance_metres=0,
    )
    assert check_solution(problem, solution) == []
    for route in routes:
        members = list(route.members.all())
        stops = list(route.stops.all())
        assert len(stops) <= route.max_visits
        for stop in stops:
            assert stop.case_id not in seen
            seen.add(stop.case_id)
            start = stop.start.astimezone(SHANGHAI)
            end = stop.end.astimezone(SHANGHAI)
            assert start.date() == DAY
            assert dt.time(8) <= start.time()
            assert end.time() <= dt.time(21)
            assert stop.window_start <= stop.start
            assert stop.end <= stop.window_end
            # two or more people, each certified for the purpose on the day
            assert len(members) >= 2
            for member in members:
                held = set(
                    Certification.objects.filter(
                        agent=member, passed_on__lte=DAY, expires_on__gt=DAY
                    ).values_list("course__code", flat=True)
                )
                assert {"FV-COMPLIANCE", "COMM-COUNSEL"} <= held
            case = stop.case
            assert not case.vulnerable
            assert not case.hardship_hold
            recent = ContactAttempt.objects.filter(
                borrower=case.loan.borrower,
                channel="visit",
                attempted_at__gt=local(DAY - dt.timedelta(days=7), 23, 59),
            )
            assert not recent.exists()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    teams=st.lists(team_shape, min_size=1, max_size=2),
    cases=st.lists(case_shape, min_size=2, max_size=10),
    move=st.integers(0, 1000),
)
def test_every_approved_plan_satisfies_every_hard_constraint(db, teams, cases, move):
    # At least one team that can work, so that most days have visits to check.
    able = {"size": 2, "expired": False, "start": 9, "hours": 9, "max_visits": 4}
    with transaction.atomic():
        branch, manager = make_day([able, *teams], cases)
        plan = plan_build(date=DAY, branch=branch, seconds=0.3, user=manager)
        stops = [s for r in plan_routes(plan) for s in r.stops.all()]
        routes = list(plan.routes.all())
        # The builder itself never proposes a plan that breaks a rule.
        assert plan.findings == []
        if stops and len(routes) > 1 and move % 2:
            stop = stops[move % len(stops)]
            target = [r for r in routes if r.pk != stop.route_id][move % (len(routes) - 1)]
            plan = plan_move_stop(stop=stop, to_route=target, user=manager)
            event("moved")
        event(f"visits > 0: {bool(stops)}")
        try:
            plan = plan_approve(plan=plan, user=manager)
        except ApplicationError:
            event("refused")
            plan.refresh_from_db()
            assert plan.status == PlanStatus.DRAFT
            assert plan.findings
        else:
            event("approved")
            assert plan.status == PlanStatus.APPROVED
            assert_every_hard_constraint(plan)
        transaction.set_rollback(True)
