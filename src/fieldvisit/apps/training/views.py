"""Training pages: the trainer's and the manager's dashboard, sessions (results, materials),
agents, complaints and suspensions, QA draws and reviews, and the agent's own record.

Every agent, session and review is fetched through :mod:`.selectors` (404 outside the scope).
No page shows a borrower's name, ID number or phone: cases appear by number only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.training import services
from fieldvisit.apps.training.forms import (
    ClearForm,
    ComplaintForm,
    DrawForm,
    MaterialForm,
    ReviewForm,
    SessionForm,
    default_month,
)
from fieldvisit.apps.training.models import (
    AgentSuspension,
    Certification,
    ComplaintCategory,
    QAReview,
    ReviewStatus,
    SessionMaterial,
    Severity,
)
from fieldvisit.apps.training.reports import report_for_review
from fieldvisit.apps.training.requirements import visit_requirements
from fieldvisit.apps.training.selectors import (
    agent_get_for_user,
    agents_for,
    assignability,
    certified_share,
    complaints_by_type,
    complaints_for,
    expiring_certifications,
    may_clear_suspension,
    may_manage_training,
    may_view_training,
    qa_trend,
    retrainings_open,
    review_get_for_user,
    reviews_for,
    session_get_for_user,
    sessions_for,
    suspensions_open,
)

TREND_MONTHS = 6


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def dashboard_context(user: Any, today: dt.date) -> dict[str, Any]:
    """The trainer's and the manager's figures, also used by the trainer's home page."""
    agents = agents_for(user)
    tomorrow = today + dt.timedelta(days=1)
    requirements = visit_requirements()
    rows = assignability(list(agents.values_list("pk", flat=True)), tomorrow, requirements)
    by_id = {a.pk: a for a in agents}
    english = (get_language() or "").startswith("en")
    labels = {p: (en if english else zh) for p, (zh, en) in requirements.labels.items()}
    trend_from = (today.replace(day=1) - dt.timedelta(days=31 * (TREND_MONTHS - 1))).replace(day=1)
    return {
        "today": today,
        "tomorrow": tomorrow,
        "share": certified_share(agents, today),
        "expiring": expiring_certifications(agents, today),
        "suspensions": suspensions_open(agents),
        "retrainings": retrainings_open(agents),
        "assignable": [
            (by_id[a.agent_id], a, [labels[p] for p in a.purposes])
            for a in rows.values()
            if a.assignable
        ],
        "unassignable": [(by_id[a.agent_id], a) for a in rows.values() if not a.assignable],
        "trend": qa_trend(reviews_for(user).filter(month__gte=trend_from)),
        "complaint_counts": [
            {
                **row,
                "category": ComplaintCategory(row["category"]).label,
                "severity": Severity(row["severity"]).label,
            }
            for row in complaints_by_type(complaints_for(user), today - dt.timedelta(days=90))
        ],
        "sessions": sessions_for(user).filter(date__gte=today - dt.timedelta(days=30))[:10],
        "may_manage": may_manage_training(user),
        "may_clear": may_clear_suspension(user),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(may_view_training(request.user))
    return render(
        request, "training/dashboard.html", dashboard_context(request.user, business_date())
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    _require(may_manage_training(request.user))
    form = SessionForm(request.POST or None, user=request.user, initial={"date": business_date()})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(
                user=request.user,
                course=form.cleaned_data["course"],
                date=form.cleaned_data["date"],
                agents=form.cleaned_data["agents"],
                location=form.cleaned_data["location"],
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _t("Session scheduled."))
            return redirect("training:session", session.pk)
    return render(request, "training/session_form.html", {"form": form})


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    _require(may_view_training(request.user))
    return render(
        request,
        "training/sessions.html",
        {
            "sessions": sessions_for(request.user)[:200],
            "may_manage": may_manage_training(request.user),
        },
    )


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(may_view_training(request.user))
    session = session_get_for_user(request.user, pk)
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "attendees": session.attendees.select_related("agent", "agent__team"),
            "materials": session.materials.all(),
            "material_form": MaterialForm(),
            "may_manage": may_manage_training(request.user),
            # Results are taken from the session's day on (the service refuses them before).
            "held": session.date <= business_date(),
        },
    )


def _parse_results(
    request: HttpRequest, agent_ids: list[int]
) -> dict[int, tuple[bool, Decimal | None]]:
    results: dict[int, tuple[bool, Decimal | None]] = {}
    for agent_id in agent_ids:
        attended = request.POST.get(f"attended_{agent_id}") == "on"
        raw = (request.POST.get(f"score_{agent_id}") or "").strip()
        try:
            score = Decimal(raw) if raw else None
        except InvalidOperation:
            raise ApplicationError(
                _t("A score is between 0 and 100."), code="invalid_score"
            ) from None
        results[agent_id] = (attended, score)
    return results


@login_required
@require_POST
def session_results(request: HttpRequest, pk: int) -> HttpResponse:
    _require(may_manage_training(request.user))
    session = session_get_for_user(request.user, pk)
    ids = list(session.attendees.values_list("agent_id", flat=True))
    try:
        services.session_record_results(
            user=request.user,
            session=session,
            results=_parse_results(request, ids),
            ip=request_ip(request),
        )
        if request.POST.get("complete"):
            certificates = services.session_complete(
                user=request.user, session=session, ip=request_ip(request)
            )
            messages.success(
                request,
                _t("Session completed: %(n)s certified.") % {"n": len(certificates)},
            )
        else:
            messages.success(request, _t("Results saved."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("training:session", session.pk)


@login_required
@require_POST
def material_upload(request: HttpRequest, pk: int) -> HttpResponse:
    _require(may_manage_training(request.user))
    session = session_get_for_user(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.session_material_add(
                user=request.user,
                session=session,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                ip=request_ip(request),
            )
            messages.success(request, _t("Material attached."))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _t("Choose a file."))
    return redirect("training:session", session.pk)


@login_required
@require_GET
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    material = get_object_or_404(SessionMaterial.objects.select_related("session"), pk=pk)
    user: Any = request.user
    invited = material.session.attendees.filter(agent_id=user.pk).exists()
    if not invited:
        session_get_for_user(user, material.session_id)
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=(material.file.name or "material").rsplit("/", 1)[-1],
    )


@login_required
@require_GET
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(may_view_training(request.user))
    agent = agent_get_for_user(request.user, pk)
    return render(request, "training/agent.html", _agent_context(request.user, agent))


def _agent_context(user: Any, agent: Any) -> dict[str, Any]:
    today = business_date()
    row = assignability([agent.pk], today)[agent.pk]
    return {
        "agent": agent,
        "today": today,
        "status": row,
        "certifications": Certification.objects.filter(agent=agent)
        .select_related("course")
        .order_by("course__code", "-passed_on"),
        "expiring": expiring_certifications(agents_for(user).filter(pk=agent.pk), today),
        "reviews": QAReview.objects.filter(agent=agent, status=ReviewStatus.DONE)
        .select_related("reviewer")
        .order_by("-reviewed_at"),
        "complaints": agent.complaints_against.order_by("-received_on"),
        "suspensions": agent.suspensions.prefetch_related("events").order_by("-started_on"),
        "retrainings": agent.retrainings.select_related("course"),
        "may_clear": may_clear_suspension(user),
        "clear_form": ClearForm(initial={"on_date": today}),
    }


@login_required
@require_GET
def my_training(request: HttpRequest) -> HttpResponse:
    """The agent's own certificates, reminders and QA feedback."""
    user: Any = request.user
    if user.role != Role.AGENT:
        raise PermissionDenied
    return render(request, "training/agent.html", {**_agent_context(user, user), "mine": True})


@login_required
@require_http_methods(["GET", "POST"])
def complaints(request: HttpRequest) -> HttpResponse:
    _require(may_view_training(request.user))
    form = ComplaintForm(
        request.POST or None, user=request.user, initial={"received_on": business_date()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_record(
                user=request.user,
                agent=data["agent"],
                received_on=data["received_on"],
                channel=data["channel"],
                category=data["category"],
                severity=data["severity"],
                content=data["content"],
                case=data["case"],
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _t("Complaint recorded."))
            if complaint.suspensions.exists() or complaint.severity == "serious":
                messages.warning(request, _t("The agent is suspended from field visits."))
            return redirect("training:complaints")
    return render(
        request,
        "training/complaints.html",
        {"form": form, "complaints": complaints_for(request.user)[:200]},
    )


@login_required
@require_POST
def suspension_clear(request: HttpRequest, pk: int) -> HttpResponse:
    _require(may_clear_suspension(request.user))
    suspension = get_object_or_404(
        AgentSuspension.objects.filter(agent__in=agents_for(request.user)), pk=pk
    )
    form = ClearForm(request.POST)
    if form.is_valid():
        try:
            services.suspension_clear(
                user=request.user,
                suspension=suspension,
                on_date=form.cleaned_data["on_date"],
                note=form.cleaned_data["note"],
                ip=request_ip(request),
            )
            messages.success(request, _t("Suspension cleared."))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _t("Give a date and a reason."))
    return redirect("training:agent", suspension.agent_id)


@login_required
@require_http_methods(["GET", "POST"])
def qa_list(request: HttpRequest) -> HttpResponse:
    _require(may_manage_training(request.user))
    today = business_date()
    form = DrawForm(
        request.POST or None, initial={"month": default_month(today), "seed": today.toordinal()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.qa_sample_draw(
                user=request.user,
                month=form.cleaned_data["month"],
                seed=form.cleaned_data["seed"],
                ip=request_ip(request),
            )
            messages.success(
                request,
                _t("%(drawn)s of %(reports)s reports drawn.")
                % {"drawn": draw.drawn, "reports": draw.reports},
            )
            return redirect("training:qa")
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
    reviews = reviews_for(request.user)
    return render(
        request,
        "training/qa.html",
        {
            "form": form,
            "pending": reviews.filter(status=ReviewStatus.PENDING).order_by("month", "agent_id")[
                :200
            ],
            "done": reviews.filter(status=ReviewStatus.DONE).order_by("-reviewed_at")[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def qa_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require(may_manage_training(request.user))
    review = review_get_for_user(request.user, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.qa_review_submit(
                user=request.user,
                review=review,
                scores={k: data[k] for k in ("conduct", "empathy", "accuracy", "compliance")},
                feedback=data["feedback"],
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _t("Review saved."))
            return redirect("training:qa")
    return render(
        request,
        "training/review.html",
        {"review": review, "report": report_for_review(review.report_id), "form": form},
    )
