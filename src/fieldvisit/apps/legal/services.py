"""Writes on legal cases: the rule's recommendation (nightly or on demand), a manager's
decision, and the legal officer's stages and documents. Each change is a conditional UPDATE on
the status the caller saw, with its LegalEntry and audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.cases.services import case_transition
from fieldvisit.apps.cases.transitions import is_allowed as case_may_move
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.legal.models import LegalCase, LegalEntry, LegalStatus
from fieldvisit.apps.legal.transitions import is_allowed
from fieldvisit.apps.visits.models import (
    FollowUpTask,
    PromiseStatus,
    PromiseToPay,
    TaskKind,
    VisitReport,
)
from fieldvisit.engines.escalation import (
    EscalationAdvice,
    EscalationFacts,
    EscalationPolicy,
    escalation_advice,
)

AUDIT_RECOMMEND = "legal.recommend"
AUDIT_DECIDE = "legal.decide"
AUDIT_STAGE = "legal.stage"
AUDIT_DOCUMENT = "legal.document"
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def escalation_policy() -> EscalationPolicy:
    """The engine's defaults with ``settings.ESCALATION_POLICY`` (a mapping) on top."""
    return EscalationPolicy.from_mapping(getattr(settings, "ESCALATION_POLICY", {}))


def may_decide(user: Any) -> bool:
    """Managers and administrators approve or decline an escalation."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN))
    )


def may_handle(user: Any) -> bool:
    """Legal officers (and administrators) record stages and documents."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("accounts.handle_legal"))


# --- Facts and the rule ----------------------------------------------------------------------


def case_facts(case_ids: Iterable[int], dpd: dict[int, int]) -> dict[int, EscalationFacts]:
    """The rule's facts per case (two queries): the latest outcome of each visit (an amended
    report replaces the original), oldest visit first, and the broken or partly kept promises."""
    ids = list(case_ids)
    latest: dict[int, tuple[int, str]] = {}
    for case_id, visit_id, outcome in (
        VisitReport.objects.filter(visit__case_id__in=ids)
        .order_by("visit__date", "visit_id", "submitted_at", "id")
        .values_list("visit__case_id", "visit_id", "outcome")
    ):
        latest[visit_id] = (case_id, outcome)
    outcomes: dict[int, list[str]] = defaultdict(list)
    for case_id, outcome in latest.values():
        outcomes[case_id].append(outcome)
    broken = dict(
        PromiseToPay.objects.filter(
            case_id__in=ids, status__in=[PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT]
        )
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    return {
        case_id: EscalationFacts(
            dpd=dpd.get(case_id, 0),
            visit_outcomes=tuple(outcomes.get(case_id, ())),
            broken_promises=broken.get(case_id, 0),
        )
        for case_id in ids
    }


def legal_recommend_from_snapshot(as_of: dt.date, rows: Any) -> None:
    """Snapshot hook: recommend escalation for the open cases of the day's delinquent loans."""
    frame = getattr(rows, "frame", None)
    if frame is not None:
        dpd_by_loan = dict(zip(frame["loan_id"].to_list(), frame["dpd"].to_list(), strict=True))
    else:
        dpd_by_loan = {row.loan_id: row.dpd for row in rows}
    delinquent = [loan_id for loan_id, dpd in dpd_by_loan.items() if dpd > 0]
    legal_recommend_many(as_of, delinquent, dpd_by_loan)


@transaction.atomic
def legal_recommend_many(
    as_of: dt.date, loan_ids: Iterable[int], dpd_by_loan: dict[int, int]
) -> list[LegalCase]:
    """Recommend escalation for every open case of ``loan_ids`` the rule picks out.

    Skips cases already in legal and cases with a live legal case (idempotent). Each new
    recommendation gets a legal-review task for the branch's managers (no assignee).
    Batch cost: three queries to read, whatever the number of loans, then one insert per
    recommendation.
    """
    cases = {
        case.pk: case
        for case in CollectionCase.objects.filter(
            loan_id__in=list(loan_ids), closed_on__isnull=True
        )
        .exclude(status=CaseStatus.LEGAL)
        .exclude(legal_cases__status__in=[s for s in LegalStatus if s != LegalStatus.DECLINED])
        .only("id", "loan_id", "status", "closed_on")
    }
    if not cases:
        return []
    policy = escalation_policy()
    facts = case_facts(cases, {pk: dpd_by_loan.get(c.loan_id, 0) for pk, c in cases.items()})
    made = []
    for case_id, case_facts_ in facts.items():
        advice = escalation_advice(case_facts_, policy)
        if advice.recommended:
            made.append(_recommend(cases[case_id], advice, case_facts_, as_of, None))
    return made


def legal_recommend(
    *, case: CollectionCase, as_of: dt.date, user: Any = None, ip: str | None = None
) -> LegalCase | None:
    """Apply the rule to one case now (a person asking from the case page); ``None`` when the
    rule does not recommend escalation. Raises when a live legal case exists."""
    if LegalCase.objects.filter(case=case).exclude(status=LegalStatus.DECLINED).exists():
        raise ApplicationError(_("This case is already escalated."), code="exists")
    facts = case_facts([case.pk], {case.pk: case.dpd})[case.pk]
    advice = escalation_advice(facts, escalation_policy())
    if not advice.recommended:
        return None
    with transaction.atomic():
        legal = _recommend(case, advice, facts, as_of, user)
        if user is not None:
            audit_record(
                user=user,
                action=AUDIT_RECOMMEND,
                object_type="legal",
                object_id=legal.pk,
                fields={"case": case.pk},
                ip=ip,
            )
    return legal


def _recommend(
    case: CollectionCase,
    advice: EscalationAdvice,
    facts: EscalationFacts,
    as_of: dt.date,
    user: Any,
) -> LegalCase:
    try:
        with transaction.atomic():
            legal = LegalCase.objects.create(
                case=case,
                recommended_on=as_of,
                recommended_by=user,
                reasons_zh="；".join(advice.reasons_zh),
                reasons_en="; ".join(advice.reasons_en),
                facts={
                    "dpd": facts.dpd,
                    "visit_outcomes": list(facts.visit_outcomes),
                    "failed_visits": advice.failed_visits,
                    "broken_promises": facts.broken_promises,
                },
            )
    except IntegrityError:
        raise ApplicationError(_("This case is already escalated."), code="exists") from None
    _entry(legal, user, "", LegalStatus.RECOMMENDED, as_of, legal.reasons_en)
    FollowUpTask.objects.create(
        case=case,
        kind=TaskKind.LEGAL_REVIEW,
        due_on=as_of + dt.timedelta(days=2),
        assignee=None,
        note=_t("Escalation recommended: %(reasons)s") % {"reasons": legal.reasons_zh},
    )
    return legal


def _entry(
    legal: LegalCase,
    user: Any,
    from_status: str,
    to_status: str,
    on: dt.date,
    note: str = "",
    document: str = "",
    sha256: str = "",
) -> LegalEntry:
    return LegalEntry.objects.create(
        legal_case=legal,
        at=now(),
        on=on,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
        document=document,
        document_sha256=sha256,
    )


# --- Decisions and stages --------------------------------------------------------------------


def _claim(legal: LegalCase, to_status: LegalStatus, **fields: Any) -> str:
    from_status = legal.status
    if not is_allowed(from_status, to_status):
        raise ApplicationError(
            _t("A legal case cannot go from %(from)s to %(to)s.")
            % {"from": LegalStatus(from_status).label, "to": to_status.label},
            code="transition_not_allowed",
        )
    updated = LegalCase.objects.filter(pk=legal.pk, status=from_status).update(
        status=to_status, updated_at=now(), **fields
    )
    if updated != 1:
        raise ApplicationError(
            _("Someone else changed this legal case just now; reload it."), code="conflict"
        )
    legal.status = to_status
    for name, value in fields.items():
        setattr(legal, name, value)
    return from_status


@transaction.atomic
def legal_decide(
    *,
    legal: LegalCase,
    user: Any,
    approve: bool,
    reason: str,
    on: dt.date,
    ip: str | None = None,
) -> LegalCase:
    """A manager approves (the case moves to "legal") or declines the escalation, with a reason."""
    if not may_decide(user):
        raise ApplicationError(_("Only a manager decides on escalation."), code="forbidden")
    if not reason.strip():
        raise ApplicationError(_("Give a reason."), code="reason_required")
    case = CollectionCase.objects.get(pk=legal.case_id)
    target = LegalStatus.APPROVED if approve else LegalStatus.DECLINED
    if approve and not (case.is_open and case_may_move(case.status, CaseStatus.LEGAL)):
        raise ApplicationError(
            _t("A case in the status “%(status)s” cannot go to legal.")
            % {"status": CaseStatus(case.status).label},
            code="case_status",
        )
    from_status = _claim(
        legal, target, decided_by=user, decided_at=now(), decision_reason=reason.strip()
    )
    _entry(legal, user, from_status, target, on, reason.strip())
    audit_record(
        user=user,
        action=AUDIT_DECIDE,
        object_type="legal",
        object_id=legal.pk,
        fields={"status": [from_status, target.value]},
        reason=reason.strip(),
        ip=ip,
    )
    if approve:
        case_transition(
            case=case,
            to_status=CaseStatus.LEGAL,
            user=user,
            reason=_t("Escalation #%(id)s approved: %(reason)s")
            % {"id": legal.pk, "reason": reason.strip()},
            ip=ip,
        )
    return legal


def _store(legal: LegalCase, upload: UploadedFile[Any]) -> tuple[str, str]:
    if upload.size is not None and upload.size > DOCUMENT_MAX_BYTES:
        raise ApplicationError(_("The document is over 20 MB."), code="document_size")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    entry = LegalEntry(legal_case=legal)
    suffix = (upload.name or "document").rsplit(".", 1)[-1].lower()[:5] or "bin"
    name = entry.document.field.generate_filename(
        entry, f"legal-{legal.pk}-{digest.hexdigest()[:16]}.{suffix}"
    )
    return entry.document.storage.save(name, upload), digest.hexdigest()


@transaction.atomic
def legal_advance(
    *,
    legal: LegalCase,
    user: Any,
    to_status: str,
    on: dt.date,
    note: str = "",
    document: UploadedFile[Any] | None = None,
    court: str = "",
    docket_no: str = "",
    ip: str | None = None,
) -> LegalCase:
    """The legal officer records the next stage on its date, with a note and a document."""
    if not may_handle(user):
        raise ApplicationError(_("Only the legal officer records stages."), code="forbidden")
    target = LegalStatus(to_status)
    fields: dict[str, Any] = {}
    if court:
        fields["court"] = court
    if docket_no:
        fields["docket_no"] = docket_no
    from_status = _claim(legal, target, **fields)
    stored, sha = _store(legal, document) if document is not None else ("", "")
    _entry(legal, user, from_status, target, on, note.strip(), stored, sha)
    audit_record(
        user=user,
        action=AUDIT_STAGE,
        object_type="legal",
        object_id=legal.pk,
        fields={"status": [from_status, target.value], "on": on.isoformat()},
        ip=ip,
    )
    return legal


@transaction.atomic
def legal_add_document(
    *,
    legal: LegalCase,
    user: Any,
    on: dt.date,
    document: UploadedFile[Any],
    note: str = "",
    ip: str | None = None,
) -> LegalEntry:
    if not may_handle(user):
        raise ApplicationError(_("Only the legal officer adds documents."), code="forbidden")
    stored, sha = _store(legal, document)
    entry = _entry(legal, user, "", "", on, note.strip(), stored, sha)
    audit_record(
        user=user,
        action=AUDIT_DOCUMENT,
        object_type="legal",
        object_id=legal.pk,
        fields={"entry": entry.pk},
        ip=ip,
    )
    return entry
