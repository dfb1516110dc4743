"""Building visit plans: facts → scoring → routing → stored routes, stops and candidates left out.

Start at :func:`plan_build`. A plan is built per branch (each branch a Celery task: parallel on
workers, inline in the embedded default), then finished (totals and the full check).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, FloatField, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _t

from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.cases.models import CollectionCase
from fieldvisit.apps.cases.services import compliance_policy
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.organisation.models import Branch, Team
from fieldvisit.apps.planning.checks import (
    plan_check,
)
from fieldvisit.apps.planning.facts import (
    RequestSource,
    VisitRequest,
    case_facts,
    prior_visits,
    team_specs,
    visit_requests,
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
    TeamSpec,
    VisitSpec,
    at,
    build_problem,
    zone,
)
from fieldvisit.apps.planning.strategy import strategy_active, strategy_of
from fieldvisit.engines.routing import (
    DropReason,
    Route,
    SolveParams,
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
    # Where each pending request for a visit is recorded, for the briefs (the facts hold a flag).
    asked = [c for c, f in zip(cases, facts, strict=True) if f.borrower_asked_visit]
    requests = visit_requests(asked, day)
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
            store_timing(route_row, route, day)
            PlanStop.objects.bulk_create(
                _stop_row(
                    route_row,
                    position,
                    stop,
                    by_id[stop.visit_id],
                    facts_by_id,
                    strategy,
                    requests.get(int(stop.visit_id)),
                )
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


def store_timing(row: PlanRoute, route: Route | None, day: dt.date) -> None:
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
    request: VisitRequest | None,
) -> PlanStop:
    day = route.plan.date
    brief_zh, brief_en = stop_brief(candidate, facts[candidate.case_id], strategy, request)
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


def stop_brief(
    candidate: Candidate,
    facts: CaseFacts,
    strategy: VisitStrategy,
    request: VisitRequest | None = None,
) -> tuple[str, str]:
    """The one-paragraph pre-visit brief, in Chinese and English: purpose, the case in figures,
    the past contact, why this visit (with where the borrower asked for it), the borrower's
    preferred time, care flags."""
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
    if request is not None:
        when = request.at.astimezone(zone()).strftime("%Y-%m-%d %H:%M")
        if request.source is RequestSource.REPORT:
            zh.append(f"借款人在 {when} 的外访中要求再次上门（外访报告 #{request.record_id}）。")
            en.append(
                f"The borrower asked for another visit at the visit of {when} "
                f"(visit report #{request.record_id})."
            )
        else:
            channel_zh = {"call": "电话", "sms": "短信"}.get(request.channel, request.channel)
            zh.append(
                f"借款人在 {when} 的{channel_zh}中要求上门（联系记录 #{request.record_id}）。"
            )
            en.append(
                f"The borrower asked for a visit by {request.channel} at {when} "
                f"(contact attempt #{request.record_id})."
            )
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
    refresh_totals(plan)
    plan.findings = plan_check(plan)
    plan.solved_at = now()
    plan.save()
    return plan


def refresh_totals(plan: VisitPlan) -> None:
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
