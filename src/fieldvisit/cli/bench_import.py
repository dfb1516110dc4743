"""``fieldvisit bench import``: the portfolio import of a large book, timed.

Generates a book with the demo generator (``--loans``, Parquet, into a temporary folder) or takes
one from ``--from DIR``, imports it into the configured database (``DATABASE_URL``; the import's
5-minute goal is for PostgreSQL) and prints, as each phase ends, its wall time, this process's CPU
time (user + system, all threads), the CPU time of the PostgreSQL backend doing the writes (read
from ``/proc`` when the server runs on this machine) and the resident memory; then the totals,
the rows per second and the peak RSS. On a shared machine the wall time depends on the load; the
CPU times do not, so both are given. ``--again`` imports the same files a second time (nothing
may change) and times that too. The database must be migrated; its portfolio tables should be
empty for the figure to mean a first load.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from fieldvisit.cli.support import django_setup, echo_json, fail, json_option


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _rss_mb() -> float:
    """The resident set now (``/proc/self/statm``; 0 where there is none)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _cpu_seconds() -> float:
    """User + system CPU time of this process, all its threads (Polars uses several)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class BackendCpu:
    """User + system CPU time of the PostgreSQL backend serving this connection.

    Read from ``/proc/<pid>/stat`` of the backend (``pg_backend_pid()``), so only when the
    server runs on this machine and we may read its processes; otherwise ``None``.
    """

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self._tick = os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float | None:
        if self.pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
        return (int(fields[11]) + int(fields[12])) / self._tick


@dataclass
class Phase:
    wall: float = 0.0
    cpu: float = 0.0
    backend: float | None = None

    def add(self, wall: float, cpu: float, backend: float | None) -> None:
        self.wall += wall
        self.cpu += cpu
        self.backend = None if backend is None else (self.backend or 0.0) + backend

    def as_dict(self) -> dict[str, float | None]:
        return {
            "wall_s": round(self.wall, 1),
            "cpu_s": round(self.cpu, 1),
            "backend_cpu_s": None if self.backend is None else round(self.backend, 1),
        }


class PhaseTimer:
    """A progress callback that adds up wall and CPU time per phase of each file and prints
    each phase as it ends (to stderr), with the resident and peak memory at that moment."""

    def __init__(self, backend: BackendCpu, *, echo: bool) -> None:
        self.phases: dict[str, Phase] = {}
        self.backend = backend
        self.echo = echo
        self._current = ""
        self._since = self._mark()

    def _mark(self) -> tuple[float, float, float | None]:
        return time.perf_counter(), _cpu_seconds(), self.backend.seconds()

    def __call__(self, phase: str, name: str, rows: int) -> None:
        mark = self._mark()
        if self._current:
            wall, cpu = mark[0] - self._since[0], mark[1] - self._since[1]
            before, after = self._since[2], mark[2]
            backend = None if before is None or after is None else after - before
            self.phases.setdefault(self._current, Phase()).add(wall, cpu, backend)
            if self.echo:
                pg = "     -" if backend is None else f"{backend:6.1f}"
                click.echo(
                    f"  {wall:7.1f} s wall {cpu:7.1f} s cpu {pg} s pg  "
                    f"rss {_rss_mb():6,.0f} MB (peak {_peak_rss_mb():6,.0f})  {self._current}",
                    err=True,
                )
        self._since, self._current = mark, f"{phase} {name}".strip()

    def totals(self) -> Phase:
        total = Phase()
        for phase in self.phases.values():
            total.add(phase.wall, phase.cpu, phase.backend)
        return total


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
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 1"
        )
        backend = BackendCpu(cursor.fetchone()[0] if connection.vendor == "postgresql" else None)
    runs: list[dict[str, Any]] = []
    try:
        for attempt in range(2 if again else 1):
            label = "first" if attempt == 0 else "again"
            click.echo(f"{label}: importing {source}", err=True)
            timer = PhaseTimer(backend, echo=not as_json)
            started = time.perf_counter()
            timer("prepare", "", 0)
            job = import_job_create(source=ImportSource.CLI)
            job = import_job_run(job=job, sources=import_sources_from_path(source), progress=timer)
            timer("done", "", 0)
            total = time.perf_counter() - started
            if job.status != ImportStatus.SUCCEEDED:
                fail(f"import #{job.pk} was rejected with {job.error_count} errors")
            rows = sum(int(f.get("rows", 0)) for f in job.files)
            runs.append(
                {
                    "run": label,
                    "seconds": round(total, 1),
                    **timer.totals().as_dict(),
                    "rows": rows,
                    "rows_per_second": round(rows / total),
                    "peak_rss_mb": round(_peak_rss_mb()),
                    "files": job.files,
                    "phases": {k: v.as_dict() for k, v in timer.phases.items()},
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
        pg = "-" if run["backend_cpu_s"] is None else f"{run['backend_cpu_s']:.1f} s"
        click.echo(
            f"{run['run']:>5}: {run['seconds']:.1f} s wall for {run['rows']:,} rows "
            f"({run['rows_per_second']:,} rows/s); cpu {run['cpu_s']:.1f} s here, {pg} in the "
            f"database backend; peak RSS {run['peak_rss_mb']:,} MB"
        )
        for entry in run["files"]:
            if entry.get("skipped"):
                continue
            click.echo(
                f"        {entry['name']:<34} {entry['rows']:>11,} rows  "
                f"+{entry['created']:,} ~{entry['updated']:,} ={entry['unchanged']:,}"
            )
        click.echo(f"        {'phase':<40} {'wall':>8} {'cpu':>8} {'pg cpu':>8}")
        for phase, figures in run["phases"].items():
            backend = figures["backend_cpu_s"]
            click.echo(
                f"        {phase:<40} {figures['wall_s']:>6.1f} s {figures['cpu_s']:>6.1f} s "
                f"{'-' if backend is None else f'{backend:.1f}':>6} s"
            )
