"""The feasibility checker: every hard constraint a plan must meet, checked from scratch.

It trusts nothing the solver computed: times are re-derived from the travel matrix and the
reported arrival, start and end of each stop. The planning app runs it on every plan and on
every manual edit; the tests run it on every solution the adapter returns.
"""

from __future__ import annotations

from fieldvisit.engines.routing.model import (
    Route,
    RoutingProblem,
    RoutingSolution,
    Team,
    Violation,
    ViolationKind,
)
from fieldvisit.engines.routing.schedule import lunch_needed


def check_solution(problem: RoutingProblem, solution: RoutingSolution) -> list[Violation]:
    """List every hard-constraint violation of ``solution``; an empty list means feasible.

    Checked, per route: the team exists and is used once; departure ≥ shift start and ≥ the
    start depot's opening; each stop's ``arrival ≥ previous end (or departure, or lunch end) +
    travel seconds``, ``start ≥ arrival``, ``end = start + service`` and ``[start, end]`` inside
    one of the visit's windows; return ≥ last end + travel back, ≤ shift end and ≤ the end
    depot's closing; at most ``max_visits`` stops; the team holds the visit's skills; the lunch
    break, when the team has one and the route overlaps its window, lasts its duration inside
    its window between two stops; the reported distance equals the matrix sum. Over the plan:
    each visit at most once, every visit either made or dropped, every required visit made.
    """
    out: list[Violation] = []
    visits = problem.visit_by_id
    teams = problem.team_by_id
    made: dict[str, int] = {}
    used_teams: set[str] = set()
    for route in solution.routes:
        team = teams.get(route.team_id)
        if team is None:
            out.append(Violation(ViolationKind.UNKNOWN, f"unknown team {route.team_id}"))
            continue
        if route.team_id in used_teams:
            out.append(Violation(ViolationKind.DUPLICATE, "team has two routes", team_id=team.id))
        used_teams.add(route.team_id)
        for stop in route.stops:
            made[stop.visit_id] = made.get(stop.visit_id, 0) + 1
        out.extend(_check_route(problem, team, route))
    dropped = {d.visit_id for d in solution.dropped}
    for visit_id, count in made.items():
        if visit_id not in visits:
            out.append(Violation(ViolationKind.UNKNOWN, "unknown visit", visit_id=visit_id))
        elif count > 1:
            out.append(Violation(ViolationKind.DUPLICATE, f"made {count} times", visit_id=visit_id))
        if visit_id in dropped:
            out.append(
                Violation(ViolationKind.DUPLICATE, "both made and dropped", visit_id=visit_id)
            )
    for visit in problem.visits:
        if visit.id in made:
            continue
        if visit.required:
            out.append(
                Violation(ViolationKind.REQUIRED_MISSING, "required visit", visit_id=visit.id)
            )
        if visit.id not in dropped:
            out.append(
                Violation(ViolationKind.UNACCOUNTED, "neither made nor dropped", visit_id=visit.id)
            )
    return out


def _check_route(problem: RoutingProblem, team: Team, route: Route) -> list[Violation]:
    out: list[Violation] = []

    def add(kind: ViolationKind, detail: str, visit_id: str | None = None) -> None:
        out.append(Violation(kind, detail, team_id=team.id, visit_id=visit_id))

    visits = problem.visit_by_id
    matrix = problem.matrices[team.travel_mode]
    start_depot = problem.depot(team.start_depot)
    end_depot = problem.depot(team.end_depot)
    if route.departure < team.shift.start:
        add(ViolationKind.SHIFT, f"departs at {route.departure} before the shift starts")
    if route.departure < start_depot.window.start:
        add(ViolationKind.DEPOT_WINDOW, f"departs at {route.departure} before the depot opens")
    if team.max_visits is not None and len(route.stops) > team.max_visits:
        add(ViolationKind.MAX_VISITS, f"{len(route.stops)} stops > {team.max_visits}")

    lunch = route.lunch
    if route.stops and lunch is None and lunch_needed(team, route):
        add(ViolationKind.LUNCH, "no lunch break")
    if lunch is not None:
        window = team.lunch.window if team.lunch else None
        wanted = team.lunch.duration if team.lunch else 0
        if window is None or not window.contains(lunch.start, lunch.end):
            add(ViolationKind.LUNCH, f"break [{lunch.start}, {lunch.end}] outside its window")
        if lunch.end - lunch.start < wanted:
            add(ViolationKind.LUNCH, f"break of {lunch.end - lunch.start} s < {wanted} s")
        if not 0 <= lunch.after_stops <= len(route.stops):
            add(ViolationKind.LUNCH, f"break after {lunch.after_stops} stops: no such position")

    ready = route.departure  # when the team is free to leave the previous place
    here = start_depot.location
    metres = 0
    for position, stop in enumerate(route.stops):
        if lunch is not None and lunch.after_stops == position:
            if lunch.start < ready:
                add(ViolationKind.LUNCH, "break starts before the previous stop ends")
            ready = max(ready, lunch.end)
        visit = visits.get(stop.visit_id)
        if visit is None:
            add(ViolationKind.UNKNOWN, "unknown visit", stop.visit_id)
            continue
        if not team.can_serve(visit):
            missing = ", ".join(sorted(visit.skills - team.skills))
            add(ViolationKind.SKILLS, f"team lacks {missing}", visit.id)
        travel = int(matrix.seconds[here, visit.location])
        metres += int(matrix.metres[here, visit.location])
        if stop.arrival < ready + travel:
            add(
                ViolationKind.TRAVEL_TIME,
                f"arrives at {stop.arrival} but cannot before {ready + travel}",
                visit.id,
            )
        if stop.start < stop.arrival or stop.end != stop.start + visit.service_seconds:
            add(
                ViolationKind.TRAVEL_TIME,
                f"service [{stop.start}, {stop.end}] inconsistent with arrival {stop.arrival} "
                f"and service {visit.service_seconds} s",
                visit.id,
            )
        if not any(w.contains(stop.start, stop.end) for w in visit.windows):
            add(
                ViolationKind.TIME_WINDOW,
                f"service [{stop.start}, {stop.end}] outside its time windows",
                visit.id,
            )
        ready = stop.end
        here = visit.location
    if lunch is not None and lunch.after_stops == len(route.stops) and route.stops:
        if lunch.start < ready:
            add(ViolationKind.LUNCH, "break starts before the last stop ends")
        ready = max(ready, lunch.end)
    back = ready + int(matrix.seconds[here, end_depot.location])
    metres += int(matrix.metres[here, end_depot.location])
    if route.return_time < back:
        add(ViolationKind.TRAVEL_TIME, f"returns at {route.return_time}, cannot before {back}")
    if route.return_time > team.shift.end:
        add(ViolationKind.SHIFT, f"returns at {route.return_time} after the shift ends")
    if route.return_time > end_depot.window.end:
        add(ViolationKind.DEPOT_WINDOW, f"returns at {route.return_time} after the depot closes")
    if route.distance_metres != metres:
        add(ViolationKind.TOTALS, f"distance {route.distance_metres} m, matrix says {metres} m")
    return out
