"""check_solution catches each kind of broken hard constraint, and only that one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fieldvisit.engines.routing.check import check_solution
from fieldvisit.engines.routing.model import (
    BreakTaken,
    Depot,
    DroppedVisit,
    DropReason,
    LunchBreak,
    Route,
    RoutingProblem,
    RoutingSolution,
    Team,
    TimeWindow,
    Violation,
    ViolationKind,
    Visit,
    hhmm,
)
from fieldvisit.engines.routing.schedule import schedule_route
from fieldvisit.engines.routing.travel import plane_matrix

DAY = TimeWindow(hhmm("08:00"), hhmm("21:00"))
SHIFT = TimeWindow(hhmm("09:00"), hhmm("17:00"))
MORNING = TimeWindow(hhmm("09:00"), hhmm("12:00"))

# HQ at 0; a at 600 m, b at 1200 m, c at 1800 m on a line; 1 m/s
PROBLEM = RoutingProblem(
    depots=(Depot("HQ", 0, TimeWindow(hhmm("08:30"), hhmm("18:00"))),),
    visits=(
        Visit("a", 1, 1800, (MORNING,), prize=100, skills=frozenset({"hardship"})),
        Visit("b", 2, 1800, (DAY,), prize=100, required=True),
        Visit("c", 3, 1800, (DAY,), prize=100),
    ),
    teams=(
        Team(
            "A",
            "HQ",
            "HQ",
            SHIFT,
            skills=frozenset({"hardship"}),
            max_visits=2,
            lunch=LunchBreak(TimeWindow(hhmm("12:00"), hhmm("14:00")), 1800),
        ),
        Team("B", "HQ", "HQ", SHIFT),
    ),
    matrices={"car": plane_matrix([(0, 0), (600, 0), (1200, 0), (1800, 0)])},
)
VISITS = PROBLEM.visit_by_id
TEAM_A = PROBLEM.team_by_id["A"]


def good_route() -> Route:
    route = schedule_route(PROBLEM, TEAM_A, [VISITS["a"], VISITS["b"]])
    assert route is not None
    return route


def plan(*routes: Route, dropped=("c",)) -> RoutingSolution:
    return RoutingSolution(
        routes=routes,
        dropped=tuple(DroppedVisit(v, DropReason.CAPACITY) for v in dropped),
        prize=0,
        distance_metres=0,
    )


def kinds(violations: list[Violation]) -> list[ViolationKind]:
    return sorted({v.kind for v in violations})


def with_stop(route: Route, index: int, **changes) -> Route:
    stops = list(route.stops)
    stops[index] = replace(stops[index], **changes)
    return replace(route, stops=tuple(stops))


def test_the_scheduled_plan_is_feasible():
    route = good_route()
    assert route.visit_ids == ("a", "b")
    assert check_solution(PROBLEM, plan(route)) == []


def test_service_outside_every_window_is_a_time_window_violation():
    route = good_route()
    late = hhmm("11:40")  # a's service 11:40-12:10 overruns its 09:00-12:00 window
    bad = with_stop(route, 0, arrival=late, start=late, end=late + 1800)
    bad = with_stop(bad, 1, arrival=late + 2400, start=late + 2400, end=late + 4200)
    bad = replace(
        bad,
        lunch=BreakTaken(late + 4200, late + 6000, after_stops=2),
        return_time=late + 6000 + 1200,
    )
    assert kinds(check_solution(PROBLEM, plan(bad))) == [ViolationKind.TIME_WINDOW]


def test_arriving_sooner_than_travel_allows_is_caught():
    route = good_route()
    first = route.stops[0]
    bad = with_stop(route, 1, arrival=first.end + 10)
    assert kinds(check_solution(PROBLEM, plan(bad))) == [ViolationKind.TRAVEL_TIME]


def test_service_shorter_than_its_duration_is_caught():
    route = good_route()
    bad = with_stop(route, 0, end=route.stops[0].start + 60)
    assert ViolationKind.TRAVEL_TIME in kinds(check_solution(PROBLEM, plan(bad)))


def test_leaving_before_the_shift_and_coming_back_after_it_are_shift_violations():
    route = schedule_route(PROBLEM, PROBLEM.team_by_id["B"], [VISITS["b"]])
    assert route is not None
    early = replace(route, departure=hhmm("08:45"))
    late = replace(route, return_time=hhmm("17:30"))
    assert kinds(check_solution(PROBLEM, plan(early, dropped=("a", "c")))) == [ViolationKind.SHIFT]
    assert kinds(check_solution(PROBLEM, plan(late, dropped=("a", "c")))) == [ViolationKind.SHIFT]


def test_depot_opening_hours_bind():
    team = replace(TEAM_A, shift=TimeWindow(hhmm("08:00"), hhmm("17:00")))
    problem = replace(PROBLEM, teams=(team, PROBLEM.teams[1]))
    route = replace(good_route(), departure=hhmm("08:10"))
    assert kinds(check_solution(problem, plan(route))) == [ViolationKind.DEPOT_WINDOW]


def test_more_stops_than_max_visits_is_caught():
    route = schedule_route(PROBLEM, TEAM_A, [VISITS["a"], VISITS["b"], VISITS["c"]])
    assert route is not None
    assert kinds(check_solution(PROBLEM, plan(route, dropped=()))) == [ViolationKind.MAX_VISITS]


def test_a_team_without_the_skill_is_caught():
    team_b = PROBLEM.team_by_id["B"]
    route = schedule_route(PROBLEM, team_b, [VISITS["a"], VISITS["b"]])
    assert route is not None
    violations = check_solution(PROBLEM, plan(route))
    assert violations == [
        Violation(ViolationKind.SKILLS, "team lacks hardship", team_id="B", visit_id="a")
    ]


def test_a_visit_made_twice_is_a_duplicate():
    route = good_route()
    team_b = PROBLEM.team_by_id["B"]
    again = schedule_route(PROBLEM, team_b, [VISITS["b"]])
    assert again is not None
    assert kinds(check_solution(PROBLEM, plan(route, again))) == [ViolationKind.DUPLICATE]


def test_a_missing_required_visit_and_an_unaccounted_visit_are_caught():
    route = schedule_route(PROBLEM, TEAM_A, [VISITS["a"]])
    assert route is not None
    violations = check_solution(PROBLEM, plan(route, dropped=()))
    assert sorted((v.kind, v.visit_id) for v in violations) == [
        (ViolationKind.REQUIRED_MISSING, "b"),
        (ViolationKind.UNACCOUNTED, "b"),
        (ViolationKind.UNACCOUNTED, "c"),
    ]


def test_unknown_visits_and_teams_are_caught():
    route = good_route()
    ghost = with_stop(route, 1, visit_id="ghost")
    stranger = replace(route, team_id="Z")
    assert ViolationKind.UNKNOWN in kinds(check_solution(PROBLEM, plan(ghost)))
    assert ViolationKind.UNKNOWN in kinds(check_solution(PROBLEM, plan(stranger)))


def test_a_route_through_lunch_time_without_a_break_is_caught():
    # given a route from 09:00 to after 13:30 (d only opens at 13:00), so lunch is needed
    d = Visit("d", 3, 1800, (TimeWindow(hhmm("13:00"), hhmm("15:00")),), prize=100)
    problem = replace(PROBLEM, visits=(*PROBLEM.visits, d))
    long_route = schedule_route(problem, TEAM_A, [VISITS["b"], d])
    assert long_route is not None
    assert long_route.lunch == BreakTaken(hhmm("12:00"), hhmm("12:30"), after_stops=1)
    dropped = ("a", "c")
    assert check_solution(problem, plan(long_route, dropped=dropped)) == []

    no_break = replace(long_route, lunch=None)
    short_break = replace(long_route, lunch=BreakTaken(hhmm("12:00"), hhmm("12:10"), 1))
    too_late = replace(long_route, lunch=BreakTaken(hhmm("13:40"), hhmm("14:10"), 2))
    assert kinds(check_solution(problem, plan(no_break, dropped=dropped))) == [ViolationKind.LUNCH]
    assert kinds(check_solution(problem, plan(short_break, dropped=dropped))) == [
        ViolationKind.LUNCH
    ]
    assert ViolationKind.LUNCH in kinds(check_solution(problem, plan(too_late, dropped=dropped)))


def test_a_reported_distance_that_is_not_the_matrix_sum_is_caught():
    route = replace(good_route(), distance_metres=1)
    assert kinds(check_solution(PROBLEM, plan(route))) == [ViolationKind.TOTALS]


@pytest.mark.parametrize("field", ["arrival", "start"])
def test_times_before_the_possible_are_never_accepted(field):
    route = good_route()
    bad = with_stop(route, 0, **{field: route.stops[0].arrival - 1})
    assert check_solution(PROBLEM, plan(bad)) != []
