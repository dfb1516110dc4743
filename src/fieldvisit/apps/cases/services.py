"""Writes on cases. Every change writes its CaseEvent (and, for people's actions, an audit row)
in the same transaction as the change.

Start at :func:`cases_sync_from_snapshot` (the nightly batch) and :func:`case_transition`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.models import AuditAction
from fieldvisit.apps.audit.services import audit_record, audit_record_many
from fieldvisit.apps.cases.models import (
    CLOSED_STATUSES,
    CONNECTED_OUTCOMES,
    CaseEvent,
    CaseEventKind,
    CaseNote,
    CaseStatus,
    CollectionCase,
    ContactAttempt,
    ContactChannel,
    ContactTarget,
)
from fieldvisit.apps.cases.selectors import case_may_assign, cases_for_user
from fieldvisit.apps.cases.transitions import is_allowed, waits_for_promise
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.loans.models import Borrower, Loan, LoanStatus
from fieldvisit.apps.organisation.models import Team
from fieldvisit.apps.visits.models import PromiseStatus, PromiseToPay
from fieldvisit.engines import compliance
from fieldvisit.engines.delinquency import DEFAULT_POLICY as DEFAULT_DELINQUENCY_POLICY

SYNC_BATCH = 2000
# Attempts may be logged after the fact, not ahead of time (a little clock skew is tolerated).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


class SnapshotLike(Protocol):
    """What the case sync reads from a snapshot row (the delinquency app's rows qualify)."""

    @property
    def loan_id(self) -> int: ...
    @property
    def dpd(self) -> int: ...
    @property
    def bucket(self) -> str: ...
    @property
    def total_due(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class CaseSnapshotRow:
    """A loan's figures on a day: DPD, bucket and the total due in yuan."""

    loan_id: int
    dpd: int
    bucket: str
    total_due: Decimal


@dataclass(frozen=True, slots=True)
class SyncResult:
    opened: int = 0
    updated: int = 0
    closed: int = 0

    def __add__(self, other: SyncResult) -> SyncResult:
        return SyncResult(
            self.opened + other.opened, self.updated + other.updated, self.closed + other.closed
        )


def _batched(rows: Iterable[SnapshotLike], size: int) -> Iterator[list[SnapshotLike]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def cases_sync_from_snapshot(
    as_of: dt.date, rows: Iterable[SnapshotLike], *, threshold: int | None = None
) -> SyncResult:
    """Open, update and close cases from one day's snapshot rows. Idempotent.

    Steps, per batch of 2,000 rows (about six queries a batch, never one per loan):
      1. lock the open cases of the batch's loans and read those loans' branch and status;
      2. a loan with DPD ≥ ``threshold`` (default: the rows' delinquency policy's
         ``case_open_dpd``, else the engine default 1), active, and without an open case gets a
         new case (status new), with an "opened" event;
      3. an open case closes as ``written_off`` / ``closed`` when the core system wrote the loan
         off / settled it, as ``cured`` when DPD is 0; the close writes a status event. DPD 0
         does not cure a case whose borrower's commitment is still watched (see
         :mod:`~fieldvisit.apps.cases.transitions`): "remedy active" (a remedy capitalises the
         arrears, so DPD is 0 before anything is paid; the remedies app cures it), nor
         "promise to pay" with an open promise (the followup app cures it when it is kept);
      4. other open cases take the row's DPD, bucket and total due, and the borrower's current
         home district (unless the case already holds a later snapshot: re-running an old day
         never moves a case back in time).
    Loans absent from ``rows`` are left alone: the batch may be partitioned.
    Signature ``(as_of, rows)`` is the delinquency app's snapshot hook.
    """
    if threshold is None:
        # The snapshot app's rows carry the policy they were computed under.
        policy = getattr(rows, "policy", None) or DEFAULT_DELINQUENCY_POLICY
        threshold = policy.case_open_dpd
    total = SyncResult()
    for chunk in _batched(rows, SYNC_BATCH):
        total += _sync_chunk(as_of, chunk, threshold)
    if total.opened or total.closed or total.updated:
        audit_record(
            user=None,
            action=AuditAction.CASE_SYNC,
            object_type="snapshot",
            object_id=as_of.isoformat(),
            fields={"opened": total.opened, "updated": total.updated, "closed": total.closed},
        )
    return total


@transaction.atomic
def _sync_chunk(as_of: dt.date, chunk: Sequence[SnapshotLike], threshold: int) -> SyncResult:
    by_loan = {row.loan_id: row for row in chunk}
    open_cases = {
        case.loan_id: case
        for case in CollectionCase.objects.select_for_update()
        .filter(closed_on__isnull=True, loan_id__in=list(by_loan))
        .only(
            "id",
            "loan_id",
            "status",
            "closed_on",
            "dpd",
            "bucket",
            "amount_due",
            "snapshot_as_of",
            "district",
            "updated_at",
        )
    }
    candidates = [
        loan_id for loan_id, row in by_loan.items() if loan_id in open_cases or row.dpd >= threshold
    ]
    loans = {
        loan_id: (branch_id, status, district)
        for loan_id, branch_id, status, district in Loan.objects.filter(
            pk__in=candidates
        ).values_list("pk", "branch_id", "status", "borrower__home_district")
    }
    promised = _with_open_promise(
        case.pk for case in open_cases.values() if case.status == CaseStatus.PROMISE_TO_PAY
    )
    at = now()
    events: list[CaseEvent] = []
    new_cases = [
        CollectionCase(
            loan_id=loan_id,
            branch_id=loans[loan_id][0],
            district=loans[loan_id][2],
            status=CaseStatus.NEW,
            opened_on=as_of,
            dpd=row.dpd,
            bucket=row.bucket,
            amount_due=row.total_due,
            snapshot_as_of=as_of,
        )
        for loan_id, row in by_loan.items()
        if loan_id not in open_cases
        and row.dpd >= threshold
        and loan_id in loans
        and loans[loan_id][1] == LoanStatus.ACTIVE
    ]
    CollectionCase.objects.bulk_create(new_cases)
    events.extend(
        CaseEvent(
            case_id=case.pk,
            at=at,
            kind=CaseEventKind.OPENED,
            to_status=CaseStatus.NEW,
            reason=f"DPD {case.dpd} ≥ {threshold} on {as_of.isoformat()}",
            data={"as_of": as_of.isoformat(), "dpd": case.dpd, "bucket": case.bucket},
        )
        for case in new_cases
    )

    changed: list[CollectionCase] = []
    closed = 0
    for loan_id, case in open_cases.items():
        row = by_loan[loan_id]
        if case.snapshot_as_of > as_of:
            continue
        _branch, loan_status, district = loans.get(
            loan_id, (None, LoanStatus.ACTIVE, case.district)
        )
        close_as: CaseStatus | None = None
        if loan_status == LoanStatus.WRITTEN_OFF:
            close_as = CaseStatus.WRITTEN_OFF
        elif loan_status == LoanStatus.SETTLED:
            close_as = CaseStatus.CLOSED
        elif row.dpd == 0 and not _watched(case, promised):
            close_as = CaseStatus.CURED
        figures = (row.dpd, row.bucket, row.total_due, as_of, district)
        if close_as is None and figures == (
            case.dpd,
            case.bucket,
            case.amount_due,
            case.snapshot_as_of,
            case.district,
        ):
            continue
        case.dpd, case.bucket, case.amount_due, case.snapshot_as_of, case.district = figures
        case.updated_at = at  # bulk_update does not apply auto_now
        if close_as is not None:
            events.append(
                CaseEvent(
                    case_id=case.pk,
                    at=at,
                    kind=CaseEventKind.STATUS,
                    from_status=case.status,
                    to_status=close_as,
                    reason=f"snapshot {as_of.isoformat()}: loan {loan_status}, DPD {row.dpd}",
                )
            )
            case.status, case.closed_on = close_as, as_of
            closed += 1
        changed.append(case)
    CollectionCase.objects.bulk_update(
        changed,
        [
            "dpd",
            "bucket",
            "amount_due",
            "snapshot_as_of",
            "district",
            "status",
            "closed_on",
            "updated_at",
        ],
    )
    CaseEvent.objects.bulk_create(events)
    return SyncResult(opened=len(new_cases), updated=len(changed) - closed, closed=closed)


def _with_open_promise(case_ids: Iterable[int]) -> set[int]:
    ids = list(case_ids)
    if not ids:
        return set()
    return set(
        PromiseToPay.objects.filter(case_id__in=ids, status=PromiseStatus.OPEN).values_list(
            "case_id", flat=True
        )
    )


def _watched(case: CollectionCase, promised: set[int]) -> bool:
    """Whether DPD 0 leaves ``case`` open: its remedy or open promise decides when it is cured."""
    return case.status == CaseStatus.REMEDY_ACTIVE or case.pk in promised


def case_has_open_promise(case: CollectionCase) -> bool:
    return PromiseToPay.objects.filter(case_id=case.pk, status=PromiseStatus.OPEN).exists()


def case_may_move(case: CollectionCase, to_status: str) -> bool:
    """Whether ``case`` may move to ``to_status`` now: the transitions table, and a case in
    "promise to pay" is worked again (contacting, visit planned) only once no promise of it is
    open (one query, only for such a move)."""
    if not is_allowed(case.status, to_status):
        return False
    return not (waits_for_promise(case.status, to_status) and case_has_open_promise(case))


def cases_snapshot_hook(as_of: dt.date, rows: Iterable[SnapshotLike]) -> None:
    """The delinquency app's snapshot hook: :func:`cases_sync_from_snapshot` for the day."""
    cases_sync_from_snapshot(as_of, rows)


def case_open_or_update_from_snapshot(
    *, as_of: dt.date, row: SnapshotLike, threshold: int | None = None
) -> CollectionCase | None:
    """One loan's row through :func:`cases_sync_from_snapshot`; returns its open case, if any."""
    cases_sync_from_snapshot(as_of, [row], threshold=threshold)
    return CollectionCase.objects.filter(loan_id=row.loan_id, closed_on__isnull=True).first()


def case_close(
    *,
    case: CollectionCase,
    status: str,
    as_of: dt.date,
    reason: str,
    user: Any = None,
    ip: str | None = None,
) -> CollectionCase:
    """Close ``case`` as cured, closed or written off on ``as_of``."""
    if status not in CLOSED_STATUSES:
        raise ApplicationError(_("Not a closing status."), code="not_closing")
    return case_transition(case=case, to_status=status, user=user, reason=reason, ip=ip, on=as_of)


@transaction.atomic
def case_transition(
    *,
    case: CollectionCase,
    to_status: str,
    user: Any,
    reason: str,
    ip: str | None = None,
    on: dt.date | None = None,
) -> CollectionCase:
    """Move ``case`` to ``to_status`` if the transitions table allows it; writes the event and,
    for a person, the audit row. A closing status sets ``closed_on`` (``on``, default today)."""
    from fieldvisit.apps.common.clock import business_date

    locked = CollectionCase.objects.select_for_update().get(pk=case.pk)
    if not is_allowed(locked.status, to_status):
        raise ApplicationError(
            _t("A case cannot go from %(from)s to %(to)s.")
            % {"from": CaseStatus(locked.status).label, "to": CaseStatus(to_status).label},
            code="transition_not_allowed",
        )
    if waits_for_promise(locked.status, to_status) and case_has_open_promise(locked):
        raise ApplicationError(
            _t("The borrower's promise to pay is still open: the case waits until it is decided."),
            code="promise_open",
        )
    from_status = locked.status
    locked.status = to_status
    if to_status in CLOSED_STATUSES:
        locked.closed_on = on or business_date()
    locked.save(update_fields=["status", "closed_on", "updated_at"])
    CaseEvent.objects.create(
        case=locked,
        at=now(),
        user=user if user is not None and user.is_authenticated else None,
        kind=CaseEventKind.STATUS,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    if user is not None:
        audit_record(
            user=user,
            action=AuditAction.CASE_TRANSITION,
            object_type="case",
            object_id=locked.pk,
            fields={"status": [from_status, to_status]},
            reason=reason,
            ip=ip,
        )
    case.status, case.closed_on = locked.status, locked.closed_on
    return case


@transaction.atomic
def case_assign(
    *,
    actor: Any,
    case_ids: Iterable[int],
    team: Team | None = None,
    agent: Any = None,
    reason: str = "",
    ip: str | None = None,
) -> int:
    """Assign the open cases ``case_ids`` (those ``actor`` may see) to ``team`` and/or ``agent``.

    An agent without a team given brings their own team. Managers assign within their branch,
    team leads to their own teams. One bulk update, one event and one audit row per case.
    Returns the number of cases assigned; ids the actor may not see are ignored, as if absent.
    """
    if not case_may_assign(actor):
        raise ApplicationError(_("You may not assign cases."), code="forbidden")
    if team is None and agent is None:
        raise ApplicationError(_("Choose a team or an agent."), code="no_assignee")
    if agent is not None:
        if agent.role != Role.AGENT or not agent.is_active:
            raise ApplicationError(
                _("Cases are assigned to active field agents."), code="not_agent"
            )
        if team is None:
            team = agent.team
        elif agent.team_id != team.pk:
            raise ApplicationError(_("The agent is not in that team."), code="agent_not_in_team")
    if team is not None and not _may_assign_to_team(actor, team):
        raise ApplicationError(_("That team is outside your scope."), code="team_out_of_scope")

    cases = list(
        cases_for_user(actor)
        .select_for_update()
        .filter(pk__in=list(case_ids), closed_on__isnull=True)
        .only("id", "team_id", "agent_id", "branch_id")
    )
    if team is not None:
        foreign = [c.pk for c in cases if c.branch_id != team.branch_id]
        if foreign:
            raise ApplicationError(
                _("Some cases belong to another branch than the team."), code="branch_mismatch"
            )
    at = now()
    target = {"team_id": team.pk if team else None, "agent_id": agent.pk if agent else None}
    CollectionCase.objects.filter(pk__in=[c.pk for c in cases]).update(**target, updated_at=at)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case_id=case.pk,
            at=at,
            user=actor,
            kind=CaseEventKind.ASSIGNED,
            reason=reason,
            data={
                "from": [case.team_id, case.agent_id],
                "to": [target["team_id"], target["agent_id"]],
            },
        )
        for case in cases
    )
    audit_record_many(
        user=actor,
        action=AuditAction.CASE_ASSIGN,
        object_type="case",
        items=(
            (
                case.pk,
                {
                    "team": [case.team_id, target["team_id"]],
                    "agent": [case.agent_id, target["agent_id"]],
                },
            )
            for case in cases
        ),
        reason=reason,
        ip=ip,
    )
    return len(cases)


def _may_assign_to_team(actor: Any, team: Team) -> bool:
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    if actor.role == Role.MANAGER and actor.branch_id == team.branch_id:
        return True
    return bool(team.lead_id == actor.pk)


@transaction.atomic
def case_set_flags(
    *,
    case: CollectionCase,
    user: Any,
    vulnerable: bool,
    hardship_hold: bool,
    reason: str,
    ip: str | None = None,
) -> CollectionCase:
    """Mark the borrower vulnerable or on a hardship hold (or clear it), with a reason."""
    if not reason.strip():
        raise ApplicationError(_("Give a reason."), code="reason_required")
    before = {"vulnerable": case.vulnerable, "hardship_hold": case.hardship_hold}
    after = {"vulnerable": vulnerable, "hardship_hold": hardship_hold}
    if before == after:
        return case
    case.vulnerable, case.hardship_hold = vulnerable, hardship_hold
    case.save(update_fields=["vulnerable", "hardship_hold", "updated_at"])
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    CaseEvent.objects.create(
        case=case, at=now(), user=user, kind=CaseEventKind.FLAGS, reason=reason, data=changes
    )
    audit_record(
        user=user,
        action=AuditAction.CASE_FLAGS,
        object_type="case",
        object_id=case.pk,
        fields=changes,
        reason=reason,
        ip=ip,
    )
    return case


@transaction.atomic
def case_note_add(*, case: CollectionCase, user: Any, body: str, ip: str | None = None) -> CaseNote:
    body = body.strip()
    if not body:
        raise ApplicationError(_("The note is empty."), code="empty")
    note = CaseNote.objects.create(case=case, author=user, body=body)
    CaseEvent.objects.create(
        case=case, at=now(), user=user, kind=CaseEventKind.NOTE, data={"note_id": note.pk}
    )
    audit_record(
        user=user,
        action=AuditAction.CASE_NOTE,
        object_type="case",
        object_id=case.pk,
        fields=["note"],
        ip=ip,
    )
    return note


class ComplianceBlocked(ApplicationError):
    """A contact attempt the compliance rules refuse; ``findings`` name the rules."""

    def __init__(self, findings: Sequence[compliance.Finding]) -> None:
        from django.utils.translation import get_language

        chinese = (get_language() or "").startswith("zh")
        lines = [
            f"{f.rule_id} {f.title_zh if chinese else f.title_en}: "
            f"{f.explanation_zh if chinese else f.explanation_en}"
            for f in findings
        ]
        super().__init__(
            " ".join(lines),
            code="compliance_blocked",
            extra={"rules": [str(f.rule_id) for f in findings]},
        )
        self.findings = tuple(findings)


def may_override_compliance(user: Any) -> bool:
    return bool(user.is_superuser or user.role in (Role.ADMIN, Role.MANAGER))


def compliance_policy() -> compliance.CompliancePolicy:
    """The institution's policy: the engine's defaults in the institution's time zone, with the
    overrides of ``settings.COMPLIANCE_POLICY`` (a mapping, e.g. loaded from TOML), if any."""
    overrides = {"time_zone": settings.TIME_ZONE, **getattr(settings, "COMPLIANCE_POLICY", {})}
    return compliance.CompliancePolicy.from_mapping(overrides)


def _default_number(borrower: Borrower, channel: str, target: str) -> str:
    """A call or SMS to the borrower goes to the borrower's mobile unless a number is given."""
    if target == ContactTarget.BORROWER and channel in (ContactChannel.CALL, ContactChannel.SMS):
        return borrower.phone
    return ""


def contact_attempt_check(
    *,
    case: CollectionCase,
    channel: str,
    target: str,
    at: dt.datetime,
    borrower: Borrower | None = None,
    contact_number: str = "",
    visitors: int | None = None,
    borrower_requested_visit: bool = False,
    override: bool = False,
) -> compliance.CheckResult:
    """Whether the compliance rules allow this contact now, without recording anything: what a
    dialler asks before it dials (and what :func:`contact_attempt_record` asks again, under the
    borrower's lock, before it writes). The borrower's attempts around ``at`` are the history."""
    borrower = borrower or Borrower.objects.get(pk=case.loan.borrower_id)
    contact_number = contact_number or _default_number(borrower, channel, target)
    policy = compliance_policy()
    window = dt.timedelta(days=max(policy.visit_interval_days, 1) + 1)
    history = tuple(
        compliance.PriorContact(
            at=prior.attempted_at,
            channel=compliance.Channel(prior.channel),
            contact_number=prior.contact_number,
            connected=prior.outcome in CONNECTED_OUTCOMES,
        )
        for prior in ContactAttempt.objects.filter(
            borrower=borrower, attempted_at__gte=at - window, attempted_at__lte=at + window
        ).only("attempted_at", "channel", "contact_number", "outcome")
    )
    return compliance.check_contact(
        compliance.ContactRequest(
            at=at,
            channel=compliance.Channel(channel),
            target=compliance.Target(target),
            contact_number=contact_number,
            visitors=visitors if visitors is not None else 1,
            vulnerable=case.vulnerable,
            hardship_hold=case.hardship_hold,
            borrower_requested_visit=borrower_requested_visit,
            history=history,
            override=override,
        ),
        policy,
    )


@transaction.atomic
def contact_attempt_record(
    *,
    case: CollectionCase,
    user: Any,
    channel: str,
    target: str,
    outcome: str,
    attempted_at: dt.datetime | None = None,
    contact_number: str = "",
    visitors: int | None = None,
    note: str = "",
    borrower_requested_visit: bool = False,
    override_reason: str = "",
    ip: str | None = None,
) -> ContactAttempt:
    """Check a call, SMS or visit attempt against the compliance rules, then record it.

    Steps:
      1. lock the borrower (caps count across all their cases, so two agents logging at once
         cannot both slip under a cap);
      2. map the borrower's recent attempts to the engine's history and check;
      3. blocked → :class:`ComplianceBlocked` naming the rules, nothing written; an
         ``override_reason`` from a manager lifts the overridable rules (recorded and audited);
      4. write the attempt, a case event, the audit row(s); a new case moves to "contacting".
    A call or SMS to the borrower uses the borrower's mobile number unless another is given.
    """
    at = attempted_at or now()
    if at > now() + FUTURE_TOLERANCE:
        raise ApplicationError(_("A contact attempt cannot be in the future."), code="future")
    if case.closed_on is not None:
        raise ApplicationError(_("The case is closed."), code="case_closed")
    override = bool(override_reason.strip())
    if override and not may_override_compliance(user):
        raise ApplicationError(_("Only a manager may override a rule."), code="forbidden")
    borrower = Borrower.objects.select_for_update().get(pk=case.loan.borrower_id)
    contact_number = contact_number or _default_number(borrower, channel, target)
    result = contact_attempt_check(
        case=case,
        borrower=borrower,
        channel=channel,
        target=target,
        at=at,
        contact_number=contact_number,
        visitors=visitors,
        borrower_requested_visit=borrower_requested_visit,
        override=override,
    )
    if not result.allowed:
        raise ComplianceBlocked(result.blocked)
    overridden = [str(rule_id) for rule_id in result.overridden_ids]
    attempt = ContactAttempt.objects.create(
        case=case,
        borrower=borrower,
        user=user,
        attempted_at=at,
        channel=channel,
        target=target,
        contact_number=contact_number,
        outcome=outcome,
        visitors=visitors,
        borrower_asked_visit=borrower_requested_visit,
        note=note,
        override_by=user if overridden else None,
        overridden_rules=overridden,
        override_reason=override_reason.strip() if overridden else "",
    )
    CaseEvent.objects.create(
        case=case,
        at=now(),
        user=user,
        kind=CaseEventKind.CONTACT,
        reason=override_reason.strip() if overridden else "",
        data={
            "attempt_id": attempt.pk,
            "channel": channel,
            "outcome": outcome,
            "overridden": overridden,
        },
    )
    audit_record(
        user=user,
        action=AuditAction.CONTACT_ATTEMPT,
        object_type="case",
        object_id=case.pk,
        fields={"channel": channel, "target": target, "outcome": outcome},
        ip=ip,
    )
    if overridden:
        audit_record(
            user=user,
            action=AuditAction.COMPLIANCE_OVERRIDE,
            object_type="contact_attempt",
            object_id=attempt.pk,
            fields={"rules": overridden},
            reason=override_reason.strip(),
            ip=ip,
        )
    if case.status == CaseStatus.NEW:
        case_transition(
            case=case, to_status=CaseStatus.CONTACTING, user=user, reason=_t("First contact"), ip=ip
        )
    return attempt
