"""Solve a :class:`RoutingProblem` with PyVRP and bring the answer back in neutral terms.

How the neutral model maps onto PyVRP 0.14 (see README.md for why):
  * every depot → a PyVRP ``Depot`` on its own location, with its opening window;
  * every visit window → a PyVRP ``Client`` on its own location (so that profiles can forbid
    it), ``tw_early = window start``, ``tw_late = window end − service`` (PyVRP windows bound
    the service *start*), ``delivery = [1]`` (one visit), ``prize`` and ``required``; a visit
    with several windows becomes a mutually exclusive ``ClientGroup`` of optional clients,
    required when the visit is;
  * every team → a ``VehicleType`` with one vehicle: its depots, ``capacity = max visits``,
    ``[tw_early, tw_late]`` = the shift within the depots' opening, the lunch duration
    reserved off the shift's end and its length;
  * skills → routing *profiles*: one per distinct (travel mode, skill set) of the teams; in a
    profile, travel *into* a client whose visit needs a skill the set lacks costs
    ``pyvrp.constants.MAX_VALUE``, so no feasible route of that profile makes it;
  * the objective is PyVRP's: ``cost = unit distance cost × metres + unit duration cost ×
    seconds + uncollected prizes``, i.e. maximise ``prize − travel cost``.
The solver's order is re-timed by :func:`schedule_route` (lunch placed there), repaired if
needed by dropping the least valuable optional stops, and the result is what
:func:`~fieldvisit.engines.routing.check.check_solution` accepts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fieldvisit.engines.routing.model import (
    DroppedVisit,
    DropReason,
    Route,
    RoutingProblem,
    RoutingSolution,
    SolveParams,
    Team,
    TimeWindow,
    Visit,
)
from fieldvisit.engines.routing.schedule import schedule_route
from fieldvisit.engines.routing.solomon import Deadline


@dataclass(frozen=True, slots=True)
class _Alternative:
    visit: Visit
    window: TimeWindow


def screen_visits(problem: RoutingProblem) -> dict[str, DropReason]:
    """Visits no team could make at all, with the reason; the others are absent.

    A visit has ``NO_QUALIFIED_TEAM`` when no team holds its skills, ``WINDOW`` when no
    qualified team can leave its start depot, make it alone inside one of its windows and be
    back at its end depot within the shift: ``start = max(ready + travel_out, w.start)``,
    ``start + service ≤ w.end`` and ``start + service + travel_back ≤ min(shift end, depot
    closing)``, with ``ready = max(shift start, depot opening)``.
    """
    shapes: dict[tuple[str, str, int, int, str], list[Team]] = {}
    for team in problem.teams:
        start_depot = problem.depot(team.start_depot)
        end_depot = problem.depot(team.end_depot)
        ready = max(team.shift.start, start_depot.window.start)
        close = min(team.shift.end, end_depot.window.end)
        key = (team.start_depot, team.end_depot, ready, close, team.travel_mode)
        shapes.setdefault(key, []).append(team)
    reachable_by_shape: list[tuple[list[frozenset[str]], np.ndarray, np.ndarray, int, int]] = []
    locations = np.array([v.location for v in problem.visits], dtype=np.int64)
    for (start_id, end_id, ready, close, mode), teams in shapes.items():
        matrix = problem.matrices[mode]
        out = matrix.seconds[problem.depot(start_id).location, locations]
        back = matrix.seconds[locations, problem.depot(end_id).location]
        reachable_by_shape.append(([t.skills for t in teams], out, back, ready, close))
    reasons: dict[str, DropReason] = {}
    for k, visit in enumerate(problem.visits):
        qualified = False
        reachable = False
        for skill_sets, out, back, ready, close in reachable_by_shape:
            if not any(visit.skills <= skills for skills in skill_sets):
                continue
            qualified = True
            arrival = ready + int(out[k])
            for window in visit.windows:
                end = max(arrival, window.start) + visit.service_seconds
                if end <= window.end and end + int(back[k]) <= close:
                    reachable = True
                    break
            if reachable:
                break
        if not qualified:
            reasons[visit.id] = DropReason.NO_QUALIFIED_TEAM
        elif not reachable:
            reasons[visit.id] = DropReason.WINDOW
    return reasons


def solve(problem: RoutingProblem, params: SolveParams | None = None) -> RoutingSolution:
    """Plan the day with PyVRP within ``params.seconds`` of wall time (build included).

    Steps:
      1. :func:`screen_visits` drops the visits no team can make.
      2. The rest is mapped to PyVRP as described in this module's docstring.
      3. PyVRP's iterated local search runs with ``params.seed`` until the deadline.
      4. Each route's order is re-timed with :func:`schedule_route`; if a route cannot be
         timed (the solver's best was infeasible, or the lunch break does not fit), its
         optional stops are dropped, least prize first, until it can.
      5. Visits not made are listed with their reason (``CAPACITY`` unless screened out).
    A required visit that cannot be made is listed as dropped; ``check_solution`` then
    reports it as ``REQUIRED_MISSING``.
    """
    import pyvrp
    from pyvrp.constants import MAX_VALUE

    params = params or SolveParams()
    started = time.perf_counter()
    deadline = started + params.seconds
    screened = screen_visits(problem)
    candidates = [v for v in problem.visits if v.id not in screened]

    alternatives: list[_Alternative] = []
    for visit in candidates:
        for window in visit.windows:
            if window.end - visit.service_seconds >= window.start:
                alternatives.append(_Alternative(visit, window))

    depot_index = {d.id: i for i, d in enumerate(problem.depots)}
    location_of = [d.location for d in problem.depots] + [a.visit.location for a in alternatives]
    n_depots = len(problem.depots)
    points = problem.points
    locations = [
        pyvrp.Location(x=points[loc].lon, y=points[loc].lat) if points else pyvrp.Location(0, 0)
        for loc in location_of
    ]
    depots = [
        pyvrp.Depot(location=i, tw_early=d.window.start, tw_late=d.window.end)
        for i, d in enumerate(problem.depots)
    ]
    groups: list[pyvrp.ClientGroup] = []
    group_of: dict[str, int] = {}
    windows_kept = Counter(a.visit.id for a in alternatives)
    for visit in candidates:
        if windows_kept[visit.id] > 1:
            group_of[visit.id] = len(groups)
            groups.append(pyvrp.ClientGroup(required=visit.required))
    clients = []
    for k, alt in enumerate(alternatives):
        group = group_of.get(alt.visit.id)
        if group is not None:
            groups[group].add_client(k)
        clients.append(
            pyvrp.Client(
                location=n_depots + k,
                delivery=[1],
                service_duration=alt.visit.service_seconds,
                tw_early=alt.window.start,
                tw_late=alt.window.end - alt.visit.service_seconds,
                prize=alt.visit.prize,
                required=alt.visit.required and group is None,
                group=group,
            )
        )

    index = np.array(location_of, dtype=np.int64)
    profile_keys: list[tuple[str, frozenset[str]]] = []
    for team in problem.teams:
        key = (team.travel_mode, team.skills)
        if key not in profile_keys:
            profile_keys.append(key)
    # PyVRP's stubs type matrices as ``ndarray[int]``; they are int64 arrays.
    distance_matrices: list[Any] = []
    duration_matrices: list[Any] = []
    for mode, skills in profile_keys:
        matrix = problem.matrices[mode]
        metres = np.minimum(matrix.metres[np.ix_(index, index)], MAX_VALUE)
        seconds = np.minimum(matrix.seconds[np.ix_(index, index)], MAX_VALUE)
        forbidden = [
            n_depots + k for k, a in enumerate(alternatives) if not a.visit.skills <= skills
        ]
        if forbidden:
            metres[:, forbidden] = MAX_VALUE
            seconds[:, forbidden] = MAX_VALUE
            metres[forbidden, forbidden] = 0
            seconds[forbidden, forbidden] = 0
        distance_matrices.append(metres)
        duration_matrices.append(seconds)

    vehicle_types = []
    for team in problem.teams:
        start_depot = problem.depot(team.start_depot)
        end_depot = problem.depot(team.end_depot)
        lunch = team.lunch.duration if team.lunch else 0
        early = max(team.shift.start, start_depot.window.start)
        late = min(team.shift.end, end_depot.window.end) - lunch
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=1,
                capacity=[team.max_visits if team.max_visits is not None else len(clients)],
                start_depot=depot_index[team.start_depot],
                end_depot=depot_index[team.end_depot],
                tw_early=early,
                tw_late=max(early, late),
                shift_duration=max(0, team.shift.end - team.shift.start - lunch),
                unit_distance_cost=params.unit_distance_cost,
                unit_duration_cost=params.unit_duration_cost,
                profile=profile_keys.index((team.travel_mode, team.skills)),
                name=team.id,
            )
        )

    orders: list[tuple[Team, list[Visit]]] = []
    if clients and vehicle_types:
        data = pyvrp.ProblemData(
            locations=locations,
            clients=clients,
            depots=depots,
            vehicle_types=vehicle_types,
            distance_matrices=distance_matrices,
            duration_matrices=duration_matrices,
            groups=groups,
        )
        result = pyvrp.solve(data, Deadline(deadline), seed=params.seed, collect_stats=False)
        for pyvrp_route in result.best.routes():
            team = problem.teams[pyvrp_route.vehicle_type()]
            order = [
                alternatives[activity.idx].visit
                for activity in pyvrp_route.schedule()
                if activity.is_client()
            ]
            orders.append((team, order))
    routes = [route for team, order in orders if (route := _timed(problem, team, order))]
    made = {stop.visit_id for route in routes for stop in route.stops}
    by_id = problem.visit_by_id
    dropped = tuple(
        DroppedVisit(v.id, screened.get(v.id, DropReason.CAPACITY))
        for v in problem.visits
        if v.id not in made
    )
    return RoutingSolution(
        routes=tuple(routes),
        dropped=dropped,
        prize=sum(by_id[visit_id].prize for visit_id in made),
        distance_metres=sum(r.distance_metres for r in routes),
        seconds=time.perf_counter() - started,
    )


def _timed(problem: RoutingProblem, team: Team, order: Iterable[Visit]) -> Route | None:
    """Time the order; drop unservable or least-prize optional stops until it can be timed."""
    visits = [v for v in order if team.can_serve(v)]
    if team.max_visits is not None:
        while len(visits) > team.max_visits and _drop_cheapest(visits):
            pass
    while visits:
        route = schedule_route(problem, team, visits)
        if route is not None:
            return route
        if not _drop_cheapest(visits):
            return None
    return None


def _drop_cheapest(visits: list[Visit]) -> bool:
    optional = [v for v in visits if not v.required]
    if not optional:
        return False
    visits.remove(min(optional, key=lambda v: v.prize))
    return True
