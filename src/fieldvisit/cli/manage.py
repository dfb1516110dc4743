"""``fieldvisit manage ...``: Django's management commands (migrate, shell, ...)."""

from __future__ import annotations

import click

from fieldvisit.cli.support import django_setup


@click.command(
    name="manage",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(args: tuple[str, ...]) -> None:
    """Run a Django management command, e.g. ``fieldvisit manage migrate``."""
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fieldvisit manage", *args])
