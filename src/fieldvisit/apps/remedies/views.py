"""Remedy pages: open a proposal from a case or a visit report, compare the options side by side
with their schedules and the engine's explanation, choose, approve or reject, record the
borrower's acceptance, apply; the agreement letter as PDF; the checkers' queue.

Proposals are fetched through :func:`proposal_get_for_user` (404 outside the user's cases).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.cases.selectors import case_get_for_user
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.engine_io import (
    MonthlyTotals,
    affordability_from_report,
    affordability_from_totals,
    loan_schedule_rows,
)
from fieldvisit.apps.remedies.forms import (
    AcceptForm,
    AffordabilityForm,
    DecisionForm,
    LumpSumForm,
    ProposeForm,
    ReasonForm,
)
from fieldvisit.apps.remedies.letters import agreement_letter_pdf, restructured_from
from fieldvisit.apps.remedies.models import RemedyProposal, RemedyStatus
from fieldvisit.apps.remedies.selectors import (
    proposal_events,
    proposal_get_for_user,
    proposals_awaiting,
    proposals_of_case,
)
from fieldvisit.apps.visits.models import VisitReport
from fieldvisit.apps.visits.selectors import report_get_for_user


def _latest_report(case: Any) -> VisitReport | None:
    return (
        VisitReport.objects.filter(visit__case=case, total_income__gt=0)
        .order_by("-submitted_at", "-id")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def remedy_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    """From a case: the latest visit report's income and spending, or totals typed in."""
    case = case_get_for_user(request.user, case_pk)
    if not services.may_make(request.user):
        raise PermissionDenied
    report = _latest_report(case)
    form: Any = (
        LumpSumForm(request.POST or None) if report else AffordabilityForm(request.POST or None)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lump_sum = data["lump_sum"].quantize(Decimal("0.01"))
        if report is not None:
            affordability = affordability_from_report(report, lump_sum)
        else:
            affordability = affordability_from_totals(
                MonthlyTotals(
                    income=data["income"],
                    fixed_costs=data["fixed_costs"],
                    flexible_costs=data["flexible_costs"],
                    other_debts=data["other_debts"],
                ),
                lump_sum,
            )
        try:
            proposal = services.remedy_proposal_create(
                case=case,
                user=request.user,
                as_of=business_date(),
                affordability=affordability,
                report=report,
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("remedies:detail", pk=proposal.pk)
    return render(
        request,
        "remedies/new.html",
        {"case": case, "report": report, "form": form, "proposals": proposals_of_case(case)},
    )


@login_required
@require_POST
def remedy_new_from_report(request: HttpRequest, report_pk: int) -> HttpResponse:
    """From a visit report: its income and spending lines as the affordability."""
    report = report_get_for_user(request.user, report_pk)
    case = case_get_for_user(request.user, report.visit.case_id)
    form = LumpSumForm(request.POST)
    lump_sum = form.cleaned_data["lump_sum"] if form.is_valid() else Decimal("0.00")
    try:
        proposal = services.remedy_proposal_create(
            case=case,
            user=request.user,
            as_of=business_date(),
            affordability=affordability_from_report(report, lump_sum.quantize(Decimal("0.01"))),
            report=report,
            ip=request_ip(request),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("remedies:new", case_pk=case.pk)
    return redirect("remedies:detail", pk=proposal.pk)


def _detail_context(request: HttpRequest, proposal: RemedyProposal) -> dict[str, Any]:
    user = request.user
    status = proposal.status
    is_maker = user.pk == proposal.maker_id
    options = proposal.options
    recommended = [o for o in options if o["rank"] is not None]
    others = [o for o in options if o["rank"] is None]
    loan = proposal.loan
    current = loan_schedule_rows(loan, proposal.base_version)
    return {
        "proposal": proposal,
        "case": proposal.case,
        "loan": loan,
        "chosen": proposal.chosen,
        "recommended": recommended,
        "others": others,
        "old_schedule": current,
        "new_schedule": (
            loan_schedule_rows(loan, proposal.new_version) if proposal.new_version else []
        ),
        "events": proposal_events(proposal),
        "effective_from": restructured_from(proposal),
        "may_choose": status == RemedyStatus.DRAFT and is_maker,
        "may_decide": status == RemedyStatus.PROPOSED and not is_maker and services.may_check(user),
        "within_limit": services.limit_covers(user, proposal.amount),
        "may_accept": status == RemedyStatus.APPROVED,
        "may_apply": status == RemedyStatus.ACCEPTED,
        "may_withdraw": status in (RemedyStatus.DRAFT, RemedyStatus.PROPOSED, RemedyStatus.APPROVED)
        and (is_maker or services.may_check(user)),
        "accept_form": AcceptForm(initial={"accepted_on": business_date()}),
        "today": business_date(),
    }


@login_required
@require_GET
def remedy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_get_for_user(request.user, pk)
    return render(request, "remedies/detail.html", _detail_context(request, proposal))


@login_required
@require_POST
def remedy_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST endpoint per action; a refusal is shown as a message on the proposal."""
    proposal = proposal_get_for_user(request.user, pk)
    user, ip = request.user, request_ip(request)
    try:
        if action == "propose":
            form: Any = ProposeForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(_t("Choose one of the options."), code="invalid")
            services.remedy_propose(
                proposal=proposal,
                user=user,
                option_key=form.cleaned_data["option"],
                note=form.cleaned_data["note"],
                ip=ip,
            )
            messages.success(request, _t("Proposed for approval."))
        elif action == "decide":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(_t("Approve or reject."), code="invalid")
            reason = form.cleaned_data["reason"]
            if form.cleaned_data["decision"] == "approve":
                services.remedy_approve(proposal=proposal, user=user, reason=reason, ip=ip)
                messages.success(request, _t("Approved."))
            else:
                services.remedy_reject(proposal=proposal, user=user, reason=reason, ip=ip)
                messages.success(request, _t("Rejected."))
        elif action == "accept":
            form = AcceptForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ApplicationError(_t("Give the date and the channel."), code="invalid")
            services.remedy_accept(
                proposal=proposal,
                user=user,
                accepted_on=form.cleaned_data["accepted_on"],
                channel=form.cleaned_data["channel"],
                signed_letter=form.cleaned_data["signed_letter"],
                ip=ip,
            )
            messages.success(request, _t("Acceptance recorded."))
        elif action == "apply":
            services.remedy_apply(proposal=proposal, user=user, on=business_date(), ip=ip)
            messages.success(request, _t("The new schedule is in force."))
        elif action == "withdraw":
            form = ReasonForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.remedy_withdraw(proposal=proposal, user=user, reason=reason, ip=ip)
            messages.success(request, _t("Withdrawn."))
        else:
            raise PermissionDenied
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("remedies:detail", pk=proposal.pk)


@login_required
@require_GET
def remedy_letter(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_get_for_user(request.user, pk)
    if proposal.chosen is None:
        messages.error(request, _t("Choose an option first."))
        return redirect("remedies:detail", pk=proposal.pk)
    response = HttpResponse(agreement_letter_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="remedy-{proposal.pk}.pdf"'
    return response


@login_required
@require_GET
def remedy_queue(request: HttpRequest) -> HttpResponse:
    """What waits for this checker: proposals of others in their scope, oldest first."""
    if not services.may_check(request.user):
        raise PermissionDenied
    return render(
        request, "remedies/queue.html", {"proposals": proposals_awaiting(request.user)[:200]}
    )
