"""The upload page and a job's result page (managers and administrators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fieldvisit.apps.audit.services import request_ip
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.imports.forms import UploadForm
from fieldvisit.apps.imports.models import ImportSource
from fieldvisit.apps.imports.selectors import IMPORT_PERMISSION, import_job_get, import_jobs_for
from fieldvisit.apps.imports.services import import_errors_csv, import_job_from_uploads

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
        },
    )


@login_required
@permission_required(IMPORT_PERMISSION, raise_exception=True)
@require_GET
def errors_csv(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get(request.user, job_id)
    report = import_errors_csv(job, user=request.user, ip=request_ip(request))
    response = HttpResponse(report, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
