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
from typing import Any

import polars as pl
from django.db import transaction

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_create
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.demo.history import HISTORY_WEEKS, HistorySummary
from fieldvisit.apps.loans.models import Loan
from fieldvisit.apps.organisation.models import Branch

DEMO_PASSWORD = "fieldvisit-demo"  # noqa: S105 - printed on screen by design, demo only
#: Months of month-end snapshots the demo stores before its business date (history for analytics).
HISTORY_MONTHS = 6
#: Solver time for the business date's plan of the demo branch (seconds).
TODAY_PLAN_SECONDS = 3.0


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
    history: HistorySummary | None = None
    plan: Any = None  # planning.VisitPlan of the business date, approved


@transaction.atomic
def demo_users_create(*, plan: Any = None) -> list[DemoLogin]:
    """One demo login per role (existing ones are left as they are); returns the logins.

    Where the imported organisation has them, the demo manager and agent *are* a branch's
    manager and one of its field agents (given the demo username and password), so that their
    pages show that branch's cases and that team's visits: with an approved ``plan``, its
    branch's manager and the first member of its first route with stops (the agent has a route
    today); else the first branch's manager and first agent. The legal officer and the trainer
    work in the same branch.
    """
    branch = _demo_branch(plan)
    for login in DEMO_LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        adopted = _imported_user_for(login.role, branch, plan)
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
            branch=branch if login.role in BRANCH_ROLES else None,
        )
    return list(DEMO_LOGINS)


#: Roles whose view is scoped to a branch: the demo puts them in the demo branch.
BRANCH_ROLES = frozenset({Role.MANAGER, Role.LEGAL, Role.TRAINER})


def _demo_branch(plan: Any) -> Branch | None:
    if plan is not None and plan.branch_id is not None:
        return Branch.objects.get(pk=plan.branch_id)
    return Branch.objects.order_by("code").first()


def _imported_user_for(role: Role, branch: Branch | None, plan: Any) -> User | None:
    imported = User.objects.filter(employee_no__isnull=False)
    if role == Role.MANAGER:
        managers = imported.filter(role=Role.MANAGER, branch__isnull=False)
        if branch is not None and managers.filter(branch=branch).exists():
            managers = managers.filter(branch=branch)
        return managers.order_by("branch__code", "employee_no").first()
    if role == Role.AGENT:
        if plan is not None:
            from fieldvisit.apps.planning.models import PlanRoute

            route = (
                PlanRoute.objects.filter(plan=plan, stops__isnull=False)
                .order_by("order", "pk")
                .first()
            )
            member = (
                route.members.filter(employee_no__isnull=False).order_by("employee_no").first()
                if route is not None
                else None
            )
            if member is not None:
                return member
        return (
            imported.filter(role=Role.AGENT, team__isnull=False)
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
    history_weeks: int = HISTORY_WEEKS,
    plan_seconds: float = TODAY_PLAN_SECONDS,
) -> DemoSummary:
    """Generate and import the demo book (once), replay its history, run the daily cycle for
    ``as_of`` and make the logins.

    1. If the database has no loans: generate ``loans`` loans as of ``as_of`` into ``book_dir``
       and import them like a core-system export (all or nothing).
    2. Once (while the database holds no collections work): replay the last ``history_weeks``
       weeks (:mod:`fieldvisit.apps.demo.history`): the nightly batches of the last months'
       ends and of every Sunday, calls and SMS, plans, visits with their reports and promises.
       Later runs only store month ends that are missing.
    3. Store ``as_of``'s snapshot (the nightly batch of the business date; idempotent).
    4. The business date's visit plan: the first branch whose plan gets visits, built with
       ``plan_seconds`` of solver and approved by its manager — unless a plan for the day is
       already approved.
    5. The demo logins: the manager of that branch, and an agent on one of its routes.
    Running it again changes nothing but re-running the day's batch.
    """
    from fieldvisit.apps.delinquency.services import snapshot_run
    from fieldvisit.apps.demo.history import (
        history_days,
        history_exists,
        history_simulate,
        truth_load,
    )

    summary = DemoSummary(as_of=as_of)
    first_day, _last_day = history_days(as_of, history_weeks)
    if not Loan.objects.exists():
        _generate_and_import(
            as_of=as_of,
            loans=loans,
            seed=seed,
            book_dir=book_dir,
            payments_before=first_day,
            say=say,
        )
        summary.generated = True
    month_ends = demo_month_ends(as_of)
    if not history_exists():
        truth = truth_load(book_dir)
        if not truth:
            say(f"no ground truth in {book_dir}: the history's causes are left unknown")
        summary.history = history_simulate(
            as_of=as_of,
            seed=seed,
            truth=truth,
            batch_days=month_ends,
            weeks=history_weeks,
            payments_dir=book_dir / DAILY_PAYMENTS_DIR,
            book_payments=_book_payments(book_dir).filter(pl.col("paid_on") >= first_day),
            say=say,
        )
        summary.snapshot_days.extend(summary.history.batches)
        say(
            f"history {summary.history.start} to {summary.history.end}: "
            f"{summary.history.contacts:,} calls and SMS, {summary.history.plans_approved} plans, "
            f"{summary.history.reports:,} visit reports, {summary.history.promises:,} promises, "
            f"{summary.history.visit_payments:,} payments after visits, "
            f"{summary.history.remedies_applied:,} remedies applied "
            f"({', '.join(f'{k} {v:.1f} s' for k, v in sorted(summary.history.seconds.items()))})"
        )
    else:
        for day in _batches_missing(month_ends):
            snapshot_run(day)
            summary.snapshot_days.append(day)
    result = snapshot_run(as_of)
    say(f"batch {as_of}: {result.rows_written:,} snapshot rows")
    summary.snapshot_days.append(as_of)
    summary.plan = demo_plan_today(as_of=as_of, seconds=plan_seconds)
    if summary.plan is not None:
        say(
            f"plan for {as_of}: {summary.plan.visits_planned} visits "
            f"(plan #{summary.plan.pk}, {summary.plan.status})"
        )
    summary.logins = demo_users_create(plan=summary.plan)
    return summary


def _batches_missing(days: list[dt.date]) -> list[dt.date]:
    from fieldvisit.apps.delinquency.models import SnapshotRun, SnapshotRunStatus

    done = set(
        SnapshotRun.objects.filter(as_of__in=days, status=SnapshotRunStatus.DONE).values_list(
            "as_of", flat=True
        )
    )
    return [day for day in days if day not in done]


def demo_plan_today(*, as_of: dt.date, seconds: float = TODAY_PLAN_SECONDS) -> Any:
    """The approved visit plan of the business date for the demo branch; built if none is.

    Tries the branches in code order and keeps the first plan that has visits, approved by that
    branch's manager (a plan the compliance check refuses is left as a draft for the manager's
    page and the next branch is tried). ``None`` when no branch has a visit to make.
    """
    from fieldvisit.apps.planning.models import PlanStatus, VisitPlan
    from fieldvisit.apps.planning.services import plan_approve, plan_build

    approved = (
        VisitPlan.objects.filter(date=as_of, status=PlanStatus.APPROVED, visits_planned__gt=0)
        .order_by("branch__code", "pk")
        .first()
    )
    if approved is not None:
        return approved
    for branch in Branch.objects.order_by("code"):
        manager = (
            User.objects.filter(role=Role.MANAGER, branch=branch, is_active=True)
            .order_by("pk")
            .first()
        )
        if manager is None:
            continue
        plan = plan_build(date=as_of, branch=branch, seconds=seconds, user=manager)
        if not plan.visits_planned:
            continue
        try:
            return plan_approve(plan=plan, user=manager)
        except ApplicationError:
            continue
    return None


def _generate_and_import(
    *,
    as_of: dt.date,
    loans: int,
    seed: int,
    book_dir: Path,
    payments_before: dt.date,
    say: Callable[[str], None],
) -> None:
    """Generate the book and import it like a core-system export, but for the payments dated
    from ``payments_before`` on: those arrive day by day in the replayed history."""
    from fieldvisit.apps.imports.models import ImportSource
    from fieldvisit.apps.imports.pipeline import Source
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
    sources = [s for s in import_sources_from_path(book_dir) if not _is_payments(s.path)]
    earlier = book_dir / DAILY_PAYMENTS_DIR / f"payments-before-{payments_before}.parquet"
    earlier.parent.mkdir(parents=True, exist_ok=True)
    _book_payments(book_dir).filter(pl.col("paid_on") < payments_before).write_parquet(earlier)
    sources.append(Source(path=earlier, name=earlier.name, kind="payments"))
    job = import_job_create(source=ImportSource.CLI)
    job = import_job_run(job=job, sources=sources)
    if job.error_count:
        raise ApplicationError(
            f"the demo book did not import: {job.error_count} row errors (see import job {job.pk})"
        )
    say(f"imported the demo book up to {payments_before} (import job {job.pk})")


#: Where the demo writes the core system's daily payment files (inside the book's folder).
DAILY_PAYMENTS_DIR = "daily-payments"


def _is_payments(path: Path) -> bool:
    return path.stem == "payments" or path.stem.startswith("payments-")


def _book_payments(book_dir: Path) -> pl.DataFrame:
    """The generator's payments (the book's ``payments*.parquet``: the demo writes Parquet)."""
    frames = [pl.read_parquet(path) for path in sorted(book_dir.glob("payments*.parquet"))]
    if not frames:
        raise ApplicationError(f"no payments file in the demo book {book_dir}")
    return pl.concat(frames, how="vertical_relaxed")
