"""The case status pipeline: which status may follow which (django-oscar's pipeline idea).

The three closed statuses are reachable from every open status: the nightly batch closes a case
whatever stage it is at when the loan is cured, settled or written off. Nothing leaves a closed
status: a loan that falls behind again gets a new case.
"""

from __future__ import annotations

from fieldvisit.apps.cases.models import CLOSED_STATUSES, CaseStatus

S = CaseStatus

_WORKING: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset({S.CONTACTING, S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL}),
    S.CONTACTING: frozenset({S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL}),
    S.VISIT_PLANNED: frozenset({S.VISITED, S.CONTACTING}),
    S.VISITED: frozenset(
        {S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.VISIT_PLANNED, S.CONTACTING, S.LEGAL}
    ),
    S.PROMISE_TO_PAY: frozenset({S.PROMISE_BROKEN}),
    S.PROMISE_BROKEN: frozenset(
        {S.CONTACTING, S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL}
    ),
    S.REMEDY_PROPOSED: frozenset({S.REMEDY_ACTIVE, S.CONTACTING, S.VISIT_PLANNED, S.LEGAL}),
    # A remedy that is not kept is a broken promise; the case is worked again from there.
    S.REMEDY_ACTIVE: frozenset({S.PROMISE_BROKEN}),
    S.LEGAL: frozenset(),
}

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    **{status: nexts | CLOSED_STATUSES for status, nexts in _WORKING.items()},
    **{status: frozenset() for status in CLOSED_STATUSES},
}


def allowed_next(status: str) -> frozenset[CaseStatus]:
    """The statuses a case in ``status`` may move to."""
    return TRANSITIONS[CaseStatus(status)]


def is_allowed(from_status: str, to_status: str) -> bool:
    return CaseStatus(to_status) in allowed_next(from_status)
