"""The plan check: every hard constraint, recomputed from the stored plan and today's records.

Run after every build and every manual edit, and again at approval. Three sources:
  1. the routing engine's :func:`check_solution` on the plan rebuilt from its rows (windows,
     travel times, shifts, visit limits, skills, lunch, each case at most once);
  2. the compliance engine's :func:`check_contact` for every stop as a visit (quiet hours, two
     or more certified people, the 7-day interval, vulnerable or hardship hold);
  3. the scoring engine's exclusions on the case as it is now (legal stage, closed …).
A finding is ``{"rule", "detail_zh", "detail_en", "team", "case"}``; none means the plan passes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from fieldvisit.apps.cases.services import compliance_policy
from fieldvisit.apps.planning.facts import case_facts, prior_visits, skills_on
from fieldvisit.apps.planning.models import PlanRoute, PlanStop, VisitPlan
from fieldvisit.apps.planning.problem import (
    TeamSpec,
    VisitSpec,
    build_problem,
    seconds_of,
)
from fieldvisit.apps.planning.strategy import strategy_of
from fieldvisit.apps.training.selectors import suspended_agents
from fieldvisit.engines import compliance
from fieldvisit.engines.routing import (
    Route,
    RoutingSolution,
    Stop,
    TimeWindow,
    ViolationKind,
    check_solution,
)
from fieldvisit.engines.routing.model import BreakTaken
from fieldvisit.engines.scoring import Exclusion, evaluate

ROUTING_LABELS_ZH: dict[ViolationKind, str] = {
    ViolationKind.UNKNOWN: "未知的组或外访",
    ViolationKind.DUPLICATE: "同一案件安排了两次",
    ViolationKind.REQUIRED_MISSING: "必访案件未安排",
    ViolationKind.UNACCOUNTED: "案件去向不明",
    ViolationKind.TIME_WINDOW: "不在拜访时间窗内",
    ViolationKind.TRAVEL_TIME: "路程时间不够",
    ViolationKind.SHIFT: "超出班次",
    ViolationKind.DEPOT_WINDOW: "超出出发点开放时间",
    ViolationKind.MAX_VISITS: "超过每日外访上限",
    ViolationKind.SKILLS: "外访组缺少所需证书",
    ViolationKind.LUNCH: "午休安排不符",
    ViolationKind.TOTALS: "里程合计不符",
}


def route_spec(route: PlanRoute, skills: frozenset[str] | None = None) -> TeamSpec:
    """The team as the route recorded it (``skills`` replaced when given)."""
    from fieldvisit.engines.routing import GeoPoint

    lunch = None
    if route.lunch_from is not None and route.lunch_until is not None and route.lunch_seconds:
        lunch = (route.lunch_from, route.lunch_until, route.lunch_seconds)
    return TeamSpec(
        team_id=route.team_id,
        branch_id=route.branch_id,
        members=tuple(m.pk for m in route.members.all()),
        member_skills=route.member_skills,
        skills=frozenset(route.skills) if skills is None else skills,
        shift=(route.shift_start, route.shift_end),
        start=GeoPoint(route.start_latitude, route.start_longitude),
        end=GeoPoint(route.end_latitude, route.end_longitude),
        depot_label=route.depot_label,
        travel_mode=route.travel_mode,
        speed_kmh=route.speed_kmh,
        max_visits=route.max_visits,
        lunch=lunch,
        available=route.available,
    )


def stop_spec(stop: PlanStop) -> VisitSpec:
    from fieldvisit.engines.routing import GeoPoint

    return VisitSpec(
        case_id=stop.case_id,
        point=GeoPoint(stop.latitude, stop.longitude),
        service_seconds=stop.service_seconds,
        windows=tuple((int(a), int(b)) for a, b in stop.windows),
        skills=frozenset(stop.skills),
        prize=stop.prize,
    )


def stored_route(route: PlanRoute, stops: list[PlanStop], day: dt.date) -> Route:
    """The route exactly as stored, in the routing engine's terms (nothing recomputed)."""
    routing_stops = tuple(
        Stop(
            visit_id=str(s.case_id),
            arrival=seconds_of(s.arrival, day),
            start=seconds_of(s.start, day),
            end=seconds_of(s.end, day),
            window=TimeWindow(seconds_of(s.window_start, day), seconds_of(s.window_end, day)),
            travel_seconds=s.travel_seconds,
            travel_metres=s.travel_metres,
        )
        for s in stops
    )
    lunch = None
    if route.lunch_start is not None and route.lunch_end is not None:
        lunch = BreakTaken(
            seconds_of(route.lunch_start, day),
            seconds_of(route.lunch_end, day),
            route.lunch_after_stops or 0,
        )
    departure = seconds_of(route.departure, day) if route.departure else route.shift_start
    back = seconds_of(route.return_at, day) if route.return_at else departure
    return Route(
        team_id=str(route.team_id),
        departure=departure,
        stops=routing_stops,
        return_time=back,
        distance_metres=route.distance_metres,
        lunch=lunch,
    )


def plan_routes(plan: VisitPlan) -> list[PlanRoute]:
    """The plan's routes with members and ordered stops (with case and borrower) loaded."""
    stops = PlanStop.objects.select_related("case__loan__borrower").order_by("order")
    return list(
        plan.routes.prefetch_related("members", Prefetch("stops", queryset=stops)).order_by("order")
    )


def plan_check(plan: VisitPlan) -> list[dict[str, Any]]:
    """Every hard-constraint finding of ``plan`` (see the module docstring); ``[]`` passes."""
    day = plan.date
    routes = [r for r in plan_routes(plan) if r.stops.all()]
    if not routes:
        return []
    courses = plan.strategy.certification_courses
    strategy = strategy_of(plan.strategy)
    policy = compliance_policy()
    members = {m.pk for r in routes for m in r.members.all()}
    valid, _lapsed = skills_on(members, day, courses)
    # Suspended since the plan was built (a serious complaint): they no longer count as visitors.
    suspended = suspended_agents(day, members)
    findings: list[dict[str, Any]] = []

    def add(rule: str, zh: str, en: str, team: int | None, case: int | None) -> None:
        findings.append(
            {"rule": rule, "detail_zh": zh, "detail_en": en, "team": team, "case": case}
        )

    # 1. routing, with each team's skills as its members hold them today
    specs = []
    for route in routes:
        people = [m.pk for m in route.members.all()]
        common = frozenset(set.intersection(*(valid[p] for p in people))) if people else frozenset()
        specs.append(route_spec(route, common))
    visits = [stop_spec(s) for r in routes for s in r.stops.all()]
    problem = build_problem(specs, visits)
    solution = RoutingSolution(
        routes=tuple(stored_route(r, list(r.stops.all()), day) for r in routes),
        dropped=(),
        prize=0,
        distance_metres=0,
    )
    for violation in check_solution(problem, solution):
        add(
            f"ROUTE-{violation.kind.value}",
            f"{ROUTING_LABELS_ZH[violation.kind]}：{violation.detail}",
            f"{violation.kind.value.replace('_', ' ')}: {violation.detail}",
            int(violation.team_id) if violation.team_id else None,
            int(violation.visit_id) if violation.visit_id else None,
        )

    # 2. compliance, each stop as a visit
    all_stops = [(r, s) for r in routes for s in r.stops.all()]
    history = prior_visits(
        [s.case.loan.borrower_id for _r, s in all_stops],
        day,
        policy.visit_interval_days,
        exclude_plan=plan.pk,
    )
    for route, stop in all_stops:
        needed = set(stop.skills)
        certified = sum(
            1 for m in route.members.all() if needed <= valid[m.pk] and m.pk not in suspended
        )
        result = compliance.check_contact(
            compliance.ContactRequest(
                at=stop.start,
                ends_at=stop.end,
                channel=compliance.Channel.VISIT,
                visitors=certified,
                vulnerable=stop.case.vulnerable,
                hardship_hold=stop.case.hardship_hold,
                borrower_requested_visit=stop.borrower_asked,
                history=tuple(
                    compliance.PriorContact(at=moment, channel=compliance.Channel.VISIT)
                    for moment in history.get(stop.case.loan.borrower_id, [])
                ),
            ),
            policy,
        )
        for finding in result.blocked:
            add(
                str(finding.rule_id),
                f"{finding.title_zh}：{finding.explanation_zh}",
                f"{finding.title_en}: {finding.explanation_en}",
                route.team_id,
                stop.case_id,
            )

    # 3. the case as it is now: still open, and not excluded by the strategy
    cases = {s.case_id: s.case for _r, s in all_stops}
    open_cases = [c for c in cases.values() if c.closed_on is None]
    for case in cases.values():
        if case.closed_on is not None:
            route_of = next(r.team_id for r, s in all_stops if s.case_id == case.pk)
            add("CASE-CLOSED", "案件已结案。", "The case is closed.", route_of, case.pk)
    by_case = defaultdict(list)
    for route, stop in all_stops:
        by_case[stop.case_id].append(route.team_id)
    # Visits are the compliance check's business (step 2): only the other exclusions here.
    facts = case_facts(open_cases, day, lookback_visits=0, exclude_plan=plan.pk)
    for fact in facts:
        screened = evaluate(fact, strategy, day)
        if isinstance(screened, Exclusion) and screened.kind is not None:
            case_id = int(fact.case_id)
            add(
                screened.rule_id,
                screened.reason_zh,
                screened.reason_en,
                by_case[case_id][0],
                case_id,
            )
    return findings


def finding_rules(findings: list[dict[str, Any]]) -> list[str]:
    """The distinct rule ids of ``findings``, in order of first appearance."""
    return list(dict.fromkeys(f["rule"] for f in findings))
