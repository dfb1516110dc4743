"""Visit routing: the solver-neutral model, the PyVRP adapter and the feasibility checker.

See README.md in this folder. The public entry points are re-exported here.
"""

from fieldvisit.engines.routing.check import check_solution
from fieldvisit.engines.routing.model import (
    Depot,
    DroppedVisit,
    DropReason,
    GeoPoint,
    LunchBreak,
    Route,
    RoutingProblem,
    RoutingSolution,
    SolveParams,
    Stop,
    Team,
    TimeWindow,
    TravelMatrix,
    Violation,
    ViolationKind,
    Visit,
    hhmm,
)
from fieldvisit.engines.routing.pyvrp_adapter import screen_visits, solve
from fieldvisit.engines.routing.schedule import schedule_route
from fieldvisit.engines.routing.split import merge_solutions, split_by_cluster
from fieldvisit.engines.routing.travel import OsrmError, travel_matrices

__all__ = [
    "Depot",
    "DropReason",
    "DroppedVisit",
    "GeoPoint",
    "LunchBreak",
    "OsrmError",
    "Route",
    "RoutingProblem",
    "RoutingSolution",
    "SolveParams",
    "Stop",
    "Team",
    "TimeWindow",
    "TravelMatrix",
    "Violation",
    "ViolationKind",
    "Visit",
    "check_solution",
    "hhmm",
    "merge_solutions",
    "schedule_route",
    "screen_visits",
    "solve",
    "split_by_cluster",
    "travel_matrices",
]
