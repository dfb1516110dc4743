"""Writes on remedy proposals. Every status change is a conditional UPDATE on the expected status
(so two people acting at once cannot both win), writes its RemedyEvent and, for a person, an
audit row, all in one transaction.

Start at :func:`remedy_proposal_create` (the engine's options), then :func:`remedy_propose`
(maker), :func:`remedy_approve` / :func:`remedy_reject` (checker), :func:`remedy_accept`
(the borrower's answer) and :func:`remedy_apply` (the new schedule).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.cases.models import (
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CollectionCase,
)
from fieldvisit.apps.cases.selectors import led_team_ids
from fieldvisit.apps.cases.services import case_set_flags, case_transition
from fieldvisit.apps.cases.transitions import is_allowed as case_may_move
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.loans.engine_io import counted_payments
from fieldvisit.apps.loans.models import Installment, Loan, Payment
from fieldvisit.apps.remedies.engine_io import (
    affordability_as_json,
    claim_as_json,
    compute_options,
    policy_as_mapping,
    schedule_rows,
    verdict_as_json,
)
from fieldvisit.apps.remedies.models import (
    AcceptanceChannel,
    ApprovalLimit,
    RemedyEvent,
    RemedyProposal,
    RemedyStatus,
    Tracking,
)
from fieldvisit.apps.remedies.transitions import is_allowed
from fieldvisit.apps.visits.models import FollowUpTask, TaskKind
from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.delinquency.schedule import add_months
from fieldvisit.engines.restructuring import Affordability, Remedy

AUDIT_CREATE = "remedy.create"
AUDIT_PROPOSE = "remedy.propose"
AUDIT_APPROVE = "remedy.approve"
AUDIT_REJECT = "remedy.reject"
AUDIT_ACCEPT = "remedy.accept"
AUDIT_APPLY = "remedy.apply"
AUDIT_WITHDRAW = "remedy.withdraw"

# What a signed letter may be: a scan (PDF) or a photo, at most 10 MB.
LETTER_SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
LETTER_MAX_BYTES = 10 * 1024 * 1024

# Role defaults when neither the person nor the role has an ApprovalLimit row (yuan; None: no cap).
DEFAULT_APPROVAL_LIMITS: dict[str, str | None] = {"manager": "300000.00", "admin": None}


class NoLimit:
    """Marks "no approval limit" apart from "may not approve" (``None`` from the lookup)."""


NO_LIMIT = NoLimit()


def may_make(user: Any) -> bool:
    """Agents, team leads, managers and administrators open proposals on the cases they see."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser
        or user.role in (Role.AGENT, Role.MANAGER, Role.ADMIN)
        or led_team_ids(user)
    )


def may_check(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm("accounts.approve_remedy")
    )


def approval_limit(user: Any) -> Decimal | NoLimit | None:
    """The most ``user`` may approve: their own limit, else their role's, else the default.

    ``None``: may not approve at all; :data:`NO_LIMIT`: no cap.
    """
    if not may_check(user):
        return None
    row = ApprovalLimit.objects.filter(user=user).first() or (
        ApprovalLimit.objects.filter(role=user.role, user__isnull=True).first()
    )
    if row is not None:
        return NO_LIMIT if row.max_amount is None else row.max_amount
    defaults = getattr(settings, "REMEDY_APPROVAL_LIMITS", DEFAULT_APPROVAL_LIMITS)
    if user.role not in defaults:
        return NO_LIMIT if user.is_superuser else None
    value = defaults[user.role]
    return NO_LIMIT if value is None else Decimal(value)


def limit_covers(user: Any, amount: Decimal) -> bool:
    limit = approval_limit(user)
    return limit is NO_LIMIT or (isinstance(limit, Decimal) and amount <= limit)


def _event(
    proposal: RemedyProposal,
    user: Any,
    from_status: str,
    to_status: str,
    reason: str = "",
    **data: Any,
) -> None:
    RemedyEvent.objects.create(
        proposal=proposal,
        at=now(),
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data,
    )


def proposal_move(
    proposal: RemedyProposal,
    *,
    to_status: RemedyStatus,
    user: Any,
    reason: str = "",
    audit: str | None = None,
    ip: str | None = None,
    **fields: Any,
) -> RemedyProposal:
    """Claim the change with one conditional UPDATE on the status the caller saw.

    Two checkers pressing "approve" at once both send ``UPDATE … WHERE status = 'proposed'``;
    PostgreSQL lets the second wait for the first's row lock and then finds the status changed,
    so it updates no row and is told so. Nothing else of the loser is written.
    """
    from_status = proposal.status
    if not is_allowed(from_status, to_status):
        raise ApplicationError(
            _t("A proposal cannot go from %(from)s to %(to)s.")
            % {"from": RemedyStatus(from_status).label, "to": to_status.label},
            code="transition_not_allowed",
        )
    at = now()
    updated = RemedyProposal.objects.filter(pk=proposal.pk, status=from_status).update(
        status=to_status, updated_at=at, **fields
    )
    if updated != 1:
        raise ApplicationError(
            _("Someone else changed this proposal just now; reload it to see what was done."),
            code="conflict",
        )
    proposal.status = to_status
    for name, value in fields.items():
        setattr(proposal, name, value)
    _event(proposal, user, from_status, to_status, reason, **_plain(fields))
    if audit is not None and user is not None:
        audit_record(
            user=user,
            action=audit,
            object_type="remedy",
            object_id=proposal.pk,
            fields={"status": [from_status, to_status.value]},
            reason=reason,
            ip=ip,
        )
    return proposal


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """Event details as JSON: ids for users, ISO text for dates, strings for money."""
    plain: dict[str, Any] = {}
    for name, value in fields.items():
        if hasattr(value, "pk"):
            plain[f"{name}_id"] = value.pk
        elif isinstance(value, dt.date | dt.datetime):
            plain[name] = value.isoformat()
        elif isinstance(value, Decimal):
            plain[name] = str(value)
        elif isinstance(value, str | int | bool) or value is None:
            plain[name] = value
    return plain


def _require_open(case: CollectionCase) -> None:
    if not case.is_open:
        raise ApplicationError(_("The case is closed."), code="case_closed")
    if case.status != CaseStatus.REMEDY_PROPOSED and not case_may_move(
        case.status, CaseStatus.REMEDY_PROPOSED
    ):
        raise ApplicationError(
            _t("A case in the status “%(status)s” cannot take a remedy proposal.")
            % {"status": CaseStatus(case.status).label},
            code="case_status",
        )


@transaction.atomic
def remedy_proposal_create(
    *,
    case: CollectionCase,
    user: Any,
    as_of: dt.date,
    affordability: Affordability,
    report: Any = None,
    ip: str | None = None,
) -> RemedyProposal:
    """Compute every remedy for the case's loan at the end of ``as_of`` and keep them as a draft.

    Steps: the case must be open and able to move to "remedy proposed"; assess the loan (current
    schedule version, policy in force on ``as_of``); the engine compares the remedies against
    ``affordability``; the options, the claim, the inputs and the policy are stored as they are.
    """
    if not may_make(user):
        raise ApplicationError(_("You may not propose remedies."), code="forbidden")
    _require_open(case)
    loan = Loan.objects.get(pk=case.loan_id)
    try:
        computed = compute_options(loan, as_of, affordability)
    except InvalidField as exc:
        # A loan the engine cannot restructure (nothing outstanding, no instalments left, ...)
        # is a refusal the maker should read, not a server error.
        raise ApplicationError(
            _t("No remedy can be computed for this loan: %(reason)s") % {"reason": exc},
            code="no_options",
        ) from exc
    recommendation = computed.recommendation
    proposal = RemedyProposal.objects.create(
        case=case,
        loan=loan,
        report=report,
        maker=user,
        as_of=as_of,
        base_version=loan.schedule_version,
        amount=computed.state.claim.total,
        # The payments the claim counts: one that arrives later, dated before the new schedule
        # takes effect, is in no schedule's balance (remedy_apply refuses it as stale).
        claim={**claim_as_json(computed.state.claim), "payment_ids": list(computed.payment_ids)},
        affordability=affordability_as_json(affordability),
        policy=policy_as_mapping(computed.policy),
        options=[verdict_as_json(v) for v in recommendation.verdicts],
        summary_zh=recommendation.summary_zh,
        summary_en=recommendation.summary_en,
        legal_value=recommendation.legal_value,
    )
    _event(proposal, user, "", RemedyStatus.DRAFT, options=len(proposal.options))
    audit_record(
        user=user,
        action=AUDIT_CREATE,
        object_type="remedy",
        object_id=proposal.pk,
        fields={"case": case.pk, "as_of": as_of.isoformat()},
        ip=ip,
    )
    return proposal


@transaction.atomic
def remedy_propose(
    *, proposal: RemedyProposal, user: Any, option_key: str, note: str = "", ip: str | None = None
) -> RemedyProposal:
    """The maker chooses one option and asks for approval; the case moves to "remedy proposed".

    A recommended option needs no more. Any other option within the cost cap may be proposed
    too, with a written justification in ``note`` (the maker knows what the engine does not:
    family help on the way, a job starting); the checker reads it beside the options. An option
    over the cap is never proposed: the all-in cost ceiling is the law's, not the engine's.
    """
    if user.pk != proposal.maker_id:
        raise ApplicationError(_("Only the maker proposes a draft."), code="not_maker")
    option = next((o for o in proposal.options if o["key"] == option_key), None)
    if option is None:
        raise ApplicationError(_("Choose one of the options."), code="unknown_option")
    if not option["within_cap"]:
        raise ApplicationError(
            _("That option's all-in cost is above the cap: it cannot be offered."),
            code="over_cap",
        )
    note = note.strip()
    if option["rank"] is None and not note:
        raise ApplicationError(
            _("That option is not recommended: write why you propose it, for the checker to read."),
            code="justification_required",
        )
    case = CollectionCase.objects.get(pk=proposal.case_id)
    _require_open(case)
    try:
        with transaction.atomic():
            proposal_move(
                proposal,
                to_status=RemedyStatus.PROPOSED,
                user=user,
                reason=note,
                audit=AUDIT_PROPOSE,
                ip=ip,
                chosen_key=option_key,
                maker_note=note,
            )
    except IntegrityError:
        raise ApplicationError(
            _("Another remedy for this loan is already waiting; finish or withdraw it first."),
            code="pending_exists",
        ) from None
    if case.status != CaseStatus.REMEDY_PROPOSED:
        case_transition(
            case=case,
            to_status=CaseStatus.REMEDY_PROPOSED,
            user=user,
            reason=_t("Remedy proposal #%(id)s: %(title)s")
            % {"id": proposal.pk, "title": option["title_zh"]},
            ip=ip,
        )
    return proposal


@transaction.atomic
def remedy_approve(
    *, proposal: RemedyProposal, user: Any, reason: str = "", ip: str | None = None
) -> RemedyProposal:
    """A checker approves. Refused unless the checker may approve remedies, is not the maker, and
    their approval limit covers the amount; exactly one of two simultaneous approvals counts."""
    _require_checker(proposal, user)
    return proposal_move(
        proposal,
        to_status=RemedyStatus.APPROVED,
        user=user,
        reason=reason,
        audit=AUDIT_APPROVE,
        ip=ip,
        checker=user,
        decided_at=now(),
        decision_reason=reason,
    )


@transaction.atomic
def remedy_reject(
    *, proposal: RemedyProposal, user: Any, reason: str, ip: str | None = None
) -> RemedyProposal:
    """A checker rejects, with a reason (same rules as approving)."""
    if not reason.strip():
        raise ApplicationError(_("Say why the proposal is rejected."), code="reason_required")
    _require_checker(proposal, user)
    return proposal_move(
        proposal,
        to_status=RemedyStatus.REJECTED,
        user=user,
        reason=reason.strip(),
        audit=AUDIT_REJECT,
        ip=ip,
        checker=user,
        decided_at=now(),
        decision_reason=reason.strip(),
    )


def _require_checker(proposal: RemedyProposal, user: Any) -> None:
    if not may_check(user):
        raise ApplicationError(_("You may not approve remedies."), code="forbidden")
    if user.pk == proposal.maker_id:
        raise ApplicationError(
            _("The maker cannot check their own proposal; another person must."),
            code="maker_is_checker",
        )
    if not limit_covers(user, proposal.amount):
        raise ApplicationError(
            _t("The amount %(amount)s is above your approval limit.")
            % {"amount": f"{proposal.amount:,.2f}"},
            code="over_limit",
        )


def _letter_kind(upload: UploadedFile[Any]) -> str:
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in LETTER_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise ApplicationError(
        _("The signed letter must be a PDF, JPEG or PNG file."), code="letter_type"
    )


@transaction.atomic
def remedy_accept(
    *,
    proposal: RemedyProposal,
    user: Any,
    accepted_on: dt.date,
    channel: str,
    signed_letter: UploadedFile[Any] | None = None,
    ip: str | None = None,
) -> RemedyProposal:
    """Record the borrower's acceptance: the date, the channel and (in person or by post) the
    signed letter, kept with its SHA-256."""
    if channel not in AcceptanceChannel.values:
        raise ApplicationError(_("Choose how the borrower accepted."), code="channel")
    if accepted_on < proposal.as_of:
        raise ApplicationError(
            _("The acceptance cannot be dated before the proposal."), code="accepted_on"
        )
    paper = channel in (AcceptanceChannel.IN_PERSON, AcceptanceChannel.POST)
    if paper and signed_letter is None:
        raise ApplicationError(
            _("Upload the signed letter (in person or by post)."), code="letter_required"
        )
    fields: dict[str, Any] = {"accepted_on": accepted_on, "acceptance_channel": channel}
    if signed_letter is not None:
        if signed_letter.size is not None and signed_letter.size > LETTER_MAX_BYTES:
            raise ApplicationError(_("The signed letter is over 10 MB."), code="letter_size")
        kind = _letter_kind(signed_letter)
        digest = hashlib.sha256()
        for chunk in signed_letter.chunks():
            digest.update(chunk)
        signed_letter.seek(0)
        stored = RemedyProposal(pk=proposal.pk)
        name = stored.signed_letter.field.generate_filename(
            stored, f"remedy-{proposal.pk}-{digest.hexdigest()[:16]}.{kind}"
        )
        fields["signed_letter"] = stored.signed_letter.storage.save(name, signed_letter)
        fields["signed_letter_sha256"] = digest.hexdigest()
    return proposal_move(
        proposal,
        to_status=RemedyStatus.ACCEPTED,
        user=user,
        audit=AUDIT_ACCEPT,
        ip=ip,
        **fields,
    )


@transaction.atomic
def remedy_apply(
    *, proposal: RemedyProposal, user: Any, on: dt.date, ip: str | None = None
) -> RemedyProposal:
    """Put the accepted remedy in force on ``on``.

    Steps:
      1. lock the loan; its schedule must still be the version the options were computed on,
         every payment dated on or before the proposal's ``as_of`` must be in the claim the
         options restructure (one that arrived later would be in neither schedule's balance),
         and the new schedule's first due date must still be ahead; payments dated after
         ``as_of`` are fine: they count against the new schedule;
      2. write the chosen schedule as the loan's next version (the old rows stay, visible);
      3. the loan is restructured from the day after ``as_of`` (payments from then on count
         against the new schedule; the observation period starts then: the delinquency engine
         keeps the loan at least 关注 until two consecutive on-time instalments and one year);
      4. the proposal is applied and on track; the case moves to "remedy active".
    """
    if not (may_make(user) or may_check(user)):
        raise ApplicationError(_("You may not apply remedies."), code="forbidden")
    option = proposal.chosen
    if option is None:
        raise ApplicationError(_("No option was chosen."), code="no_option")
    if option["remedy"] == Remedy.REFERRAL:
        return _apply_referral(proposal, option, user=user, on=on, ip=ip)
    loan = Loan.objects.select_for_update().get(pk=proposal.loan_id)
    if loan.schedule_version != proposal.base_version:
        raise ApplicationError(
            _("The loan's schedule changed since the proposal; make a new one."), code="stale"
        )
    missed = _payments_not_in_claim(proposal, loan)
    if missed:
        raise ApplicationError(
            _t(
                "The payment of %(amount)s on %(day)s arrived after the options were computed "
                "and is in neither schedule's balance; make a new proposal, whose options will "
                "count it."
            )
            % {"amount": f"{missed[0].amount:,.2f}", "day": missed[0].paid_on.isoformat()},
            code="stale",
        )
    rows = schedule_rows(option)
    if rows[0].due_date <= on:
        raise ApplicationError(
            _("The new schedule's first due date has passed; make a new proposal."),
            code="stale",
        )
    case = CollectionCase.objects.get(pk=proposal.case_id)
    if not case.is_open:
        raise ApplicationError(_("The case is closed."), code="case_closed")
    new_version = loan.schedule_version + 1
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            version=new_version,
            number=row.number,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
        )
        for row in rows
    )
    old_version, old_restructured_on = loan.schedule_version, loan.restructured_on
    loan.schedule_version = new_version
    loan.restructured_on = proposal.as_of + dt.timedelta(days=1)
    loan.save(update_fields=["schedule_version", "restructured_on", "updated_at"])
    proposal_move(
        proposal,
        to_status=RemedyStatus.APPLIED,
        user=user,
        audit=AUDIT_APPLY,
        ip=ip,
        applied_on=on,
        applied_by=user,
        new_version=new_version,
        tracking=Tracking.ON_TRACK,
        tracked_on=on,
    )
    audit_record(
        user=user,
        action=AUDIT_APPLY,
        object_type="loan",
        object_id=loan.pk,
        fields={
            "schedule_version": [old_version, new_version],
            "restructured_on": [
                old_restructured_on.isoformat() if old_restructured_on else None,
                loan.restructured_on.isoformat(),
            ],
        },
        ip=ip,
    )
    _case_to_remedy_active(case, proposal, user, ip)
    return proposal


def _payments_not_in_claim(proposal: RemedyProposal, loan: Loan) -> list[Payment]:
    """Payments dated on or before the proposal's ``as_of`` that count against the schedule it
    replaces but are not in the claim its options restructure (they arrived later).

    Payments dated after ``as_of`` are not stale: the new schedule takes effect the day after
    ``as_of``, so they count against it (paying its first instalments early).
    """
    counted = set(proposal.claim.get("payment_ids", ()))
    return [p for p in counted_payments(loan, proposal.as_of) if p.pk not in counted]


def _apply_referral(
    proposal: RemedyProposal, option: dict[str, Any], *, user: Any, on: dt.date, ip: str | None
) -> RemedyProposal:
    """A referral changes no schedule: collection pauses (the case's hardship hold, which keeps
    the planner away) and a review task falls due when the pause ends."""
    case = CollectionCase.objects.get(pk=proposal.case_id)
    if not case.is_open:
        raise ApplicationError(_("The case is closed."), code="case_closed")
    review_on = add_months(on, int(option["months"] or 0))
    proposal_move(
        proposal,
        to_status=RemedyStatus.APPLIED,
        user=user,
        audit=AUDIT_APPLY,
        ip=ip,
        applied_on=on,
        applied_by=user,
    )
    reason = _t("Remedy #%(id)s: referred to hardship support, collection paused until %(day)s") % {
        "id": proposal.pk,
        "day": review_on.isoformat(),
    }
    if not case.hardship_hold:
        case_set_flags(
            case=case,
            user=user,
            vulnerable=case.vulnerable,
            hardship_hold=True,
            reason=reason,
            ip=ip,
        )
    FollowUpTask.objects.create(
        case=case,
        report=proposal.report,
        kind=TaskKind.REMEDY_REVIEW,
        due_on=review_on,
        assignee=case.agent,
        note=reason,
    )
    _case_to_remedy_active(case, proposal, user, ip)
    return proposal


def _case_to_remedy_active(
    case: CollectionCase, proposal: RemedyProposal, user: Any, ip: str | None
) -> None:
    reason = _t("Remedy #%(id)s applied") % {"id": proposal.pk}
    if case.status != CaseStatus.REMEDY_PROPOSED and case_may_move(
        case.status, CaseStatus.REMEDY_PROPOSED
    ):
        case_transition(
            case=case, to_status=CaseStatus.REMEDY_PROPOSED, user=user, reason=reason, ip=ip
        )
    if case_may_move(case.status, CaseStatus.REMEDY_ACTIVE):
        case_transition(
            case=case, to_status=CaseStatus.REMEDY_ACTIVE, user=user, reason=reason, ip=ip
        )
    else:
        CaseEvent.objects.create(
            case=case, at=now(), user=user, kind=CaseEventKind.NOTE, reason=reason
        )


@transaction.atomic
def remedy_withdraw(
    *, proposal: RemedyProposal, user: Any, reason: str, ip: str | None = None
) -> RemedyProposal:
    """The maker (or a checker) withdraws a proposal not yet applied: it lapses, with a reason."""
    if not reason.strip():
        raise ApplicationError(_("Say why the proposal is withdrawn."), code="reason_required")
    if user.pk != proposal.maker_id and not may_check(user):
        raise ApplicationError(_("Only the maker or a checker withdraws."), code="forbidden")
    return proposal_move(
        proposal,
        to_status=RemedyStatus.LAPSED,
        user=user,
        reason=reason.strip(),
        audit=AUDIT_WITHDRAW,
        ip=ip,
    )
