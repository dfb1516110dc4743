"""``fieldvisit bench routing``: Solomon VRPTW benchmark of our PyVRP solve and a peer solver.

Per instance: vehicles, distance, best-known distance (``bks.csv`` of the instances folder or
its parent, DIMACS convention), gap ``100 × (distance − bks) / bks`` %, feasibility checked
independently by :func:`check_solomon`; then the mean gap. The best-known values are read here,
for the table only; the solvers never see them.
"""

from __future__ import annotations

import csv
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import click

from fieldvisit.cli.support import echo_json, fail, json_option
from fieldvisit.cli.vrptw import load_instance
from fieldvisit.engines.routing.solomon import (
    SolomonInstance,
    SolomonSolution,
    check_solomon,
    solve_solomon,
)

Solver = Callable[..., SolomonSolution]


def read_best_known(folder: Path) -> dict[str, float]:
    """``instance → distance`` from ``bks.csv`` in ``folder`` or its parent (empty if none)."""
    for candidate in (folder / "bks.csv", folder.parent / "bks.csv"):
        if candidate.is_file():
            with candidate.open(newline="", encoding="utf-8") as handle:
                return {row["instance"]: float(row["distance"]) for row in csv.DictReader(handle)}
    return {}


def _solver(name: str) -> Solver:
    if name == "pyvrp":
        return solve_solomon
    from fieldvisit.engines.routing.ortools_peer import solve_solomon_ortools

    return solve_solomon_ortools


def _run(task: tuple[str, Path, float, int]) -> dict[str, Any]:
    solver_name, path, seconds, seed = task
    instance: SolomonInstance = load_instance(path)
    started = time.perf_counter()
    solution = _solver(solver_name)(instance, seconds=seconds, seed=seed)
    wall = time.perf_counter() - started
    problems = check_solomon(instance, solution.routes)
    return {
        "instance": instance.name,
        "vehicles": solution.vehicles,
        "distance": round(solution.distance, 1),
        "feasible": not problems,
        "seconds": round(wall, 2),
    }


def _table(
    solver_name: str, files: list[Path], seconds: float, seed: int, workers: int
) -> list[dict[str, Any]]:
    tasks = [(solver_name, path, seconds, seed) for path in files]
    rows: list[dict[str, Any]] = []
    if workers == 1:
        for task in tasks:
            rows.append(_run(task))
            click.echo(f"  {solver_name} {rows[-1]['instance']} {rows[-1]['distance']}", err=True)
        return rows
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for row in pool.map(_run, tasks):
            rows.append(row)
            click.echo(f"  {solver_name} {row['instance']} {row['distance']}", err=True)
    return rows


def _with_gaps(rows: list[dict[str, Any]], best: dict[str, float]) -> dict[str, Any]:
    gaps: list[float] = []
    for row in rows:
        bks = best.get(row["instance"])
        row["best_known"] = bks
        if bks and row["vehicles"]:
            row["gap_percent"] = round(100 * (row["distance"] - bks) / bks, 3)
            gaps.append(row["gap_percent"])
        else:
            row["gap_percent"] = None
    return {
        "rows": rows,
        "mean_gap_percent": round(statistics.fmean(gaps), 3) if gaps else None,
        "instances_with_gap": len(gaps),
        "feasible": sum(1 for row in rows if row["feasible"]),
    }


def _print(name: str, table: dict[str, Any], seconds: float, workers: int) -> None:
    click.echo(f"\n{name}: {seconds:g} s per instance, {workers} instance(s) in parallel")
    click.echo(
        f"{'instance':<9}{'veh':>4}{'distance':>10}{'best':>10}{'gap %':>8}"
        f"{'feasible':>9}{'secs':>7}"
    )
    for row in table["rows"]:
        best = f"{row['best_known']:.1f}" if row["best_known"] else "-"
        gap = f"{row['gap_percent']:.2f}" if row["gap_percent"] is not None else "-"
        click.echo(
            f"{row['instance']:<9}{row['vehicles']:>4}{row['distance']:>10.1f}{best:>10}"
            f"{gap:>8}{'yes' if row['feasible'] else 'NO':>9}{row['seconds']:>7.2f}"
        )
    mean = table["mean_gap_percent"]
    click.echo(
        f"mean gap {mean:.3f} % over {table['instances_with_gap']} instances; "
        f"feasible {table['feasible']}/{len(table['rows'])}"
        if mean is not None
        else "mean gap: no best-known values found"
    )


@click.command(name="routing")
@click.option(
    "--instances",
    "folder",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of Solomon .txt files (bks.csv in it or its parent).",
)
@click.option(
    "--seconds", type=float, default=10.0, show_default=True, help="Wall time per instance."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed.")
@click.option(
    "--peer",
    type=click.Choice(["ortools", "none"]),
    default="ortools",
    show_default=True,
    help="Peer solver run on the same instances with the same limit (OR-Tools routing, GLS).",
)
@click.option(
    "--pyvrp/--no-pyvrp", "with_pyvrp", default=True, help="Run our PyVRP solve (default on)."
)
@click.option(
    "--workers",
    type=click.IntRange(1, max(2, os.cpu_count() or 1)),
    default=1,
    show_default=True,
    help="Instances solved at once, each in its own process with the full time limit.",
)
@click.option("--glob", "pattern", default="*.txt", show_default=True, help="Instance files.")
@json_option
def command(
    folder: Path,
    seconds: float,
    seed: int,
    peer: str,
    with_pyvrp: bool,
    workers: int,
    pattern: str,
    as_json: bool,
) -> None:
    """Solve every Solomon instance in a folder; print distance, best known, gap and mean gap."""
    if seconds <= 0:
        fail(f"--seconds: must be positive, got {seconds}")
    files = sorted(folder.glob(pattern))
    if not files:
        fail(f"--instances {folder}: no files match {pattern}")
    best = read_best_known(folder)
    solvers = (["pyvrp"] if with_pyvrp else []) + ([peer] if peer != "none" else [])
    if not solvers:
        fail("--no-pyvrp with --peer none: nothing to run")
    results = {
        name: _with_gaps(_table(name, files, seconds, seed, workers), best) for name in solvers
    }
    if as_json:
        echo_json({"seconds": seconds, "workers": workers, "seed": seed, "solvers": results})
        return
    for name, table in results.items():
        _print(name, table, seconds, workers)
