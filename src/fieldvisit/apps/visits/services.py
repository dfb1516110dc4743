"""Writes on visits. Every status change writes its VisitEvent (and an audit row) in the same
transaction as the change.

Start at :func:`visit_report_submit`: what a filed report sets off, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.cases.models import (
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CollectionCase,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    ContactTarget,
)
from fieldvisit.apps.cases.services import case_has_open_promise, case_set_flags, case_transition
from fieldvisit.apps.cases.transitions import is_allowed as case_may_move
from fieldvisit.apps.common.clock import business_date, now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.visits import sfs
from fieldvisit.apps.visits.models import (
    CheckIn,
    CheckInFlag,
    CheckInProblem,
    FollowUpTask,
    MoneyLine,
    NextStep,
    Outcome,
    PromiseToPay,
    ReportPhoto,
    StateOfMind,
    TaskKind,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitReport,
    VisitStatus,
)
from fieldvisit.apps.visits.photos import display_copy
from fieldvisit.apps.visits.transitions import is_allowed
from fieldvisit.apps.visits.uploads import CheckedPhoto
from fieldvisit.engines import evidence

# Days until a follow-up the agent did not date falls due.
DEFAULT_TASK_DAYS = {
    TaskKind.REVISIT: 7,
    TaskKind.DOCUMENTS: 3,
    TaskKind.REMEDY_REVIEW: 2,
    TaskKind.LEGAL_REVIEW: 5,
}
NEXT_STEP_TASKS = {
    NextStep.REVISIT: TaskKind.REVISIT,
    NextStep.DOCUMENTS: TaskKind.DOCUMENTS,
    NextStep.REMEDY_REVIEW: TaskKind.REMEDY_REVIEW,
    NextStep.LEGAL_REVIEW: TaskKind.LEGAL_REVIEW,
}
# Reviews are the manager's; the other tasks go to the agent who filed the report.
MANAGER_TASKS = frozenset({TaskKind.REMEDY_REVIEW, TaskKind.LEGAL_REVIEW})

CONTACT_OUTCOME = {
    Outcome.MET_BORROWER: ContactOutcome.MET,
    Outcome.MET_FAMILY: ContactOutcome.MET,
    Outcome.REFUSED: ContactOutcome.REFUSED,
}

AUDIT_CHECK_IN = "visit.check_in"
AUDIT_CHECK_OUT = "visit.check_out"
AUDIT_REPORT = "visit.report"
AUDIT_AMEND = "visit.amend"


def _event(visit: Visit, user: Any, kind: str, from_status: str = "", **data: Any) -> None:
    VisitEvent.objects.create(
        visit=visit,
        at=now(),
        user=user,
        kind=kind,
        from_status=from_status,
        to_status=visit.status if from_status else "",
        data=data,
    )


def _move(visit: Visit, to_status: str, user: Any, **data: Any) -> None:
    """Move the (locked) ``visit`` along the transitions table and write its event."""
    if not is_allowed(visit.status, to_status):
        raise ApplicationError(
            _t("A visit cannot go from %(from)s to %(to)s.")
            % {"from": VisitStatus(visit.status).label, "to": VisitStatus(to_status).label},
            code="transition_not_allowed",
        )
    from_status = visit.status
    visit.status = to_status
    _event(visit, user, VisitEventKind.STATUS, from_status, **data)


def _lock(visit: Visit) -> Visit:
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    # The caller's object follows the locked row so pages show what was written.
    return locked


def _require_team_member(visit: Visit, user: Any) -> None:
    if user.team_id != visit.team_id and not visit.agents.filter(pk=user.pk).exists():
        raise ApplicationError(_("Only the visiting team may do this."), code="not_on_team")


# --- Visits from the approved plan -------------------------------------------------------------


@transaction.atomic
def visit_from_plan_stop(*, stop: Any) -> Visit:
    """The visit for an approved plan stop, made the first time it is asked for (idempotent).

    Copies the stop's window, purpose, rule, explanation, brief and address point, and the
    route's members as the visit's agents.
    """
    visit, created = Visit.objects.get_or_create(
        plan_stop=stop,
        defaults={
            "case_id": stop.case_id,
            "team_id": stop.route.team_id,
            "date": stop.route.plan.date,
            "order": stop.order,
            "arrival": stop.arrival,
            "window_start": stop.window_start,
            "window_end": stop.window_end,
            "latitude": stop.latitude,
            "longitude": stop.longitude,
            "travel_metres": stop.travel_metres,
            "purpose": stop.purpose,
            "rule_id": stop.rule_id,
            "explanation_zh": stop.explanation_zh,
            "explanation_en": stop.explanation_en,
            "brief_zh": stop.brief_zh,
            "brief_en": stop.brief_en,
        },
    )
    if created:
        visit.agents.set(stop.route.members.all())
        _event(visit, None, VisitEventKind.CREATED, plan_stop=stop.pk, plan=stop.route.plan_id)
    return visit


def visits_from_approved_plan(*, user: Any, day: dt.date) -> list[Visit]:
    """The visits of ``user``'s approved route on ``day``, in order (made once, idempotent)."""
    from fieldvisit.apps.planning.selectors import approved_stops_for_agent

    return [visit_from_plan_stop(stop=stop) for stop in approved_stops_for_agent(user, day)]


# --- Check-in and check-out --------------------------------------------------------------------


class CheckInNeedsReason(ApplicationError):
    """The phone is far from the address, its position is vague, or there is none."""


@dataclass(frozen=True)
class Position:
    """Where the phone says it is: WGS-84 degrees and the accuracy radius in metres."""

    latitude: float | None
    longitude: float | None
    accuracy_m: float | None

    def fix(self) -> evidence.Fix | None:
        if self.latitude is None or self.longitude is None:
            return None
        return evidence.Fix(self.latitude, self.longitude, self.accuracy_m)


def evidence_policy() -> evidence.EvidencePolicy:
    return evidence.EvidencePolicy.from_mapping(settings.VISIT_EVIDENCE_POLICY)


def _prior_check_in(user: Any, day: dt.date, before: dt.datetime) -> evidence.PriorCheckIn | None:
    """``user``'s latest check-in with a position on visits of ``day`` that happened before."""
    prior = (
        CheckIn.objects.filter(
            user=user, visit__date=day, occurred_at__lte=before, latitude__isnull=False
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    if prior is None or prior.latitude is None or prior.longitude is None:
        return None
    return evidence.PriorCheckIn(
        evidence.Fix(prior.latitude, prior.longitude, prior.accuracy_m), prior.occurred_at
    )


def _existing_check_in(client_id: uuid.UUID | None, visit: Visit) -> CheckIn | None:
    if client_id is None:
        return None
    check_in = CheckIn.objects.filter(client_generated_id=client_id).first()
    if check_in is not None and check_in.visit_id != visit.pk:
        raise ApplicationError(
            _("This submission id belongs to another visit."), code="client_id_reused"
        )
    return check_in


@transaction.atomic
def visit_check_in(
    *,
    visit: Visit,
    user: Any,
    position: Position,
    reason: str = "",
    device_at: dt.datetime | None = None,
    client_id: uuid.UUID | None = None,
    queued: bool = False,
    ip: str | None = None,
) -> CheckIn:
    """Record the team's arrival: where, how precisely, how far from the address, and when.

    Steps:
      1. lock the visit; a check-in already recorded under ``client_id`` is returned as it is
         (a resend from the phone's queue makes no second check-in);
      2. it must be planned and ``user`` on its team;
      3. assess it (``engines.evidence``): the event time (the phone's ``device_at`` when
         plausible, else the server's clock), the distance, whether it counts as at the
         address, the speed from ``user``'s previous check-in of the day (flagged when
         implausible);
      4. the visit's day must be today, or the day of a believed device time (a check-in made
         offline yesterday evening and sent this morning);
      5. not at the address without a ``reason`` → :class:`CheckInNeedsReason` (nothing
         written), whose ``extra`` carries the distance and accuracy for the page; except for a
         check-in sent from the phone's queue (``queued``), which is recorded and flagged
         ``no_reason``: the agent is no longer there to be asked;
      6. write the check-in with both times, move the visit to checked_in, event and audit row.
    """
    locked = _lock(visit)
    existing = _existing_check_in(client_id, locked)
    if existing is not None:
        return existing
    _require_team_member(locked, user)
    if locked.status != VisitStatus.PLANNED:
        raise ApplicationError(_("This visit is already checked in."), code="already_checked_in")
    policy = evidence_policy()
    received = now()
    at, _flags = evidence.event_time(device_at, received, policy)
    assessment = evidence.assess_check_in(
        fix=position.fix(),
        address=(locked.latitude, locked.longitude),
        received_at=received,
        device_at=device_at,
        prior=_prior_check_in(user, locked.date, at),
        policy=policy,
    )
    today = business_date()
    if locked.date not in (today, timezone.localdate(assessment.at)):
        raise ApplicationError(
            _t("This visit is planned for %(date)s.") % {"date": locked.date.isoformat()},
            code="not_today",
        )
    reason = reason.strip()
    problems = list(assessment.problems)
    flags = list(assessment.flags)
    if problems and not reason:
        if not queued:
            raise CheckInNeedsReason(
                _check_in_message(problems, assessment.distance_m, position.accuracy_m, policy),
                code="reason_required",
                extra={
                    "distance_m": assessment.distance_m,
                    "accuracy_m": position.accuracy_m,
                    "problems": problems,
                },
            )
        flags.append(CheckInFlag.NO_REASON)
    check_in = CheckIn.objects.create(
        visit=locked,
        user=user,
        client_generated_id=client_id,
        at=received,
        device_at=device_at,
        occurred_at=assessment.at,
        latitude=position.latitude,
        longitude=position.longitude,
        accuracy_m=position.accuracy_m,
        distance_m=assessment.distance_m,
        at_address=assessment.at_address,
        problems=problems,
        flags=flags,
        speed_kmh=assessment.speed_kmh,
        reason=reason if problems else "",
    )
    locked.checked_in_at = assessment.at
    _move(
        locked,
        VisitStatus.CHECKED_IN,
        user,
        distance_m=assessment.distance_m,
        at_address=assessment.at_address,
        problems=problems,
        flags=flags,
    )
    locked.save(update_fields=["status", "checked_in_at", "updated_at"])
    audit_record(
        user=user,
        action=AUDIT_CHECK_IN,
        object_type="visit",
        object_id=locked.pk,
        fields={
            "distance_m": assessment.distance_m,
            "accuracy_m": position.accuracy_m,
            "at_address": assessment.at_address,
            "device_at": device_at.isoformat() if device_at else None,
            "flags": flags,
        },
        reason=check_in.reason,
        ip=ip,
    )
    visit.status, visit.checked_in_at = locked.status, locked.checked_in_at
    return check_in


def _check_in_message(
    problems: Sequence[str],
    distance: int | None,
    accuracy: float | None,
    policy: evidence.EvidencePolicy,
) -> str:
    if CheckInProblem.NO_POSITION in problems:
        return _t("Your phone gave no position. Say why you are checking in without one.")
    parts = []
    if CheckInProblem.FAR in problems:
        parts.append(
            _t("You are %(distance)s m from the address (more than %(limit)s m).")
            % {"distance": distance, "limit": policy.max_distance_m}
        )
    if CheckInProblem.VAGUE in problems:
        parts.append(
            _t("Your position is only accurate to %(accuracy)s m (at most %(limit)s m counts).")
            % {"accuracy": round(accuracy or 0), "limit": round(policy.max_accuracy_m)}
        )
    if CheckInProblem.NO_ACCURACY in problems:
        parts.append(_t("Your phone did not say how accurate its position is."))
    parts.append(_t("Give a reason to check in here."))
    return " ".join(parts)


@transaction.atomic
def visit_check_out(*, visit: Visit, user: Any, ip: str | None = None) -> Visit:
    """End the visit: the server's clock, and the duration since check-in (seconds)."""
    locked = _lock(visit)
    _require_team_member(locked, user)
    _check_out_locked(locked, user, ip)
    visit.status, visit.checked_out_at = locked.status, locked.checked_out_at
    visit.duration_seconds = locked.duration_seconds
    return visit


def _check_out_locked(locked: Visit, user: Any, ip: str | None) -> None:
    if locked.status != VisitStatus.CHECKED_IN:
        raise ApplicationError(_("Check in before checking out."), code="not_checked_in")
    at = now()
    assert locked.checked_in_at is not None  # checked_in implies it (set in the same write)
    locked.checked_out_at = at
    locked.duration_seconds = max(0, int((at - locked.checked_in_at).total_seconds()))
    _move(locked, VisitStatus.CHECKED_OUT, user, duration_seconds=locked.duration_seconds)
    locked.save(update_fields=["status", "checked_out_at", "duration_seconds", "updated_at"])
    audit_record(
        user=user,
        action=AUDIT_CHECK_OUT,
        object_type="visit",
        object_id=locked.pk,
        fields={"duration_seconds": locked.duration_seconds},
        ip=ip,
    )


# --- The report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """The report, and whether this call created it (``False``: a retry of the same client id)."""

    report: VisitReport
    created: bool
    referral: bool


def crisis_referrals() -> list[dict[str, str]]:
    """Where to refer a borrower in crisis (``settings.VISIT_CRISIS_REFERRALS`` overrides).

    The defaults are China's national numbers; an institution should list its local services.
    """
    return list(
        getattr(
            settings,
            "VISIT_CRISIS_REFERRALS",
            [
                {"number": "120", "zh": "急救（生命危险时）", "en": "Ambulance (life in danger)"},
                {"number": "110", "zh": "报警（有人身危险时）", "en": "Police (someone in danger)"},
                {
                    "number": "12356",
                    "zh": "全国统一心理援助热线",
                    "en": "National psychological assistance hotline",
                },
            ],
        )
    )


def report_by_client_id(*, visit: Visit, client_id: uuid.UUID) -> VisitReport | None:
    """The report filed under ``client_id`` for ``visit``, if any (a resend asks for it)."""
    return _existing(client_id, visit)


def _existing(client_id: uuid.UUID, visit: Visit) -> VisitReport | None:
    report = VisitReport.objects.filter(client_generated_id=client_id).first()
    if report is not None and report.visit_id != visit.pk:
        raise ApplicationError(
            _("This submission id belongs to another visit."), code="client_id_reused"
        )
    return report


@transaction.atomic
def visit_report_submit(
    *,
    visit: Visit,
    user: Any,
    client_id: uuid.UUID,
    fields: Mapping[str, Any],
    amounts: Mapping[str, Decimal],
    photos: Sequence[CheckedPhoto] = (),
    ip: str | None = None,
) -> Submitted:
    """File the visit's report and set off what it means, in one transaction.

    Steps:
      1. lock the visit; a report already filed under ``client_id`` is returned as it is (a
         retry or a double tap makes no second report);
      2. the visit must be checked in (it is checked out now) or checked out, ``user`` on its
         team; a visit already reported is amended, not reported again;
      3. write the report, its income and spending lines (totals and disposable income from the
         restructuring engine's formula), its photos (through the storage API);
      4. the visit moves to reported; the case gets the visit as a contact attempt and moves to
         visited, then to promise_to_pay when a promise was made;
      5. a promise → a PromiseToPay and a call task on its date; the next step → its task;
      6. state of mind "in crisis" → the case is marked vulnerable and put on a hardship hold;
      7. audit row.
    ``fields`` are :class:`VisitReport` field values (validated by ``inputs.ReportInput``).
    """
    locked = _lock(visit)
    existing = _existing(client_id, locked)
    if existing is not None:
        return Submitted(existing, False, existing.state_of_mind == StateOfMind.CRISIS)
    _require_team_member(locked, user)
    if locked.status in (VisitStatus.REPORTED, VisitStatus.AMENDED):
        raise ApplicationError(
            _("This visit is already reported; amend the report instead."), code="already_reported"
        )
    if locked.status == VisitStatus.PLANNED:
        raise ApplicationError(_("Check in before filing the report."), code="not_checked_in")
    if locked.status == VisitStatus.CHECKED_IN:
        _check_out_locked(locked, user, ip)

    report = _write_report(locked, user, client_id, fields, amounts, photos)
    _move(locked, VisitStatus.REPORTED, user, report=report.pk)
    locked.save(update_fields=["status", "updated_at"])
    case = CollectionCase.objects.get(pk=locked.case_id)
    _record_contact(locked, report, user)
    _move_case(case, report, user, ip)
    _promise_and_tasks(case, report, user)
    crisis = report.state_of_mind == StateOfMind.CRISIS
    if crisis:
        case_set_flags(
            case=case,
            user=user,
            vulnerable=True,
            hardship_hold=True,
            reason=_t("Visit report #%(id)s: the borrower is in crisis.") % {"id": report.pk},
            ip=ip,
        )
    audit_record(
        user=user,
        action=AUDIT_REPORT,
        object_type="visit",
        object_id=locked.pk,
        fields={"report": report.pk, "outcome": report.outcome},
        ip=ip,
    )
    visit.status = locked.status
    return Submitted(report, True, crisis)


@transaction.atomic
def visit_report_amend(
    *,
    original: VisitReport,
    user: Any,
    client_id: uuid.UUID,
    reason: str,
    fields: Mapping[str, Any],
    amounts: Mapping[str, Decimal],
    photos: Sequence[CheckedPhoto] = (),
    ip: str | None = None,
) -> Submitted:
    """Correct a filed report with a new report that ``amends`` it; both are kept.

    An amendment is a record: it does not create promises or tasks again (the batch tracks the
    promise the visit made). It does act on safety: an amendment that says the borrower is in
    crisis marks the case vulnerable and on hold, as the original would have.
    """
    root = original.amends or original
    locked = _lock(root.visit)
    existing = _existing(client_id, locked)
    if existing is not None:
        return Submitted(existing, False, existing.state_of_mind == StateOfMind.CRISIS)
    _require_team_member(locked, user)
    if not reason.strip():
        raise ApplicationError(_("Say why the report is amended."), code="reason_required")
    report = _write_report(
        locked,
        user,
        client_id,
        {**fields, "amendment_reason": reason.strip()},
        amounts,
        photos,
        amends=root,
    )
    _move(locked, VisitStatus.AMENDED, user, report=report.pk, amends=root.pk)
    locked.save(update_fields=["status", "updated_at"])
    crisis = report.state_of_mind == StateOfMind.CRISIS
    case = CollectionCase.objects.get(pk=locked.case_id)
    if crisis and not (case.vulnerable and case.hardship_hold):
        case_set_flags(
            case=case,
            user=user,
            vulnerable=True,
            hardship_hold=True,
            reason=_t("Visit report #%(id)s: the borrower is in crisis.") % {"id": report.pk},
            ip=ip,
        )
    audit_record(
        user=user,
        action=AUDIT_AMEND,
        object_type="visit",
        object_id=locked.pk,
        fields={"report": report.pk, "amends": root.pk},
        reason=reason.strip(),
        ip=ip,
    )
    return Submitted(report, True, crisis)


def _write_report(
    visit: Visit,
    user: Any,
    client_id: uuid.UUID,
    fields: Mapping[str, Any],
    amounts: Mapping[str, Decimal],
    photos: Sequence[CheckedPhoto],
    *,
    amends: VisitReport | None = None,
) -> VisitReport:
    unknown = set(amounts) - set(sfs.KEYS)
    if unknown:
        raise ApplicationError(_("Unknown income or spending category."), code="unknown_category")
    if any(amount < 0 for amount in amounts.values()):
        raise ApplicationError(_("Amounts cannot be negative."), code="negative_amount")
    if photos and not fields.get("photo_consent"):
        raise ApplicationError(_("Photos need the borrower's recorded consent."), code="consent")
    totals = sfs.totals(amounts)
    report = VisitReport.objects.create(
        visit=visit,
        amends=amends,
        client_generated_id=client_id,
        submitted_by=user,
        submitted_at=now(),
        total_income=totals.income,
        total_fixed_costs=totals.fixed,
        total_flexible_costs=totals.flexible,
        total_other_debts=totals.debts,
        disposable_income=totals.disposable,
        **fields,
    )
    MoneyLine.objects.bulk_create(
        MoneyLine(report=report, section=sfs.BY_KEY[key].section, category=key, amount=amount)
        for key, amount in amounts.items()
    )
    for photo in photos:
        stored = ReportPhoto(
            report=report, content_type=photo.content_type, size=photo.size, sha256=photo.sha256
        )
        extension = photo.content_type.split("/")[1].replace("jpeg", "jpg")
        name = f"{report.pk}-{photo.sha256[:16]}"
        stored.file.save(f"{name}.{extension}", photo.upload, save=False)
        stored.display_file.save(f"{name}.jpg", display_copy(photo.upload), save=False)
        stored.save()
    return report


def _record_contact(visit: Visit, report: VisitReport, user: Any) -> None:
    """The visit as a contact attempt: the planner's 7-day rule and the history read these.

    Written directly rather than through ``contact_attempt_record``: the visit already happened
    (its plan passed the compliance check at approval) and a record of it is never refused.
    """
    target = (
        ContactTarget.THIRD_PARTY
        if report.outcome == Outcome.MET_FAMILY
        else ContactTarget.BORROWER
    )
    attempt = ContactAttempt.objects.create(
        case_id=visit.case_id,
        borrower_id=visit.case.loan.borrower_id,
        user=user,
        attempted_at=visit.checked_in_at or report.submitted_at,
        channel=ContactChannel.VISIT,
        target=target,
        outcome=CONTACT_OUTCOME.get(Outcome(report.outcome), ContactOutcome.NOT_AT_HOME),
        visitors=max(visit.agents.count(), 1),
        note=_t("Visit report #%(id)s") % {"id": report.pk},
    )
    CaseEvent.objects.create(
        case_id=visit.case_id,
        at=now(),
        user=user,
        kind=CaseEventKind.CONTACT,
        data={
            "attempt_id": attempt.pk,
            "channel": ContactChannel.VISIT,
            "outcome": attempt.outcome,
            "visit_id": visit.pk,
            "report_id": report.pk,
        },
    )


def _path(from_status: str, targets: Iterable[CaseStatus]) -> list[CaseStatus]:
    """The case statuses to pass through to reach each of ``targets`` in turn, where allowed.

    A case on an approved plan is "visit planned"; one the plan did not move (a visit made
    before this feature, say) goes through "visit planned" first. A target the table does not
    allow from where the case stands is skipped (and a visit while a promise is open leaves the
    case in "promise to pay": :func:`_move_case`).
    """
    steps: list[CaseStatus] = []
    current = CaseStatus(from_status)
    for target in targets:
        if current == target:
            continue
        if case_may_move(current, target):
            steps.append(target)
            current = target
        elif (
            target == CaseStatus.VISITED
            and case_may_move(current, CaseStatus.VISIT_PLANNED)
            and case_may_move(CaseStatus.VISIT_PLANNED, target)
        ):
            steps += [CaseStatus.VISIT_PLANNED, target]
            current = target
    return steps


def _move_case(case: CollectionCase, report: VisitReport, user: Any, ip: str | None) -> None:
    if not case.is_open:
        return
    if case.status == CaseStatus.PROMISE_TO_PAY and case_has_open_promise(case):
        # A visit while a promise is tracked leaves the case where the promise is watched.
        return
    targets = [CaseStatus.VISITED]
    if report.promise_amount is not None:
        targets.append(CaseStatus.PROMISE_TO_PAY)
    for status in _path(case.status, targets):
        case_transition(
            case=case,
            to_status=status,
            user=user,
            reason=_t("Visit report #%(id)s") % {"id": report.pk},
            ip=ip,
        )


def _promise_and_tasks(case: CollectionCase, report: VisitReport, user: Any) -> None:
    today = business_date()
    tasks: list[FollowUpTask] = []
    if report.promise_amount is not None and report.promise_date is not None:
        PromiseToPay.objects.create(
            case=case, report=report, amount=report.promise_amount, due_on=report.promise_date
        )
        tasks.append(
            FollowUpTask(
                case=case,
                report=report,
                kind=TaskKind.CALL,
                due_on=report.promise_date,
                assignee=user,
                note=_t("Promise of %(amount)s due today.") % {"amount": report.promise_amount},
            )
        )
    kind = NEXT_STEP_TASKS.get(NextStep(report.next_step))
    if kind is not None:
        tasks.append(
            FollowUpTask(
                case=case,
                report=report,
                kind=kind,
                due_on=report.next_step_date or today + dt.timedelta(days=DEFAULT_TASK_DAYS[kind]),
                assignee=None if kind in MANAGER_TASKS else user,
                note=report.next_step_note,
            )
        )
    FollowUpTask.objects.bulk_create(tasks)
