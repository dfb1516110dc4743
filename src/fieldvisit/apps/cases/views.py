"""Case pages: the list (filters, sorting, bulk assignment), the case page, and its actions.

Every case is fetched through :func:`cases_for_user` / :func:`case_get_for_user`; a case outside
the user's scope is a 404, whatever the action.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.cases import services
from fieldvisit.apps.cases.forms import (
    AssignForm,
    CaseFilterForm,
    ContactAttemptForm,
    FlagsForm,
    NoteForm,
    RevealForm,
    TransitionForm,
)
from fieldvisit.apps.cases.loan_status import loan_status
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase, ContactChannel
from fieldvisit.apps.cases.pii import PiiField, borrower_masked, may_reveal, pii_reveal
from fieldvisit.apps.cases.related import case_related, may_open_remedy
from fieldvisit.apps.cases.selectors import (
    case_contact_attempts,
    case_events,
    case_get_for_user,
    case_list_rows,
    case_may_assign,
    cases_filter,
    cases_for_user,
    led_team_ids,
)
from fieldvisit.apps.cases.transitions import allowed_next, waits_for_promise
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.common.redirects import safe_next
from fieldvisit.apps.delinquency.models import Classification

PAGE_SIZE = 50
# Roles with no case scope: refused outright rather than shown an empty list.
NO_CASE_ROLES = frozenset({Role.TRAINER, Role.ANALYST})


def _require_case_role(request: HttpRequest) -> None:
    if getattr(request.user, "role", None) in NO_CASE_ROLES and not led_team_ids(request.user):
        raise PermissionDenied


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    _require_case_role(request)
    user = request.user
    form = CaseFilterForm(request.GET or None, user=user)
    cases = cases_filter(cases_for_user(user), form.filters())
    page = Paginator(case_list_rows(cases), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_assign = case_may_assign(user)
    return render(
        request,
        "cases/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_assign": may_assign,
            "assign_form": AssignForm(user=user) if may_assign else None,
        },
    )


@login_required
@require_POST
def case_assign(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not case_may_assign(user):
        raise PermissionDenied
    form = AssignForm(request.POST, user=user)
    ids = [int(v) for v in request.POST.getlist("case") if v.isdigit()]
    back = safe_next(request, reverse("cases:list"))
    if not form.is_valid() or not ids:
        messages.error(request, _t("Choose cases and a team or an agent."))
        return redirect(back)
    try:
        count = services.case_assign(
            actor=user,
            case_ids=ids,
            team=form.cleaned_data["team"],
            agent=form.cleaned_data["agent"],
            reason=form.cleaned_data["reason"],
            ip=request_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _t("%(count)d case(s) assigned.") % {"count": count})
    return redirect(back)


def _detail_context(request: HttpRequest, case: CollectionCase) -> dict[str, Any]:
    user = request.user
    borrower = case.loan.borrower
    as_of = business_date()
    related = case_related(user, case)
    status = loan_status(case.loan, as_of)
    return {
        "case": case,
        "loan": case.loan,
        "borrower": borrower,
        "masked": borrower_masked(borrower),
        "as_of": as_of,
        "status": status,
        "class_label": (
            Classification(status.assessment.classification).label if status.assessment else ""
        ),
        "attempts": case_contact_attempts(case),
        "notes": case.notes.select_related("author"),
        "events": case_events(case),
        "may_reveal": may_reveal(user),
        "reveal_form": RevealForm(),
        "pii_fields": PiiField.choices,
        "transition_form": TransitionForm(),
        "next_statuses": [
            s
            for s in CaseStatus
            if s in allowed_next(case.status)
            and not (related.open_promise and waits_for_promise(case.status, s))
        ],
        "related": related,
        "may_open_remedy": may_open_remedy(user, case),
        "today": as_of,
        "flags_form": FlagsForm(
            initial={"vulnerable": case.vulnerable, "hardship_hold": case.hardship_hold}
        ),
        "note_form": NoteForm(),
        "assign_form": AssignForm(user=user) if case_may_assign(user) else None,
        "revealed": None,
    }


@never_cache
@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(request.user, pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


@never_cache
@login_required
@require_POST
def case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one personal value, once, in this response; audited. Never stored in the session."""
    case = case_get_for_user(request.user, pk)
    if not may_reveal(request.user):
        raise PermissionDenied
    context = _detail_context(request, case)
    form = RevealForm(request.POST)
    if not form.is_valid():
        context["reveal_form"] = form
        return render(request, "cases/detail.html", context, status=400)
    field = form.cleaned_data["field"]
    value = pii_reveal(
        user=request.user,
        borrower=case.loan.borrower,
        field=field,
        reason=form.cleaned_data["reason"],
        ip=request_ip(request),
    )
    context["revealed"] = {"field": field, "label": PiiField(field).label, "value": value}
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.case_transition(
                case=case,
                to_status=form.cleaned_data["to_status"],
                user=request.user,
                reason=form.cleaned_data["reason"],
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _t("Choose a status and give a reason."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_flags(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(request.user, pk)
    form = FlagsForm(request.POST)
    if form.is_valid():
        services.case_set_flags(
            case=case, user=request.user, ip=request_ip(request), **form.cleaned_data
        )
    else:
        messages.error(request, _t("Give a reason."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.case_note_add(
            case=case, user=request.user, body=form.cleaned_data["body"], ip=request_ip(request)
        )
    else:
        messages.error(request, _t("The note is empty."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_attempt_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_get_for_user(request.user, pk)
    form = ContactAttemptForm(request.POST or None)
    blocked: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_attempt_record(
                case=case,
                user=request.user,
                channel=data["channel"],
                target=data["target"],
                outcome=data["outcome"],
                attempted_at=data["attempted_at"],
                contact_number=data["contact_number"],
                visitors=data["visitors"] if data["channel"] == ContactChannel.VISIT else None,
                note=data["note"],
                borrower_requested_visit=data["borrower_requested_visit"],
                override_reason=data["override_reason"],
                ip=request_ip(request),
            )
        except services.ComplianceBlocked as exc:
            blocked = list(exc.findings)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _t("Contact attempt recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/contact_form.html",
        {
            "case": case,
            "form": form,
            "blocked": blocked,
            "may_override": services.may_override_compliance(request.user),
        },
        status=422 if blocked else 200,
    )
