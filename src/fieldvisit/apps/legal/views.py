"""Legal pages: the legal officer's list and case page (stages, dates, documents, the court
pack), the manager's decision on a recommendation, and "check escalation" from a case."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_POST

from fieldvisit.apps.audit.services import audit_record, request_ip
from fieldvisit.apps.cases.selectors import case_get_for_user, cases_for_user
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.legal import services
from fieldvisit.apps.legal.forms import DecideForm, DocumentForm, StageForm
from fieldvisit.apps.legal.models import LegalStatus
from fieldvisit.apps.legal.pack import debt_statement, document_pack_pdf
from fieldvisit.apps.legal.selectors import (
    escalations_to_decide,
    legal_case_get_for_user,
    legal_cases_for_user,
    legal_entries,
)
from fieldvisit.apps.legal.transitions import ACTIVE, allowed_next


@login_required
@require_GET
def legal_list(request: HttpRequest) -> HttpResponse:
    """Two lists: escalations recommended and waiting for a manager's decision (the queue of
    what is coming), then the cases with the legal officer, by stage."""
    rows = (
        legal_cases_for_user(request.user)
        .exclude(status=LegalStatus.RECOMMENDED)
        .select_related("case__loan__borrower")
        .order_by("status", "-recommended_on", "-id")[:500]
    )
    return render(
        request,
        "legal/list.html",
        {
            "awaiting": escalations_to_decide(request.user)[:500],
            "rows": rows,
            "may_decide": services.may_decide(request.user),
        },
    )


@login_required
@require_GET
def legal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    legal = legal_case_get_for_user(request.user, pk)
    today = business_date()
    return render(
        request,
        "legal/detail.html",
        {
            "legal": legal,
            "case": legal.case,
            # A legal officer sees a recommendation before its case is theirs: no dead link.
            "case_visible": cases_for_user(request.user).filter(pk=legal.case_id).exists(),
            "entries": legal_entries(legal),
            "statement": debt_statement(legal.case.loan, today),
            "today": today,
            "may_decide": legal.status == LegalStatus.RECOMMENDED
            and services.may_decide(request.user),
            "may_handle": legal.status in ACTIVE and services.may_handle(request.user),
            "stage_form": StageForm(initial={"on": today}),
            "next_stages": [s.value for s in allowed_next(legal.status)],
            "document_form": DocumentForm(initial={"on": today}),
        },
    )


@login_required
@require_POST
def legal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    legal = legal_case_get_for_user(request.user, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _t("Approve or decline, with a reason."))
        return redirect("legal:detail", pk=legal.pk)
    try:
        services.legal_decide(
            legal=legal,
            user=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
            on=business_date(),
            ip=request_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("legal:detail", pk=legal.pk)


@login_required
@require_POST
def legal_stage(request: HttpRequest, pk: int) -> HttpResponse:
    legal = legal_case_get_for_user(request.user, pk)
    form = StageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _t("Give the stage and its date."))
        return redirect("legal:detail", pk=legal.pk)
    data = form.cleaned_data
    try:
        services.legal_advance(
            legal=legal,
            user=request.user,
            to_status=data["to_status"],
            on=data["on"],
            note=data["note"],
            document=data["document"],
            court=data["court"],
            docket_no=data["docket_no"],
            ip=request_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("legal:detail", pk=legal.pk)


@login_required
@require_POST
def legal_document(request: HttpRequest, pk: int) -> HttpResponse:
    legal = legal_case_get_for_user(request.user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _t("Choose a document and its date."))
        return redirect("legal:detail", pk=legal.pk)
    try:
        services.legal_add_document(
            legal=legal,
            user=request.user,
            on=form.cleaned_data["on"],
            document=form.cleaned_data["document"],
            note=form.cleaned_data["note"],
            ip=request_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("legal:detail", pk=legal.pk)


@login_required
@require_GET
def legal_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The court pack with the debt to the end of today (or ``?as_of=YYYY-MM-DD``); audited,
    since it carries the borrower's personal data out of the system."""
    legal = legal_case_get_for_user(request.user, pk)
    if legal.status in (LegalStatus.RECOMMENDED, LegalStatus.DECLINED):
        raise PermissionDenied
    try:
        as_of = (
            business_date()
            if not request.GET.get("as_of")
            else dt.date.fromisoformat(request.GET["as_of"])
        )
    except ValueError:
        as_of = business_date()
    audit_record(
        user=request.user,
        action="export",
        object_type="legal_pack",
        object_id=legal.pk,
        fields={"as_of": as_of.isoformat()},
        ip=request_ip(request),
    )
    response = HttpResponse(document_pack_pdf(legal, as_of), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="legal-{legal.pk}-{as_of}.pdf"'
    return response


@login_required
@require_POST
def legal_check(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Apply the escalation rule to one case now."""
    case = case_get_for_user(request.user, case_pk)
    try:
        legal = services.legal_recommend(
            case=case, as_of=business_date(), user=request.user, ip=request_ip(request)
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:detail", pk=case.pk)
    if legal is None:
        messages.info(request, _t("The escalation rule does not apply to this case."))
        return redirect("cases:detail", pk=case.pk)
    return redirect("legal:detail", pk=legal.pk)
