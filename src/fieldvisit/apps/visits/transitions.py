"""The visit status pipeline: which status may follow which.

planned → checked_in → checked_out → reported → amended (and amended again). A report filed
while still checked in checks the team out first, so the duration is always recorded.
"""

from __future__ import annotations

from fieldvisit.apps.common.transitions import StatusPipeline
from fieldvisit.apps.visits.models import VisitStatus

S = VisitStatus

TRANSITIONS: dict[VisitStatus, frozenset[VisitStatus]] = {
    S.PLANNED: frozenset({S.CHECKED_IN}),
    S.CHECKED_IN: frozenset({S.CHECKED_OUT}),
    S.CHECKED_OUT: frozenset({S.REPORTED}),
    S.REPORTED: frozenset({S.AMENDED}),
    S.AMENDED: frozenset({S.AMENDED}),
}


PIPELINE = StatusPipeline(VisitStatus, TRANSITIONS)
allowed_next = PIPELINE.allowed_next
is_allowed = PIPELINE.is_allowed
