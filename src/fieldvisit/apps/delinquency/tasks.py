"""Celery wrapper of the nightly snapshot, for deployments that schedule it on workers."""

from __future__ import annotations

from datetime import date
from typing import Any

from celery import shared_task

from fieldvisit.apps.delinquency.services import snapshot_run


@shared_task(name="delinquency.snapshot_run", acks_late=True)  # type: ignore[untyped-decorator]
def delinquency_snapshot_run(as_of: str) -> dict[str, Any]:
    """Run :func:`snapshot_run` for ``as_of`` (YYYY-MM-DD); safe to retry (a run is idempotent,
    and a concurrent duplicate fails fast with ``SnapshotRunBusy``)."""
    result = snapshot_run(date.fromisoformat(as_of))
    return {
        "as_of": as_of,
        "loans": result.loans_assessed,
        "rows_written": result.rows_written,
        "full_write": result.full_write,
    }
