"""OR-Tools' routing solver on Solomon instances: the peer in ``fieldvisit bench routing``.

It is only a yardstick for our PyVRP adapter, so it lives beside the Solomon reader and is
imported lazily (``ortools`` is a development dependency).
"""

from __future__ import annotations

import time
from typing import Any

from fieldvisit.engines.routing.solomon import (
    SolomonInstance,
    SolomonSolution,
    distance_matrix_tenths,
    route_distance_tenths,
)


def solve_solomon_ortools(
    instance: SolomonInstance, *, seconds: float, seed: int = 0
) -> SolomonSolution:
    """Minimise total distance with OR-Tools (pywrapcp) and guided local search.

    Model, in integer tenths like :func:`~fieldvisit.engines.routing.solomon.solve_solomon`:
      * arc cost = ``floor(10 × euclidean)``;
      * ``Time`` dimension: transit(i, j) = service(i) + travel(i, j), waiting allowed (slack up
        to the depot's due time), cumul of each customer in its window, of each vehicle end ≤
        the depot's due time;
      * ``Load`` dimension: demand ≤ capacity; at most ``instance.vehicles`` routes;
      * first solution LOCAL_CHEAPEST_INSERTION (PATH_CHEAPEST_ARC found no
        solution within 1 s on R101 and RC101), metaheuristic GUIDED_LOCAL_SEARCH, time limit
        ``seconds`` wall time counted from the start of this function.
    ``seed`` is accepted for a uniform interface; OR-Tools' search here is deterministic.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    matrix = distance_matrix_tenths(instance)
    customers = instance.customers
    n = len(customers)
    horizon = customers[0].due_tenths
    manager = pywrapcp.RoutingIndexManager(n, instance.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    distance_rows: list[list[int]] = matrix.tolist()
    time_rows = [
        [distance_rows[i][j] + customers[i].service_tenths for j in range(n)] for i in range(n)
    ]
    distance_cb = routing.RegisterTransitMatrix(distance_rows)
    time_cb = routing.RegisterTransitMatrix(time_rows)
    routing.SetArcCostEvaluatorOfAllVehicles(distance_cb)
    routing.AddDimension(time_cb, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for k in range(1, n):
        time_dim.CumulVar(manager.NodeToIndex(k)).SetRange(
            customers[k].ready_tenths, customers[k].due_tenths
        )
    for v in range(instance.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(customers[0].ready_tenths, horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(customers[0].ready_tenths, horizon)
    demand_cb = routing.RegisterUnaryTransitVector([c.demand for c in customers])
    routing.AddDimensionWithVehicleCapacity(
        demand_cb, 0, [instance.capacity] * instance.vehicles, True, "Load"
    )

    params: Any = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    remaining = max(0.01, seconds - (time.perf_counter() - started))
    params.time_limit.FromMilliseconds(int(remaining * 1000))
    assignment = routing.SolveWithParameters(params)

    routes: list[tuple[int, ...]] = []
    if assignment is not None:
        for v in range(instance.vehicles):
            index = routing.Start(v)
            stops: list[int] = []
            index = assignment.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                stops.append(manager.IndexToNode(index))
                index = assignment.Value(routing.NextVar(index))
            if stops:
                routes.append(tuple(stops))
    distance = sum(route_distance_tenths(matrix, r) for r in routes)
    return SolomonSolution(
        instance=instance.name,
        routes=tuple(tuple(customers[k].number for k in r) for r in routes),
        distance_tenths=distance,
        seconds=time.perf_counter() - started,
    )
