"""``fieldvisit demo``: set up the embedded demo and serve it (what ``make demo`` runs)."""

from __future__ import annotations

import datetime as dt

import click

from fieldvisit.cli.support import django_setup


@click.command(name="demo")
@click.option("--loans", default=2000, show_default=True, help="Loans in the demo book.")
@click.option("--seed", default=7, show_default=True, help="Seed of the demo book.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Business date of the demo (default: today).",
)
@click.option("--serve/--no-serve", default=True, show_default=True, help="Start the web server.")
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def command(loans: int, seed: int, as_of: dt.datetime | None, serve: bool, addr: str) -> None:
    """Migrate, load the demo data, run the daily cycle, print the logins and serve the site."""
    django_setup()
    from django.core.management import call_command

    from fieldvisit.apps.demo.services import DEMO_PASSWORD, demo_users_create

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    logins = demo_users_create()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        click.echo(f"  {login.username:<10} {login.role.label}")
    if serve:
        click.echo(f"Serving on http://{addr}/  (Ctrl-C to stop)")
        call_command("runserver", addr, use_reloader=False, insecure_serving=True)
