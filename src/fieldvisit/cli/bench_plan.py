"""``fieldvisit bench plan``: a synthetic field day at city scale, planned and checked.

Prints the wall time (matrix building included), peak RSS, visits planned, prize collected,
hard-constraint violations, and, with ``--reference-seconds``, the prize a longer run of the
same pipeline collects, so the "≥ 98 % of a ten times longer run" goal can be shown.
"""

from __future__ import annotations

import math
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from typing import Any

import click

from fieldvisit.cli.support import echo_json, fail, json_option
from fieldvisit.engines.routing.check import check_solution
from fieldvisit.engines.routing.model import RoutingProblem, RoutingSolution, SolveParams
from fieldvisit.engines.routing.pyvrp_adapter import solve
from fieldvisit.engines.routing.split import merge_solutions, split_by_cluster
from fieldvisit.engines.routing.synthetic import synthetic_city_day

CHECK_RESERVE_SECONDS = 3.0
"""Kept back from the limit for splitting, process start-up, merging and the final check."""


def _solve_part(task: tuple[RoutingProblem, float, int]) -> RoutingSolution:
    problem, seconds, seed = task
    return solve(problem, SolveParams(seconds=seconds, seed=seed))


def plan_day(
    problem: RoutingProblem,
    team_branch: dict[str, str],
    *,
    seconds: float,
    seed: int,
    workers: int,
    split: bool,
) -> RoutingSolution:
    """Split by branch, solve the parts ``workers`` at a time within ``seconds``, merge.

    Every part gets the same time, ``seconds × workers / parts`` rounded down to the rounds
    the pool runs, so the last round ends by the limit.
    """
    if not split:
        return solve(problem, SolveParams(seconds=seconds, seed=seed))
    parts = [p for _, p in split_by_cluster(problem, team_branch)]
    rounds = math.ceil(len(parts) / workers)
    each = seconds / rounds
    tasks = [(p, each, seed) for p in parts]
    if workers == 1:
        return merge_solutions([_solve_part(t) for t in tasks])
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return merge_solutions(list(pool.map(_solve_part, tasks)))


def _peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _run(
    visits: int,
    teams: int,
    branches: int,
    seconds: float,
    seed: int,
    workers: int,
    split: bool,
) -> dict[str, Any]:
    started = time.perf_counter()
    day = synthetic_city_day(visits=visits, teams=teams, branches=branches, seed=seed)
    built = time.perf_counter() - started
    budget = seconds - built - CHECK_RESERVE_SECONDS
    if budget <= 1:
        fail(f"--seconds: {seconds} s leaves no time to solve after {built:.1f} s of set-up")
    solution = plan_day(
        day.problem, day.team_branch, seconds=budget, seed=seed, workers=workers, split=split
    )
    violations = check_solution(day.problem, solution)
    wall = time.perf_counter() - started
    own, child = _peak_rss_mb()
    return {
        "seconds_limit": seconds,
        "wall_seconds": round(wall, 2),
        "setup_seconds": round(built, 2),
        "visits_planned": solution.visit_count,
        "teams_used": len(solution.routes),
        "prize_yuan": Decimal(solution.prize) / 100,
        "km": round(solution.distance_metres / 1000, 1),
        "team_hours": round(sum(r.duration_seconds for r in solution.routes) / 3600, 1),
        "violations": len(violations),
        "violation_examples": [f"{v.kind}: {v.detail}" for v in violations[:3]],
        "peak_rss_mb_main": round(own),
        "peak_rss_mb_largest_worker": round(child),
    }


@click.command(name="plan")
@click.option("--visits", type=click.IntRange(1), default=3000, show_default=True)
@click.option("--teams", type=click.IntRange(1), default=150, show_default=True)
@click.option("--branches", type=click.IntRange(1), default=10, show_default=True)
@click.option("--seconds", type=float, default=60.0, show_default=True, help="Wall-time limit.")
@click.option(
    "--reference-seconds",
    type=float,
    default=None,
    help="Also run the same pipeline this long (e.g. 600) and compare the prize.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option(
    "--split/--no-split",
    default=False,
    show_default=True,
    help="Solve per branch in parallel (faster per part, but about 5 % less prize at 3,000).",
)
@json_option
def command(
    visits: int,
    teams: int,
    branches: int,
    seconds: float,
    reference_seconds: float | None,
    seed: int,
    workers: int,
    split: bool,
    as_json: bool,
) -> None:
    """Plan a synthetic city day (VISITS candidates, TEAMS teams of two) and check it."""
    if seconds <= 0:
        fail(f"--seconds: must be positive, got {seconds}")
    if reference_seconds is not None and reference_seconds <= seconds:
        fail(f"--reference-seconds: must exceed --seconds, got {reference_seconds}")
    args = (visits, teams, branches)
    result: dict[str, Any] = {"run": _run(*args, seconds, seed, workers, split)}
    if reference_seconds is not None:
        reference = _run(*args, reference_seconds, seed, workers, split)
        result["reference"] = reference
        ratio = result["run"]["prize_yuan"] / reference["prize_yuan"] * 100
        result["prize_percent_of_reference"] = round(float(ratio), 2)
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"synthetic day: {visits} candidate visits, {teams} teams, {branches} branches, "
        f"{workers} worker(s), {'split by branch' if split else 'one problem'}"
    )
    for name in ("run", "reference"):
        if name not in result:
            continue
        row = result[name]
        click.echo(
            f"{name:<9} limit {row['seconds_limit']:g} s  wall {row['wall_seconds']} s "
            f"(set-up {row['setup_seconds']} s)  planned {row['visits_planned']} visits by "
            f"{row['teams_used']} teams  prize {row['prize_yuan']:.2f} yuan  {row['km']} km  "
            f"{row['team_hours']} team-hours  violations {row['violations']}  peak RSS "
            f"{row['peak_rss_mb_main']} MB main, {row['peak_rss_mb_largest_worker']} MB worker"
        )
    if "prize_percent_of_reference" in result:
        click.echo(f"prize vs reference: {result['prize_percent_of_reference']} %")
