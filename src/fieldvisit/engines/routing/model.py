"""The solver-neutral routing model: what a day's plan is asked to do, and what a plan is.

Units, everywhere in this package:
  * time: integer **seconds since midnight** of the plan day (borrower local time);
    durations in integer seconds;
  * distance: integer **metres**;
  * prize: a non-negative integer in the same unit as the travel cost of the solve parameters
    (the planning app passes the expected benefit in fen, 0.01 yuan).
A travel matrix is indexed by *location index*; depots and visits name their location index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

IntMatrix = npt.NDArray[np.int64]


def hhmm(text: str) -> int:
    """``"HH:MM"`` → seconds since midnight: ``3600 × HH + 60 × MM``."""
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A closed interval ``[start, end]`` in seconds since midnight; ``start ≤ end``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"time window starts after it ends: {self.start} > {self.end}")

    def contains(self, start: int, end: int) -> bool:
        """True when ``[start, end]`` lies inside the window."""
        return self.start <= start and end <= self.end


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """WGS 84 latitude and longitude in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Depot:
    """A place where teams start or end (a branch, or a member's home), open during ``window``."""

    id: str
    location: int
    window: TimeWindow


@dataclass(frozen=True, slots=True)
class Visit:
    """A candidate visit.

    The whole service ``[start, start + service_seconds]`` must lie inside one of ``windows``
    (sorted, disjoint). ``prize`` is collected when the visit is made; a ``required`` visit
    must be made. A team may make it only if it holds every skill in ``skills`` (the
    certifications the visit's purpose needs).
    """

    id: str
    location: int
    service_seconds: int
    windows: tuple[TimeWindow, ...]
    prize: int = 0
    required: bool = False
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError(f"visit {self.id}: at least one time window is needed")
        if self.service_seconds < 0 or self.prize < 0:
            raise ValueError(f"visit {self.id}: service and prize must not be negative")
        for a, b in zip(self.windows, self.windows[1:], strict=False):
            if b.start <= a.end:
                raise ValueError(f"visit {self.id}: windows must be sorted and disjoint")


@dataclass(frozen=True, slots=True)
class LunchBreak:
    """A break of ``duration`` seconds taken wholly inside ``window``, between two stops."""

    window: TimeWindow
    duration: int

    def __post_init__(self) -> None:
        if self.duration < 0 or self.duration > self.window.end - self.window.start:
            raise ValueError("lunch break does not fit its window")


@dataclass(frozen=True, slots=True)
class Team:
    """A vehicle: a team of agents that leaves ``start_depot`` and returns to ``end_depot``.

    The route (departure to return) lies inside ``shift``; at most ``max_visits`` stops
    (``None``: no limit); travel uses the matrix of ``travel_mode``.
    """

    id: str
    start_depot: str
    end_depot: str
    shift: TimeWindow
    skills: frozenset[str] = frozenset()
    max_visits: int | None = None
    travel_mode: str = "car"
    lunch: LunchBreak | None = None

    def can_serve(self, visit: Visit) -> bool:
        """True when the team holds every skill the visit needs."""
        return visit.skills <= self.skills


@dataclass(frozen=True, slots=True, eq=False)
class TravelMatrix:
    """Travel between locations for one travel mode: ``seconds[i, j]`` and ``metres[i, j]``."""

    seconds: IntMatrix
    metres: IntMatrix

    def __post_init__(self) -> None:
        if self.seconds.shape != self.metres.shape or self.seconds.ndim != 2:
            raise ValueError("seconds and metres must be square matrices of the same shape")
        if self.seconds.shape[0] != self.seconds.shape[1]:
            raise ValueError("travel matrices must be square")

    @property
    def size(self) -> int:
        """Number of locations."""
        return int(self.seconds.shape[0])


@dataclass(frozen=True, slots=True, eq=False)
class RoutingProblem:
    """One day to plan: depots, candidate visits, teams and a travel matrix per travel mode."""

    depots: tuple[Depot, ...]
    visits: tuple[Visit, ...]
    teams: tuple[Team, ...]
    matrices: Mapping[str, TravelMatrix]
    points: tuple[GeoPoint, ...] = ()

    def __post_init__(self) -> None:
        _validate(self)

    def depot(self, depot_id: str) -> Depot:
        """The depot with this id."""
        return self.depot_by_id[depot_id]

    @property
    def depot_by_id(self) -> dict[str, Depot]:
        """Depots keyed by id."""
        return {d.id: d for d in self.depots}

    @property
    def visit_by_id(self) -> dict[str, Visit]:
        """Visits keyed by id."""
        return {v.id: v for v in self.visits}

    @property
    def team_by_id(self) -> dict[str, Team]:
        """Teams keyed by id."""
        return {t.id: t for t in self.teams}


def _validate(problem: RoutingProblem) -> None:
    for kind, ids in (
        ("depot", [d.id for d in problem.depots]),
        ("visit", [v.id for v in problem.visits]),
        ("team", [t.id for t in problem.teams]),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"{kind} ids must be unique")
    sizes = {m.size for m in problem.matrices.values()}
    if len(sizes) > 1:
        raise ValueError("all travel matrices must have the same size")
    size = sizes.pop() if sizes else 0
    placed = [(d.id, d.location) for d in problem.depots]
    placed += [(v.id, v.location) for v in problem.visits]
    for thing_id, location in placed:
        if not 0 <= location < size:
            raise ValueError(f"{thing_id}: location {location} not in the travel matrix")
    depot_ids = {d.id for d in problem.depots}
    for team in problem.teams:
        if team.start_depot not in depot_ids or team.end_depot not in depot_ids:
            raise ValueError(f"team {team.id}: unknown depot")
        if team.travel_mode not in problem.matrices:
            raise ValueError(f"team {team.id}: no travel matrix for mode {team.travel_mode!r}")


@dataclass(frozen=True, slots=True)
class Stop:
    """A visit made: arrival, service start and end in seconds since midnight.

    ``travel_seconds`` / ``travel_metres`` are from the previous stop (or the depot).
    ``window`` is the visit's window the service lies in.
    """

    visit_id: str
    arrival: int
    start: int
    end: int
    window: TimeWindow
    travel_seconds: int
    travel_metres: int


@dataclass(frozen=True, slots=True)
class BreakTaken:
    """The lunch break ``[start, end]``, taken after ``after_stops`` stops (0: before any)."""

    start: int
    end: int
    after_stops: int


@dataclass(frozen=True, slots=True)
class Route:
    """One team's day: depot departure, ordered stops, return; totals in metres and seconds."""

    team_id: str
    departure: int
    stops: tuple[Stop, ...]
    return_time: int
    distance_metres: int
    lunch: BreakTaken | None = None

    @property
    def duration_seconds(self) -> int:
        """``return_time − departure``."""
        return self.return_time - self.departure

    @property
    def visit_ids(self) -> tuple[str, ...]:
        """Visit ids in visiting order."""
        return tuple(s.visit_id for s in self.stops)


class DropReason(StrEnum):
    """Why a candidate visit is not in the plan."""

    NO_QUALIFIED_TEAM = "no_qualified_team"
    """No team holds the skills (certifications) it needs."""
    WINDOW = "window"
    """No qualified team can reach it inside one of its windows and be back within its shift."""
    CAPACITY = "capacity"
    """It could be made, but the teams' time and visit limits went to more valuable visits."""


@dataclass(frozen=True, slots=True)
class DroppedVisit:
    """A candidate left out of the plan, with the reason."""

    visit_id: str
    reason: DropReason


@dataclass(frozen=True, slots=True)
class RoutingSolution:
    """A plan: one route per used team and the visits left out."""

    routes: tuple[Route, ...]
    dropped: tuple[DroppedVisit, ...]
    prize: int
    distance_metres: int
    seconds: float = 0.0

    @property
    def visit_count(self) -> int:
        """Number of visits made."""
        return sum(len(r.stops) for r in self.routes)


class ViolationKind(StrEnum):
    """The hard constraints :func:`~fieldvisit.engines.routing.check.check_solution` checks."""

    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"
    REQUIRED_MISSING = "required_missing"
    UNACCOUNTED = "unaccounted"
    TIME_WINDOW = "time_window"
    TRAVEL_TIME = "travel_time"
    SHIFT = "shift"
    DEPOT_WINDOW = "depot_window"
    MAX_VISITS = "max_visits"
    SKILLS = "skills"
    LUNCH = "lunch"
    TOTALS = "totals"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken hard constraint, with the team and visit concerned where there is one."""

    kind: ViolationKind
    detail: str
    team_id: str | None = None
    visit_id: str | None = None


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How the adapter solves.

    ``seconds``: wall-time limit for the whole solve. ``seed``: the solver's random seed.
    ``unit_distance_cost`` / ``unit_duration_cost``: cost per metre / per second of route
    duration, in prize units; the objective is ``prize collected − cost``.
    """

    seconds: float = 10.0
    seed: int = 0
    unit_distance_cost: int = 1
    unit_duration_cost: int = 0
