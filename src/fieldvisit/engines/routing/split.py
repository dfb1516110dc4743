"""Split a large day into independent per-branch problems, and merge their plans back.

The planning app fans the parts out (Celery tasks, inline in the embedded default); the
benchmark uses a process pool. Both only call these two pure functions and ``solve``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from fieldvisit.engines.routing.model import (
    Depot,
    RoutingProblem,
    RoutingSolution,
    Team,
    TravelMatrix,
    Visit,
)


def split_by_cluster(
    problem: RoutingProblem,
    team_cluster: Mapping[str, str],
    *,
    mode: str | None = None,
    overbook: float = 1.5,
) -> tuple[tuple[str, RoutingProblem], ...]:
    """One sub-problem per cluster (a branch, a district), in cluster-name order.

    Steps:
      1. Each team goes to ``team_cluster[team.id]``; a cluster's *bases* are its teams' start
         depots; its *quota* is ``overbook × Σ max_visits`` of its teams (a team without a
         limit counts as ``shift length / 30 min``).
      2. Visits are dealt out required first, then by prize, highest first: each goes to the
         nearest cluster (travel seconds from its nearest base, matrix of ``mode``, default
         the first) whose quota is not used up, or to the nearest cluster when all are. Without
         quotas a busy district would keep its surplus while a quiet one sits idle; the
         overbooking leaves each cluster's solver a choice of visits.
      3. A sub-problem holds the cluster's teams, their depots and its visits, with the travel
         matrices and points cut down and re-indexed to the locations it uses.
    """
    missing = [t.id for t in problem.teams if t.id not in team_cluster]
    if missing:
        raise ValueError(f"teams without a cluster: {', '.join(missing[:5])}")
    matrix = problem.matrices[mode] if mode else next(iter(problem.matrices.values()))
    clusters = sorted({team_cluster[t.id] for t in problem.teams})
    quota = dict.fromkeys(clusters, 0.0)
    bases: dict[str, set[int]] = {c: set() for c in clusters}
    for team in problem.teams:
        cluster = team_cluster[team.id]
        bases[cluster].add(problem.depot(team.start_depot).location)
        limit = team.max_visits
        if limit is None:
            limit = (team.shift.end - team.shift.start) // 1800
        quota[cluster] += overbook * limit
    visit_locations = np.array([v.location for v in problem.visits], dtype=np.int64)
    # seconds[c, k]: from cluster c's nearest base to visit k
    seconds = np.array(
        [
            matrix.seconds[np.ix_(np.array(sorted(bases[c])), visit_locations)].min(axis=0)
            for c in clusters
        ]
    ).reshape(len(clusters), len(problem.visits))
    order = sorted(
        range(len(problem.visits)),
        key=lambda k: (not problem.visits[k].required, -problem.visits[k].prize, k),
    )
    visits_of: dict[str, list[Visit]] = {c: [] for c in clusters}
    for k in order:
        ranked = [clusters[int(c)] for c in np.argsort(seconds[:, k], kind="stable")]
        chosen = next((c for c in ranked if quota[c] >= 1), ranked[0])
        quota[chosen] -= 1
        visits_of[chosen].append(problem.visits[k])
    parts: list[tuple[str, RoutingProblem]] = []
    for cluster in clusters:
        teams = [t for t in problem.teams if team_cluster[t.id] == cluster]
        depot_ids = {t.start_depot for t in teams} | {t.end_depot for t in teams}
        depots = [d for d in problem.depots if d.id in depot_ids]
        visits = sorted(visits_of[cluster], key=lambda v: v.id)
        parts.append((cluster, _restrict(problem, depots, visits, teams)))
    return tuple(parts)


def _restrict(
    problem: RoutingProblem, depots: Sequence[Depot], visits: Sequence[Visit], teams: Sequence[Team]
) -> RoutingProblem:
    used = sorted({d.location for d in depots} | {v.location for v in visits})
    new_index = {old: new for new, old in enumerate(used)}
    index = np.array(used, dtype=np.int64)
    matrices = {
        mode: TravelMatrix(
            seconds=m.seconds[np.ix_(index, index)], metres=m.metres[np.ix_(index, index)]
        )
        for mode, m in problem.matrices.items()
    }
    return RoutingProblem(
        depots=tuple(
            Depot(id=d.id, location=new_index[d.location], window=d.window) for d in depots
        ),
        visits=tuple(
            Visit(
                id=v.id,
                location=new_index[v.location],
                service_seconds=v.service_seconds,
                windows=v.windows,
                prize=v.prize,
                required=v.required,
                skills=v.skills,
            )
            for v in visits
        ),
        teams=tuple(teams),
        matrices=matrices,
        points=tuple(problem.points[k] for k in used) if problem.points else (),
    )


def merge_solutions(parts: Sequence[RoutingSolution]) -> RoutingSolution:
    """One plan from the parts' plans: routes and dropped visits concatenated, prize and
    distance summed, ``seconds`` the longest part (the parts run in parallel).
    """
    return RoutingSolution(
        routes=tuple(r for part in parts for r in part.routes),
        dropped=tuple(d for part in parts for d in part.dropped),
        prize=sum(part.prize for part in parts),
        distance_metres=sum(part.distance_metres for part in parts),
        seconds=max((part.seconds for part in parts), default=0.0),
    )
