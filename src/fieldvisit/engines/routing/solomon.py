"""Solomon VRPTW instances: reader, independent feasibility check and a PyVRP solve.

Convention (DIMACS 2021, the ``distance`` column of ``bks.csv``): the distance and the travel
time between two points are both ``floor(10 × euclidean) / 10``; the objective is the total
distance; the fleet size in the file is an upper bound only; the vehicle capacity binds.

Everything is held in integer *tenths* (``× 10``) so that PyVRP, which needs integers, solves
exactly the published convention; figures are divided by 10 only for display.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt

SCALE = 10
"""Integer units per Solomon unit: 10, so ``floor(10 × euclidean)`` is exact."""


class SolomonFormatError(ValueError):
    """The file is not in the Solomon VRPTW text format; the message names the line."""


@dataclass(frozen=True, slots=True)
class SolomonCustomer:
    """One ``CUSTOMER`` row; number 0 is the depot. Times and service are in tenths."""

    number: int
    x: float
    y: float
    demand: int
    ready_tenths: int
    due_tenths: int
    service_tenths: int


@dataclass(frozen=True, slots=True)
class SolomonInstance:
    """A Solomon instance: ``customers[0]`` is the depot, the others in file order."""

    name: str
    vehicles: int
    capacity: int
    customers: tuple[SolomonCustomer, ...]

    @property
    def depot(self) -> SolomonCustomer:
        """The depot row (customer number 0)."""
        return self.customers[0]


@dataclass(frozen=True, slots=True)
class SolomonSolution:
    """Routes as customer numbers in visiting order (depot excluded), distance in tenths."""

    instance: str
    routes: tuple[tuple[int, ...], ...]
    distance_tenths: int
    seconds: float

    @property
    def distance(self) -> float:
        """Total distance in Solomon units: ``distance_tenths / 10``."""
        return self.distance_tenths / SCALE

    @property
    def vehicles(self) -> int:
        """Number of non-empty routes."""
        return len(self.routes)


def _tenths(value: str) -> int:
    return round(float(value) * SCALE)


def parse_solomon(text: str, *, name_hint: str = "") -> SolomonInstance:
    """Parse Solomon text (LF or CRLF line ends) into a :class:`SolomonInstance`.

    Layout: the name line, a ``VEHICLE`` block (``NUMBER CAPACITY`` then the two values), a
    ``CUSTOMER`` block whose rows are ``CUST_NO X Y DEMAND READY DUE SERVICE``; row 0 is the
    depot. Times are converted to integer tenths (``round(value × 10)``).
    """
    lines = [line.strip() for line in text.splitlines()]
    nonblank = [(i + 1, line) for i, line in enumerate(lines) if line]
    if not nonblank:
        raise SolomonFormatError("empty file")
    name = nonblank[0][1] or name_hint
    try:
        vehicle_at = next(k for k, (_, line) in enumerate(nonblank) if line.upper() == "VEHICLE")
        customer_at = next(k for k, (_, line) in enumerate(nonblank) if line.upper() == "CUSTOMER")
    except StopIteration:
        raise SolomonFormatError("missing the VEHICLE or CUSTOMER section") from None
    lineno, values_line = nonblank[vehicle_at + 2]
    values = values_line.split()
    if len(values) != 2:
        raise SolomonFormatError(f"line {lineno}: expected 'NUMBER CAPACITY', got {values_line!r}")
    vehicles, capacity = int(values[0]), int(values[1])
    customers: list[SolomonCustomer] = []
    for lineno, line in nonblank[customer_at + 2 :]:
        fields = line.split()
        if len(fields) != 7:
            raise SolomonFormatError(f"line {lineno}: expected 7 customer fields, got {line!r}")
        try:
            customers.append(
                SolomonCustomer(
                    number=int(fields[0]),
                    x=float(fields[1]),
                    y=float(fields[2]),
                    demand=int(float(fields[3])),
                    ready_tenths=_tenths(fields[4]),
                    due_tenths=_tenths(fields[5]),
                    service_tenths=_tenths(fields[6]),
                )
            )
        except ValueError:
            raise SolomonFormatError(f"line {lineno}: not a number in {line!r}") from None
    if not customers or customers[0].number != 0:
        raise SolomonFormatError("the first customer row must be the depot, number 0")
    return SolomonInstance(
        name=name, vehicles=vehicles, capacity=capacity, customers=tuple(customers)
    )


def read_solomon(path: Path) -> SolomonInstance:
    """Read a Solomon instance file (see :func:`parse_solomon`)."""
    return parse_solomon(path.read_text(encoding="ascii"), name_hint=path.stem)


def distance_matrix_tenths(instance: SolomonInstance) -> npt.NDArray[np.int64]:
    """Integer distance (= travel time) matrix in tenths: ``floor(10 × euclidean(i, j))``.

    Index 0 is the depot, index ``k`` the ``k``-th customer row of the file.
    """
    xy = np.array([(c.x, c.y) for c in instance.customers], dtype=np.float64)
    diff = xy[:, None, :] - xy[None, :, :]
    euclid = np.sqrt((diff**2).sum(axis=2))
    out: npt.NDArray[np.int64] = np.floor(SCALE * euclid).astype(np.int64)
    return out


def route_distance_tenths(matrix: npt.NDArray[np.int64], route: tuple[int, ...] | list[int]) -> int:
    """Distance of depot → ``route`` (row indices) → depot, in tenths."""
    stops = [0, *route, 0]
    return int(sum(int(matrix[a, b]) for a, b in itertools.pairwise(stops)))


def check_solomon(instance: SolomonInstance, routes: tuple[tuple[int, ...], ...]) -> list[str]:
    """List every violated constraint of a Solomon solution; empty means feasible.

    Checks, independently of any solver: each customer visited exactly once; at most
    ``instance.vehicles`` routes; load ≤ capacity per route; service starts at
    ``max(arrival, ready)`` and must be ≤ due; the return to the depot ≤ the depot's due time.
    Travel time equals the integer tenths distance.
    """
    matrix = distance_matrix_tenths(instance)
    index = {c.number: k for k, c in enumerate(instance.customers)}
    problems: list[str] = []
    seen: dict[int, int] = {}
    if len(routes) > instance.vehicles:
        problems.append(f"{len(routes)} routes exceed the fleet of {instance.vehicles}")
    depot = instance.depot
    for r, route in enumerate(routes):
        load = 0
        time_now = depot.ready_tenths
        previous = 0
        for number in route:
            if number not in index or number == 0:
                problems.append(f"route {r}: unknown customer {number}")
                continue
            seen[number] = seen.get(number, 0) + 1
            k = index[number]
            customer = instance.customers[k]
            load += customer.demand
            time_now = max(time_now + int(matrix[previous, k]), customer.ready_tenths)
            if time_now > customer.due_tenths:
                problems.append(
                    f"route {r}: customer {number} served at {time_now / SCALE} after due "
                    f"{customer.due_tenths / SCALE}"
                )
            time_now += customer.service_tenths
            previous = k
        back = time_now + int(matrix[previous, 0])
        if back > depot.due_tenths:
            problems.append(f"route {r}: returns at {back / SCALE} after depot due")
        if load > instance.capacity:
            problems.append(f"route {r}: load {load} exceeds capacity {instance.capacity}")
    for customer in instance.customers[1:]:
        count = seen.get(customer.number, 0)
        if count != 1:
            problems.append(f"customer {customer.number} visited {count} times")
    return problems


class Deadline:
    """PyVRP stopping criterion: stop once ``time.perf_counter()`` passes ``deadline``.

    Unlike ``pyvrp.stop.MaxRuntime``, which starts its clock at its first call (after the
    instance is built and the initial solution searched), this counts the whole solve.
    """

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline

    def __call__(self, best_cost: float) -> bool:
        """Return True when the wall-clock deadline has passed."""
        return time.perf_counter() >= self._deadline


def solomon_params(seconds: float) -> Any:
    """PyVRP parameters for a 100-customer VRPTW solved in ``seconds``.

    Late-acceptance history ``clamp(30 × seconds, 50, 300)`` iterations and
    ``clamp(20 + 3 × seconds, 30, 50)`` neighbours per client, so 10 s and longer runs use
    PyVRP's defaults (history 300, 50 neighbours). In a one-second run the search makes too
    few iterations for a 300-long history to stop accepting worse solutions. Measured on the
    12 hardest R/RC instances, mean gap: at 1 s of CPU (two seeds) 1.41 % with the defaults,
    0.56 % with history 50 and 30 neighbours; at 10 s of CPU (one seed) 0.20 % with the
    defaults, 0.35 % with 30 neighbours.
    """
    from pyvrp.IteratedLocalSearch import IteratedLocalSearchParams
    from pyvrp.search import NeighbourhoodParams
    from pyvrp.solve import SolveParams

    history = min(300, max(50, round(30 * seconds)))
    neighbours = min(50, max(30, round(20 + 3 * seconds)))
    return SolveParams(
        ils=IteratedLocalSearchParams(history_length=history),
        neighbourhood=NeighbourhoodParams(num_neighbours=neighbours),
    )


def solve_solomon(instance: SolomonInstance, *, seconds: float, seed: int = 0) -> SolomonSolution:
    """Minimise total distance with PyVRP's iterated local search within ``seconds`` wall time.

    Steps:
      1. One depot with window ``[ready, due]`` of row 0; one client per customer row with its
         demand, window and service time, all in tenths; travel time = distance matrix.
      2. One vehicle type: ``num_available`` = the file's fleet (an upper bound), capacity =
         the file's capacity, unit distance cost 1, no fixed cost (DIMACS: distance only).
      3. PyVRP ``solve`` with :func:`solomon_params`, a fixed ``seed`` and a wall-clock
         deadline counted from step 1.
      4. Routes are mapped back to customer numbers; distance in tenths.
    """
    import pyvrp

    started = time.perf_counter()
    deadline = started + seconds
    matrix = distance_matrix_tenths(instance)
    locations = [pyvrp.Location(x=c.x, y=c.y) for c in instance.customers]
    depot_row = instance.depot
    depots = [
        pyvrp.Depot(location=0, tw_early=depot_row.ready_tenths, tw_late=depot_row.due_tenths)
    ]
    clients = [
        pyvrp.Client(
            location=k,
            delivery=[c.demand],
            service_duration=c.service_tenths,
            tw_early=c.ready_tenths,
            tw_late=c.due_tenths,
        )
        for k, c in enumerate(instance.customers)
        if k > 0
    ]
    vehicle_type = pyvrp.VehicleType(
        num_available=instance.vehicles,
        capacity=[instance.capacity],
        tw_early=depot_row.ready_tenths,
        tw_late=depot_row.due_tenths,
    )
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=[vehicle_type],
        distance_matrices=[cast(Any, matrix)],
        duration_matrices=[cast(Any, matrix)],
    )
    result = pyvrp.solve(
        data, Deadline(deadline), seed=seed, collect_stats=False, params=solomon_params(seconds)
    )
    best = result.best
    routes = tuple(
        tuple(
            instance.customers[client_index(a.idx)].number
            for a in route.schedule()
            if a.is_client()
        )
        for route in best.routes()
    )
    routes = tuple(route for route in routes if route)
    distance = sum(route_distance_tenths(matrix, _rows(instance, r)) for r in routes)
    return SolomonSolution(
        instance=instance.name,
        routes=routes,
        distance_tenths=distance,
        seconds=time.perf_counter() - started,
    )


def client_index(idx: int) -> int:
    """PyVRP client ``idx`` (0-based over clients) → instance row (depot is row 0)."""
    return idx + 1


def _rows(instance: SolomonInstance, route: tuple[int, ...]) -> list[int]:
    index = {c.number: k for k, c in enumerate(instance.customers)}
    return [index[n] for n in route]


def euclid(a: SolomonCustomer, b: SolomonCustomer) -> float:
    """Plain Euclidean distance between two rows, in Solomon units."""
    return math.hypot(a.x - b.x, a.y - b.y)
