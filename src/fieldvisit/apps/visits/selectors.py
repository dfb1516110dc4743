"""Reading visits: the one access choke point for visits, reports, promises and tasks.

``visits_for_user`` is the only way pages and the API fetch visits; a visit outside it is a 404
(never 403, which would confirm it exists). Scopes, by role:

- administrator: every visit;
- manager: the visits of their branch's teams (no branch: none, fail closed);
- team lead (``Team.lead``, whatever the role): their teams' visits;
- agent: their own team's visits;
- everyone else: none.
Reports, promises and tasks are seen through their visit or case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CollectionCase, ContactAttempt
from fieldvisit.apps.planning.models import PlanStatus
from fieldvisit.apps.visits.models import (
    CheckIn,
    FollowUpTask,
    HeldStatus,
    HeldSubmission,
    PromiseToPay,
    ReportPhoto,
    TaskState,
    Visit,
    VisitEventKind,
    VisitReport,
    VisitStatus,
)


def visit_scope(user: Any) -> Q | None:
    """The condition on ``Visit`` rows ``user`` may see; ``None`` means every row."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.role == Role.ADMIN:
        return None
    scope = Q(team__lead_id=user.pk)
    if user.role == Role.MANAGER and user.branch_id:
        scope |= Q(team__branch_id=user.branch_id)
    elif user.role == Role.AGENT and user.team_id:
        scope |= Q(team_id=user.team_id)
    return scope


def visits_for_user(user: Any) -> QuerySet[Visit]:
    scope = visit_scope(user)
    visits = Visit.objects.all()
    return visits if scope is None else visits.filter(scope)


def visit_get_for_user(user: Any, pk: object) -> Visit:
    """The visit ``pk`` if ``user`` may see it, with case, loan, borrower and team loaded;
    :class:`~django.http.Http404` otherwise (also for a malformed id)."""
    try:
        return (
            visits_for_user(user)
            .select_related("case__loan__borrower", "case__loan__product", "team", "check_in")
            .get(pk=int(str(pk)))
        )
    except (Visit.DoesNotExist, ValueError) as exc:
        raise Http404("No such visit") from exc


def visit_for_submission(user: Any, pk: object) -> tuple[Visit, bool]:
    """The visit ``user`` sends a check-in or report for, and whether it was reassigned away
    from their team since their phone saved it (then what they send is kept, not filed).
    Neither in their scope nor taken from their team: :class:`~django.http.Http404`."""
    try:
        return visit_get_for_user(user, pk), False
    except Http404:
        if not getattr(user, "team_id", None):
            raise
    taken = (
        Visit.objects.filter(
            pk=int(str(pk)),
            events__kind=VisitEventKind.REASSIGNED,
            events__data__from_team=user.team_id,
        )
        .select_related("case__loan__borrower", "team")
        .first()
    )
    if taken is None:
        raise Http404("No such visit")
    return taken, True


def may_reassign(user: Any, visit: Visit) -> bool:
    """Administrators, the manager of the visit's branch and its team's lead."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    team = visit.team
    if user.role == Role.MANAGER and user.branch_id and user.branch_id == team.branch_id:
        return True
    return bool(team.lead_id == user.pk)


def held_for_user(user: Any, *, open_only: bool = True) -> QuerySet[HeldSubmission]:
    """Submissions kept for the manager on visits in ``user``'s scope, newest first."""
    held = HeldSubmission.objects.filter(visit__in=visits_for_user(user).values("pk"))
    if open_only:
        held = held.filter(status=HeldStatus.OPEN)
    return held.select_related("visit__case__loan__borrower", "visit__team", "user").order_by(
        "-received_at", "-id"
    )


def visits_on(user: Any, day: dt.date) -> QuerySet[Visit]:
    """The visits of ``user``'s scope on ``day``, in route order, with what a route row shows.

    A visit of a plan that was replanned (superseded) and never started is left out: the new
    plan's stop has its own visit.
    """
    return (
        visits_for_user(user)
        .filter(date=day)
        .exclude(plan_stop__route__plan__status=PlanStatus.SUPERSEDED, status=VisitStatus.PLANNED)
        .select_related("case__loan__borrower", "team", "check_in")
        .order_by("team__code", "order", "id")
    )


def reports_for_user(user: Any) -> QuerySet[VisitReport]:
    scope = visit_scope(user)
    reports = VisitReport.objects.all()
    if scope is None:
        return reports
    return reports.filter(visit__in=visits_for_user(user).values("pk"))


def report_get_for_user(user: Any, pk: object) -> VisitReport:
    try:
        return (
            reports_for_user(user)
            .select_related("visit__case__loan__borrower", "visit__team", "submitted_by", "amends")
            .get(pk=int(str(pk)))
        )
    except (VisitReport.DoesNotExist, ValueError) as exc:
        raise Http404("No such report") from exc


def photo_get_for_user(user: Any, pk: object) -> ReportPhoto:
    """A photo of a report ``user`` may see, with what its watermark names; 404 otherwise."""
    try:
        return ReportPhoto.objects.select_related(
            "report__submitted_by", "report__visit__case__loan", "report__visit__check_in"
        ).get(report__in=reports_for_user(user).values("pk"), pk=int(str(pk)))
    except (ReportPhoto.DoesNotExist, ValueError) as exc:
        raise Http404("No such photo") from exc


def report_feed(user: Any, *, limit: int = 50) -> QuerySet[VisitReport]:
    """The newest reports (originals and amendments) in ``user``'s scope, newest first."""
    return (
        reports_for_user(user)
        .select_related("visit__case__loan__borrower", "visit__team", "submitted_by")
        .order_by("-submitted_at", "-id")[:limit]
    )


def may_review_check_ins(user: Any) -> bool:
    """Managers, administrators and team leads look at flagged check-ins; agents do not."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role in (Role.ADMIN, Role.MANAGER):
        return True
    return bool(user.led_teams.exists())


def check_ins_to_review(user: Any, *, since: dt.date, limit: int = 50) -> QuerySet[CheckIn]:
    """Check-ins in ``user``'s scope on visits since ``since`` that are not shown to be at the
    address or carry a flag (implausible movement, a phone clock not believed, sent late …),
    newest first."""
    return (
        CheckIn.objects.filter(visit__in=visits_for_user(user).values("pk"), visit__date__gte=since)
        .filter(Q(at_address=False) | ~Q(flags=[]))
        .select_related("visit__case__loan__borrower", "visit__team", "user")
        .order_by("-occurred_at", "-id")[:limit]
    )


def visit_current_report(visit: Visit) -> VisitReport | None:
    """The latest word on the visit: the newest amendment, else the original report."""
    return visit.reports.order_by("-submitted_at", "-id").first()


def case_history(case: CollectionCase, *, exclude_visit: int | None = None) -> dict[str, Any]:
    """What the brief shows of a case's past: contacts, earlier visits' reports, promises, tasks."""
    reports = (
        VisitReport.objects.filter(visit__case=case)
        .select_related("visit", "submitted_by")
        .order_by("-submitted_at", "-id")
    )
    if exclude_visit is not None:
        reports = reports.exclude(visit_id=exclude_visit)
    return {
        "contacts": list(
            ContactAttempt.objects.filter(case=case)
            .select_related("user")
            .order_by("-attempted_at", "-id")[:10]
        ),
        "reports": list(reports[:10]),
        "promises": list(PromiseToPay.objects.filter(case=case).order_by("-due_on", "-id")[:10]),
        "tasks": list(
            FollowUpTask.objects.filter(case=case, state=TaskState.OPEN).order_by("due_on", "id")
        ),
    }
