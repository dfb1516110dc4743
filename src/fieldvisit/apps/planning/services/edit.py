"""Editing a draft plan: move a visit to another team, take a visit off.

Every edit re-times the routes it touches with the routing engine's ``schedule_route`` (no
re-solve) and re-checks the whole plan at once; an edit that breaks a rule is kept, and the plan
shows the findings until they are fixed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _t

from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.planning.checks import (
    finding_rules,
    plan_check,
    route_spec,
    stop_spec,
)
from fieldvisit.apps.planning.models import (
    LeftOutReason,
    PlanCandidateLeftOut,
    PlanEvent,
    PlanEventKind,
    PlanRoute,
    PlanStatus,
    PlanStop,
    VisitPlan,
)
from fieldvisit.apps.planning.problem import (
    at,
    build_problem,
    relaxed_route,
)
from fieldvisit.apps.planning.services.build import _person, refresh_totals, store_timing
from fieldvisit.engines.routing import (
    Route,
    RoutingProblem,
    schedule_route,
)


def _editable(plan: VisitPlan) -> VisitPlan:
    locked = VisitPlan.objects.select_for_update().select_related("strategy").get(pk=plan.pk)
    if locked.status != PlanStatus.DRAFT:
        raise ApplicationError(_t("Only a draft plan can be changed."), code="plan_not_draft")
    if locked.solved_at is None:
        raise ApplicationError(_t("The plan is still being built."), code="plan_building")
    return locked


def _retime(problem: RoutingProblem, row: PlanRoute, case_ids: list[int]) -> Route | None:
    """Time the route's stops in this order with ``schedule_route``; an order no timing makes
    feasible is timed by :func:`relaxed_route` so the check can name what it breaks."""
    if not case_ids:
        return None
    team = problem.team_by_id[str(row.team_id)]
    visits = [problem.visit_by_id[str(c)] for c in case_ids]
    return schedule_route(problem, team, visits) or relaxed_route(problem, team, visits)


def _apply(row: PlanRoute, route: Route | None, stops: dict[int, PlanStop], day: dt.date) -> None:
    store_timing(row, route, day)
    if route is None:
        return
    for position, timed in enumerate(route.stops):
        stop = stops[int(timed.visit_id)]
        stop.route = row
        stop.order = position
        stop.arrival = at(day, timed.arrival)
        stop.start = at(day, timed.start)
        stop.end = at(day, timed.end)
        stop.window_start = at(day, timed.window.start)
        stop.window_end = at(day, timed.window.end)
        stop.travel_seconds = timed.travel_seconds
        stop.travel_metres = timed.travel_metres
        stop.save()


def _recheck(plan: VisitPlan) -> None:
    refresh_totals(plan)
    plan.findings = plan_check(plan)
    plan.save()


@transaction.atomic
def plan_move_stop(
    *, stop: PlanStop, to_route: PlanRoute, user: Any, ip: str | None = None
) -> VisitPlan:
    """Move a visit to another team's route of the same draft plan, at the position where the
    team returns earliest (a feasible one if there is one), re-time both routes and re-check the
    plan at once. A move that breaks a rule is kept: the plan shows the findings and cannot be
    approved until they are fixed."""
    plan = _editable(stop.route.plan)
    stop = PlanStop.objects.select_related("route").get(pk=stop.pk, route__plan=plan)
    to_route = PlanRoute.objects.get(pk=to_route.pk, plan=plan)
    source = stop.route
    if source.pk == to_route.pk:
        raise ApplicationError(_t("The visit is already on that team's route."), code="same_route")
    source_stops = list(source.stops.order_by("order"))
    target_stops = list(to_route.stops.order_by("order"))
    everything = {s.pk: s for s in [*source_stops, *target_stops]}
    problem = build_problem(
        [route_spec(source), route_spec(to_route)],
        [stop_spec(s) for s in everything.values()],
    )
    staying = [s.case_id for s in source_stops if s.pk != stop.pk]
    target_ids = [s.case_id for s in target_stops]
    best = _best_insertion(problem, to_route, target_ids, stop.case_id)
    by_case = {s.case_id: s for s in everything.values()}
    _apply(source, _retime(problem, source, staying), by_case, plan.date)
    _apply(to_route, best, by_case, plan.date)
    _recheck(plan)
    PlanEvent.objects.create(
        plan=plan,
        at=now(),
        user=_person(user),
        kind=PlanEventKind.STOP_MOVED,
        data={
            "case": stop.case_id,
            "from_team": source.team_id,
            "to_team": to_route.team_id,
            "findings": finding_rules(plan.findings),
        },
    )
    audit_record(
        user=user,
        action="plan.stop_move",
        object_type="visit_plan",
        object_id=plan.pk,
        fields={"case": stop.case_id, "team": [source.team_id, to_route.team_id]},
        ip=ip,
    )
    return plan


def _best_insertion(
    problem: RoutingProblem, row: PlanRoute, case_ids: list[int], new: int
) -> Route:
    team = problem.team_by_id[str(row.team_id)]
    visits = problem.visit_by_id
    best: Route | None = None
    for position in range(len(case_ids) + 1):
        order = [*case_ids[:position], new, *case_ids[position:]]
        route = schedule_route(problem, team, [visits[str(c)] for c in order])
        if route is not None and (
            best is None
            or (route.return_time, route.distance_metres) < (best.return_time, best.distance_metres)
        ):
            best = route
    if best is not None:
        return best
    # No feasible position: the shortest one, timed as it would run (the check names the breach).
    candidates = [
        relaxed_route(problem, team, [visits[str(c)] for c in [*case_ids[:p], new, *case_ids[p:]]])
        for p in range(len(case_ids) + 1)
    ]
    return min(candidates, key=lambda r: (r.distance_metres, r.return_time))


@transaction.atomic
def plan_remove_stop(
    *, stop: PlanStop, user: Any, reason: str = "", ip: str | None = None
) -> VisitPlan:
    """Take a visit off a draft plan: it joins the candidates left out ("removed by the
    manager"), its route is re-timed and the plan re-checked at once."""
    plan = _editable(stop.route.plan)
    stop = PlanStop.objects.select_related("route").get(pk=stop.pk, route__plan=plan)
    route = stop.route
    remaining = [s for s in route.stops.order_by("order") if s.pk != stop.pk]
    PlanCandidateLeftOut.objects.create(
        plan=plan,
        branch_id=route.branch_id,
        case_id=stop.case_id,
        reason=LeftOutReason.REMOVED,
        rule_id=stop.rule_id,
        purpose=stop.purpose,
        priority=stop.priority,
        detail_zh=reason,
        detail_en=reason,
    )
    case_id = stop.case_id
    stop.delete()
    if remaining:
        problem = build_problem([route_spec(route)], [stop_spec(s) for s in remaining])
        timed = _retime(problem, route, [s.case_id for s in remaining])
        _apply(route, timed, {s.case_id: s for s in remaining}, plan.date)
    else:
        store_timing(route, None, plan.date)
    _recheck(plan)
    PlanEvent.objects.create(
        plan=plan,
        at=now(),
        user=_person(user),
        kind=PlanEventKind.STOP_REMOVED,
        data={"case": case_id, "team": route.team_id, "reason": reason},
    )
    audit_record(
        user=user,
        action="plan.stop_remove",
        object_type="visit_plan",
        object_id=plan.pk,
        fields={"case": case_id, "team": route.team_id},
        reason=reason,
        ip=ip,
    )
    return plan
