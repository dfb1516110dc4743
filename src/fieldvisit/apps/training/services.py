"""Writes on training, certification, quality reviews, complaints and suspensions. Each write is
one transaction with its audit row (and, for suspensions, its event row).

Start at :func:`session_complete` (passing certifies), :func:`complaint_record` (a serious
complaint suspends) and :func:`qa_sample_draw` (engines.quality decides what is reviewed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _t

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.common.clock import business_date, now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.training import reports as report_source
from fieldvisit.apps.training.models import (
    CHECKLIST,
    SCORE_MAX,
    AgentSuspension,
    Certification,
    Complaint,
    ComplaintStatus,
    Course,
    QADraw,
    QAReview,
    Retraining,
    ReviewStatus,
    SessionAttendee,
    SessionMaterial,
    SessionStatus,
    Severity,
    SuspensionEvent,
    SuspensionEventKind,
    TrainingSession,
)
from fieldvisit.apps.training.selectors import (
    agents_for,
    may_clear_suspension,
    may_manage_training,
    may_record_complaint,
)
from fieldvisit.engines.delinquency import add_months
from fieldvisit.engines.quality import (
    AgentStanding,
    InvalidPolicy,
    SamplingPolicy,
    SubmittedReport,
    default_policy,
    draw_sample,
    month_end,
)

MAX_MATERIAL_BYTES = 50 * 1024 * 1024
MATERIAL_TYPES = frozenset({"pdf", "pptx", "ppt", "docx", "doc", "xlsx", "mp4", "png", "jpg"})
# A serious complaint sends the agent back to this course.
RETRAINING_COURSE = "conduct_law"
# Complaints received in the sampled month and this many days before raise the agent's QA share.
COMPLAINT_LOOKBACK_DAYS = 60


# The five courses field staff need (migration 0003 creates them; codes are the certification
# names the visit strategy asks for).
DEFAULT_COURSES = (
    ("communication", "沟通与冲突化解", "Communication and de-escalation"),
    ("counselling", "心理疏导与脆弱性识别", "Psychological counselling and spotting vulnerability"),
    ("conduct_law", "催收法规与行为规范", "Collection law and conduct"),
    ("pipl", "个人信息保护", "Personal information protection"),
    ("field_safety", "外访安全", "Field safety"),
)


def courses_ensure_defaults() -> list[Course]:
    """The default courses, created if missing (existing ones are left as edited)."""
    return [
        Course.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})[0]
        for code, name, name_en in DEFAULT_COURSES
    ]


def _require(allowed: bool) -> None:
    if not allowed:
        raise ApplicationError(_t("You may not do this."), code="forbidden")


# --- sessions ---------------------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *,
    user: Any,
    course: Course,
    date: dt.date,
    agents: Iterable[User],
    location: str = "",
    notes: str = "",
    ip: str | None = None,
) -> TrainingSession:
    """Schedule a session of ``course`` on ``date`` led by ``user``, inviting ``agents`` (each
    must be a field agent ``user`` may see)."""
    _require(may_manage_training(user))
    people = list(agents)
    visible = set(
        agents_for(user).filter(pk__in=[a.pk for a in people]).values_list("pk", flat=True)
    )
    if not people or len(visible) != len({a.pk for a in people}):
        raise ApplicationError(_t("Choose the agents to invite."), code="invalid_attendees")
    session = TrainingSession.objects.create(
        course=course, date=date, trainer=user, location=location, notes=notes
    )
    SessionAttendee.objects.bulk_create(
        SessionAttendee(session=session, agent_id=pk) for pk in sorted(visible)
    )
    audit_record(
        user=user,
        action="training.session",
        object_type="training_session",
        object_id=session.pk,
        fields={"course": course.code, "date": str(date), "attendees": sorted(visible)},
        ip=ip,
    )
    return session


def _require_held(session: TrainingSession) -> None:
    """Attendance, scores and certificates exist only once the session has taken place: a
    session dated after today would otherwise certify agents from a future day."""
    if session.date > business_date():
        raise ApplicationError(
            _t("The session is on %(date)s: record its results on or after that day.")
            % {"date": session.date.isoformat()},
            code="session_in_future",
        )


@transaction.atomic
def session_record_results(
    *,
    user: Any,
    session: TrainingSession,
    results: Mapping[int, tuple[bool, Decimal | None]],
    ip: str | None = None,
) -> TrainingSession:
    """Record attendance and scores (0–100) per attendee id: ``{agent_id: (attended, score)}``.
    Only while the session is scheduled and on or after its day; an absent attendee has no
    score."""
    _require(may_manage_training(user))
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ApplicationError(_t("This session is closed."), code="session_closed")
    _require_held(session)
    rows = {a.agent_id: a for a in session.attendees.all()}
    unknown = sorted(set(results) - set(rows))
    if unknown:
        raise ApplicationError(
            _t("Agent %(id)s is not invited to this session.") % {"id": unknown[0]},
            code="not_invited",
        )
    changes: dict[str, Any] = {}
    for agent_id, (attended, score) in results.items():
        if score is not None and not Decimal(0) <= score <= SCORE_MAX:
            raise ApplicationError(_t("A score is between 0 and 100."), code="invalid_score")
        row = rows[agent_id]
        row.attended = attended
        row.score = score if attended else None
        row.passed = None
        changes[str(agent_id)] = [attended, None if row.score is None else str(row.score)]
    SessionAttendee.objects.bulk_update(list(rows.values()), ["attended", "score", "passed"])
    audit_record(
        user=user,
        action="training.results",
        object_type="training_session",
        object_id=session.pk,
        fields=changes,
        ip=ip,
    )
    return session


@transaction.atomic
def session_complete(
    *, user: Any, session: TrainingSession, ip: str | None = None
) -> list[Certification]:
    """Close the session: each attendee who attended with ``score ≥ pass_mark`` passes and is
    certified from the session's date for the course's validity (``expires_on`` = date +
    ``validity_months``, the first day it is no longer valid); open retrainings of the course are
    completed. Every attendee needs a recorded attendance, and the session's day must have come.
    Returns the new certifications."""
    _require(may_manage_training(user))
    session = (
        TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    )
    if session.status != SessionStatus.SCHEDULED:
        raise ApplicationError(_t("This session is closed."), code="session_closed")
    _require_held(session)
    attendees = list(session.attendees.select_related("agent"))
    if any(a.attended is None or (a.attended and a.score is None) for a in attendees):
        raise ApplicationError(
            _t("Record attendance and a score for every attendee first."), code="results_missing"
        )
    course = session.course
    expires_on = add_months(session.date, course.validity_months)
    certificates: list[Certification] = []
    for attendee in attendees:
        attendee.passed = bool(
            attendee.attended and attendee.score is not None and attendee.score >= course.pass_mark
        )
        if attendee.passed:
            certificate = Certification.objects.create(
                number=f"TR{session.pk:06d}-{attendee.agent_id}",
                agent_id=attendee.agent_id,
                course=course,
                passed_on=session.date,
                expires_on=expires_on,
                session=session,
            )
            certificates.append(certificate)
            Retraining.objects.filter(
                agent_id=attendee.agent_id,
                course=course,
                completed_on__isnull=True,
                raised_on__lte=session.date,
            ).update(completed_on=session.date, certification=certificate)
    SessionAttendee.objects.bulk_update(attendees, ["passed"])
    session.status = SessionStatus.COMPLETED
    session.completed_at = now()
    session.save(update_fields=["status", "completed_at", "updated_at"])
    audit_record(
        user=user,
        action="training.complete",
        object_type="training_session",
        object_id=session.pk,
        fields={"certified": [c.agent_id for c in certificates], "expires_on": str(expires_on)},
        ip=ip,
    )
    return certificates


@transaction.atomic
def session_material_add(
    *,
    user: Any,
    session: TrainingSession,
    upload: UploadedFile[Any],
    title: str = "",
    ip: str | None = None,
) -> SessionMaterial:
    """Attach a file (slides, handout, video) to a session, kept in the default file storage."""
    _require(may_manage_training(user))
    name = upload.name or "material"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in MATERIAL_TYPES:
        raise ApplicationError(
            _t("Attach a PDF, Office document, MP4 video or image."), code="invalid_material"
        )
    if (upload.size or 0) > MAX_MATERIAL_BYTES:
        raise ApplicationError(_t("The file is larger than 50 MB."), code="material_too_large")
    material = SessionMaterial.objects.create(
        session=session,
        title=(title or name)[:200],
        file=upload,
        size=upload.size or 0,
        uploaded_by=user,
        uploaded_at=now(),
    )
    audit_record(
        user=user,
        action="training.material",
        object_type="training_session",
        object_id=session.pk,
        fields={"material": material.pk, "title": material.title},
        ip=ip,
    )
    return material


# --- complaints and suspensions ---------------------------------------------------------------


@transaction.atomic
def complaint_record(
    *,
    user: Any,
    agent: User,
    received_on: dt.date,
    channel: str,
    category: str,
    severity: str,
    content: str,
    case: Any = None,
    visit_id: int | None = None,
    ip: str | None = None,
) -> Complaint:
    """Record a borrower's complaint against ``agent``. A serious one suspends the agent from
    field visits from ``received_on`` (or adds itself to the open suspension) and flags
    retraining in collection law and conduct."""
    _require(may_record_complaint(user))
    if not agents_for(user).filter(pk=agent.pk).exists():
        raise ApplicationError(_t("Choose an agent you manage."), code="invalid_agent")
    if not content.strip():
        raise ApplicationError(_t("Say what the complaint is about."), code="invalid_content")
    complaint = Complaint.objects.create(
        agent=agent,
        received_on=received_on,
        channel=channel,
        category=category,
        severity=severity,
        content=content.strip(),
        case=case,
        visit_id=visit_id,
        recorded_by=user,
    )
    audit_record(
        user=user,
        action="training.complaint",
        object_type="complaint",
        object_id=complaint.pk,
        fields={"agent": agent.pk, "category": category, "severity": severity},
        ip=ip,
    )
    if severity == Severity.SERIOUS:
        _suspend(user=user, agent=agent, complaint=complaint, ip=ip)
        course = Course.objects.filter(code=RETRAINING_COURSE).first()
        if course is not None:
            Retraining.objects.create(
                agent=agent, course=course, complaint=complaint, raised_on=received_on
            )
    return complaint


@transaction.atomic
def complaint_resolve(
    *,
    complaint: Complaint,
    user: Any,
    on: dt.date,
    resolution: str,
    ip: str | None = None,
) -> Complaint:
    """QA closes an open complaint on ``on`` with what was found and done. The borrower may be
    visited again from then on; a suspension it caused stays until a manager clears it."""
    _require(may_record_complaint(user))
    if not resolution.strip():
        raise ApplicationError(_t("Say how the complaint was resolved."), code="invalid_content")
    if on < complaint.received_on:
        raise ApplicationError(
            _t("A complaint cannot be resolved before it was received."), code="invalid_date"
        )
    updated = Complaint.objects.filter(pk=complaint.pk, status=ComplaintStatus.OPEN).update(
        status=ComplaintStatus.RESOLVED, resolved_on=on, resolution=resolution.strip()
    )
    if updated != 1:
        raise ApplicationError(_t("This complaint is already resolved."), code="resolved")
    complaint.refresh_from_db()
    audit_record(
        user=user,
        action="training.complaint_resolve",
        object_type="complaint",
        object_id=complaint.pk,
        fields={"status": [ComplaintStatus.OPEN, ComplaintStatus.RESOLVED], "on": on.isoformat()},
        ip=ip,
    )
    return complaint


def _suspend(*, user: Any, agent: User, complaint: Complaint, ip: str | None) -> AgentSuspension:
    # Lock the agent row so two serious complaints at once make one suspension, not a conflict.
    User.objects.select_for_update().get(pk=agent.pk)
    open_one = AgentSuspension.objects.filter(agent=agent, cleared_on__isnull=True).first()
    if open_one is not None:
        SuspensionEvent.objects.create(
            suspension=open_one,
            at=now(),
            user=user,
            kind=SuspensionEventKind.COMPLAINT,
            complaint=complaint,
        )
        return open_one
    suspension = AgentSuspension.objects.create(
        agent=agent,
        complaint=complaint,
        started_on=complaint.received_on,
        reason=_t("Serious complaint #%(id)s") % {"id": complaint.pk},
    )
    SuspensionEvent.objects.create(
        suspension=suspension,
        at=now(),
        user=user,
        kind=SuspensionEventKind.STARTED,
        complaint=complaint,
    )
    audit_record(
        user=user,
        action="training.suspend",
        object_type="agent",
        object_id=agent.pk,
        fields={
            "suspension": suspension.pk,
            "complaint": complaint.pk,
            "from": str(suspension.started_on),
        },
        ip=ip,
    )
    return suspension


@transaction.atomic
def suspension_clear(
    *, user: Any, suspension: AgentSuspension, on_date: dt.date, note: str, ip: str | None = None
) -> AgentSuspension:
    """A manager lifts a suspension: the agent is assignable again from ``on_date``."""
    _require(may_clear_suspension(user))
    suspension = AgentSuspension.objects.select_for_update().get(pk=suspension.pk)
    if not agents_for(user).filter(pk=suspension.agent_id).exists():
        raise ApplicationError(_t("Choose an agent you manage."), code="invalid_agent")
    if suspension.cleared_on is not None:
        raise ApplicationError(_t("This suspension is already cleared."), code="already_cleared")
    if not note.strip():
        raise ApplicationError(_t("Say why the suspension is lifted."), code="invalid_note")
    if on_date < suspension.started_on:
        raise ApplicationError(_t("A suspension ends after it starts."), code="invalid_date")
    suspension.cleared_on = on_date
    suspension.cleared_by = user
    suspension.clear_note = note.strip()
    suspension.save(update_fields=["cleared_on", "cleared_by", "clear_note", "updated_at"])
    SuspensionEvent.objects.create(
        suspension=suspension,
        at=now(),
        user=user,
        kind=SuspensionEventKind.CLEARED,
        note=suspension.clear_note,
    )
    audit_record(
        user=user,
        action="training.clear",
        object_type="agent",
        object_id=suspension.agent_id,
        fields={"suspension": suspension.pk, "cleared_on": str(on_date)},
        reason=suspension.clear_note,
        ip=ip,
    )
    return suspension


# --- quality review ---------------------------------------------------------------------------


def sampling_policy() -> SamplingPolicy:
    """``settings.FIELDVISIT_QA_SAMPLING`` (a dict, keys as in default_policy.toml) over the
    engine's default policy."""
    override = getattr(settings, "FIELDVISIT_QA_SAMPLING", None)
    if not override:
        return default_policy()
    try:
        return SamplingPolicy.from_mapping({**default_policy().to_mapping(), **override})
    except InvalidPolicy as exc:
        raise ApplicationError(
            _t("The QA sampling setting %(field)s is not valid.") % {"field": exc.field},
            code="invalid_policy",
        ) from exc


@transaction.atomic
def qa_sample_draw(*, user: Any, month: dt.date, seed: int, ip: str | None = None) -> QADraw:
    """Draw the month's reports for review (engines.quality.draw_sample) and create a pending
    review for each report drawn that is not under review already.

    1. the month's submitted reports (an amendment counts as its original);
    2. per agent: hire date and complaints received from ``COMPLAINT_LOOKBACK_DAYS`` before the
       month up to its last day;
    3. the engine's sample for ``seed``; 4. one QAReview per pick (a re-draw never duplicates).
    """
    _require(may_manage_training(user))
    first = month.replace(day=1)
    last = month_end(first)
    rows = report_source.submitted_reports(first, last)
    cases = {r.report_id: r.case_id for r in rows}
    agent_ids = {r.agent_id for r in rows}
    hired = dict(User.objects.filter(pk__in=agent_ids).values_list("pk", "agent_profile__hired_on"))
    complaints: dict[int, int] = {}
    for agent_id in Complaint.objects.filter(
        agent_id__in=agent_ids,
        received_on__gte=first - dt.timedelta(days=COMPLAINT_LOOKBACK_DAYS),
        received_on__lte=last,
    ).values_list("agent_id", flat=True):
        complaints[agent_id] = complaints.get(agent_id, 0) + 1
    policy = sampling_policy()
    sample = draw_sample(
        [SubmittedReport(r.report_id, r.agent_id, r.submitted_on) for r in rows],
        [AgentStanding(a, hired.get(a), complaints.get(a, 0)) for a in agent_ids],
        policy,
        seed,
    )
    draw = QADraw.objects.create(
        month=first,
        seed=seed,
        policy=policy.to_mapping(),
        drawn_by=user,
        reports=len(rows),
        drawn=len(sample.picks),
    )
    reasons = {(q.agent_id, q.month): q.reason.value for q in sample.quotas}
    taken = set(
        QAReview.objects.filter(report_id__in=sample.report_ids).values_list("report_id", flat=True)
    )
    QAReview.objects.bulk_create(
        QAReview(
            draw=draw,
            report_id=pick.report_id,
            agent_id=pick.agent_id,
            case_id=cases.get(pick.report_id),
            month=pick.month,
            share_reason=reasons[(pick.agent_id, pick.month)],
        )
        for pick in sample.picks
        if pick.report_id not in taken
    )
    audit_record(
        user=user,
        action="training.qa_draw",
        object_type="qa_draw",
        object_id=draw.pk,
        fields={
            "month": f"{first:%Y-%m}",
            "seed": seed,
            "reports": len(rows),
            "drawn": len(sample.picks),
        },
        ip=ip,
    )
    return draw


@transaction.atomic
def qa_review_submit(
    *,
    user: Any,
    review: QAReview,
    scores: Mapping[str, int],
    feedback: str,
    ip: str | None = None,
) -> QAReview:
    """Score a sampled report 0–5 on conduct, empathy, accuracy of the record and compliance,
    with feedback for the agent. ``score`` = sum × 5 (0–100). A reviewer never reviews their own
    report; a review, once done, is final."""
    _require(may_manage_training(user))
    review = QAReview.objects.select_for_update().get(pk=review.pk)
    if review.status == ReviewStatus.DONE:
        raise ApplicationError(_t("This report is already reviewed."), code="already_reviewed")
    if review.agent_id == user.pk:
        raise ApplicationError(_t("You cannot review your own report."), code="own_report")
    for item in CHECKLIST:
        value = scores.get(item)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
            raise ApplicationError(
                _t("Score %(item)s from 0 to 5.") % {"item": item}, code="invalid_score"
            )
    if not feedback.strip():
        raise ApplicationError(_t("Write feedback for the agent."), code="invalid_feedback")
    for item in CHECKLIST:
        setattr(review, item, scores[item])
    review.score = 5 * sum(scores[item] for item in CHECKLIST)
    review.feedback = feedback.strip()
    review.reviewer = user
    review.reviewed_at = now()
    review.status = ReviewStatus.DONE
    review.save()
    audit_record(
        user=user,
        action="training.qa_review",
        object_type="qa_review",
        object_id=review.pk,
        fields={"report": review.report_id, "agent": review.agent_id, "score": review.score},
        ip=ip,
    )
    return review
