"""``fieldvisit bench generate``: time the demo portfolio generator and measure its peak memory.

Runs ``fieldvisit generate`` in a child process (so the figure is the generator's own peak, not
this process's) and prints the wall time, the child's peak RSS from
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` and the bucket mix the generator reports. The bound of
issue 2: 1,000,000 loans in at most 2 minutes and 4 GB.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from fieldvisit.cli.support import echo_json, fail, json_option

TIME_LIMIT_S = 120.0
MEMORY_LIMIT_MB = 4096.0


@click.command("generate")
@click.option("--loans", default="1000000", show_default=True, help="Number of loans.")
@click.option("--as-of", "as_of", default="2025-06-30", show_default=True, help="As-of date.")
@click.option("--seed", default="1", show_default=True, help="Random seed.")
@click.option(
    "--format",
    "fmt",
    default=None,
    help="csv, parquet or both (default: the generator's: parquet above 50,000 loans).",
)
@click.option(
    "--out",
    default=None,
    help="Keep the files in this directory (default: a temporary directory, removed after).",
)
@json_option
def command(
    loans: str, as_of: str, seed: str, fmt: str | None, out: str | None, as_json: bool
) -> None:
    """Run the generator on a big book in a child process; print wall time, peak RSS, bucket mix."""
    workdir = Path(out) if out else Path(tempfile.mkdtemp(prefix="fieldvisit-bench-generate-"))
    argv = [
        sys.executable, "-m", "fieldvisit", "generate", "--json",
        "--loans", loans, "--as-of", as_of, "--seed", seed, "--out", str(workdir),
    ]  # fmt: skip
    if fmt is not None:
        argv += ["--format", fmt]
    try:
        started = time.perf_counter()
        child = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
        wall = time.perf_counter() - started
    finally:
        if out is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if child.returncode != 0:
        message = (child.stderr.strip().splitlines() or ["the generator failed"])[-1]
        fail(message.removeprefix("error: "))
    # ru_maxrss is in kilobytes on Linux; for children it is the largest of any waited-for child.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report: dict[str, Any] = json.loads(child.stdout)
    figures = {
        "loans": report["rows"]["loans"],
        "schedule_rows": report["rows"]["schedules"],
        "payment_rows": report["rows"]["payments"],
        "formats": report["formats"],
        "wall_seconds": round(wall, 2),
        "generator_seconds": report["seconds"],
        "peak_rss_mb": round(peak_mb, 1),
        "within_bound": wall <= TIME_LIMIT_S and peak_mb <= MEMORY_LIMIT_MB,
        "active_loans": report["active_loans"],
        "delinquent_share": report["delinquent_share"],
        "bucket_mix": report["bucket_mix"],
        "as_of": report["as_of"],
    }
    if as_json:
        echo_json(figures)
        return
    from fieldvisit.cli.generate import print_bucket_mix

    click.echo(
        f"generated {figures['loans']:,} loans, {figures['schedule_rows']:,} instalments and "
        f"{figures['payment_rows']:,} payments ({', '.join(figures['formats'])})"
    )
    click.echo(f"wall time      {wall:8.1f} s   (bound {TIME_LIMIT_S:.0f} s)")
    click.echo(f"peak RSS       {peak_mb:8.0f} MB  (bound {MEMORY_LIMIT_MB:.0f} MB)")
    click.echo(f"within bound   {'yes' if figures['within_bound'] else 'NO'}")
    click.echo(print_bucket_mix(report))
