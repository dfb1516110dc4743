"""The manager's plan pages: the list (and building a plan), the plan (map, a list per team,
move / remove / replan / approve), and the visit strategy.

Every plan is fetched through :func:`plans_for_user` / :func:`plan_get_for_user`; a plan outside
the user's branch is a 404. The page works without JavaScript and without map tiles: the lists
and the forms are the primary interface, the map draws routes and stops as vectors.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.planning import services
from fieldvisit.apps.planning.checks import plan_routes
from fieldvisit.apps.planning.forms import BuildForm, RemoveForm, StrategyForm
from fieldvisit.apps.planning.models import PlanRoute, PlanStatus
from fieldvisit.apps.planning.selectors import (
    may_plan,
    plan_get_for_user,
    plans_for_user,
    stop_get_for_user,
)
from fieldvisit.apps.planning.strategy import strategy_active, strategy_save

# One colour per team, in route order (distinct on the map and in the lists).
COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip

PURPOSES = {
    "first_contact": _("First contact and situation check"),
    "hardship_assessment": _("Hardship assessment"),
    "promise_follow_up": _("Promise follow-up"),
    "remedy_signing": _("Remedy signing"),
    "pre_legal_notice": _("Pre-legal notice"),
}


def _require_planner(request: HttpRequest) -> None:
    if not may_plan(request.user):
        raise PermissionDenied


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_planner(request)
    user = request.user
    form = BuildForm(request.POST or None, user=user, initial={"date": business_date()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_build(
                date=form.cleaned_data["date"],
                branch=form.cleaned_data["branch"],
                seconds=form.cleaned_data["seconds"],
                user=user,
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            return redirect("planning:detail", pk=plan.pk)
    plans = plans_for_user(user).order_by("-date", "-id")[:60]
    return render(request, "planning/list.html", {"form": form, "plans": plans})


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    plan = plan_get_for_user(request.user, pk)
    chinese = _chinese()
    routes = plan_routes(plan)
    teams = []
    map_routes = []
    for route in routes:
        colour = COLOURS[route.order % len(COLOURS)]
        stops = list(route.stops.all())
        teams.append(
            {
                "route": route,
                "colour": colour,
                "stops": [
                    {
                        "stop": s,
                        "purpose": PURPOSES.get(s.purpose, s.purpose),
                        "why": s.explanation_zh if chinese else s.explanation_en,
                        "brief": s.brief_zh if chinese else s.brief_en,
                        "findings": [f for f in plan.findings if f["case"] == s.case_id],
                    }
                    for s in stops
                ],
                "notes": route.notes_zh if chinese else route.notes_en,
                "hours": (
                    (route.return_at - route.departure).total_seconds() / 3600
                    if route.departure and route.return_at
                    else 0
                ),
                "km": route.distance_metres / 1000,
            }
        )
        map_routes.append(
            {
                "team": route.team.name,
                "colour": colour,
                "depot": [route.start_latitude, route.start_longitude],
                "stops": [[s.latitude, s.longitude, f"{s.order + 1}. #{s.case_id}"] for s in stops],
            }
        )
    findings = [
        {"rule": f["rule"], "detail": f["detail_zh" if chinese else "detail_en"], "case": f["case"]}
        for f in plan.findings
    ]
    left_out = [
        {
            "row": row,
            "detail": row.detail_zh if chinese else row.detail_en,
            "purpose": PURPOSES.get(row.purpose, row.purpose),
        }
        for row in plan.left_out.select_related("case__loan__borrower")
    ]
    map_data = {"tiles": settings.LEAFLET_CONFIG.get("TILES", ""), "routes": map_routes}
    return render(
        request,
        "planning/detail.html",
        {
            "plan": plan,
            "teams": teams,
            "findings": findings,
            "left_out": left_out,
            "map_data": map_data,
            "editable": plan.status == PlanStatus.DRAFT and plan.solved_at is not None,
            "may_approve": request.user.has_perm("accounts.approve_plan"),
            "route_choices": [(r.pk, r.team.name) for r in routes],
            "remove_form": RemoveForm(),
            "events": plan.events.select_related("user")[:20],
        },
    )


def _back(plan_id: int) -> HttpResponse:
    return redirect("planning:detail", pk=plan_id)


@login_required
@require_POST
def stop_move(request: HttpRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    stop = stop_get_for_user(request.user, pk)
    plan_id = stop.route.plan_id
    target = PlanRoute.objects.filter(plan_id=plan_id, pk=request.POST.get("route") or 0).first()
    if target is None:
        messages.error(request, _t("Choose a team."))
        return _back(plan_id)
    try:
        plan = services.plan_move_stop(
            stop=stop, to_route=target, user=request.user, ip=request_ip(request)
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        _report(request, plan.findings, _t("Visit moved; times recomputed."))
    return _back(plan_id)


@login_required
@require_POST
def stop_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    stop = stop_get_for_user(request.user, pk)
    plan_id = stop.route.plan_id
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        plan = services.plan_remove_stop(
            stop=stop, user=request.user, reason=reason, ip=request_ip(request)
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        _report(request, plan.findings, _t("Visit removed; times recomputed."))
    return _back(plan_id)


def _report(request: HttpRequest, findings: list[dict[str, Any]], done: str) -> None:
    if findings:
        rules = ", ".join(dict.fromkeys(f["rule"] for f in findings))
        messages.warning(
            request, _t("%(done)s The plan now breaks: %(rules)s.") % {"done": done, "rules": rules}
        )
    else:
        messages.success(request, done)


@login_required
@require_POST
def plan_replan(request: HttpRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    plan = plan_get_for_user(request.user, pk)
    try:
        new = services.plan_replan(plan=plan, user=request.user, ip=request_ip(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return _back(plan.pk)
    messages.success(request, _t("Replanned."))
    return _back(new.pk)


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    if not request.user.has_perm("accounts.approve_plan"):
        raise PermissionDenied
    plan = plan_get_for_user(request.user, pk)
    try:
        services.plan_approve(plan=plan, user=request.user, ip=request_ip(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _t("Plan approved and published to the agents."))
    return _back(plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def strategy_edit(request: HttpRequest) -> HttpResponse:
    """The active strategy as JSON; saving it makes a new version (managers and admins)."""
    _require_planner(request)
    active = strategy_active()
    initial = {
        "strategy": json.dumps(active.data, ensure_ascii=False, indent=2),
        "certification_courses": json.dumps(active.certification_courses, ensure_ascii=False),
    }
    form = StrategyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = strategy_save(
                data=form.cleaned_data["strategy"],
                certification_courses=form.cleaned_data["certification_courses"],
                user=request.user,
                note=form.cleaned_data["note"],
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            form.add_error("strategy", str(exc.message))
        else:
            messages.success(
                request, _t("Strategy version %(v)s is now active.") % {"v": version.version}
            )
            return redirect("planning:strategy")
    return render(request, "planning/strategy.html", {"form": form, "active": active})
