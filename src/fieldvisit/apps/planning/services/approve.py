"""A plan's status moves: approval (re-checked, refused naming the rules) and replanning (a new
draft supersedes this one).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _t

from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.cases.models import CaseEvent, CaseEventKind, CaseStatus
from fieldvisit.apps.cases.services import case_may_move, case_transition
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.planning.checks import (
    finding_rules,
    plan_check,
)
from fieldvisit.apps.planning.models import (
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    PlanStop,
    VisitPlan,
)
from fieldvisit.apps.planning.services.build import _person, plan_build
from fieldvisit.apps.planning.transitions import is_allowed


def plan_replan(
    *, plan: VisitPlan, user: Any, seconds: float | None = None, ip: str | None = None
) -> VisitPlan:
    """Build a fresh draft for the same day and scope (with today's facts and the active
    strategy) and mark this draft superseded by it. Only a draft can be replanned."""
    if plan.status != PlanStatus.DRAFT:
        raise ApplicationError(_t("Only a draft plan can be replanned."), code="plan_not_draft")
    new = plan_build(
        date=plan.date,
        branch=plan.branch,
        seconds=seconds or plan.seconds_limit,
        user=user,
        ip=ip,
    )
    with transaction.atomic():
        locked = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        _set_status(locked, PlanStatus.SUPERSEDED, user, {"superseded_by": new.pk})
        locked.superseded_by = new
        locked.save(update_fields=["superseded_by", "updated_at"])
    return new


def _set_status(plan: VisitPlan, to_status: str, user: Any, data: dict[str, Any]) -> None:
    if not is_allowed(plan.status, to_status):
        raise ApplicationError(
            _t("A plan cannot go from %(from)s to %(to)s.")
            % {"from": PlanStatus(plan.status).label, "to": PlanStatus(to_status).label},
            code="transition_not_allowed",
        )
    from_status = plan.status
    plan.status = to_status
    plan.save(update_fields=["status", "updated_at"])
    PlanEvent.objects.create(
        plan=plan,
        at=now(),
        user=_person(user),
        kind=PlanEventKind.STATUS,
        from_status=from_status,
        to_status=to_status,
        data=data,
    )


class PlanCheckFailed(ApplicationError):
    """Approval refused: ``findings`` name the rules the plan breaks."""

    def __init__(self, findings: list[dict[str, Any]]) -> None:
        from django.utils.translation import get_language

        rules = finding_rules(findings)
        chinese = (get_language() or "").startswith("zh")
        first = findings[0]["detail_zh" if chinese else "detail_en"]
        super().__init__(
            _t("The plan breaks %(rules)s: %(first)s")
            % {"rules": ", ".join(rules), "first": first},
            code="plan_check_failed",
            extra={"rules": rules},
        )
        self.findings = findings


def plan_approve(*, plan: VisitPlan, user: Any, ip: str | None = None) -> VisitPlan:
    """Approve a draft: re-check it and, if it passes, publish it to the agents.

    Steps:
      1. only a solved draft, and no other approved plan for the same day covering the same
         branch (a whole-organisation plan covers every branch);
      2. :func:`plan_check`; any finding → :class:`PlanCheckFailed` naming the rules, with the
         refusal recorded on the plan's timeline;
      3. the plan becomes approved (who, when); each stop's case moves to "visit planned" with
         its case event (a case whose status cannot move there, such as a promise being
         tracked, gets a note event instead); audited.
    """
    if not user.has_perm("accounts.approve_plan"):
        raise ApplicationError(_t("You may not approve plans."), code="forbidden")
    with transaction.atomic():
        locked = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.DRAFT:
            raise ApplicationError(_t("Only a draft plan can be approved."), code="plan_not_draft")
        if locked.solved_at is None:
            raise ApplicationError(_t("The plan is still being built."), code="plan_building")
        overlap = VisitPlan.objects.filter(date=locked.date, status=PlanStatus.APPROVED)
        if locked.branch_id is not None:
            overlap = overlap.filter(Q(branch_id=locked.branch_id) | Q(branch__isnull=True))
        clash = overlap.exclude(pk=locked.pk).first()
        if clash is not None:
            raise ApplicationError(
                _t("Plan #%(id)s for this day is already approved.") % {"id": clash.pk},
                code="plan_already_approved",
            )
        findings = plan_check(locked)
        locked.findings = findings
        locked.save(update_fields=["findings", "updated_at"])
        if findings:
            PlanEvent.objects.create(
                plan=locked,
                at=now(),
                user=_person(user),
                kind=PlanEventKind.APPROVAL_REFUSED,
                data={"rules": finding_rules(findings)},
            )
    if findings:
        raise PlanCheckFailed(findings)
    with transaction.atomic():
        locked = VisitPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.DRAFT:
            raise ApplicationError(_t("Only a draft plan can be approved."), code="plan_not_draft")
        _set_status(locked, PlanStatus.APPROVED, user, {"visits": locked.visits_planned})
        locked.approved_by = _person(user)
        locked.approved_at = now()
        locked.save(update_fields=["approved_by", "approved_at", "updated_at"])
        reason = _t("Visit planned on %(date)s (plan #%(plan)s)") % {
            "date": locked.date.isoformat(),
            "plan": locked.pk,
        }
        stops = PlanStop.objects.filter(route__plan=locked).select_related("case", "route")
        for stop in stops.order_by("route__order", "order"):
            case = stop.case
            if case_may_move(case, CaseStatus.VISIT_PLANNED):
                case_transition(
                    case=case, to_status=CaseStatus.VISIT_PLANNED, user=user, reason=reason, ip=ip
                )
            else:
                CaseEvent.objects.create(
                    case=case,
                    at=now(),
                    user=_person(user),
                    kind=CaseEventKind.NOTE,
                    reason=reason,
                    data={"plan": locked.pk, "team": stop.route.team_id},
                )
        audit_record(
            user=user,
            action="plan.approve",
            object_type="visit_plan",
            object_id=locked.pk,
            fields={"status": [PlanStatus.DRAFT, PlanStatus.APPROVED]},
            ip=ip,
        )
    return locked
