"""What the other apps hold about one case, for the case page: visits with their latest report,
promises to pay, remedy proposals, follow-up tasks and legal cases.

Each list is one query, whatever its length (the case page's query-count guard holds it), and
each goes through its app's access helper, so the page shows no more than the user may open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery

from fieldvisit.apps.cases.models import CollectionCase
from fieldvisit.apps.followup.selectors import promises_for_user, tasks_for_user
from fieldvisit.apps.legal.models import LegalCase, LegalStatus
from fieldvisit.apps.legal.selectors import legal_cases_for_user
from fieldvisit.apps.remedies.models import RemedyProposal
from fieldvisit.apps.remedies.selectors import proposals_for_user
from fieldvisit.apps.remedies.services import may_make
from fieldvisit.apps.visits.models import (
    FollowUpTask,
    Outcome,
    PromiseStatus,
    PromiseToPay,
    TaskState,
    Visit,
    VisitReport,
)
from fieldvisit.apps.visits.selectors import visits_for_user

#: Rows each section shows at most (newest first); the case's full history is in its timeline.
SECTION_LIMIT = 20


@dataclass(frozen=True)
class CaseRelated:
    """The case page's sections. ``visits`` carry ``report_id`` and ``report_outcome_label``
    (their latest report, amendments included; ``None`` / "" when not reported yet)."""

    visits: list[Visit]
    promises: list[PromiseToPay]
    proposals: list[RemedyProposal]
    tasks: list[FollowUpTask]
    legal: list[LegalCase]

    @property
    def open_promise(self) -> bool:
        return any(p.status == PromiseStatus.OPEN for p in self.promises)

    @property
    def live_legal(self) -> LegalCase | None:
        """The legal case in progress (anything but declined), if any."""
        return next((lc for lc in self.legal if lc.status != LegalStatus.DECLINED), None)


def case_related(user: Any, case: CollectionCase) -> CaseRelated:
    """The sections for ``case`` as ``user`` may see them (five queries)."""
    latest = VisitReport.objects.filter(visit=OuterRef("pk")).order_by("-submitted_at", "-id")
    visits = (
        visits_for_user(user)
        .filter(case=case)
        .select_related("team")
        .annotate(
            report_id=Subquery(latest.values("pk")[:1]),
            report_outcome=Subquery(latest.values("outcome")[:1]),
        )
        .order_by("-date", "-id")[:SECTION_LIMIT]
    )
    rows: list[Visit] = []
    for visit in visits:
        outcome = visit.report_outcome
        visit.report_outcome_label = Outcome(outcome).label if outcome else ""  # type: ignore[attr-defined]
        rows.append(visit)
    return CaseRelated(
        visits=rows,
        promises=list(promises_for_user(user).filter(case=case).order_by("-due_on", "-id")),
        proposals=list(
            proposals_for_user(user)
            .filter(case=case)
            .select_related("maker", "checker")
            .order_by("-created_at", "-id")[:SECTION_LIMIT]
        ),
        tasks=_open_first(
            tasks_for_user(user)
            .filter(case=case)
            .select_related("assignee")
            .order_by("due_on", "id")
        ),
        legal=list(legal_cases_for_user(user).filter(case=case).order_by("-created_at", "-id")),
    )


def _open_first(tasks: Any) -> list[FollowUpTask]:
    """Open tasks first, the most overdue at the top; then the closed ones, newest first."""
    rows = list(tasks)
    open_ = [t for t in rows if t.state == TaskState.OPEN]
    closed = sorted((t for t in rows if t.state != TaskState.OPEN), key=lambda t: t.due_on)
    return open_ + closed[::-1][: max(SECTION_LIMIT - len(open_), 0)]


def may_open_remedy(user: Any, case: CollectionCase) -> bool:
    return case.is_open and may_make(user)
