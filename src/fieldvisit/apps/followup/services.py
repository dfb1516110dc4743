"""Follow-up writes: the nightly marking of promises to pay, and closing tasks.

Start at :func:`promises_mark`. It runs as a snapshot hook (``apps.py``), inside the day's
snapshot transaction after the cases were synced, and is idempotent: a marked promise is never
marked again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.cases.models import CaseEvent, CaseEventKind, CaseStatus, CollectionCase
from fieldvisit.apps.cases.services import case_has_open_promise, case_transition
from fieldvisit.apps.cases.transitions import is_allowed as case_may_move
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.followup.selectors import may_manage_task
from fieldvisit.apps.loans.models import Payment
from fieldvisit.apps.visits.models import (
    FollowUpTask,
    PromiseStatus,
    PromiseToPay,
    TaskKind,
    TaskState,
)

#: Days after the promised date a payment still counts as keeping the promise.
DEFAULT_PROMISE_GRACE_DAYS = 3
AUDIT_TASK = "task.state"


def promise_grace_days() -> int:
    return int(getattr(settings, "PROMISE_GRACE_DAYS", DEFAULT_PROMISE_GRACE_DAYS))


@dataclass(frozen=True)
class Marked:
    kept: int = 0
    partly_kept: int = 0
    broken: int = 0


def promises_mark_from_snapshot(as_of: dt.date, rows: Any) -> None:
    """Snapshot hook: :func:`promises_mark` for ``as_of`` (the rows are not needed)."""
    promises_mark(as_of)


@transaction.atomic
def promises_mark(as_of: dt.date) -> Marked:
    """Mark the open promises that can be decided at the end of ``as_of``.

    For each open promise made on day M (its report's date), due on day P, with grace g:
      paid = Σ payments on the loan dated M … min(as_of, P + g);
      paid ≥ amount                  → kept (as soon as it is, even before P);
      as_of ≥ P + g and 0 < paid      → partly kept;
      as_of ≥ P + g and paid = 0      → broken.
    Partly kept and broken promises get a call task for the case's agent, and their case moves
    to "promise broken" where the table allows (a note on the timeline otherwise). A case left
    in "promise to pay" with no promise open moves on: cured when the loan is current (DPD 0 on
    the case, from the day's sync, which leaves such a case open while its promise is open),
    else, the promise kept, back to "contacting".
    Batch cost: two queries to read (promises, their loans' payments), one write per promise
    decided.
    """
    grace = dt.timedelta(days=promise_grace_days())
    promises = list(
        PromiseToPay.objects.select_for_update(of=("self",))
        .filter(status=PromiseStatus.OPEN)
        .select_related("case", "report")
        .order_by("id")
    )
    promises = [p for p in promises if _made_on(p) <= as_of]
    if not promises:
        return Marked()
    loan_ids = {p.case.loan_id for p in promises}
    earliest = min(_made_on(p) for p in promises)
    payments: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for loan_id, paid_on, amount in Payment.objects.filter(
        loan_id__in=loan_ids, paid_on__gte=earliest, paid_on__lte=as_of
    ).values_list("loan_id", "paid_on", "amount"):
        payments[loan_id].append((paid_on, amount))
    counts = {PromiseStatus.KEPT: 0, PromiseStatus.PARTLY_KEPT: 0, PromiseStatus.BROKEN: 0}
    for promise in promises:
        deadline = promise.due_on + grace
        start, end = _made_on(promise), min(as_of, deadline)
        paid = sum(
            (amount for day, amount in payments[promise.case.loan_id] if start <= day <= end),
            Decimal("0.00"),
        )
        if paid >= promise.amount:
            status = PromiseStatus.KEPT
        elif as_of >= deadline:
            status = PromiseStatus.PARTLY_KEPT if paid > 0 else PromiseStatus.BROKEN
        else:
            continue
        _decide(promise, status, paid, as_of)
        counts[status] += 1
    return Marked(
        kept=counts[PromiseStatus.KEPT],
        partly_kept=counts[PromiseStatus.PARTLY_KEPT],
        broken=counts[PromiseStatus.BROKEN],
    )


def _made_on(promise: PromiseToPay) -> dt.date:
    return timezone.localdate(promise.report.submitted_at)


def _decide(promise: PromiseToPay, status: PromiseStatus, paid: Decimal, as_of: dt.date) -> None:
    promise.status = status
    promise.save(update_fields=["status", "updated_at"])
    case = promise.case
    words = {
        "id": promise.pk,
        "amount": f"{promise.amount:,.2f}",
        "due": promise.due_on.isoformat(),
        "paid": f"{paid:,.2f}",
    }
    if status == PromiseStatus.KEPT:
        label = _t("Promise #%(id)s kept: %(paid)s of %(amount)s by %(due)s.") % words
        CaseEvent.objects.create(
            case=case,
            at=now(),
            kind=CaseEventKind.NOTE,
            reason=label,
            data={"promise_id": promise.pk, "status": status.value, "paid": str(paid)},
        )
        _after_promise(case, label, as_of, kept=True)
        return
    label = (
        _t("Promise #%(id)s partly kept: %(paid)s of %(amount)s by %(due)s.")
        if status == PromiseStatus.PARTLY_KEPT
        else _t("Promise #%(id)s broken: nothing of %(amount)s paid by %(due)s.")
    ) % words
    FollowUpTask.objects.create(
        case=case,
        report=promise.report,
        kind=TaskKind.CALL,
        due_on=as_of,
        assignee=case.agent or promise.report.submitted_by,
        note=label,
    )
    if _after_promise(case, label, as_of, kept=False):
        return
    if case.is_open and case_may_move(case.status, CaseStatus.PROMISE_BROKEN):
        case_transition(
            case=case, to_status=CaseStatus.PROMISE_BROKEN, user=None, reason=label, on=as_of
        )
    else:
        CaseEvent.objects.create(
            case=case,
            at=now(),
            kind=CaseEventKind.NOTE,
            reason=label,
            data={"promise_id": promise.pk, "status": status.value, "paid": str(paid)},
        )


def _after_promise(case: CollectionCase, label: str, as_of: dt.date, *, kept: bool) -> bool:
    """Move a case in "promise to pay" whose promises are all decided: cured at DPD 0, back to
    contacting after a kept promise. Returns whether the case moved."""
    case.refresh_from_db(fields=["status", "closed_on", "dpd"])
    if not case.is_open or case.status != CaseStatus.PROMISE_TO_PAY:
        return False
    if case_has_open_promise(case):
        return False
    if case.dpd == 0:
        target = CaseStatus.CURED
    elif kept:
        target = CaseStatus.CONTACTING
    else:
        return False
    case_transition(case=case, to_status=target, user=None, reason=label, on=as_of)
    return True


@transaction.atomic
def task_set_state(*, task: FollowUpTask, user: Any, state: str, ip: str | None = None) -> None:
    """Mark an open task done or cancelled (its assignee, or a lead or manager over its case)."""
    if state not in (TaskState.DONE, TaskState.CANCELLED):
        raise ApplicationError(_("A task is marked done or cancelled."), code="state")
    if not may_manage_task(user, task):
        raise ApplicationError(_("This task is not yours to close."), code="forbidden")
    updated = FollowUpTask.objects.filter(pk=task.pk, state=TaskState.OPEN).update(
        state=state, updated_at=now()
    )
    if updated != 1:
        raise ApplicationError(_("This task is already closed."), code="conflict")
    task.state = state
    audit_record(
        user=user,
        action=AUDIT_TASK,
        object_type="task",
        object_id=task.pk,
        fields={"state": [TaskState.OPEN.value, state]},
        ip=ip,
    )
