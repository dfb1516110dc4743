"""A synthetic field day in one city, for the scale benchmark and property tests.

Deterministic for a given seed (``random.Random(seed)``); no clock, no files.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from fieldvisit.engines.routing.model import (
    Depot,
    GeoPoint,
    LunchBreak,
    RoutingProblem,
    Team,
    TimeWindow,
    Visit,
    hhmm,
)
from fieldvisit.engines.routing.travel import travel_matrices

CITY_CENTRE = GeoPoint(lat=30.6586, lon=104.0647)
"""Chengdu Tianfu Square; any city works, this one gives realistic distances."""

CITY_RADIUS_KM = 14.0
COMPLIANCE_WINDOW = TimeWindow(hhmm("08:00"), hhmm("21:00"))
PREFERRED_WINDOWS = (
    TimeWindow(hhmm("09:00"), hhmm("12:00")),
    TimeWindow(hhmm("14:00"), hhmm("17:00")),
    TimeWindow(hhmm("18:00"), hhmm("21:00")),
)
SPEEDS_KMH = {"car": 30.0, "scooter": 20.0}
SKILL_MIX: tuple[tuple[frozenset[str], float], ...] = (
    (frozenset(), 0.75),
    (frozenset({"hardship"}), 0.15),
    (frozenset({"legal"}), 0.10),
)


@dataclass(frozen=True, slots=True, eq=False)
class SyntheticDay:
    """The problem and each team's branch (the cluster the app would split by)."""

    problem: RoutingProblem
    team_branch: dict[str, str]


def _point(rng: random.Random, centre: GeoPoint, sigma_km: float) -> GeoPoint:
    """A point scattered around ``centre`` (Gaussian, ``sigma_km``), clipped to the city."""
    while True:
        dx, dy = rng.gauss(0, sigma_km), rng.gauss(0, sigma_km)
        east = (centre.lon - CITY_CENTRE.lon) * 111.32 * math.cos(math.radians(CITY_CENTRE.lat))
        north = (centre.lat - CITY_CENTRE.lat) * 110.57
        if math.hypot(east + dx, north + dy) <= CITY_RADIUS_KM:
            return GeoPoint(
                lat=centre.lat + dy / 110.57,
                lon=centre.lon + dx / (111.32 * math.cos(math.radians(centre.lat))),
            )


def synthetic_city_day(
    *,
    visits: int = 3000,
    teams: int = 150,
    branches: int = 10,
    seed: int = 0,
    osrm_url: str | None = None,
) -> SyntheticDay:
    """Generate one city's day of candidate visits and teams of two.

    * ``branches`` depots spread over a city of radius 14 km, open 07:30–21:30; teams are
      spread evenly over them, and one team in ten ends its day at a member's home.
    * Visits cluster around 40 neighbourhoods (σ = 1.5 km). Every window lies inside the
      compliance window 08:00–21:00; 25 % have one preferred 3-hour window, 5 % two of them.
      Service 30, 40 or 45 minutes. 15 % need the ``hardship`` skill, 10 % ``legal``;
      1 % are required (the borrower asked for the visit).
    * Prize in fen: ``round(lognormal(ln 30 000, 0.8))``, the expected benefit of the visit.
    * Teams: 60 % work 08:00–17:00 with a 30-minute lunch inside 11:30–13:30, 40 % work
      12:00–21:00; at most 10 visits; 70 % travel by car (30 km/h), 30 % by scooter
      (20 km/h); 60 % hold both skills, 25 % ``hardship`` only, 15 % neither.
    Travel matrices: haversine × 1.3, or OSRM when ``osrm_url`` is given.
    """
    rng = random.Random(seed)
    branch_points = [_point(rng, CITY_CENTRE, CITY_RADIUS_KM / 2) for _ in range(branches)]
    home_points: list[GeoPoint] = []
    hoods = [_point(rng, CITY_CENTRE, CITY_RADIUS_KM / 2) for _ in range(40)]
    visit_points = [_point(rng, rng.choice(hoods), 1.5) for _ in range(visits)]

    team_rows: list[Team] = []
    team_branch: dict[str, str] = {}
    depot_rows = [
        Depot(id=f"B{b:02d}", location=b, window=TimeWindow(hhmm("07:30"), hhmm("21:30")))
        for b in range(branches)
    ]
    for t in range(teams):
        branch = f"B{t % branches:02d}"
        end = branch
        if rng.random() < 0.1:
            end = f"H{t:03d}"
            home_points.append(_point(rng, branch_points[t % branches], 3.0))
            depot_rows.append(
                Depot(
                    id=end,
                    location=branches + len(home_points) - 1,
                    window=TimeWindow(0, 24 * 3600),
                )
            )
        early = rng.random() < 0.6
        draw = rng.random()
        skills = (
            frozenset({"hardship", "legal"})
            if draw < 0.6
            else frozenset({"hardship"})
            if draw < 0.85
            else frozenset()
        )
        team_id = f"T{t:03d}"
        team_rows.append(
            Team(
                id=team_id,
                start_depot=branch,
                end_depot=end,
                shift=(
                    TimeWindow(hhmm("08:00"), hhmm("17:00"))
                    if early
                    else TimeWindow(hhmm("12:00"), hhmm("21:00"))
                ),
                skills=skills,
                max_visits=10,
                travel_mode="car" if rng.random() < 0.7 else "scooter",
                lunch=(
                    LunchBreak(TimeWindow(hhmm("11:30"), hhmm("13:30")), 30 * 60) if early else None
                ),
            )
        )
        team_branch[team_id] = branch

    first_visit = branches + len(home_points)
    visit_rows: list[Visit] = []
    for k in range(visits):
        draw = rng.random()
        if draw < 0.05:
            pair = sorted(rng.sample(PREFERRED_WINDOWS, 2), key=lambda w: w.start)
            windows: tuple[TimeWindow, ...] = tuple(pair)
        elif draw < 0.30:
            windows = (rng.choice(PREFERRED_WINDOWS),)
        else:
            windows = (COMPLIANCE_WINDOW,)
        required = rng.random() < 0.01
        skill_draw = rng.random()
        skills = frozenset()
        if not required:
            acc = 0.0
            for option, share in SKILL_MIX:
                acc += share
                if skill_draw < acc:
                    skills = option
                    break
        visit_rows.append(
            Visit(
                id=f"V{k:05d}",
                location=first_visit + k,
                service_seconds=rng.choice((1800, 2400, 2700)),
                windows=windows,
                prize=round(rng.lognormvariate(math.log(30_000), 0.8)),
                required=required,
                skills=skills,
            )
        )
    points = tuple(branch_points + home_points + visit_points)
    problem = RoutingProblem(
        depots=tuple(depot_rows),
        visits=tuple(visit_rows),
        teams=tuple(team_rows),
        matrices=travel_matrices(points, SPEEDS_KMH, osrm_url=osrm_url),
        points=points,
    )
    return SyntheticDay(problem=problem, team_branch=team_branch)
