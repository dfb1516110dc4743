"""``fieldvisit bench snapshot``: store one day's delinquency snapshot of a large book, timed.

Needs a dedicated PostgreSQL database in ``DATABASE_URL`` (it empties the portfolio tables).
Loads a synthetic book of ``--loans`` loans (about 24 instalments each, with payment histories)
by COPY, unless the same book is already there, then runs the nightly snapshot four times:

1. ``2025-05-31`` month end, first run: every loan written (no previous rows to compare with);
2. ``2025-06-01`` an ordinary night: delinquent and changed loans only: **the nightly figure**;
3. ``2025-06-01`` again: the idempotent re-run (deletes and rewrites that day);
4. ``2025-06-30`` month end with history: every loan written, compared with its previous row.

For each: wall time, rows written, and seconds per step (read the book from the database, assess,
compare with previous rows, write by COPY, hooks). Peak RSS of the process at the end. Hooks
(the cases sync) run only with ``--hooks``, so that by default the figure is the snapshot's.
"""

from __future__ import annotations

import resource
import time
from datetime import date
from typing import Any

import click

from fieldvisit.cli.support import django_setup, echo_json, fail, json_option

BOOK_AS_OF = date(2025, 6, 10)
DAYS = (
    ("month end, first run", date(2025, 5, 31)),
    ("ordinary day", date(2025, 6, 1)),
    ("ordinary day, re-run", date(2025, 6, 1)),
    ("month end", date(2025, 6, 30)),
)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@click.command("snapshot")
@click.option(
    "--loans", "n_loans", type=click.IntRange(min=1), default=1_000_000, show_default=True
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--chunk-size", type=click.IntRange(min=1), default=None, help="Loans per chunk.")
@click.option("--reload", is_flag=True, help="Load the book again even if it is there.")
@click.option(
    "--hooks/--no-hooks",
    default=False,
    show_default=True,
    help="Also run the registered snapshot hooks (cases sync); off times the snapshot alone.",
)
@json_option
def command(
    n_loans: int, seed: int, chunk_size: int | None, reload: bool, hooks: bool, as_json: bool
) -> None:
    """Time writing one day's snapshot of a synthetic book to PostgreSQL (DATABASE_URL)."""
    import os

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        fail("DATABASE_URL: must name a dedicated PostgreSQL database for this benchmark")
    django_setup()
    from django.core.management import call_command

    from fieldvisit.apps.delinquency.hooks import (
        registered_snapshot_hooks,
        unregister_snapshot_hook,
    )
    from fieldvisit.apps.delinquency.services import DEFAULT_CHUNK_SIZE, snapshot_run
    from fieldvisit.apps.delinquency.synthetic_load import (
        NotABenchDatabase,
        bench_loan_count,
        load_synthetic_book,
    )
    from fieldvisit.engines.delinquency.batch_synthetic import synthetic_book

    if hooks:
        call_command("migrate", verbosity=0)
    else:
        # The snapshot's own tables only: the hooks' apps are not needed when they do not run.
        for app_label in ("accounts", "organisation", "loans", "delinquency"):
            call_command("migrate", app_label, verbosity=0)
        for hook in registered_snapshot_hooks():
            unregister_snapshot_hook(hook)
    report: dict[str, Any] = {"loans": n_loans, "seed": seed, "runs": []}
    try:
        loaded = bench_loan_count()
    except NotABenchDatabase as exc:
        fail(str(exc))
    if reload or loaded != n_loans:
        say = (lambda _line: None) if as_json else (lambda line: click.echo(f"  {line}", err=True))
        started = time.perf_counter()
        book = synthetic_book(n_loans, BOOK_AS_OF, seed=seed)
        report["generate_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        load_synthetic_book(book, log=say)
        report["load_seconds"] = round(time.perf_counter() - started, 1)
        report["instalments"] = int(book.inst_due.size)
        report["payments"] = int(book.pay_date.size)
        del book
    for label, day in DAYS:
        started = time.perf_counter()
        result = snapshot_run(day, chunk_size=chunk_size or DEFAULT_CHUNK_SIZE)
        wall = time.perf_counter() - started
        delinquent = sum(b.loans for b in result.by_bucket if b.bucket != "M0")
        run = {
            "run": label,
            "as_of": day.isoformat(),
            "seconds": round(wall, 1),
            "loans": result.loans_assessed,
            "delinquent": delinquent,
            "rows_written": result.rows_written,
            "steps": result.timings,
        }
        report["runs"].append(run)
        if not as_json:
            steps = ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items() if k != "total")
            share = 100 * delinquent / max(result.loans_assessed, 1)
            click.echo(
                f"{label:<22} {day}  {wall:7.1f} s  rows {result.rows_written:>9,}  "
                f"delinquent {delinquent:>9,} ({share:.1f} %)  [{steps}]"
            )
    report["peak_rss_mb"] = round(_peak_rss_mb())
    if as_json:
        echo_json(report)
    else:
        if "load_seconds" in report:
            click.echo(
                f"book: {n_loans:,} loans, {report['instalments']:,} instalments, "
                f"{report['payments']:,} payments; generated in {report['generate_seconds']} s, "
                f"loaded by COPY in {report['load_seconds']} s"
            )
        click.echo(f"peak RSS {report['peak_rss_mb']} MB")
