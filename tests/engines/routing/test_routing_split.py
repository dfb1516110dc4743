"""Splitting a day per branch and merging the plans: nothing lost, nothing invented."""

from __future__ import annotations

import numpy as np
import pytest

from fieldvisit.engines.routing.check import check_solution
from fieldvisit.engines.routing.model import (
    Depot,
    RoutingProblem,
    SolveParams,
    Team,
    TimeWindow,
    Visit,
    hhmm,
)
from fieldvisit.engines.routing.pyvrp_adapter import solve
from fieldvisit.engines.routing.split import merge_solutions, split_by_cluster
from fieldvisit.engines.routing.synthetic import synthetic_city_day
from fieldvisit.engines.routing.travel import plane_matrix

DAY = TimeWindow(hhmm("08:00"), hhmm("21:00"))


def two_branch_day(west_visits: int, east_visits: int) -> RoutingProblem:
    xy = [(0, 0), (10_000, 0)]
    xy += [(100 * k, 50) for k in range(1, west_visits + 1)]
    xy += [(10_000 + 100 * k, 50) for k in range(1, east_visits + 1)]
    visits = [
        Visit(f"v{k:02d}", 2 + k, 600, (DAY,), prize=1_000 + k)
        for k in range(west_visits + east_visits)
    ]
    return RoutingProblem(
        depots=(Depot("W", 0, DAY), Depot("E", 1, DAY)),
        visits=tuple(visits),
        teams=(
            Team("w1", "W", "W", DAY, max_visits=2),
            Team("e1", "E", "E", DAY, max_visits=2),
        ),
        matrices={"car": plane_matrix(xy)},
    )


def test_each_visit_goes_to_the_nearest_branch_while_it_has_room():
    problem = two_branch_day(west_visits=2, east_visits=2)

    parts = dict(split_by_cluster(problem, {"w1": "west", "e1": "east"}))

    assert {v.id for v in parts["west"].visits} == {"v00", "v01"}
    assert {v.id for v in parts["east"].visits} == {"v02", "v03"}
    assert [t.id for t in parts["west"].teams] == ["w1"]
    assert [d.id for d in parts["east"].depots] == ["E"]


def test_a_busy_branch_passes_its_least_valuable_surplus_to_a_quiet_one():
    # given 7 visits near the west branch and none near the east; quotas 1.5 × 2 = 3 each
    problem = two_branch_day(west_visits=7, east_visits=0)

    parts = dict(split_by_cluster(problem, {"w1": "west", "e1": "east"}))

    # the west keeps its three most valuable (prizes rise with k), the east takes the next
    # three, and the one left over returns to the nearest branch
    assert [v.id for v in parts["west"].visits] == ["v00", "v04", "v05", "v06"]
    assert [v.id for v in parts["east"].visits] == ["v01", "v02", "v03"]


def test_sub_problems_keep_the_travel_times_between_the_same_places():
    problem = two_branch_day(west_visits=3, east_visits=2)

    for _, part in split_by_cluster(problem, {"w1": "west", "e1": "east"}):
        sub, full = part.matrices["car"], problem.matrices["car"]
        places = {d.id: d.location for d in part.depots} | {v.id: v.location for v in part.visits}
        originals = problem.depot_by_id | problem.visit_by_id
        for a, i in places.items():
            for b, j in places.items():
                assert (
                    sub.seconds[i, j] == full.seconds[originals[a].location, originals[b].location]
                )


def test_a_team_without_a_cluster_is_refused():
    with pytest.raises(ValueError, match="teams without a cluster: e1"):
        split_by_cluster(two_branch_day(1, 1), {"w1": "west"})


def test_split_solve_and_merge_of_a_synthetic_day_is_a_checked_plan():
    day = synthetic_city_day(visits=120, teams=6, branches=3, seed=7)
    parts = split_by_cluster(day.problem, day.team_branch)

    assert sorted(v.id for _, p in parts for v in p.visits) == sorted(
        v.id for v in day.problem.visits
    )
    plan = merge_solutions([solve(p, SolveParams(seconds=0.3)) for _, p in parts])

    assert check_solution(day.problem, plan) == []
    assert plan.visit_count > 0
    assert plan.prize == sum(
        day.problem.visit_by_id[s.visit_id].prize for r in plan.routes for s in r.stops
    )


def test_the_synthetic_day_is_the_same_for_the_same_seed():
    a = synthetic_city_day(visits=50, teams=5, branches=2, seed=3)
    b = synthetic_city_day(visits=50, teams=5, branches=2, seed=3)

    assert a.problem.visits == b.problem.visits
    assert a.problem.teams == b.problem.teams
    assert np.array_equal(a.problem.matrices["car"].seconds, b.problem.matrices["car"].seconds)
