"""The remedy proposal pipeline: which status may follow which (django-oscar's pipeline idea).

Rejected, lapsed and broken are final; so is applied, except that the nightly batch marks an
applied remedy broken when an instalment of the new schedule goes unpaid past the grace days.
"""

from __future__ import annotations

from fieldvisit.apps.common.transitions import StatusPipeline
from fieldvisit.apps.remedies.models import RemedyStatus

S = RemedyStatus

TRANSITIONS: dict[RemedyStatus, frozenset[RemedyStatus]] = {
    S.DRAFT: frozenset({S.PROPOSED, S.LAPSED}),
    S.PROPOSED: frozenset({S.APPROVED, S.REJECTED, S.LAPSED}),
    S.APPROVED: frozenset({S.ACCEPTED, S.LAPSED}),
    S.ACCEPTED: frozenset({S.APPLIED, S.LAPSED}),
    S.APPLIED: frozenset({S.BROKEN}),
    S.REJECTED: frozenset(),
    S.LAPSED: frozenset(),
    S.BROKEN: frozenset(),
}


PIPELINE = StatusPipeline(RemedyStatus, TRANSITIONS)
allowed_next = PIPELINE.allowed_next
is_allowed = PIPELINE.is_allowed

# Proposals still on their way to a new schedule (at most one per loan, by a constraint).
PENDING = frozenset({S.PROPOSED, S.APPROVED, S.ACCEPTED})
