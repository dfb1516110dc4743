"""The plan status pipeline: which status may follow which.

A draft is approved or replaced by a newer draft (replanning); an approved plan is replaced only
by approving a newer plan for the same day and scope. Nothing leaves ``superseded``.
"""

from __future__ import annotations

from fieldvisit.apps.common.transitions import StatusPipeline
from fieldvisit.apps.planning.models import PlanStatus

S = PlanStatus

TRANSITIONS: dict[PlanStatus, frozenset[PlanStatus]] = {
    S.DRAFT: frozenset({S.APPROVED, S.SUPERSEDED}),
    S.APPROVED: frozenset({S.SUPERSEDED}),
    S.SUPERSEDED: frozenset(),
}


PIPELINE = StatusPipeline(PlanStatus, TRANSITIONS)
allowed_next = PIPELINE.allowed_next
is_allowed = PIPELINE.is_allowed
