"""``fieldvisit import DIR-or-FILE``: import portfolio files, all or nothing, with a report."""

from __future__ import annotations

from pathlib import Path

import click

from fieldvisit.cli.support import django_setup, echo_json, fail, json_option, stderr_is_tty

KINDS = (
    "branches",
    "managers",
    "teams",
    "agents",
    "certifications",
    "products",
    "borrowers",
    "loans",
    "schedules",
    "payments",
)


@click.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=None,
    help="What the file holds, when its name does not say (borrowers.csv, loans.parquet …).",
)
@json_option
def command(path: Path, kind: str | None, as_json: bool) -> None:
    """Import borrowers, loans, schedules, payments and the organisation from PATH.

    PATH is a file or a folder of CSV, XLSX or Parquet files named by what they hold. The whole
    set is imported or nothing is; every bad cell is reported with its file, line and column.
    Exit status: 0 imported, 1 rejected (see the report), 2 bad input.
    """
    django_setup()
    from fieldvisit.apps.common.errors import ApplicationError
    from fieldvisit.apps.imports.models import ImportSource, ImportStatus
    from fieldvisit.apps.imports.services import (
        import_job_create,
        import_job_run,
        import_report,
        import_sources_from_path,
    )

    try:
        sources = import_sources_from_path(path, kind=kind)
    except ApplicationError as exc:
        fail(str(exc.message))
    job = import_job_create(source=ImportSource.CLI)
    job = import_job_run(job=job, sources=sources, progress=_progress(as_json))
    report = import_report(job)
    if as_json:
        echo_json(report)
    else:
        _print(report)
    if job.status != ImportStatus.SUCCEEDED:
        raise SystemExit(1)


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    def report(phase: str, name: str, rows: int) -> None:
        if quiet and not stderr_is_tty():
            return
        suffix = f" ({rows:,} rows)" if rows else ""
        click.echo(f"{phase:>5} {name}{suffix}", err=True)

    return report


def _print(report: dict) -> None:  # type: ignore[type-arg]
    from rich.console import Console
    from rich.table import Table

    console = Console()
    files = Table(title=f"Import #{report['id']}: {report['status']}")
    for heading in ("file", "kind", "rows", "created", "updated", "unchanged", "errors"):
        files.add_column(heading, justify="left" if heading in ("file", "kind") else "right")
    for entry in report["files"]:
        if entry.get("skipped"):
            files.add_row(entry["name"], "skipped", "", "", "", "", "")
            continue
        files.add_row(
            entry["name"],
            entry["kind"],
            *(f"{entry[k]:,}" for k in ("rows", "created", "updated", "unchanged", "errors")),
        )
    console.print(files)
    if report["errors"]:
        errors = Table(title=f"{report['error_count']:,} errors")
        for heading in ("file", "line", "column", "value", "reason"):
            errors.add_column(heading)
        for error in report["errors"][:200]:
            errors.add_row(
                error["file"],
                str(error["line"] or ""),
                error["column"],
                error["value"],
                error["reason"],
            )
        console.print(errors)
        if report["error_count"] > 200:
            console.print("(first 200 shown; --json gives the stored report)")
