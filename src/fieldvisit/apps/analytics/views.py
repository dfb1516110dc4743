"""Analytics pages: one page per dashboard (charts first, tables below), its Excel export, and
the monthly PDF report. Everyone here holds ``accounts.view_analytics``; a branch manager's
filters are pinned to their branch (:func:`selectors.base.scoped`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fieldvisit.apps.analytics import exports
from fieldvisit.apps.analytics.models import PortfolioMonth
from fieldvisit.apps.analytics.selectors import DASHBOARDS
from fieldvisit.apps.analytics.selectors.base import Dashboard, Filters, scoped
from fieldvisit.apps.audit.models import AuditAction
from fieldvisit.apps.audit.services import audit_record, request_ip
from fieldvisit.apps.delinquency.models import SnapshotRun, SnapshotRunStatus
from fieldvisit.apps.loans.models import Product
from fieldvisit.apps.organisation.models import Branch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_filters(query: Any) -> tuple[Filters, list[str]]:
    """Filters from a query string; a malformed value is ignored and named in the errors."""
    errors: list[str] = []

    def integer(name: str) -> int | None:
        raw = (query.get(name) or "").strip()
        if not raw:
            return None
        if raw.isdigit():
            return int(raw)
        errors.append(_("%(field)s: not a valid choice, ignored.") % {"field": name})
        return None

    month = None
    raw_month = (query.get("month") or "").strip()
    if raw_month:
        try:
            month = dt.date.fromisoformat(f"{raw_month}-01")
        except ValueError:
            errors.append(_("month: use YYYY-MM, ignored."))
    district = (query.get("district") or "").strip()[:50]
    return Filters(integer("product"), integer("branch"), district, month), errors


def _dashboard(request: HttpRequest, key: str) -> tuple[Dashboard, Filters, list[str]]:
    if key not in DASHBOARDS:
        raise Http404
    filters, errors = parse_filters(request.GET)
    filters = scoped(filters, request.user)
    return DASHBOARDS[key][1](filters), filters, errors


def _choices(user: Any) -> dict[str, Any]:
    latest = (
        SnapshotRun.objects.filter(status=SnapshotRunStatus.DONE, full_write=True)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
    )
    days = list(latest[:24])
    branches = Branch.objects.order_by("code").values_list("id", "name")
    if scoped(Filters(), user).branch is not None:
        branches = branches.filter(pk=user.branch_id)
    districts = (
        PortfolioMonth.objects.filter(as_of=days[0]).values_list("district", flat=True).distinct()
        if days
        else PortfolioMonth.objects.none().values_list("district", flat=True)
    )
    return {
        "products": list(Product.objects.order_by("code").values_list("id", "name")),
        "branches": list(branches),
        "districts": sorted(d for d in districts.order_by() if d),
        "months": [d.strftime("%Y-%m") for d in days],
    }


@require_GET
@login_required
@permission_required("accounts.view_analytics", raise_exception=True)
def dashboard(request: HttpRequest, key: str = "portfolio") -> HttpResponse:
    board, filters, errors = _dashboard(request, key)
    query = filters.as_query()
    return render(
        request,
        "analytics/dashboard.html",
        {
            "board": board,
            "charts": [(c, c.svg()) for c in board.charts if not c.empty],
            "filters": filters,
            "query": query,
            "query_string": urlencode(query),
            "errors": errors,
            "menu": [(k, title) for k, (title, _f) in DASHBOARDS.items()],
            **_choices(request.user),
        },
    )


@require_GET
@login_required
@permission_required("accounts.view_analytics", raise_exception=True)
def export_xlsx(request: HttpRequest, key: str) -> HttpResponse:
    board, filters, _errors = _dashboard(request, key)
    content = exports.workbook(board, filters)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="analytics",
        object_id=key,
        fields=filters.as_query(),
        ip=request_ip(request),
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="fieldvisit-{key}.xlsx"'
    return response


@require_GET
@login_required
@permission_required("accounts.view_analytics", raise_exception=True)
def report_pdf(request: HttpRequest) -> HttpResponse:
    filters, _errors = parse_filters(request.GET)
    filters = scoped(filters, request.user)
    boards = [select(filters) for _title, select in DASHBOARDS.values()]
    content = exports.monthly_report(boards, filters)
    audit_record(
        user=request.user,
        action=AuditAction.EXPORT,
        object_type="analytics",
        object_id="monthly_report",
        fields=filters.as_query(),
        ip=request_ip(request),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="fieldvisit-monthly-report.pdf"'
    return response
