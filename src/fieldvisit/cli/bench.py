"""``fieldvisit bench WHAT``: benchmarks that print their figures (time, rate, peak memory)."""

from __future__ import annotations

import click

from fieldvisit.cli.support import FieldvisitGroup

BENCH_MODULES: tuple[str, ...] = (
    "fieldvisit.cli.bench_generate",
    "fieldvisit.cli.bench_batch",
    "fieldvisit.cli.bench_snapshot",
    "fieldvisit.cli.bench_routing",
    "fieldvisit.cli.bench_import",
    "fieldvisit.cli.bench_plan",
    "fieldvisit.cli.bench_analytics",
    "fieldvisit.cli.bench_cases",
)


@click.group(cls=FieldvisitGroup, verb_modules=BENCH_MODULES)
def command() -> None:
    """Benchmarks: each prints its figures (wall time, throughput, peak RSS)."""


command.name = "bench"
