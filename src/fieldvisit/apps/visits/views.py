"""The agent's phone pages (today's route, the visit with its brief, the report form, a report)
and the manager's feed of new reports.

Every visit and report is fetched through :mod:`fieldvisit.apps.visits.selectors`; one outside
the user's scope is a 404, whatever the page. Check-in and the report form post through the API
from small per-page scripts; the report form also works as a plain form post.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import audit_record, request_ip
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.organisation.models import Team
from fieldvisit.apps.remedies.services import may_make as may_make_remedy
from fieldvisit.apps.visits import reassignment, services, sfs
from fieldvisit.apps.visits.brief import is_chinese, purpose_label, visit_brief
from fieldvisit.apps.visits.inputs import AmendInput, ReportInput
from fieldvisit.apps.visits.models import (
    Cause,
    Employment,
    Housing,
    NextStep,
    Outcome,
    Remedy,
    StateOfMind,
    Understood,
    Visit,
    VisitReport,
    VisitStatus,
)
from fieldvisit.apps.visits.photos import photo_display
from fieldvisit.apps.visits.pwa import saving_for_offline
from fieldvisit.apps.visits.selectors import (
    check_ins_to_review,
    held_for_user,
    may_reassign,
    may_review_check_ins,
    photo_get_for_user,
    report_feed,
    report_get_for_user,
    visit_current_report,
    visit_get_for_user,
    visits_on,
)

DONE = frozenset({VisitStatus.REPORTED, VisitStatus.AMENDED})


def map_links(visit: Visit) -> dict[str, str]:
    """Links that open the phone's map app at the address point (WGS-84).

    The label is the stop number, never the borrower's name: the URL leaves for a third party.
    """
    label = _t("Visit %(order)s") % {"order": visit.order}
    lat, lng = f"{visit.latitude:.6f}", f"{visit.longitude:.6f}"
    amap = "https://uri.amap.com/marker?" + urlencode(
        {"position": f"{lng},{lat}", "name": label, "coordinate": "wgs84", "callnative": "1"}
    )
    return {"geo": f"geo:{lat},{lng}?q={lat},{lng}({quote(label)})", "amap": amap}


def on_team(user: Any, visit: Visit) -> bool:
    return bool(user.team_id == visit.team_id or visit.agents.filter(pk=user.pk).exists())


def offline_pages(user: Any, visits: list[Visit]) -> list[str]:
    """The pages the phone keeps for a day without a signal: the route, and for each visit of
    the user's own team its brief and, until it is reported, its report form. Nothing of other
    teams, even for a lead who sees them: only what the user will visit."""
    own = [visit for visit in visits if on_team(user, visit)]
    if not own:
        return []
    pages = [reverse("visits:today")]
    for visit in own:
        pages.append(reverse("visits:detail", args=[visit.pk]))
        if visit.status not in DONE:
            pages.append(reverse("visits:report", args=[visit.pk]))
    return pages


@never_cache
@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    """Today's route: the approved stops in order, with windows, purposes, links and a map."""
    user = request.user
    day = business_date()
    if user.role == Role.AGENT:  # type: ignore[union-attr]
        services.visits_from_approved_plan(user=user, day=day)
    visits = list(visits_on(user, day))
    chinese = is_chinese()
    rows = [
        {
            "visit": visit,
            "purpose": purpose_label(visit.purpose, chinese=chinese),
            "links": map_links(visit),
            "done": visit.status in DONE,
        }
        for visit in visits
    ]
    done = sum(1 for row in rows if row["done"])
    points = [
        {
            "order": v.order,
            "lat": v.latitude,
            "lng": v.longitude,
            "done": v.status in DONE,
            "url": f"/visits/{v.pk}/",
        }
        for v in visits
    ]
    return render(
        request,
        "visits/today.html",
        {
            "offline_pages": offline_pages(user, visits),
            "day": day,
            "rows": rows,
            "done": done,
            "total": len(rows),
            "percent": round(100 * done / len(rows)) if rows else 0,
            "points": points,
            "tiles": settings.LEAFLET_CONFIG.get("TILES", ""),
        },
    )


@never_cache
@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The visit: the brief, check-in and check-out, and the way to the report."""
    visit = visit_get_for_user(request.user, pk)
    borrower = visit.case.loan.borrower
    team_member = on_team(request.user, visit)
    if team_member:
        # The visiting team needs the exact address; reading it is recorded like any reveal,
        # saving it on the phone for a day without a signal too.
        audit_record(
            user=request.user,
            action="visit.brief",
            object_type="borrower",
            object_id=borrower.pk,
            fields=["home_address"],
            reason=(
                _t("Visit #%(id)s brief, saved on the phone for use offline")
                if saving_for_offline(request)
                else _t("Visit #%(id)s brief")
            )
            % {"id": visit.pk},
            ip=request_ip(request),
        )
    return render(
        request,
        "visits/visit.html",
        {
            "visit": visit,
            "borrower": borrower,
            "team_member": team_member,
            "brief": visit_brief(visit, business_date()),
            "links": map_links(visit),
            "report": visit_current_report(visit),
            "check_in": getattr(visit, "check_in", None),
            "evidence": services.evidence_policy(),
            "reassign_to": (
                Team.objects.filter(branch_id=visit.team.branch_id)
                .exclude(pk=visit.team_id)
                .order_by("code")
                if visit.status == VisitStatus.PLANNED and may_reassign(request.user, visit)
                else None
            ),
            "held": (
                list(held_for_user(request.user, open_only=False).filter(visit=visit))
                if may_reassign(request.user, visit)
                else []
            ),
            "referrals": services.crisis_referrals(),
            "chinese": is_chinese(),
        },
    )


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager or lead gives today's planned visit to another team of the branch."""
    visit = visit_get_for_user(request.user, pk)
    team = Team.objects.filter(
        pk=request.POST.get("team") or 0, branch_id=visit.team.branch_id
    ).first()
    if team is None:
        messages.error(request, _t("Choose a team of the same branch."))
        return redirect("visits:detail", pk=visit.pk)
    try:
        reassignment.visit_reassign(
            visit=visit,
            team=team,
            user=request.user,
            reason=request.POST.get("reason", ""),
            ip=request_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _t("The visit is now %(team)s's.") % {"team": team})
    return redirect("visits:detail", pk=visit.pk)


@login_required
@require_POST
def held_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a kept submission reviewed, with a note."""
    held = held_for_user(request.user, open_only=False).filter(pk=pk).first()
    if held is None:
        raise Http404("No such submission")
    try:
        reassignment.held_submission_review(
            held=held, user=request.user, note=request.POST.get("note", ""), ip=request_ip(request)
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _t("Marked reviewed."))
    if request.POST.get("back") == "visit":
        return redirect("visits:detail", pk=held.visit_id)
    return redirect("visits:feed")


@login_required
@require_POST
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_get_for_user(request.user, pk)
    try:
        services.visit_check_out(visit=visit, user=request.user, ip=request_ip(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _t("Checked out."))
    return redirect("visits:detail", pk=visit.pk)


def _form_context(visit: Visit, values: Any, errors: Any) -> dict[str, Any]:
    return {
        "visit": visit,
        "values": values,
        "errors": errors,
        "outcomes": Outcome.choices,
        "causes": Cause.choices,
        "employments": Employment.choices,
        "housings": Housing.choices,
        "states": StateOfMind.choices,
        "understood": Understood.choices,
        "remedies": Remedy.choices,
        "next_steps": NextStep.choices,
        "ratings": [1, 2, 3, 4, 5],
        "rating_fields": [
            {"name": name, "label": label, "value": str(values.get(name) or "")}
            for name, label in (
                ("rating_clarity", _t("Clarity")),
                ("rating_fairness", _t("Fairness")),
                ("rating_service", _t("Service")),
            )
        ],
        "money_sections": [
            {
                "key": section.value,
                "label": section.label,
                "lines": [
                    {
                        "key": c.key,
                        "label": c.label,
                        "value": values.get(c.key, ""),
                        "errors": errors.get(c.key, []) if errors else [],
                    }
                    for c in categories
                ],
            }
            for section, categories in sfs.sections()
        ],
        "selected_causes": values.getlist("causes") if hasattr(values, "getlist") else [],
        "today": business_date(),
    }


def _posted(request: HttpRequest) -> QueryDict:
    data = request.POST.copy()
    data.setlist("photos", request.FILES.getlist("photos"))  # type: ignore[arg-type]
    return data


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The report form. The script posts it to the API (drafts, retry, offline queue); without
    the script it posts here and gets the same validation."""
    visit = visit_get_for_user(request.user, pk)
    if not on_team(request.user, visit):
        raise PermissionDenied
    current = visit_current_report(visit)
    if current is not None:
        return redirect("visits:report_detail", pk=current.pk)
    errors: Any = {}
    values: Any = QueryDict(mutable=True)
    # Made here for a form posted without the script; the script keeps its draft's id instead.
    values["client_id"] = str(uuid.uuid4())
    if request.method == "POST":
        values = _posted(request)
        form = ReportInput(data=values)
        if form.is_valid():
            try:
                result = services.visit_report_submit(
                    visit=visit, user=request.user, ip=request_ip(request), **form.to_service()
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                return redirect("visits:report_detail", pk=result.report.pk)
        else:
            errors = form.errors
    context = _form_context(visit, values, errors)
    return render(request, "visits/report_form.html", context, status=400 if errors else 200)


@never_cache
@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(request.user, pk)
    root = report.amends or report
    return render(
        request,
        "visits/report.html",
        {
            "report": report,
            "root": root,
            "chain": [root, *root.amendments.order_by("submitted_at", "id")],
            "lines": _lines(report),
            "conduct": [
                (VisitReport._meta.get_field(name).verbose_name, getattr(report, name))  # type: ignore[union-attr]
                for name in CONDUCT_FIELDS
            ],
            "photos": list(report.photos.order_by("id")),
            "causes": [Cause(c).label for c in report.causes],
            "may_amend": on_team(request.user, report.visit),
            # The remedies app reads the report's income and spending (remedies:new_from_report).
            "may_propose_remedy": report.visit.case.is_open and may_make_remedy(request.user),
            "referrals": services.crisis_referrals()
            if report.state_of_mind == StateOfMind.CRISIS
            else [],
            "chinese": is_chinese(),
        },
    )


CONDUCT_FIELDS = (
    "conduct_introduced",
    "conduct_two_staff",
    "conduct_no_third_party",
    "conduct_consent_asked",
    "conduct_no_cash",
)


@never_cache
@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit photo as staff see it: the display copy (no EXIF, so no position of the home),
    watermarked in the reader's language. Each view is audited; the original is never served."""
    shown = photo_get_for_user(request.user, pk)
    audit_record(
        user=request.user,
        action="visit.photo",
        object_type="visit_report",
        object_id=shown.report_id,
        fields={"photo": shown.pk},
        ip=request_ip(request),
    )
    response = HttpResponse(photo_display(shown), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="visit-photo-{shown.pk}.jpg"'
    return response


def _lines(report: VisitReport) -> list[dict[str, Any]]:
    return [
        {
            "section": line.get_section_display(),
            "label": sfs.BY_KEY[line.category].label,
            "amount": line.amount,
        }
        for line in report.money_lines.all()
    ]


def _report_values(report: VisitReport) -> QueryDict:
    values = QueryDict(mutable=True)
    for name in list(ReportInput().fields.keys()):
        if name in ("client_id", "photos") or name in sfs.KEYS:
            continue
        value = getattr(report, name, None)
        if name == "causes":
            values.setlist(name, list(value or []))
        elif isinstance(value, bool):
            values[name] = "on" if value else ""
        elif value is not None:
            values[name] = str(value)
    for line in report.money_lines.all():
        values[line.category] = str(line.amount)
    return values


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction: the form filled with the latest report; saving adds a new report."""
    report = report_get_for_user(request.user, pk)
    visit = report.visit
    if not on_team(request.user, visit):
        raise PermissionDenied
    latest = visit_current_report(visit) or report
    errors: Any = {}
    values: Any = _report_values(latest)
    values["client_id"] = str(uuid.uuid4())
    if request.method == "POST":
        values = _posted(request)
        form = AmendInput(data=values, context={"visit_date": visit.date})
        if form.is_valid():
            data = form.to_service()
            reason = data["fields"].pop("amendment_reason")
            try:
                result = services.visit_report_amend(
                    original=report,
                    user=request.user,
                    reason=reason,
                    ip=request_ip(request),
                    **data,
                )
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _t("Amendment saved; the original is kept."))
                return redirect("visits:report_detail", pk=result.report.pk)
        else:
            errors = form.errors
    context = _form_context(visit, values, errors)
    context["amending"] = report
    return render(request, "visits/report_form.html", context, status=400 if errors else 200)


@never_cache
@login_required
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """New reports of the user's branch (manager), teams (lead) or team (agent), newest first;
    for managers and leads, the last week's check-ins that are not shown to be at the address
    or that carry a flag."""
    check_ins = (
        check_ins_to_review(request.user, since=business_date() - dt.timedelta(days=7))
        if may_review_check_ins(request.user)
        else None
    )
    return render(
        request,
        "visits/feed.html",
        {
            "reports": report_feed(request.user),
            "check_ins": check_ins,
            "held": list(held_for_user(request.user)) if check_ins is not None else [],
        },
    )
