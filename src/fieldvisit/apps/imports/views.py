"""The upload page and a job's result page (managers and administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.imports.forms import UploadForm
from fieldvisit.apps.imports.models import ImportSource
from fieldvisit.apps.imports.selectors import IMPORT_PERMISSION, import_job_get, import_jobs_for
from fieldvisit.apps.imports.services import (
    import_errors_csv,
    import_job_from_uploads,
    import_staff_change_apply,
)

MANAGE_USERS = "accounts.manage_users"

ERRORS_SHOWN = 500


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_from_uploads(
                user=request.user,
                files=form.cleaned_data["uploads"],
                source=ImportSource.WEB,
                ip=request_ip(request),
            )
        except ApplicationError as exc:
            form.add_error("uploads", str(exc.message))
        else:
            return redirect("imports:detail", job_id=job.pk)
    jobs = import_jobs_for(request.user)[:20]
    return render(request, "imports/upload.html", {"form": form, "jobs": jobs})


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
@require_GET
def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get(request.user, job_id)
    errors = job.row_errors.all()[:ERRORS_SHOWN]
    files = [f for f in job.files if not f.get("skipped")]
    skipped = [f["name"] for f in job.files if f.get("skipped")]
    return render(
        request,
        "imports/detail.html",
        {
            "job": job,
            "files": files,
            "skipped": skipped,
            "errors": errors,
            "stored": job.row_errors.count(),
            "shown": ERRORS_SHOWN,
            "staff_changes": _staff_change_rows(job.staff_changes),
            "may_apply": request.user.has_perm(MANAGE_USERS),
        },
    )


def _staff_change_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reported changes with their fields named and roles labelled in the reader's language."""
    labels = {"role": _("Role"), "branch": _("Branch"), "team": _("Team")}

    def shown(name: str, value: str | None) -> str:
        if value is None:
            return "—"
        return str(Role(value).label) if name == "role" else value

    return [
        {
            "employee_no": entry["employee_no"],
            "applied_by": entry.get("applied_by", ""),
            "fields": [
                (labels[name], shown(name, entry[name][0]), shown(name, entry[name][1]))
                for name in ("role", "branch", "team")
                if entry.get(name)
            ],
        }
        for entry in entries
    ]


@login_required
@permission_required(MANAGE_USERS, raise_exception=True)
@require_POST
def apply_staff_change(request: HttpRequest, job_id: int) -> HttpResponse:
    """An administrator applies one role/branch/team change an import reported."""
    job = import_job_get(request.user, job_id)
    employee_no = request.POST.get("employee_no", "")
    try:
        import_staff_change_apply(
            job=job, employee_no=employee_no, user=request.user, ip=request_ip(request)
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(employee_no)s was changed.") % {"employee_no": employee_no})
    return redirect("imports:detail", job_id=job.pk)


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
@require_GET
def errors_csv(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get(request.user, job_id)
    report = import_errors_csv(job, user=request.user, ip=request_ip(request))
    response = HttpResponse(report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
