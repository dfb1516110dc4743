"""The mapping step between the plan's rows and the routing engine's model, both ways.

A plan is built from :class:`TeamSpec` and :class:`VisitSpec` (what the planner knows about a
team and a candidate visit), and a stored plan is turned back into the same specs, so the solver,
a manual edit and the approval check all see one problem built by :func:`build_problem`.
Routing ids: a team is ``str(team.pk)``, a visit ``str(case.pk)``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from fieldvisit.engines.routing import (
    Depot,
    GeoPoint,
    LunchBreak,
    Route,
    RoutingProblem,
    Team,
    TimeWindow,
    Visit,
    travel_matrices,
)

DAY_SECONDS = 24 * 3600
# Mean door-to-door city speed per travel mode (organisation.TravelMode), km/h.
DEFAULT_SPEEDS_KMH: dict[str, Decimal] = {
    "car": Decimal("30"),
    "scooter": Decimal("20"),
    "ebike": Decimal("18"),
    "transit": Decimal("15"),
    "walk": Decimal("4.5"),
}


@dataclass(frozen=True, slots=True)
class TeamSpec:
    """A team as the planner sees it on the day. Times are seconds since local midnight."""

    team_id: int
    branch_id: int
    members: tuple[int, ...]
    member_skills: dict[str, tuple[str, ...]]
    skills: frozenset[str]
    shift: tuple[int, int]
    start: GeoPoint
    end: GeoPoint
    depot_label: str
    travel_mode: str
    speed_kmh: Decimal
    max_visits: int
    lunch: tuple[int, int, int] | None  # (window from, window until, seconds)
    available: bool = True
    notes_zh: str = ""
    notes_en: str = ""

    @property
    def mode_key(self) -> str:
        """The travel matrix this team uses: one per (mode, speed)."""
        return f"{self.travel_mode}@{self.speed_kmh}"

    def routing_team(self) -> Team:
        lunch = None
        if self.lunch is not None:
            start, end, seconds = self.lunch
            lunch = LunchBreak(window=TimeWindow(start, end), duration=seconds)
        return Team(
            id=str(self.team_id),
            start_depot=f"start-{self.team_id}",
            end_depot=f"end-{self.team_id}",
            shift=TimeWindow(*self.shift),
            skills=self.skills,
            max_visits=self.max_visits,
            travel_mode=self.mode_key,
            lunch=lunch,
        )


@dataclass(frozen=True, slots=True)
class VisitSpec:
    """A visit to place: the case, where, how long, when (seconds since midnight), what it needs."""

    case_id: int
    point: GeoPoint
    service_seconds: int
    windows: tuple[tuple[int, int], ...]
    skills: frozenset[str]
    prize: int


def build_problem(teams: Sequence[TeamSpec], visits: Sequence[VisitSpec]) -> RoutingProblem:
    """The routing problem of these teams and visits.

    Each team has its own start and end depot (the branch or a member's home), open during its
    shift; locations are numbered teams' starts and ends first, then visits. One travel matrix per
    (mode, speed): haversine × detour, or OSRM's table when ``OSRM_URL`` is set.
    """
    points: list[GeoPoint] = []
    depots: list[Depot] = []
    for spec in teams:
        window = TimeWindow(*spec.shift)
        depots.append(Depot(f"start-{spec.team_id}", len(points), window))
        points.append(spec.start)
        depots.append(Depot(f"end-{spec.team_id}", len(points), window))
        points.append(spec.end)
    routing_visits: list[Visit] = []
    for visit in visits:
        routing_visits.append(
            Visit(
                id=str(visit.case_id),
                location=len(points),
                service_seconds=visit.service_seconds,
                windows=tuple(TimeWindow(a, b) for a, b in visit.windows),
                prize=visit.prize,
                skills=visit.skills,
            )
        )
        points.append(visit.point)
    modes = {spec.mode_key: float(spec.speed_kmh) for spec in teams}
    matrices = travel_matrices(points, modes, osrm_url=osrm_url()) if points and modes else {}
    return RoutingProblem(
        depots=tuple(depots),
        visits=tuple(routing_visits),
        teams=tuple(spec.routing_team() for spec in teams),
        matrices=matrices,
        points=tuple(points),
    )


def osrm_url() -> str | None:
    """The OSRM server to ask for road travel times, if one is configured."""
    return getattr(settings, "OSRM_URL", None) or os.environ.get("OSRM_URL") or None


def relaxed_route(problem: RoutingProblem, team: Team, visits: Sequence[Visit]) -> Route:
    """Times for an order that :func:`~fieldvisit.engines.routing.schedule_route` finds
    infeasible, so that a manual edit can be shown with what it breaks.

    Each visit starts at the earliest window start it can still make, else on arrival (late);
    no lunch is placed. The routing checker then names every broken constraint.
    """
    from fieldvisit.engines.routing.model import Stop

    matrix = problem.matrices[team.travel_mode]
    start_depot = problem.depot(team.start_depot)
    end_depot = problem.depot(team.end_depot)
    departure = max(team.shift.start, start_depot.window.start)
    ready, here, metres = departure, start_depot.location, 0
    stops: list[Stop] = []
    for visit in visits:
        travel = int(matrix.seconds[here, visit.location])
        arrival = ready + travel
        chosen = visit.windows[-1]
        start = arrival
        for window in visit.windows:
            if max(arrival, window.start) + visit.service_seconds <= window.end:
                chosen, start = window, max(arrival, window.start)
                break
        stop_metres = int(matrix.metres[here, visit.location])
        stops.append(
            Stop(
                visit.id,
                arrival,
                start,
                start + visit.service_seconds,
                chosen,
                travel,
                stop_metres,
            )
        )
        metres += stop_metres
        ready, here = start + visit.service_seconds, visit.location
    back = ready + int(matrix.seconds[here, end_depot.location])
    metres += int(matrix.metres[here, end_depot.location])
    return Route(team.id, departure, tuple(stops), back, metres)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def at(day: dt.date, seconds: int) -> dt.datetime:
    """The aware datetime ``seconds`` after local midnight of ``day``."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone()) + dt.timedelta(seconds=seconds)


def seconds_of(moment: dt.datetime, day: dt.date) -> int:
    """Seconds since local midnight of ``day`` (the inverse of :func:`at`)."""
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone())
    return int((moment - midnight).total_seconds())


def time_seconds(moment: dt.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
