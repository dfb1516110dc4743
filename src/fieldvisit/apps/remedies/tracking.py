"""The nightly batch's view of remedies: applied ones on track or broken, their cases cured once
kept, pending ones lapsed.

Registered as a snapshot hook (``apps.py``), so it runs inside the day's snapshot transaction,
after the cases were synced. Idempotent: re-running a day finds nothing new to mark.

Why the remedies app cures its cases: applying a remedy capitalises the arrears, so the loan is at
DPD 0 the next night before the borrower has paid anything. The case sync therefore leaves a
"remedy active" case open at DPD 0, and :func:`remedies_cure` closes it as cured once the borrower
has shown they keep the new schedule (two consecutive instalments on time: the first half of the
observation rule; the loan itself stays at least 关注 until the year is up as well).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _t

from fieldvisit.apps.cases.models import CaseEvent, CaseEventKind, CaseStatus, CollectionCase
from fieldvisit.apps.cases.services import case_transition
from fieldvisit.apps.cases.transitions import is_allowed as case_may_move
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.delinquency.selectors import delinquency_policy_for
from fieldvisit.apps.loans.engine_io import engine_loans
from fieldvisit.apps.remedies.models import RemedyProposal, RemedyStatus, Tracking
from fieldvisit.apps.remedies.services import proposal_move
from fieldvisit.apps.remedies.transitions import PENDING
from fieldvisit.apps.visits.models import FollowUpTask, TaskKind
from fieldvisit.engines import delinquency

#: Consecutive instalments of the new schedule paid on time before a remedy's case is cured.
ON_TIME_TO_CURE = 2

#: Days an instalment of a new schedule may be late before the remedy counts as broken.
DEFAULT_REMEDY_GRACE_DAYS = 3
#: Days an approved remedy waits for the borrower's acceptance before it lapses.
DEFAULT_ACCEPT_DAYS = 14


def remedy_grace_days() -> int:
    return int(getattr(settings, "REMEDY_GRACE_DAYS", DEFAULT_REMEDY_GRACE_DAYS))


def remedy_accept_days() -> int:
    """Days an approved remedy waits for the borrower's signature (the planner's signing
    deadline reads it too)."""
    return int(getattr(settings, "REMEDY_ACCEPT_DAYS", DEFAULT_ACCEPT_DAYS))


def remedies_track_from_snapshot(as_of: dt.date, rows: Any) -> None:
    """Snapshot hook: mark applied remedies and lapse the stale pending ones (see the module)."""
    dpd_by_loan = _dpd_by_loan(rows)
    remedies_track(as_of, dpd_by_loan)
    remedies_cure(as_of, getattr(rows, "policy", None))
    remedies_lapse(as_of)


def _dpd_by_loan(rows: Any) -> dict[int, int]:
    frame = getattr(rows, "frame", None)
    if frame is not None:
        return dict(zip(frame["loan_id"].to_list(), frame["dpd"].to_list(), strict=True))
    return {row.loan_id: row.dpd for row in rows}


@transaction.atomic
def remedies_track(as_of: dt.date, dpd_by_loan: dict[int, int]) -> tuple[int, int]:
    """Mark each applied remedy on track or broken at ``as_of``; returns (on track, broken).

    A remedy is broken when its loan is more than the grace days past due under the new
    schedule (a loan missing from the day's rows did not change and is not delinquent: the
    snapshot writes every delinquent loan every day). A broken remedy gets a follow-up task for
    the case's agent, and its case moves to "promise broken" where the table allows.
    """
    grace = remedy_grace_days()
    applied = list(
        # A referral changes no schedule (no new version): there is nothing of it to keep.
        RemedyProposal.objects.filter(
            status=RemedyStatus.APPLIED, applied_on__lte=as_of, new_version__isnull=False
        )
        .select_related("case")
        .order_by("id")
    )
    broken = [p for p in applied if dpd_by_loan.get(p.loan_id, 0) > grace]
    on_track = [p.pk for p in applied if p not in broken]
    RemedyProposal.objects.filter(pk__in=on_track).update(
        tracking=Tracking.ON_TRACK, tracked_on=as_of, updated_at=now()
    )
    for proposal in broken:
        dpd = dpd_by_loan[proposal.loan_id]
        reason = _t("%(dpd)d days past due under the new schedule on %(day)s") % {
            "dpd": dpd,
            "day": as_of.isoformat(),
        }
        proposal_move(
            proposal,
            to_status=RemedyStatus.BROKEN,
            user=None,
            reason=reason,
            tracking=Tracking.BROKEN,
            tracked_on=as_of,
        )
        _follow_up_broken(proposal, as_of, reason)
    return len(on_track), len(broken)


def _follow_up_broken(proposal: RemedyProposal, as_of: dt.date, reason: str) -> None:
    # The batch may have closed the remedy's case (cured) and opened a new one for the loan.
    case = (
        CollectionCase.objects.filter(loan_id=proposal.loan_id, closed_on__isnull=True).first()
        or proposal.case
    )
    FollowUpTask.objects.create(
        case=case,
        kind=TaskKind.CALL,
        due_on=as_of,
        assignee=case.agent,
        note=_t("Remedy #%(id)s broken: %(reason)s.") % {"id": proposal.pk, "reason": reason},
    )
    if not case.is_open:
        return
    if case_may_move(case.status, CaseStatus.PROMISE_BROKEN):
        case_transition(
            case=case,
            to_status=CaseStatus.PROMISE_BROKEN,
            user=None,
            reason=_t("Remedy #%(id)s broken") % {"id": proposal.pk},
            on=as_of,
        )
    else:
        CaseEvent.objects.create(
            case=case,
            at=now(),
            kind=CaseEventKind.NOTE,
            reason=_t("Remedy #%(id)s broken") % {"id": proposal.pk},
            data={"remedy_id": proposal.pk, "as_of": as_of.isoformat()},
        )


def kept_on_time(assessment: delinquency.Assessment, since: dt.date) -> bool:
    """Whether ``ON_TIME_TO_CURE`` consecutive instalments due from ``since`` to the assessment
    day were each paid in full (principal and interest) by the end of their due date."""
    due = [p for p in assessment.installments if since <= p.due_date <= assessment.as_of]
    run = 0
    for position in due:
        on_time = position.settled_on is not None and position.settled_on <= position.due_date
        run = run + 1 if on_time else 0
        if run >= ON_TIME_TO_CURE:
            return True
    return False


@transaction.atomic
def remedies_cure(as_of: dt.date, policy: delinquency.DelinquencyPolicy | None = None) -> int:
    """Close as cured, on ``as_of``, each open "remedy active" case whose remedy is kept; returns
    how many.

    Steps:
      1. the open cases in "remedy active" and their loans (one query);
      2. those loans as the engine sees them at ``as_of`` (two queries for all of them,
         :func:`fieldvisit.apps.loans.engine_io.engine_loans`), assessed under ``policy``
         (default: the policy in force on ``as_of``);
      3. a case is cured when its loan is current (DPD 0) and :func:`kept_on_time` holds for the
         instalments due since the restructuring; a status event each (the case is read again,
         locked, by :func:`case_transition`).
    Every such case is looked at, not only the loans in the day's rows: a current loan whose
    figures did not change has no row that day.
    """
    cases = list(
        CollectionCase.objects.filter(closed_on__isnull=True, status=CaseStatus.REMEDY_ACTIVE)
        .select_related("loan")
        .order_by("id")
    )
    if not cases:
        return 0
    policy = policy or delinquency_policy_for(as_of)
    loans = engine_loans((case.loan for case in cases), as_of)
    cured = 0
    for case in cases:
        restructured_on = case.loan.restructured_on
        if case.loan_id not in loans or restructured_on is None:
            continue
        assessment = delinquency.assess(loans[case.loan_id], as_of, policy)
        if assessment.dpd or not kept_on_time(assessment, restructured_on):
            continue
        case_transition(
            case=case,
            to_status=CaseStatus.CURED,
            user=None,
            reason=_t(
                "Remedy kept: %(count)d instalments of the new schedule paid on time (%(day)s)"
            )
            % {"count": ON_TIME_TO_CURE, "day": as_of.isoformat()},
            on=as_of,
        )
        cured += 1
    return cured


@transaction.atomic
def remedies_lapse(as_of: dt.date) -> int:
    """Lapse pending proposals the calendar overtook: the chosen schedule's first due date is
    on or before ``as_of``, or an approval waited more than the acceptance days. Returns the
    number lapsed."""
    accept_days = remedy_accept_days()
    lapsed = 0
    for proposal in _pending(as_of):
        option = proposal.chosen
        first_due = (
            dt.date.fromisoformat(option["first_due"]) if option and option["first_due"] else None
        )
        waited = (
            proposal.status == RemedyStatus.APPROVED
            and proposal.decided_at is not None
            and (as_of - proposal.decided_at.date()).days > accept_days
        )
        if (first_due is not None and first_due <= as_of) or waited:
            proposal_move(
                proposal,
                to_status=RemedyStatus.LAPSED,
                user=None,
                reason=_t("Not applied in time (%(day)s)") % {"day": as_of.isoformat()},
            )
            lapsed += 1
    return lapsed


def _pending(as_of: dt.date) -> Iterable[RemedyProposal]:
    return RemedyProposal.objects.filter(status__in=sorted(PENDING), as_of__lte=as_of).order_by(
        "id"
    )
