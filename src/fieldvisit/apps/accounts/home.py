"""What each role's home page summarises, read through each app's access helper.

One function per role returns the template context; each figure is one query (counts and
aggregates in the database, short lists limited), so a home page costs the same on a large book
as on the demo (``tests/apps/accounts/test_home.py`` guards the query count of each).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from fieldvisit.apps.cases.selectors import cases_for_user
from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun, SnapshotRunStatus
from fieldvisit.apps.followup.selectors import task_list
from fieldvisit.apps.imports.selectors import import_jobs_for
from fieldvisit.apps.legal.models import LegalStatus
from fieldvisit.apps.legal.selectors import escalations_to_decide, legal_cases_for_user
from fieldvisit.apps.planning.models import PlanStatus
from fieldvisit.apps.planning.selectors import plans_for_user
from fieldvisit.apps.remedies.selectors import proposals_awaiting
from fieldvisit.apps.visits.models import VisitStatus
from fieldvisit.apps.visits.selectors import report_feed, visits_on

#: Rows a home list shows; the page it links to has the rest.
LIST_LIMIT = 5
#: Visit statuses after which a stop is done for the day.
DONE_VISITS = frozenset({VisitStatus.CHECKED_OUT, VisitStatus.REPORTED, VisitStatus.AMENDED})


def agent_home(user: Any, today: dt.date) -> dict[str, Any]:
    """Today's route (stops, done, the next one) and the agent's own open tasks, overdue first
    (two queries; the certificates come from the training panel)."""
    stops = list(visits_on(user, today))
    done = sum(1 for visit in stops if visit.status in DONE_VISITS)
    tasks = task_list(user, today, mine_only=True, limit=100)
    return {
        "route": {
            "stops": len(stops),
            "done": done,
            "next": next((v for v in stops if v.status not in DONE_VISITS), None),
        },
        "tasks": tasks,
        "tasks_shown": [*tasks.overdue, *tasks.due_today, *tasks.upcoming][:LIST_LIMIT],
    }


@dataclass(frozen=True)
class BucketLine:
    bucket: str
    loans: int
    total_due: Decimal
    overdue_principal: Decimal


def _bucket_key(line: BucketLine) -> tuple[int, str]:
    digits = re.search(r"\d+", line.bucket)
    return (int(digits.group()) if digits else 0, line.bucket)


def delinquent_book(branch_id: int | None) -> tuple[dt.date | None, list[BucketLine]]:
    """The branch's delinquent loans by bucket on the latest day the nightly batch stored
    (two queries). Exact without reading history: the snapshot writes every delinquent loan
    every day, so that day's rows with DPD > 0 are the whole delinquent book."""
    day = (
        SnapshotRun.objects.filter(status=SnapshotRunStatus.DONE)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if day is None or branch_id is None:
        return day, []
    rows = (
        DelinquencySnapshot.objects.filter(as_of=day, dpd__gt=0, loan__branch_id=branch_id)
        .order_by()
        .values("bucket")
        .annotate(loans=Count("id"), total_due=Sum("total_due"), principal=Sum("overdue_principal"))
    )
    lines = [BucketLine(r["bucket"], r["loans"], r["total_due"], r["principal"]) for r in rows]
    return day, sorted(lines, key=_bucket_key)


def manager_home(user: Any, today: dt.date) -> dict[str, Any]:
    """The branch's delinquent book by bucket, open cases, today's and tomorrow's plans, remedies
    waiting for this checker, escalations to legal waiting for a decision, the newest visit
    reports (nine queries)."""
    day, book = delinquent_book(user.branch_id)
    tomorrow = today + dt.timedelta(days=1)
    plans = list(
        plans_for_user(user)
        .filter(date__in=[today, tomorrow])
        .exclude(status=PlanStatus.SUPERSEDED)
        .select_related("branch")
        .order_by("date", "-id")
    )
    cases = (
        cases_for_user(user)
        .filter(closed_on__isnull=True)
        .aggregate(open=Count("id"), unassigned=Count("id", filter=Q(agent__isnull=True)))
    )
    return {
        "book_day": day,
        "book": book,
        "book_total": {
            "loans": sum(line.loans for line in book),
            "total_due": sum((line.total_due for line in book), Decimal("0.00")),
        },
        "cases": cases,
        "plans": {
            "today": [p for p in plans if p.date == today],
            "tomorrow": [p for p in plans if p.date == tomorrow],
            "tomorrow_date": tomorrow,
        },
        "awaiting": proposals_awaiting(user).count(),
        "escalations": {
            "count": escalations_to_decide(user).count(),
            "oldest": list(escalations_to_decide(user)[:LIST_LIMIT]),
        },
        "reports": list(report_feed(user, limit=LIST_LIMIT)),
    }


#: The order a legal case moves through (declined is where a recommendation stops).
LEGAL_STAGES = (
    LegalStatus.RECOMMENDED,
    LegalStatus.APPROVED,
    LegalStatus.NOTICE_SENT,
    LegalStatus.FILED,
    LegalStatus.JUDGMENT,
    LegalStatus.ENFORCEMENT,
    LegalStatus.CLOSED,
    LegalStatus.DECLINED,
)


def legal_home(user: Any, today: dt.date) -> dict[str, Any]:
    """The legal cases this user sees, counted by stage (one query)."""
    counts = dict(
        legal_cases_for_user(user)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "stages": [
            {"status": stage.value, "label": stage.label, "count": counts.get(stage.value, 0)}
            for stage in LEGAL_STAGES
        ],
        "legal_total": sum(counts.values()),
    }


def admin_home(user: Any, today: dt.date) -> dict[str, Any]:
    """The latest imports and the latest nightly batch (two queries)."""
    return {
        "imports": list(import_jobs_for(user).order_by("-created_at", "-id")[:LIST_LIMIT]),
        "last_run": SnapshotRun.objects.order_by("-as_of").first(),
    }
