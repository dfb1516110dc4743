"""The demo: a generated Shenzhen book, imported and run through the daily cycle, with one login
per role, so a visitor can see every page of the product with real-looking data.

Demo logins are printed by ``make demo``; their password is public, so demo users exist only where
these services are called (the demo and the tests), never in a deployment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_create
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.loans.models import Loan
from fieldvisit.apps.organisation.models import Branch

DEMO_PASSWORD = "fieldvisit-demo"  # noqa: S105 - printed on screen by design, demo only
#: Months of month-end snapshots the demo stores before its business date (history for analytics).
HISTORY_MONTHS = 6


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    display_name: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", Role.ADMIN, "系统管理员"),
    DemoLogin("manager", Role.MANAGER, "陈经理"),
    DemoLogin("agent", Role.AGENT, "李外访"),
    DemoLogin("trainer", Role.TRAINER, "王培训"),
    DemoLogin("legal", Role.LEGAL, "赵法务"),
    DemoLogin("analyst", Role.ANALYST, "孙分析"),
)


@dataclass
class DemoSummary:
    as_of: dt.date
    generated: bool = False
    imported_rows: dict[str, int] = field(default_factory=dict)
    snapshot_days: list[dt.date] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


@transaction.atomic
def demo_users_create() -> list[DemoLogin]:
    """One demo login per role (existing ones are left as they are); returns the logins.

    Where the imported organisation has them, the demo manager and agent *are* the first branch's
    manager and one of its field agents (given the demo username and password), so that their
    pages show that branch's cases and that team's visits.
    """
    for login in DEMO_LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        adopted = _imported_user_for(login.role)
        if adopted is not None:
            adopted.username = login.username
            adopted.set_password(DEMO_PASSWORD)
            adopted.save(update_fields=["username", "password"])
            continue
        user_create(
            username=login.username,
            password=DEMO_PASSWORD,
            role=login.role,
            display_name=login.display_name,
            branch=_first_branch() if login.role in BRANCH_ROLES else None,
        )
    return list(DEMO_LOGINS)


#: Roles whose view is scoped to a branch: the demo puts them in the first branch.
BRANCH_ROLES = frozenset({Role.MANAGER, Role.LEGAL, Role.TRAINER})


def _first_branch() -> Branch | None:
    return Branch.objects.order_by("code").first()


def _imported_user_for(role: Role) -> User | None:
    if role == Role.MANAGER:
        return (
            User.objects.filter(role=Role.MANAGER, branch__isnull=False, employee_no__isnull=False)
            .order_by("branch__code", "employee_no")
            .first()
        )
    if role == Role.AGENT:
        return (
            User.objects.filter(role=Role.AGENT, team__isnull=False, employee_no__isnull=False)
            .order_by("team__branch__code", "team__code", "employee_no")
            .first()
        )
    return None


def demo_month_ends(as_of: dt.date, months: int = HISTORY_MONTHS) -> list[dt.date]:
    """The last ``months`` month ends before ``as_of``, oldest first."""
    ends: list[dt.date] = []
    day = as_of.replace(day=1) - dt.timedelta(days=1)
    for _ in range(months):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return sorted(ends)


def demo_setup(
    *,
    as_of: dt.date,
    loans: int,
    seed: int,
    book_dir: Path,
    say: Callable[[str], None] = lambda _line: None,
) -> DemoSummary:
    """Generate and import the demo book (once), run the daily cycle for ``as_of``, make logins.

    1. If the database has no loans: generate ``loans`` loans as of ``as_of`` into ``book_dir``
       and import them like a core-system export (all or nothing).
    2. Store the delinquency snapshots of the last months' ends and of ``as_of`` (which opens
       the cases), as the nightly batch would have.
    3. Create the demo logins.
    Running it again changes nothing but re-running the day's batch, which is idempotent.
    """
    from fieldvisit.apps.delinquency.services import snapshot_run

    summary = DemoSummary(as_of=as_of)
    if not Loan.objects.exists():
        _generate_and_import(as_of=as_of, loans=loans, seed=seed, book_dir=book_dir, say=say)
        summary.generated = True
    for day in [*demo_month_ends(as_of), as_of]:
        result = snapshot_run(day)
        say(f"batch {day}: {result.rows_written:,} snapshot rows")
        summary.snapshot_days.append(day)
    summary.logins = demo_users_create()
    return summary


def _generate_and_import(
    *, as_of: dt.date, loans: int, seed: int, book_dir: Path, say: Callable[[str], None]
) -> None:
    from fieldvisit.apps.imports.models import ImportSource
    from fieldvisit.apps.imports.services import (
        import_job_create,
        import_job_run,
        import_sources_from_path,
    )
    from fieldvisit.demo.generator import GenerateParams
    from fieldvisit.demo.writer import write_book

    book_dir.mkdir(parents=True, exist_ok=True)
    generated = write_book(
        GenerateParams(loans=loans, as_of=as_of, seed=seed), book_dir, ("parquet",)
    )
    say(
        f"generated {loans:,} loans as of {as_of} into {book_dir} "
        f"({generated.delinquent_share:.1%} of active loans delinquent)"
    )
    job = import_job_create(source=ImportSource.CLI)
    job = import_job_run(job=job, sources=import_sources_from_path(book_dir))
    if job.error_count:
        raise ApplicationError(
            f"the demo book did not import: {job.error_count} row errors (see import job {job.pk})"
        )
    say(f"imported the demo book (import job {job.pk})")
