"""``fieldvisit solve-vrptw FILE``: solve one Solomon-format VRPTW instance with PyVRP.

Convention: distance and travel time ``floor(10 × euclidean) / 10``, objective total distance
(DIMACS, as the ``distance`` column of ``bks.csv``).
"""

from __future__ import annotations

from pathlib import Path

import click

from fieldvisit.cli.support import echo_json, fail, json_option
from fieldvisit.engines.routing.solomon import (
    SolomonFormatError,
    SolomonInstance,
    check_solomon,
    read_solomon,
    solve_solomon,
)


def load_instance(path: Path) -> SolomonInstance:
    """Read a Solomon file, turning a format error into a one-line CLI error naming the file."""
    try:
        return read_solomon(path)
    except SolomonFormatError as exc:
        fail(f"FILE {path}: not a Solomon VRPTW file: {exc}")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"FILE {path}: cannot read: {exc}")


@click.command(name="solve-vrptw")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--seconds", type=float, default=10.0, show_default=True, help="Wall-time limit.")
@click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed.")
@json_option
def command(file: Path, seconds: float, seed: int, as_json: bool) -> None:
    """Solve a Solomon VRPTW FILE; print vehicles, total distance and the routes."""
    if seconds <= 0:
        fail(f"--seconds: must be positive, got {seconds}")
    instance = load_instance(file)
    solution = solve_solomon(instance, seconds=seconds, seed=seed)
    routes = [list(route) for route in solution.routes]
    if as_json:
        echo_json(
            {
                "instance": instance.name,
                "vehicles": solution.vehicles,
                "distance": round(solution.distance, 1),
                "routes": routes,
            }
        )
        return
    problems = check_solomon(instance, solution.routes)
    click.echo(f"instance  {instance.name}")
    click.echo(f"vehicles  {solution.vehicles}")
    click.echo(f"distance  {solution.distance:.1f}")
    click.echo(f"feasible  {'yes' if not problems else 'no: ' + '; '.join(problems[:3])}")
    click.echo(f"seconds   {solution.seconds:.2f}")
    for number, route in enumerate(routes, start=1):
        click.echo(f"Route #{number}: {' '.join(map(str, route))}")
