"""Celery tasks of the planner: thin wrappers around the services, one per branch part.

With a broker the parts run in parallel on the workers and a chord finishes the plan (a result
backend is needed for the chord: ``CELERY_RESULT_BACKEND``). In the embedded default (eager) they
run inline, one after another, sharing the time limit so a build takes about ``seconds``.
"""

from __future__ import annotations

from typing import Any

from celery import chord, shared_task
from django.conf import settings
from django.db import transaction

from fieldvisit.apps.planning import services


@shared_task(name="planning.build_branch", acks_late=True)  # type: ignore[untyped-decorator]
def plan_build_branch(plan_id: int, branch_id: int, seconds: float) -> dict[str, Any]:
    """Solve and store one branch's part of a plan (idempotent: a retry replaces the part)."""
    return services.plan_build_branch(plan_id=plan_id, branch_id=branch_id, seconds=seconds)


@shared_task(name="planning.finish", acks_late=True)  # type: ignore[untyped-decorator]
def plan_finish(_results: object, plan_id: int) -> int:
    """Totals and the full check once every part is stored."""
    return services.plan_finish(plan_id=plan_id).pk


def dispatch(plan_id: int, branch_ids: list[int], seconds: float) -> None:
    """Run every branch part, then finish the plan."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        share = seconds / max(1, len(branch_ids))
        results = [
            plan_build_branch.apply(args=(plan_id, branch_id, share)).get()
            for branch_id in branch_ids
        ]
        plan_finish.apply(args=(results, plan_id)).get()
        return
    parts = [plan_build_branch.s(plan_id, branch_id, seconds) for branch_id in branch_ids]
    transaction.on_commit(lambda: chord(parts)(plan_finish.s(plan_id)))
