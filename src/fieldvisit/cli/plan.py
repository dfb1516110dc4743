"""``fieldvisit plan --date D [--branch B] [--seconds S] [--json]``: build the day's visit plan.

Builds a draft plan for the visit day (every branch, or the branch with code ``B``) through the
same service as the manager's page, and prints its summary: visits planned, expected benefit
collected (the prize, yuan), kilometres and team hours, per team and in total. The plan is left
as a draft for a manager to review and approve.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from fieldvisit.cli.schedule import parse_date
from fieldvisit.cli.support import django_setup, echo_json, fail, json_option


@click.command("plan")
@click.option("--date", "date_text", required=True, help="The visit day, YYYY-MM-DD.")
@click.option("--branch", "branch_code", default=None, help="Branch code (default: every branch).")
@click.option(
    "--seconds",
    type=float,
    default=10.0,
    show_default=True,
    help="Solver time limit in seconds (shared by the branches when tasks run inline).",
)
@json_option
def command(date_text: str, branch_code: str | None, seconds: float, as_json: bool) -> None:
    """Build the visit plan for one day and print its summary."""
    day = parse_date("--date", date_text)
    if not seconds > 0:
        fail(f"--seconds: must be positive, got {seconds}")
    django_setup()
    from fieldvisit.apps.common.errors import ApplicationError
    from fieldvisit.apps.organisation.models import Branch
    from fieldvisit.apps.planning.services import plan_build

    branch = None
    if branch_code is not None:
        branch = Branch.objects.filter(code=branch_code).first()
        if branch is None:
            fail(f"--branch: no branch with code {branch_code!r}")
    try:
        plan = plan_build(date=day, branch=branch, seconds=seconds)
    except ApplicationError as exc:
        fail(str(exc.message))
    teams: list[dict[str, Any]] = []
    for route in plan.routes.select_related("team").prefetch_related("stops").order_by("order"):
        stops = list(route.stops.all())
        hours = Decimal(0)
        if route.departure and route.return_at:
            hours = Decimal((route.return_at - route.departure).total_seconds()) / 3600
        teams.append(
            {
                "team": route.team.code,
                "available": route.available,
                "visits": len(stops),
                "prize": sum((s.priority for s in stops), Decimal(0)),
                "km": (Decimal(route.distance_metres) / 1000).quantize(Decimal("0.1")),
                "hours": hours.quantize(Decimal("0.01")),
                "note": route.notes_en,
            }
        )
    summary = {
        "plan": plan.pk,
        "date": plan.date,
        "branch": branch.code if branch else None,
        "status": plan.status,
        "visits_planned": plan.visits_planned,
        "prize": plan.prize,
        "km": plan.distance_km,
        "hours": plan.hours,
        "solver_seconds": round(plan.solve_seconds, 2),
        "cases_screened": plan.cases_screened,
        "left_out": plan.left_out.count(),
        "findings": [f["rule"] for f in plan.findings],
        "teams": teams,
    }
    if as_json:
        echo_json(summary)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Visit plan #{plan.pk} for {day} ({branch.code if branch else 'all'})")
    for name in ("team", "visits", "prize (yuan)", "km", "hours", "note"):
        table.add_column(name, justify="left" if name in ("team", "note") else "right")
    for row in teams:
        table.add_row(
            row["team"],
            str(row["visits"]),
            f"{row['prize']:,.2f}",
            f"{row['km']}",
            f"{row['hours']}",
            row["note"] if not row["available"] else "",
        )
    table.add_row(
        "total",
        str(plan.visits_planned),
        f"{plan.prize:,.2f}",
        f"{plan.distance_km}",
        f"{plan.hours}",
        "",
    )
    console = Console()
    console.print(table)
    console.print(
        f"{plan.cases_screened} cases screened, {summary['left_out']} left out, solver "
        f"{summary['solver_seconds']} s; "
        + ("check passed." if not plan.findings else f"check: {', '.join(summary['findings'])}")
    )
