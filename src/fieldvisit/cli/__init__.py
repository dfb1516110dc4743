"""The one command-line entry point: ``fieldvisit VERB``.

Each verb lives in its own module and only parses arguments and calls services or engines.
Verbs that need the database call :func:`fieldvisit.cli.support.django_setup` first,
so that pure verbs (``schedule``, ``assess``, ``generate``, ``solve-vrptw``) start fast
and need no settings.
"""

from __future__ import annotations

import click

from fieldvisit.cli.support import FieldvisitGroup

VERB_MODULES: tuple[str, ...] = (
    "fieldvisit.cli.demo",
    "fieldvisit.cli.generate",
    "fieldvisit.cli.schedule",
    "fieldvisit.cli.assess",
    "fieldvisit.cli.remedy_options",
    "fieldvisit.cli.batch",
    "fieldvisit.cli.import_",
    "fieldvisit.cli.plan",
    "fieldvisit.cli.vrptw",
    "fieldvisit.cli.bench",
    "fieldvisit.cli.manage",
)


@click.group(cls=FieldvisitGroup, verb_modules=VERB_MODULES)
@click.version_option(package_name="fieldvisit")
def main() -> None:
    """fieldvisit: field visits to borrowers in arrears, from delinquency to learning."""
