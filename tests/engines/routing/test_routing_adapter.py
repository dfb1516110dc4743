"""The PyVRP adapter on tiny days whose best plan is known (worked by hand or by brute force)."""

from __future__ import annotations

import itertools

import pytest

from fieldvisit.engines.routing.check import check_solution
from fieldvisit.engines.routing.model import (
    Depot,
    DropReason,
    LunchBreak,
    RoutingProblem,
    SolveParams,
    Team,
    TimeWindow,
    Visit,
    hhmm,
)
from fieldvisit.engines.routing.pyvrp_adapter import screen_visits, solve
from fieldvisit.engines.routing.travel import plane_matrix

DAY = TimeWindow(hhmm("08:00"), hhmm("21:00"))
FAST = SolveParams(seconds=0.5, seed=1)


def tour_metres(matrix, depot: int, order) -> int:
    stops = [depot, *order, depot]
    return sum(int(matrix.metres[a, b]) for a, b in itertools.pairwise(stops))


def plane_day(xy, visits, teams, depots=None) -> RoutingProblem:
    depots = depots or (Depot("HQ", 0, DAY),)
    return RoutingProblem(
        depots=tuple(depots),
        visits=tuple(visits),
        teams=tuple(teams),
        matrices={"car": plane_matrix(xy)},
    )


def test_one_team_finds_the_shortest_tour_found_by_brute_force():
    # given seven required visits scattered around one depot, one team, no binding windows
    xy = [(0, 0), (900, 100), (-400, 700), (300, -800), (1200, 900), (-900, -300), (500, 500)]
    xy.append((-200, -1100))
    visits = [Visit(f"v{k}", k, 0, (DAY,), required=True) for k in range(1, len(xy))]
    problem = plane_day(xy, visits, [Team("A", "HQ", "HQ", DAY)])
    matrix = problem.matrices["car"]
    optimum = min(
        tour_metres(matrix, 0, order) for order in itertools.permutations(range(1, len(xy)))
    )

    # when it is solved
    solution = solve(problem, FAST)

    # then the plan is the optimal tour and feasible
    assert solution.distance_metres == optimum
    assert solution.visit_count == 7
    assert check_solution(problem, solution) == []


def test_prize_collecting_picks_the_most_profitable_subset():
    # given six optional visits whose prizes sometimes do not pay for the detour (1 prize/m)
    xy = [(0, 0), (100, 0), (200, 0), (0, 3000), (-150, 50), (2500, 2500), (60, -80)]
    prizes = [500, 500, 4000, 400, 3000, 300]
    visits = [Visit(f"v{k}", k, 0, (DAY,), prize=prizes[k - 1]) for k in range(1, len(xy))]
    problem = plane_day(xy, visits, [Team("A", "HQ", "HQ", DAY)])
    matrix = problem.matrices["car"]
    values = {}
    for size in range(7):
        for subset in itertools.combinations(range(1, 7), size):
            shortest = min(tour_metres(matrix, 0, p) for p in itertools.permutations(subset))
            values[subset] = sum(prizes[k - 1] for k in subset) - shortest
    best_subset = max(values, key=values.__getitem__)

    # when it is solved
    solution = solve(problem, FAST)

    # then it makes exactly the brute-force best subset, and drops the others for capacity
    assert solution.prize - solution.distance_metres == values[best_subset]
    assert {s.visit_id for r in solution.routes for s in r.stops} == {f"v{k}" for k in best_subset}
    assert len(best_subset) < 6
    assert {d.reason for d in solution.dropped} == {DropReason.CAPACITY}
    assert check_solution(problem, solution) == []


def test_two_teams_split_the_work_optimally():
    # given two teams at one depot, each limited to three visits, and six required visits
    xy = [(0, 0), (1000, 0), (1100, 200), (1200, -100), (-1000, 0), (-1100, 150), (-900, -200)]
    visits = [Visit(f"v{k}", k, 0, (DAY,), required=True) for k in range(1, 7)]
    teams = [Team(t, "HQ", "HQ", DAY, max_visits=3) for t in ("A", "B")]
    problem = plane_day(xy, visits, teams)
    matrix = problem.matrices["car"]
    optimum = min(
        min(tour_metres(matrix, 0, p) for p in itertools.permutations(left))
        + min(tour_metres(matrix, 0, p) for p in itertools.permutations(right))
        for left in itertools.combinations(range(1, 7), 3)
        for right in [tuple(k for k in range(1, 7) if k not in left)]
    )

    solution = solve(problem, FAST)

    assert solution.distance_metres == optimum
    assert sorted(len(r.stops) for r in solution.routes) == [3, 3]
    assert check_solution(problem, solution) == []


def test_time_windows_force_the_order_and_the_times():
    # given two visits on a line, the far one open only early, the near one only late;
    # travel is 1 m/s and service 30 minutes
    xy = [(0, 0), (600, 0), (1200, 0)]
    near = Visit("near", 1, 1800, (TimeWindow(hhmm("10:00"), hhmm("11:00")),), required=True)
    far = Visit("far", 2, 1800, (TimeWindow(hhmm("08:30"), hhmm("09:30")),), required=True)
    problem = plane_day(xy, [near, far], [Team("A", "HQ", "HQ", DAY)])

    solution = solve(problem, FAST)

    # then the team goes far first, leaving just in time to arrive at 08:30
    (route,) = solution.routes
    assert route.visit_ids == ("far", "near")
    assert route.departure == hhmm("08:30") - 1200
    assert [(s.arrival, s.start, s.end) for s in route.stops] == [
        (hhmm("08:30"), hhmm("08:30"), hhmm("09:00")),
        (hhmm("09:00") + 600, hhmm("10:00"), hhmm("10:30")),
    ]
    assert route.return_time == hhmm("10:30") + 600
    assert check_solution(problem, solution) == []


def test_a_visit_with_two_windows_is_made_once_in_the_one_that_fits():
    # given a team working 14:00-21:00 and a visit preferring 09:00-11:00 or 18:00-20:00
    xy = [(0, 0), (300, 0)]
    windows = (
        TimeWindow(hhmm("09:00"), hhmm("11:00")),
        TimeWindow(hhmm("18:00"), hhmm("20:00")),
    )
    visit = Visit("v", 1, 1800, windows, prize=10_000)
    team = Team("A", "HQ", "HQ", TimeWindow(hhmm("14:00"), hhmm("21:00")))
    problem = plane_day(xy, [visit], [team])

    solution = solve(problem, FAST)

    (route,) = solution.routes
    (stop,) = route.stops
    assert (stop.start, stop.window) == (hhmm("18:00"), windows[1])
    assert check_solution(problem, solution) == []


def test_skills_decide_which_team_goes():
    # given a legal-notice visit next to team A's depot, but only team B holds "legal"
    xy = [(0, 0), (5000, 0), (100, 0)]
    depots = [Depot("A-base", 0, DAY), Depot("B-base", 1, DAY)]
    visit = Visit("notice", 2, 1200, (DAY,), prize=50_000, skills=frozenset({"legal"}))
    teams = [
        Team("A", "A-base", "A-base", DAY),
        Team("B", "B-base", "B-base", DAY, skills=frozenset({"legal"})),
    ]
    problem = plane_day(xy, [visit], teams, depots)

    solution = solve(problem, FAST)

    assert [(r.team_id, r.visit_ids) for r in solution.routes] == [("B", ("notice",))]
    assert check_solution(problem, solution) == []


def test_nobody_qualified_and_unreachable_visits_are_dropped_with_their_reason():
    xy = [(0, 0), (100, 0), (200, 0)]
    needs_legal = Visit("legal", 1, 600, (DAY,), prize=9_000, skills=frozenset({"legal"}))
    too_late = Visit("late", 2, 600, (TimeWindow(hhmm("20:55"), hhmm("21:00")),), prize=9_000)
    team = Team("A", "HQ", "HQ", TimeWindow(hhmm("08:00"), hhmm("17:00")))
    problem = plane_day(xy, [needs_legal, too_late], [team])

    assert screen_visits(problem) == {
        "legal": DropReason.NO_QUALIFIED_TEAM,
        "late": DropReason.WINDOW,
    }
    solution = solve(problem, FAST)
    assert solution.routes == ()
    assert {(d.visit_id, d.reason) for d in solution.dropped} == {
        ("legal", DropReason.NO_QUALIFIED_TEAM),
        ("late", DropReason.WINDOW),
    }
    assert check_solution(problem, solution) == []


def test_several_depots_each_team_starts_and_ends_where_it_should():
    # given two branches far apart, a team at each, one ending at a member's home
    xy = [(0, 0), (20_000, 0), (20_500, 500), (300, 300), (19_800, -200), (-200, 100)]
    depots = [Depot("west", 0, DAY), Depot("east", 1, DAY), Depot("home", 2, DAY)]
    visits = [
        Visit("w1", 3, 900, (DAY,), required=True),
        Visit("e1", 4, 900, (DAY,), required=True),
        Visit("w2", 5, 900, (DAY,), required=True),
    ]
    teams = [Team("W", "west", "west", DAY), Team("E", "east", "home", DAY)]
    problem = plane_day(xy, visits, teams, depots)

    solution = solve(problem, FAST)

    served = {r.team_id: set(r.visit_ids) for r in solution.routes}
    assert served == {"W": {"w1", "w2"}, "E": {"e1"}}
    matrix = problem.matrices["car"]
    east = next(r for r in solution.routes if r.team_id == "E")
    assert east.distance_metres == int(matrix.metres[1, 4] + matrix.metres[4, 2])
    assert check_solution(problem, solution) == []


def test_lunch_is_taken_inside_its_window_and_the_plan_stays_feasible():
    # given a morning-to-afternoon team with lunch 12:00-13:30 (45 min) and five hour-long visits
    xy = [(0, 0), (200, 0), (400, 0), (600, 0), (800, 0), (1000, 0)]
    visits = [Visit(f"v{k}", k, 3600, (DAY,), required=True) for k in range(1, 6)]
    lunch = LunchBreak(TimeWindow(hhmm("12:00"), hhmm("13:30")), 2700)
    team = Team("A", "HQ", "HQ", TimeWindow(hhmm("09:00"), hhmm("17:00")), lunch=lunch)
    problem = plane_day(xy, visits, [team])

    solution = solve(problem, FAST)

    (route,) = solution.routes
    assert route.lunch is not None
    assert hhmm("12:00") <= route.lunch.start
    assert route.lunch.end == route.lunch.start + 2700 <= hhmm("13:30")
    assert check_solution(problem, solution) == []


@pytest.mark.parametrize("max_visits", [1, 2])
def test_max_visits_caps_a_route_and_keeps_the_best_prizes(max_visits):
    xy = [(0, 0), (100, 0), (0, 100), (-100, 0)]
    prizes = {"small": 1_000, "big": 50_000, "mid": 20_000}
    visits = [Visit(name, k + 1, 0, (DAY,), prize=p) for k, (name, p) in enumerate(prizes.items())]
    problem = plane_day(xy, visits, [Team("A", "HQ", "HQ", DAY, max_visits=max_visits)])

    solution = solve(problem, FAST)

    (route,) = solution.routes
    assert set(route.visit_ids) == {1: {"big"}, 2: {"big", "mid"}}[max_visits]
    assert check_solution(problem, solution) == []
