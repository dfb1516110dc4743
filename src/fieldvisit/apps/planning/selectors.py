"""Reading plans: the one access choke point for plans, and what the agents' pages read.

Scopes: an administrator sees every plan; a manager the plans of their branch (without a branch,
none: fail closed); nobody else sees plans here (agents read their approved stops through
:func:`approved_stops_for_agent`). A plan outside the scope is a 404, never a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.planning.models import PlanStatus, PlanStop, VisitPlan


def plan_scope(user: Any) -> Q | None:
    """The condition on ``VisitPlan`` rows ``user`` may see; ``None`` means every row."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.role == Role.ADMIN:
        return None
    if user.role == Role.MANAGER and user.branch_id:
        return Q(branch_id=user.branch_id)
    return Q(pk__in=[])


def may_plan(user: Any) -> bool:
    """Administrators and managers with a branch build and edit plans."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return bool(user.role == Role.MANAGER and user.branch_id)


def plans_for_user(user: Any) -> QuerySet[VisitPlan]:
    scope = plan_scope(user)
    plans = VisitPlan.objects.select_related("branch", "strategy", "approved_by")
    return plans if scope is None else plans.filter(scope)


def plan_get_for_user(user: Any, pk: object) -> VisitPlan:
    """The plan ``pk`` if ``user`` may see it; :class:`~django.http.Http404` otherwise."""
    try:
        return plans_for_user(user).get(pk=int(str(pk)))
    except (VisitPlan.DoesNotExist, ValueError) as exc:
        raise Http404("No such plan") from exc


def stop_get_for_user(user: Any, pk: object) -> PlanStop:
    """A stop of a plan ``user`` may see; 404 otherwise."""
    scope = plan_scope(user)
    stops = PlanStop.objects.select_related("route__plan", "case")
    if scope is not None:
        stops = stops.filter(route__plan__in=VisitPlan.objects.filter(scope))
    try:
        return stops.get(pk=int(str(pk)))
    except (PlanStop.DoesNotExist, ValueError) as exc:
        raise Http404("No such visit") from exc


def approved_stops_for_agent(user: Any, date: dt.date) -> QuerySet[PlanStop]:
    """The visits ``user`` makes on ``date``: the stops of approved plans whose route has them
    as a member, in visiting order, with case, loan, borrower and team."""
    return (
        PlanStop.objects.filter(
            route__plan__date=date,
            route__plan__status=PlanStatus.APPROVED,
            route__members=user,
        )
        .select_related("case__loan__borrower", "route__team")
        .order_by("route__order", "order")
    )
