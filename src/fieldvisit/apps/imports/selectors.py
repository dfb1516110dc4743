"""Reads of import jobs: the one access helper for them.

Import jobs concern the whole institution's portfolio, so whoever may import sees every job;
nobody else sees any (their error reports quote cell values, which may be personal data).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from fieldvisit.apps.imports.models import ImportJob

IMPORT_PERMISSION = "accounts.import_portfolio"


def import_jobs_for(user: Any) -> QuerySet[ImportJob]:
    if not user.is_authenticated or not user.has_perm(IMPORT_PERMISSION):
        return ImportJob.objects.none()
    return ImportJob.objects.select_related("created_by")


def import_job_get(user: Any, job_id: int) -> ImportJob:
    """The job if ``user`` may see it; otherwise 404."""
    job = import_jobs_for(user).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job
