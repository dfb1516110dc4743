"""Exact timing of a team's ordered visits: the one place times are computed.

The solver decides *who goes where in which order*; this module turns an order into clock
times, so that the times shown to agents never depend on solver internals. The planning app
also uses it to re-time a route after a manager moves a visit.
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldvisit.engines.routing.model import (
    BreakTaken,
    Route,
    RoutingProblem,
    Stop,
    Team,
    TimeWindow,
    Visit,
)


def schedule_route(problem: RoutingProblem, team: Team, visits: Sequence[Visit]) -> Route | None:
    """Time ``visits`` in this order for ``team``; ``None`` when no timing is feasible.

    Steps:
      1. ``ready`` = max(shift start, start depot opening).
      2. For each visit: ``arrival = ready + travel``; service starts at the earliest
         ``max(arrival, w.start)`` over its windows ``w`` with ``start + service ≤ w.end``
         (the earliest start is optimal for everything after it); ``ready = start + service``.
      3. Return = ready + travel back; it must be ≤ shift end and ≤ end depot closing.
      4. Lunch (when the team has one and the route overlaps its window, see
         :func:`lunch_needed`): tried at every position between stops, starting at
         ``max(ready, window start)`` and ending ``duration`` later inside its window; the
         position with the earliest return wins.
      5. Departure is delayed so the team arrives at its first stop when service starts
         (no waiting at the first door), unless lunch is taken before the first stop.
    Distances are the matrix sum in metres.
    """
    if not visits:
        return None
    plain = _forward(problem, team, visits, None)
    if team.lunch is None or (plain is not None and not lunch_needed(team, plain)):
        return plain
    best: Route | None = None
    for position in range(len(visits) + 1):
        route = _forward(problem, team, visits, position)
        if route is not None and (best is None or route.return_time < best.return_time):
            best = route
    return best


def lunch_needed(team: Team, route: Route) -> bool:
    """A team with a lunch break needs it unless its route returns by the lunch window's start
    or departs at or after its end."""
    if team.lunch is None:
        return False
    window = team.lunch.window
    return route.return_time > window.start and route.departure < window.end


def _forward(
    problem: RoutingProblem, team: Team, visits: Sequence[Visit], lunch_at: int | None
) -> Route | None:
    matrix = problem.matrices[team.travel_mode]
    start_depot = problem.depot(team.start_depot)
    end_depot = problem.depot(team.end_depot)
    earliest = max(team.shift.start, start_depot.window.start)
    ready = earliest
    here = start_depot.location
    metres = 0
    stops: list[Stop] = []
    lunch: BreakTaken | None = None
    for position, visit in enumerate(visits):
        if lunch_at == position:
            lunch = _take_lunch(team, ready, position)
            if lunch is None:
                return None
            ready = lunch.end
        travel = int(matrix.seconds[here, visit.location])
        arrival = ready + travel
        start = _service_start(visit, arrival)
        if start is None:
            return None
        start_time, window = start
        stops.append(
            Stop(
                visit_id=visit.id,
                arrival=arrival,
                start=start_time,
                end=start_time + visit.service_seconds,
                window=window,
                travel_seconds=travel,
                travel_metres=int(matrix.metres[here, visit.location]),
            )
        )
        metres += stops[-1].travel_metres
        ready = stops[-1].end
        here = visit.location
    if lunch_at == len(visits):
        lunch = _take_lunch(team, ready, len(visits))
        if lunch is None:
            return None
        ready = lunch.end
    return_time = ready + int(matrix.seconds[here, end_depot.location])
    metres += int(matrix.metres[here, end_depot.location])
    if return_time > team.shift.end or return_time > end_depot.window.end:
        return None
    departure = earliest
    if lunch_at != 0:
        first = stops[0]
        departure = max(earliest, first.start - first.travel_seconds)
        stops[0] = Stop(
            visit_id=first.visit_id,
            arrival=departure + first.travel_seconds,
            start=first.start,
            end=first.end,
            window=first.window,
            travel_seconds=first.travel_seconds,
            travel_metres=first.travel_metres,
        )
    return Route(
        team_id=team.id,
        departure=departure,
        stops=tuple(stops),
        return_time=return_time,
        distance_metres=metres,
        lunch=lunch,
    )


def _take_lunch(team: Team, ready: int, position: int) -> BreakTaken | None:
    if team.lunch is None:
        return None
    start = max(ready, team.lunch.window.start)
    end = start + team.lunch.duration
    if end > team.lunch.window.end:
        return None
    return BreakTaken(start=start, end=end, after_stops=position)


def _service_start(visit: Visit, arrival: int) -> tuple[int, TimeWindow] | None:
    for window in visit.windows:
        start = max(arrival, window.start)
        if start + visit.service_seconds <= window.end:
            return start, window
    return None
