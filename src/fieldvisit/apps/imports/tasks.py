"""Celery tasks: thin wrappers around the services (inline in the embedded default)."""

from __future__ import annotations

from celery import shared_task

from fieldvisit.apps.imports.services import import_job_run_uploaded


@shared_task(name="imports.job_run", acks_late=True)  # type: ignore[untyped-decorator]
def import_job_run_task(job_id: int) -> str:
    return import_job_run_uploaded(job_id=job_id).status
