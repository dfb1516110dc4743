"""The case status pipeline: which status may follow which (django-oscar's pipeline idea).

The three closed statuses are reachable from every open status: the nightly batch closes a case
whatever stage it is at when the loan is cured, settled or written off. Nothing leaves a closed
status: a loan that falls behind again gets a new case.

The table says what may follow what; two rules of the services sit on top of it:

* while a promise is open, a case in "promise to pay" waits for it to be decided before it is
  worked again (:data:`AFTER_PROMISE` needs no open promise; :func:`~fieldvisit.apps.cases.
  services.case_may_move` checks it). A kept promise moves the case on: cured when the loan is
  current, else back to contacting (followup app); a broken one to "promise broken";
* the nightly case sync does not cure a case at DPD 0 while its borrower's own commitment is
  still being watched: "remedy active" (the remedies app cures it after two on-time instalments
  of the new schedule) and "promise to pay" with an open promise (cured when it is kept).
"""

from __future__ import annotations

from fieldvisit.apps.cases.models import CLOSED_STATUSES, CaseStatus
from fieldvisit.apps.common.transitions import StatusPipeline

S = CaseStatus

_WORKING: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset({S.CONTACTING, S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL}),
    S.CONTACTING: frozenset({S.VISIT_PLANNED, S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.LEGAL}),
    # A remedy may be proposed before the visit (a borrower who called in, say).
    S.VISIT_PLANNED: frozenset({S.VISITED, S.CONTACTING, S.REMEDY_PROPOSED}),
    S.VISITED: frozenset(
        {S.PROMISE_TO_PAY, S.REMEDY_PROPOSED, S.VISIT_PLANNED, S.CONTACTING, S.LEGAL}
    ),
    # A borrower who promised may still ask for a remedy; once the promise is decided the case
    # is worked again (contacting, a visit) or, broken, goes to "promise broken".
    S.PROMISE_TO_PAY: frozenset(
        {S.PROMISE_BROKEN, S.REMEDY_PROPOSED, S.CONTACTING, S.VISIT_PLANNED}
    ),
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


PIPELINE = StatusPipeline(CaseStatus, TRANSITIONS)
allowed_next = PIPELINE.allowed_next
is_allowed = PIPELINE.is_allowed

#: Moves out of "promise to pay" allowed only once the case has no open promise.
AFTER_PROMISE: frozenset[CaseStatus] = frozenset({S.CONTACTING, S.VISIT_PLANNED})


def waits_for_promise(from_status: str, to_status: str) -> bool:
    """Whether the move ``from_status`` → ``to_status`` needs the case's promises decided."""
    return CaseStatus(from_status) == S.PROMISE_TO_PAY and CaseStatus(to_status) in AFTER_PROMISE
