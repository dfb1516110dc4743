"""``fieldvisit demo``: set up the embedded demo and serve it (what ``make demo`` runs)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from fieldvisit.cli.support import django_setup, fail


@click.command(name="demo")
@click.option("--loans", default=3000, show_default=True, help="Loans in the demo book.")
@click.option("--seed", default=7, show_default=True, help="Seed of the demo book.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Business date of the demo (default: today, or FIELDVISIT_AS_OF).",
)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Start the web server.")
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def command(loans: int, seed: int, as_of: dt.datetime | None, serve: bool, addr: str) -> None:
    """Migrate, load the demo book, run the daily cycle, print the logins and serve the site.

    The first run generates and imports the book; later runs keep the data and only re-run the
    day's batch. Delete var/ to start again.
    """
    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    from fieldvisit.apps.common.clock import business_date
    from fieldvisit.apps.common.errors import ApplicationError
    from fieldvisit.apps.demo.services import DEMO_PASSWORD, demo_setup

    if not 1 <= loans <= 200_000:
        fail(f"--loans: must be between 1 and 200,000 for the demo, got {loans:,}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    day = as_of.date() if as_of else business_date()
    if as_of:
        # The served pages (the agent's route of "today") must agree with the demo's date.
        os.environ["FIELDVISIT_AS_OF"] = day.isoformat()
    try:
        summary = demo_setup(
            as_of=day,
            loans=loans,
            seed=seed,
            book_dir=Path(settings.VAR_DIR) / "demo-book",
            say=click.echo,
        )
    except ApplicationError as exc:
        fail(str(exc.message))
    click.echo(f"\nDemo ready, business date {summary.as_of}.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in summary.logins:
        click.echo(f"  {login.username:<10} {login.role.label}")
    if serve:
        click.echo(f"Serving on http://{addr}/  (Ctrl-C to stop)")
        call_command("runserver", addr, use_reloader=False)
