"""The legal pipeline: a manager decides on a recommendation, then the stages in order (a stage
may be skipped forward: a case may be filed without a separate notice); closed is reachable from
every stage (settled, withdrawn, or enforcement finished)."""

from __future__ import annotations

from fieldvisit.apps.common.transitions import StatusPipeline
from fieldvisit.apps.legal.models import LegalStatus

S = LegalStatus

STAGES: tuple[LegalStatus, ...] = (S.NOTICE_SENT, S.FILED, S.JUDGMENT, S.ENFORCEMENT, S.CLOSED)

TRANSITIONS: dict[LegalStatus, frozenset[LegalStatus]] = {
    S.RECOMMENDED: frozenset({S.APPROVED, S.DECLINED}),
    S.DECLINED: frozenset(),
    S.APPROVED: frozenset(STAGES),
    S.NOTICE_SENT: frozenset(STAGES[1:]),
    S.FILED: frozenset(STAGES[2:]),
    S.JUDGMENT: frozenset(STAGES[3:]),
    S.ENFORCEMENT: frozenset(STAGES[4:]),
    S.CLOSED: frozenset(),
}


PIPELINE = StatusPipeline(LegalStatus, TRANSITIONS)
allowed_next = PIPELINE.allowed_next
is_allowed = PIPELINE.is_allowed

# With the legal officer: approved and not closed.
ACTIVE = frozenset({S.APPROVED, S.NOTICE_SENT, S.FILED, S.JUDGMENT, S.ENFORCEMENT})
