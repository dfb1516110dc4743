"""Writes on visit plans: build, edit (move, remove), replan, approve.

Start at :func:`plan_build`. A plan is built per branch (each branch a Celery task: parallel on
workers, inline in the embedded default), then finished (totals and the full check). Every edit
re-times the routes it touches with the routing engine's ``schedule_route`` (no re-solve) and
re-checks the whole plan at once; approval re-checks again and is refused naming the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _t

from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.cases.models import CaseEvent, CaseEventKind, CaseStatus, CollectionCase
from fieldvisit.apps.cases.services import case_may_move, case_transition, compliance_policy
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.organisation.models import Branch, Team
from fieldvisit.apps.planning.checks import (
    finding_rules,
    plan_check,
    route_spec,
    stop_spec,
)
from fieldvisit.apps.planning.facts import case_facts, prior_visits, team_specs
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
    TeamSpec,
    VisitSpec,
    at,
    build_problem,
    relaxed_route,
)
from fieldvisit.apps.planning.strategy import strategy_active, strategy_of
from fieldvisit.apps.planning.transitions import is_allowed
from fieldvisit.engines.routing import (
    DropReason,
    Route,
    RoutingProblem,
    SolveParams,
    schedule_route,
    solve,
)
from fieldvisit.engines.scoring import (
    NOT_ELIGIBLE,
    Candidate,
    CaseFacts,
    PastOutcome,
    VisitStrategy,
    WindowSource,
    evaluate_all,
    past_outcome,
)

DEFAULT_SECONDS = 10.0
DROP_REASONS = {
    DropReason.CAPACITY: LeftOutReason.NO_CAPACITY,
    DropReason.WINDOW: LeftOutReason.WINDOW,
    DropReason.NO_QUALIFIED_TEAM: LeftOutReason.NO_CERTIFIED_TEAM,
}


# ---------------------------------------------------------------------------------------------
# Building


def plan_build(
    *,
    date: dt.date,
    branch: Branch | None = None,
    seconds: float = DEFAULT_SECONDS,
    user: Any = None,
    ip: str | None = None,
) -> VisitPlan:
    """Build a draft plan for ``date`` (the visit day) for ``branch``, or every branch.

    Steps:
      1. record the plan with the active strategy version;
      2. per branch, :func:`plan_build_branch` (a Celery task each): facts → scoring → routing
         model → PyVRP within ``seconds`` → stored routes, stops and candidates left out;
      3. :func:`plan_finish`: totals and :func:`plan_check` over the whole plan.
    Inline (the embedded default) the branches run one after another and share ``seconds``;
    with a broker they run in parallel on the workers, ``seconds`` each.
    """
    if seconds <= 0:
        raise ApplicationError(_t("The time limit must be positive."), code="invalid_seconds")
    version = strategy_active()
    with transaction.atomic():
        plan = VisitPlan.objects.create(
            date=date,
            branch=branch,
            strategy=version,
            seconds_limit=seconds,
            created_by=_person(user),
        )
        PlanEvent.objects.create(
            plan=plan,
            at=now(),
            user=_person(user),
            kind=PlanEventKind.BUILT,
            to_status=PlanStatus.DRAFT,
            data={"strategy_version": version.version, "seconds": seconds},
        )
        if user is not None:
            audit_record(
                user=user,
                action="plan.build",
                object_type="visit_plan",
                object_id=plan.pk,
                fields={"date": str(date), "branch": branch.code if branch else "*"},
                ip=ip,
            )
    branch_ids = [branch.pk] if branch else _branches_to_plan(date)
    from fieldvisit.apps.planning import tasks

    tasks.dispatch(plan.pk, branch_ids, seconds)
    plan.refresh_from_db()
    return plan


def _branches_to_plan(date: dt.date) -> list[int]:
    with_teams = Team.objects.filter(active=True).values_list("branch_id", flat=True)
    with_cases = CollectionCase.objects.filter(closed_on__isnull=True).values_list(
        "branch_id", flat=True
    )
    return sorted(set(with_teams) | set(with_cases))


@transaction.atomic
def plan_build_branch(*, plan_id: int, branch_id: int, seconds: float) -> dict[str, Any]:
    """Solve one branch's part of a plan and store it; idempotent (a retry replaces the part).

    Steps:
      1. the branch's open cases → ``CaseFacts`` (snapshot, contacts, last visit);
      2. ``evaluate_all`` with the plan's strategy: candidates and exclusions; a case with a
         visit on an approved plan in the next days is excluded by FV-VISIT-7D too (the scoring
         engine looks back only);
      3. the branch's teams → vehicles (skills = certifications every member holds on the day);
      4. ``solve`` (PyVRP) within ``seconds``; 5. routes, stops and the left-out rows stored.
    Returns counts (JSON-ready, for the task result).
    """
    plan = VisitPlan.objects.select_related("strategy").get(pk=plan_id)
    PlanRoute.objects.filter(plan=plan, branch_id=branch_id).delete()
    PlanCandidateLeftOut.objects.filter(plan=plan, branch_id=branch_id).delete()
    strategy = strategy_of(plan.strategy)
    day = plan.date
    cases = list(
        CollectionCase.objects.filter(branch_id=branch_id, closed_on__isnull=True)
        .select_related("loan__borrower")
        .order_by("pk")
    )
    facts = case_facts(cases, day)
    screening = evaluate_all(facts, strategy, day)
    policy = compliance_policy()
    ahead = _visits_ahead(cases, day, policy.visit_interval_days)
    candidates = [c for c in screening.candidates if int(c.case_id) not in ahead]
    left_out: list[PlanCandidateLeftOut] = []
    for candidate in screening.candidates:
        visit_day = ahead.get(int(candidate.case_id))
        if visit_day is not None:
            left_out.append(
                PlanCandidateLeftOut(
                    plan=plan,
                    branch_id=branch_id,
                    case_id=int(candidate.case_id),
                    reason=LeftOutReason.EXCLUDED,
                    rule_id="FV-VISIT-7D",
                    purpose=candidate.purpose.value,
                    priority=candidate.priority.expected_benefit,
                    detail_zh=f"已有批准的外访安排在 {visit_day}。",
                    detail_en=f"A visit is already planned on {visit_day} (approved plan).",
                )
            )
    not_eligible = 0
    for exclusion in screening.exclusions:
        if exclusion.rule_id == NOT_ELIGIBLE:
            not_eligible += 1
            continue
        left_out.append(
            PlanCandidateLeftOut(
                plan=plan,
                branch_id=branch_id,
                case_id=int(exclusion.case_id),
                reason=LeftOutReason.EXCLUDED,
                rule_id=exclusion.rule_id,
                detail_zh=exclusion.reason_zh,
                detail_en=exclusion.reason_en,
            )
        )
    specs = team_specs(
        [branch_id],
        day,
        strategy,
        plan.strategy.certification_courses,
        min_visitors=policy.min_visitors,
    )
    vehicles = [s for s in specs if s.available]
    visits = [_visit_spec(c) for c in candidates]
    routes: dict[str, Route] = {}
    dropped: dict[str, DropReason] = {}
    solve_seconds = 0.0
    if visits and vehicles:
        problem = build_problem(vehicles, visits)
        solution = solve(problem, SolveParams(seconds=seconds, seed=plan.pk))
        solve_seconds = solution.seconds
        routes = {r.team_id: r for r in solution.routes}
        dropped = {d.visit_id: d.reason for d in solution.dropped}
    else:
        dropped = {str(v.case_id): DropReason.NO_QUALIFIED_TEAM for v in visits}
    by_id = {c.case_id: c for c in candidates}
    facts_by_id = {f.case_id: f for f in facts}
    order_base = PlanRoute.objects.filter(plan=plan).count()
    for index, spec in enumerate(specs):
        route_row = _route_row(plan, spec, order_base + index)
        route = routes.get(str(spec.team_id))
        if route is not None:
            _store_timing(route_row, route, day)
            PlanStop.objects.bulk_create(
                _stop_row(route_row, position, stop, by_id[stop.visit_id], facts_by_id, strategy)
                for position, stop in enumerate(route.stops)
            )
    for case_id, reason in dropped.items():
        candidate = by_id[case_id]
        detail_zh, detail_en = _drop_detail(reason)
        left_out.append(
            PlanCandidateLeftOut(
                plan=plan,
                branch_id=branch_id,
                case_id=int(case_id),
                reason=DROP_REASONS[reason],
                rule_id=candidate.rule_id,
                purpose=candidate.purpose.value,
                priority=candidate.priority.expected_benefit,
                detail_zh=detail_zh,
                detail_en=detail_en,
            )
        )
    PlanCandidateLeftOut.objects.bulk_create(left_out)
    VisitPlan.objects.filter(pk=plan.pk).update(
        cases_screened=F("cases_screened") + len(cases),
        not_eligible=F("not_eligible") + not_eligible,
        # Parts run in parallel: the plan took as long as its slowest part.
        solve_seconds=Greatest("solve_seconds", Value(solve_seconds, output_field=FloatField())),
    )
    return {
        "plan": plan.pk,
        "branch": branch_id,
        "cases": len(cases),
        "candidates": len(candidates),
        "visits": sum(len(r.stops) for r in routes.values()),
        "seconds": solve_seconds,
    }


def _visits_ahead(
    cases: Sequence[CollectionCase], day: dt.date, interval: int
) -> dict[int, dt.date]:
    """Cases whose borrower has a visit on an approved plan after ``day`` within ``interval``."""
    from fieldvisit.apps.planning.problem import zone

    visits = prior_visits([c.loan.borrower_id for c in cases], day, interval)
    out: dict[int, dt.date] = {}
    for case in cases:
        later = [
            m.astimezone(zone()).date()
            for m in visits.get(case.loan.borrower_id, [])
            if m.astimezone(zone()).date() > day
        ]
        if later:
            out[case.pk] = min(later)
    return out


def _person(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _visit_spec(candidate: Candidate) -> VisitSpec:
    return VisitSpec(
        case_id=int(candidate.case_id),
        point=candidate.location,
        service_seconds=candidate.service_seconds,
        windows=tuple((w.start, w.end) for w in candidate.windows),
        skills=candidate.required_certifications,
        prize=candidate.prize,
    )


def _route_row(plan: VisitPlan, spec: TeamSpec, order: int) -> PlanRoute:
    lunch = spec.lunch or (None, None, None)
    row = PlanRoute.objects.create(
        plan=plan,
        team_id=spec.team_id,
        branch_id=spec.branch_id,
        order=order,
        skills=sorted(spec.skills),
        member_skills={k: list(v) for k, v in spec.member_skills.items()},
        shift_start=spec.shift[0],
        shift_end=spec.shift[1],
        start_latitude=spec.start.lat,
        start_longitude=spec.start.lon,
        end_latitude=spec.end.lat,
        end_longitude=spec.end.lon,
        depot_label=spec.depot_label,
        travel_mode=spec.travel_mode,
        speed_kmh=spec.speed_kmh,
        max_visits=spec.max_visits,
        lunch_from=lunch[0],
        lunch_until=lunch[1],
        lunch_seconds=lunch[2],
        available=spec.available,
        notes_zh=spec.notes_zh,
        notes_en=spec.notes_en,
    )
    row.members.set(spec.members)
    return row


def _store_timing(row: PlanRoute, route: Route | None, day: dt.date) -> None:
    if route is None or not route.stops:
        row.departure = row.return_at = row.lunch_start = row.lunch_end = None
        row.lunch_after_stops = None
        row.distance_metres = 0
    else:
        row.departure = at(day, route.departure)
        row.return_at = at(day, route.return_time)
        row.distance_metres = route.distance_metres
        if route.lunch is not None:
            row.lunch_start = at(day, route.lunch.start)
            row.lunch_end = at(day, route.lunch.end)
            row.lunch_after_stops = route.lunch.after_stops
        else:
            row.lunch_start = row.lunch_end = None
            row.lunch_after_stops = None
    row.save(
        update_fields=[
            "departure",
            "return_at",
            "distance_metres",
            "lunch_start",
            "lunch_end",
            "lunch_after_stops",
        ]
    )


def _stop_row(
    route: PlanRoute,
    position: int,
    stop: Any,
    candidate: Candidate,
    facts: dict[str, CaseFacts],
    strategy: VisitStrategy,
) -> PlanStop:
    day = route.plan.date
    brief_zh, brief_en = stop_brief(candidate, facts[candidate.case_id], strategy)
    return PlanStop(
        route=route,
        case_id=int(candidate.case_id),
        order=position,
        arrival=at(day, stop.arrival),
        start=at(day, stop.start),
        end=at(day, stop.end),
        window_start=at(day, stop.window.start),
        window_end=at(day, stop.window.end),
        windows=[[w.start, w.end] for w in candidate.windows],
        service_seconds=candidate.service_seconds,
        skills=sorted(candidate.required_certifications),
        latitude=candidate.location.lat,
        longitude=candidate.location.lon,
        district=candidate.district,
        travel_seconds=stop.travel_seconds,
        travel_metres=stop.travel_metres,
        purpose=candidate.purpose.value,
        rule_id=candidate.rule_id,
        priority=candidate.priority.expected_benefit,
        prize=candidate.prize,
        borrower_asked=facts[candidate.case_id].borrower_asked_visit,
        explanation_zh=candidate.explanation_zh,
        explanation_en=candidate.explanation_en,
        brief_zh=brief_zh,
        brief_en=brief_en,
    )


_OUTCOME_TEXT = {
    PastOutcome.NOT_TRIED: ("尚未远程联系", "not yet contacted remotely"),
    PastOutcome.NEVER_REACHED: ("电话和短信均未联系上", "never reached by call or SMS"),
    PastOutcome.REACHED: ("最近一次联系已接通", "reached at the last contact"),
    PastOutcome.REFUSED: ("最近一次联系时拒绝沟通", "refused to talk at the last contact"),
    PastOutcome.PROMISED: ("曾承诺还款", "has made a promise to pay"),
}


def stop_brief(candidate: Candidate, facts: CaseFacts, strategy: VisitStrategy) -> tuple[str, str]:
    """The one-paragraph pre-visit brief, in Chinese and English: purpose, the case in figures,
    the past contact, why this visit, the borrower's preferred time, care flags."""
    spec = strategy.purposes[candidate.purpose]
    outcome_zh, outcome_en = _OUTCOME_TEXT[past_outcome(facts)]
    window = candidate.windows[0]
    span = f"{window.start // 3600:02d}:{window.start % 3600 // 60:02d}–" + (
        f"{window.end // 3600:02d}:{window.end % 3600 // 60:02d}"
    )
    zh = [
        f"目的：{spec.label_zh}（{spec.service_minutes} 分钟）。",
        f"{facts.bucket}，逾期 {facts.dpd} 天，应还 {facts.total_due:,.2f} 元；{outcome_zh}。",
        candidate.explanation_zh,
    ]
    en = [
        f"Purpose: {spec.label_en.lower()} ({spec.service_minutes} min).",
        f"{facts.bucket}, {facts.dpd} days past due, {facts.total_due:,.2f} yuan due; "
        f"{outcome_en}.",
        candidate.explanation_en,
    ]
    if candidate.window_source in (WindowSource.PREFERRED, WindowSource.CLIPPED):
        zh.append(f"借款人希望的拜访时间：{span}。")
        en.append(f"The borrower prefers visits {span}.")
    elif candidate.window_source is WindowSource.PREFERENCE_UNUSABLE:
        zh.append("借款人希望的时间不在合规时段内，已安排在合规时段。")
        en.append("The borrower's preferred time is outside lawful hours; planned within them.")
    if candidate.also_matched:
        zh.append(f"同时符合：{', '.join(candidate.also_matched)}。")
        en.append(f"Also matches {', '.join(candidate.also_matched)}.")
    return " ".join(zh), " ".join(en)


def _drop_detail(reason: DropReason) -> tuple[str, str]:
    return {
        DropReason.CAPACITY: (
            "各组的时间和外访上限已用于更有价值的外访。",
            "The teams' time and visit limits went to more valuable visits.",
        ),
        DropReason.WINDOW: (
            "没有合格的外访组能在时间窗内到达并按时返回。",
            "No qualified team can reach it in its window and be back within its shift.",
        ),
        DropReason.NO_QUALIFIED_TEAM: (
            "没有全员持有所需证书的外访组。",
            "No team whose members all hold the certificates it needs.",
        ),
    }[reason]


@transaction.atomic
def plan_finish(*, plan_id: int) -> VisitPlan:
    """After every part: totals, the full check, ``solved_at``; idempotent."""
    plan = VisitPlan.objects.select_for_update().get(pk=plan_id)
    _refresh_totals(plan)
    plan.findings = plan_check(plan)
    plan.solved_at = now()
    plan.save()
    return plan


def _refresh_totals(plan: VisitPlan) -> None:
    """Visits, expected benefit, kilometres and team hours from the stored routes."""
    stops = PlanStop.objects.filter(route__plan=plan)
    plan.visits_planned = stops.count()
    plan.prize = sum((s.priority for s in stops.only("priority")), Decimal(0))
    metres = 0
    seconds = 0
    for route in plan.routes.all():
        metres += route.distance_metres
        if route.departure and route.return_at:
            seconds += int((route.return_at - route.departure).total_seconds())
    plan.distance_km = (Decimal(metres) / 1000).quantize(Decimal("0.1"))
    plan.hours = (Decimal(seconds) / 3600).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Editing


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
    _store_timing(row, route, day)
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
    _refresh_totals(plan)
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
        _store_timing(route, None, plan.date)
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
