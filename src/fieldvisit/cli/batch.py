"""``fieldvisit batch --as-of YYYY-MM-DD``: the nightly delinquency batch on the database.

Assesses every loan at the end of the given day and stores that day's snapshot (see
``fieldvisit/apps/delinquency/README.md``), with a progress bar on a terminal, then prints the
summary by bucket: loans, outstanding principal, overdue (principal + interest) and total due.
Running a day again replaces that day's snapshot.
"""

from __future__ import annotations

from typing import Any

import click

from fieldvisit.cli.schedule import parse_date
from fieldvisit.cli.support import django_setup, echo_json, fail, json_option, stderr_is_tty


@click.command("batch")
@click.option("--as-of", "as_of_text", required=True, help="Business date, YYYY-MM-DD.")
@click.option(
    "--chunk-size", type=click.IntRange(min=1), default=None, help="Loans read per chunk."
)
@json_option
def command(as_of_text: str, chunk_size: int | None, as_json: bool) -> None:
    """Run the nightly delinquency batch for one day and print the summary by bucket."""
    as_of = parse_date("--as-of", as_of_text)
    django_setup()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from fieldvisit.apps.common.errors import ApplicationError
    from fieldvisit.apps.delinquency.services import DEFAULT_CHUNK_SIZE, snapshot_run

    console = Console(stderr=True)
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=as_json or not stderr_is_tty(),
    )
    with bar:
        task = bar.add_task(f"batch {as_of}", total=None)
        try:
            result = snapshot_run(
                as_of,
                chunk_size=chunk_size or DEFAULT_CHUNK_SIZE,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except ApplicationError as exc:
            fail(exc.message)

    buckets: list[dict[str, Any]] = [
        {
            "bucket": b.bucket,
            "loans": b.loans,
            "outstanding_principal": b.outstanding_principal,
            "overdue": b.overdue,
            "total_due": b.total_due,
        }
        for b in result.by_bucket
    ]
    if as_json:
        echo_json(
            {
                "as_of": result.as_of,
                "loans": result.loans_assessed,
                "loans_skipped": result.loans_skipped,
                "rows_written": result.rows_written,
                "full_write": result.full_write,
                "by_bucket": buckets,
                "seconds": result.timings,
            }
        )
        return
    table = Table(title=f"Delinquency on {as_of}")
    for name in ("bucket", "loans", "outstanding principal", "overdue", "total due"):
        table.add_column(name, justify="left" if name == "bucket" else "right")
    for row in buckets:
        table.add_row(
            row["bucket"],
            f"{row['loans']:,}",
            f"{row['outstanding_principal']:,.2f}",
            f"{row['overdue']:,.2f}",
            f"{row['total_due']:,.2f}",
        )
    Console().print(table)
    every = " (every loan: month end or first run)" if result.full_write else ""
    skipped = result.loans_skipped
    without = f", {skipped:,} loans without a schedule skipped" if skipped else ""
    click.echo(
        f"{result.loans_assessed:,} loans assessed, {result.rows_written:,} snapshot rows "
        f"written{every}{without} in {result.timings['total']:.1f} s"
    )
