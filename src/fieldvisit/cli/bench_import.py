"""``fieldvisit bench import``: the portfolio import of a large book, timed.

Generates a book with the demo generator (``--loans``, Parquet, into a temporary folder) or takes
one from ``--from DIR``, imports it into the configured database (``DATABASE_URL``; the import's
5-minute goal is for PostgreSQL) and prints the wall time of each phase, the total, the rows per
second and the peak RSS. ``--again`` imports the same files a second time (nothing may change)
and times that too. The database must be migrated; its portfolio tables should be empty for the
figure to mean a first load.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from fieldvisit.cli.support import django_setup, echo_json, fail, json_option


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class PhaseTimer:
    """A progress callback that adds up the wall time spent in each phase of each file."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._since = time.perf_counter()
        self._current = ""

    def __call__(self, phase: str, name: str, rows: int) -> None:
        moment = time.perf_counter()
        if self._current:
            spent = moment - self._since
            self.seconds[self._current] = self.seconds.get(self._current, 0.0) + spent
        self._since, self._current = moment, f"{phase} {name}"


@click.command(name="import")
@click.option("--loans", default=100_000, show_default=True, help="Loans to generate.")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Import this folder instead of generating a book.",
)
@click.option("--seed", default=1, show_default=True, help="Seed of the generated book.")
@click.option("--again/--once", default=False, help="Import the same files a second time.")
@json_option
def command(loans: int, source: Path | None, seed: int, again: bool, as_json: bool) -> None:
    """Time the import of a book of LOANS loans (or of --from DIR) into the database."""
    django_setup()
    from django.db import connection

    from fieldvisit.apps.imports.models import ImportSource, ImportStatus
    from fieldvisit.apps.imports.services import (
        import_job_create,
        import_job_run,
        import_sources_from_path,
    )

    scratch: Path | None = None
    if source is None:
        scratch = Path(tempfile.mkdtemp(prefix="fieldvisit-bench-import-"))
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
            [
                sys.executable, "-m", "fieldvisit", "generate", "--loans", str(loans),
                "--seed", str(seed), "--format", "parquet", "--out", str(scratch),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        click.echo(f"generated {loans:,} loans in {time.perf_counter() - started:.1f} s", err=True)
        source = scratch
    runs: list[dict[str, Any]] = []
    try:
        for attempt in range(2 if again else 1):
            timer = PhaseTimer()
            started = time.perf_counter()
            job = import_job_create(source=ImportSource.CLI)
            job = import_job_run(job=job, sources=import_sources_from_path(source), progress=timer)
            total = time.perf_counter() - started
            timer("done", "", 0)
            if job.status != ImportStatus.SUCCEEDED:
                fail(f"import #{job.pk} was rejected with {job.error_count} errors")
            rows = sum(int(f.get("rows", 0)) for f in job.files)
            runs.append(
                {
                    "run": "first" if attempt == 0 else "again",
                    "seconds": round(total, 1),
                    "rows": rows,
                    "rows_per_second": round(rows / total),
                    "files": job.files,
                    "phases": {k: round(v, 1) for k, v in timer.seconds.items()},
                }
            )
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    result = {
        "database": connection.vendor,
        "source": str(source) if scratch is None else f"generated {loans:,} loans",
        "runs": runs,
        "peak_rss_mb": round(_peak_rss_mb()),
    }
    if as_json:
        echo_json(result)
        return
    click.echo(f"database: {result['database']}   book: {result['source']}")
    for run in runs:
        click.echo(
            f"{run['run']:>5}: {run['seconds']:.1f} s for {run['rows']:,} rows "
            f"({run['rows_per_second']:,} rows/s)"
        )
        for entry in run["files"]:
            if entry.get("skipped"):
                continue
            click.echo(
                f"        {entry['name']:<34} {entry['rows']:>11,} rows  "
                f"+{entry['created']:,} ~{entry['updated']:,} ={entry['unchanged']:,}"
            )
        for phase, seconds in run["phases"].items():
            click.echo(f"        {phase:<40} {seconds:>7.1f} s")
    click.echo(f"peak RSS: {result['peak_rss_mb']:,} MB")
