"""``fieldvisit bench analytics``: time every analytics dashboard on a large history.

Needs a dedicated PostgreSQL database in ``DATABASE_URL``. Unless the same volume is already
there, seeds it by COPY (``apps/analytics/bench_load.py``: ``--loans`` loans, 13 month ends, the
daily delinquent rows in between, cases, visits, reports), then runs the nightly refresh of the
summary tables for every month end (timed: the batch's extra cost), then times each dashboard's
selectors ``--repeat`` times, unfiltered and filtered by one product and one month.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import click

from fieldvisit.cli.support import django_setup, echo_json, fail, json_option

LIMIT_SECONDS = 1.0


@click.command("analytics")
@click.option(
    "--loans", "n_loans", type=click.IntRange(min=1000), default=1_000_000, show_default=True
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--repeat", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--reload", is_flag=True, help="Seed again even if the volume is there.")
@click.option(
    "--daily/--no-daily",
    default=True,
    show_default=True,
    help="Also store the daily rows of delinquent loans between month ends.",
)
@json_option
def command(n_loans: int, seed: int, repeat: int, reload: bool, daily: bool, as_json: bool) -> None:
    """Time the analytics dashboards on a year of history in PostgreSQL (DATABASE_URL)."""
    import os

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        fail("DATABASE_URL: must name a dedicated PostgreSQL database for this benchmark")
    django_setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from fieldvisit.apps.analytics import bench_load
    from fieldvisit.apps.analytics.refresh import (
        causes_refresh,
        day_frame,
        effect_refresh,
        portfolio_refresh,
    )
    from fieldvisit.apps.analytics.selectors import DASHBOARDS
    from fieldvisit.apps.analytics.selectors.base import Filters
    from fieldvisit.apps.analytics.views import _choices
    from fieldvisit.apps.delinquency.models import DelinquencySnapshot
    from fieldvisit.apps.delinquency.synthetic_load import NotABenchDatabase
    from fieldvisit.apps.loans.models import Product
    from fieldvisit.engines.analytics.text import tokens

    call_command("migrate", verbosity=0)

    def say(line: str) -> None:
        if not as_json:
            click.echo(f"  {line}", err=True)

    report: dict[str, Any] = {"loans": n_loans, "seed": seed, "dashboards": []}
    try:
        loaded = bench_load.bench_loans()
    except NotABenchDatabase as exc:
        fail(str(exc))
    ends = bench_load.month_ends()
    if reload or loaded != n_loans:
        started = time.perf_counter()
        bench_load.seed(n_loans, seed=seed, daily=daily, log=say)
        report["seed_seconds"] = round(time.perf_counter() - started, 1)
        refresh = []
        for day in ends:
            started = time.perf_counter()
            portfolio_refresh(day, day_frame(day))
            refresh.append(time.perf_counter() - started)
            say(f"refresh {day}: {refresh[-1]:.1f} s")
        started = time.perf_counter()
        effect_refresh(ends[-1], ends[:-1])
        causes_refresh(ends[-1], [d.replace(day=1) for d in ends])
        report["refresh_month_end_seconds"] = round(statistics.median(refresh), 2)
        report["refresh_effect_seconds_12_months"] = round(time.perf_counter() - started, 2)
    report["snapshot_rows"] = DelinquencySnapshot.objects.count()
    # jieba loads its dictionary once per process (about a second): paid before timing, as a
    # web worker pays it on its first feedback page.
    started = time.perf_counter()
    tokens("预热")
    report["jieba_load_seconds"] = round(time.perf_counter() - started, 2)
    product = Product.objects.order_by("code").values_list("id", flat=True).first()
    month = ends[-3].replace(day=1)
    cases = {
        "all": Filters(),
        "product+month": Filters(product=product, month=month),
    }

    class Analyst:
        role = "analyst"
        branch_id = None

    for key, (_title, select) in DASHBOARDS.items():
        for label, filters in cases.items():
            times = []
            queries = 0
            for _ in range(repeat):
                reset_queries()
                started = time.perf_counter()
                board = select(filters)
                _choices(Analyst())
                for chart in board.charts:
                    chart.svg()
                times.append(time.perf_counter() - started)
                queries = len(connection.queries)
            row = {
                "dashboard": key,
                "filters": label,
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "queries": queries,
                "within_limit": max(times) <= LIMIT_SECONDS,
            }
            report["dashboards"].append(row)
            if not as_json:
                flag = "ok" if row["within_limit"] else "SLOW"
                click.echo(
                    f"{key:<11} {label:<14} median {row['median_s']:6.3f} s  "
                    f"max {row['max_s']:6.3f} s  {flag}"
                )
    if as_json:
        echo_json(report)
    else:
        click.echo(
            f"snapshot rows: {report['snapshot_rows']:,}; jieba dictionary load (once per "
            f"process, before timing): {report['jieba_load_seconds']} s"
        )
        if "seed_seconds" in report:
            click.echo(
                f"seeded in {report['seed_seconds']} s; nightly refresh per month end "
                f"{report['refresh_month_end_seconds']} s (median); effect and cause cells "
                f"for 12 months {report['refresh_effect_seconds_12_months']} s"
            )
