"""``fieldvisit bench cases``: the manager's case list on 100,000 open cases (server time)."""

from __future__ import annotations

import time

import click

from fieldvisit.cli.support import django_setup, echo_json, json_option


@click.command(name="cases")
@click.option("--cases", "n_cases", default=100_000, show_default=True, help="Open cases to seed.")
@click.option("--runs", default=7, show_default=True, help="Timed runs per scenario (median).")
@json_option
def command(n_cases: int, runs: int, as_json: bool) -> None:
    """Seed a branch with open cases (in the DATABASE_URL database: use a scratch one, migrated)
    and print the median server time of the case list page and its queries per filter."""
    django_setup()
    from django.db import connection

    from fieldvisit.apps.cases.bench import bench_cases_seed, bench_cases_time

    started = time.perf_counter()
    manager, teams = bench_cases_seed(n_cases)
    seeded = time.perf_counter() - started
    timings = bench_cases_time(manager, teams, cases=n_cases, runs=runs)
    if as_json:
        echo_json(
            {
                "database": connection.vendor,
                "cases": n_cases,
                "seed_seconds": round(seeded, 1),
                "timings": [t.__dict__ for t in timings],
            }
        )
        return
    click.echo(f"{connection.vendor}: {n_cases:,} open cases (seeded in {seeded:.1f} s)")
    for t in timings:
        click.echo(f"  {t.scenario:40s} page {t.page_ms:7.1f} ms   queries {t.queries_ms:7.1f} ms")
