"""On random small days, every plan the adapter returns satisfies every hard constraint.

The one exception is a required visit that cannot be made at all: it is listed as dropped and
the checker reports it, so the planner sees it instead of a plan that breaks a rule.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldvisit.engines.routing.check import check_solution
from fieldvisit.engines.routing.model import (
    Depot,
    DropReason,
    LunchBreak,
    RoutingProblem,
    SolveParams,
    Team,
    TimeWindow,
    ViolationKind,
    Visit,
    hhmm,
)
from fieldvisit.engines.routing.pyvrp_adapter import solve
from fieldvisit.engines.routing.travel import plane_matrix

SKILLS = ("hardship", "legal")
OPEN, CLOSE = hhmm("08:00"), hhmm("21:00")


@st.composite
def windows(draw):
    """One to three sorted, disjoint windows inside 08:00-21:00, on a 15-minute grid."""
    cuts = sorted(
        draw(
            st.lists(
                st.integers(OPEN // 900, CLOSE // 900).map(lambda q: q * 900),
                min_size=2,
                max_size=6,
                unique=True,
            )
        )
    )
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    chosen = [TimeWindow(a, b) for a, b in pairs]
    return tuple(chosen[: draw(st.integers(1, len(chosen)))])


@st.composite
def days(draw):
    n_depots = draw(st.integers(1, 2))
    n_visits = draw(st.integers(1, 12))
    xy = draw(
        st.lists(
            st.tuples(st.integers(-8000, 8000), st.integers(-8000, 8000)),
            min_size=n_depots + n_visits,
            max_size=n_depots + n_visits,
        )
    )
    depots = tuple(
        Depot(f"D{k}", k, TimeWindow(draw(st.sampled_from([OPEN, hhmm("09:00")])), CLOSE))
        for k in range(n_depots)
    )
    visits = tuple(
        Visit(
            id=f"V{k}",
            location=n_depots + k,
            service_seconds=draw(st.sampled_from([900, 1800, 2700])),
            windows=draw(windows()),
            prize=draw(st.integers(0, 40_000)),
            required=draw(st.integers(0, 4)) == 0,
            skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), max_size=1))),
        )
        for k in range(n_visits)
    )
    teams = []
    for k in range(draw(st.integers(1, 3))):
        start = draw(st.sampled_from([OPEN, hhmm("12:00")]))
        lunch = None
        if draw(st.booleans()):
            lunch = LunchBreak(TimeWindow(hhmm("12:00"), hhmm("14:00")), 1800)
        teams.append(
            Team(
                id=f"T{k}",
                start_depot=f"D{draw(st.integers(0, n_depots - 1))}",
                end_depot=f"D{draw(st.integers(0, n_depots - 1))}",
                shift=TimeWindow(start, start + 9 * 3600),
                skills=frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
                max_visits=draw(st.one_of(st.none(), st.integers(1, 5))),
                travel_mode=draw(st.sampled_from(["car", "walk"])),
                lunch=lunch,
            )
        )
    matrices = {
        "car": plane_matrix(xy, metres_per_second=8.0),
        "walk": plane_matrix(xy, metres_per_second=1.2),
    }
    return RoutingProblem(depots, visits, tuple(teams), matrices)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problem=days(), seed=st.integers(0, 3))
def test_every_returned_plan_satisfies_every_hard_constraint(problem, seed):
    solution = solve(problem, SolveParams(seconds=0.05, seed=seed))

    # a required visit no plan can make is reported, never silently forced into a route
    violations = check_solution(problem, solution)
    assert {v.kind for v in violations} <= {ViolationKind.REQUIRED_MISSING}
    dropped = {d.visit_id for d in solution.dropped}
    assert all(v.visit_id in dropped for v in violations)
    made = [s.visit_id for r in solution.routes for s in r.stops]
    assert sorted(made + [d.visit_id for d in solution.dropped]) == sorted(
        v.id for v in problem.visits
    )
    assert solution.prize == sum(problem.visit_by_id[v].prize for v in made)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=days())
def test_a_visit_nobody_may_make_is_never_made(problem):
    solution = solve(problem, SolveParams(seconds=0.05))

    for dropped in solution.dropped:
        visit = problem.visit_by_id[dropped.visit_id]
        if dropped.reason is DropReason.NO_QUALIFIED_TEAM:
            assert not any(team.can_serve(visit) for team in problem.teams)
