"""Collection cases: one per delinquent loan while it is delinquent, with its timeline.

A case opens when the nightly snapshot shows a loan at or past the policy's DPD threshold and
closes when the loan is cured, settled or written off (:mod:`fieldvisit.apps.cases.services`).
DPD, bucket and the amount due are copied from the latest snapshot so the case list filters and
sorts on one table. Status changes follow :mod:`fieldvisit.apps.cases.transitions` and each writes
a :class:`CaseEvent` in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import MoneyField, TimeStampedModel


class CaseStatus(models.TextChoices):
    # Opened by the nightly batch; nobody has worked it yet.
    NEW = "new", _("New")
    # Remote contact (calls, SMS) is under way.
    CONTACTING = "contacting", _("Contacting")
    # A field visit is on an approved plan.
    VISIT_PLANNED = "visit_planned", _("Visit planned")
    # The visit took place (or was attempted) and its report is filed.
    VISITED = "visited", _("Visited")
    # The borrower promised to pay an amount by a date; the promise is being tracked.
    PROMISE_TO_PAY = "promise_to_pay", _("Promise to pay")
    # A remedy (restructuring, deferral) was proposed and waits for approval or acceptance.
    REMEDY_PROPOSED = "remedy_proposed", _("Remedy proposed")
    # An approved remedy is running: collection pauses while the borrower keeps to it.
    REMEDY_ACTIVE = "remedy_active", _("Remedy active")
    # A promise or a remedy was not kept; the case goes back to being worked.
    PROMISE_BROKEN = "promise_broken", _("Promise broken")
    # Escalated to the legal officer after documented refusal.
    LEGAL = "legal", _("Legal")
    # Closed: the loan is current again (DPD 0). A later delinquency opens a new case.
    CURED = "cured", _("Cured")
    # Closed: the loan was settled (paid off), or the case was closed by a manager.
    CLOSED = "closed", _("Closed")
    # Closed: the loan was written off in the core system.
    WRITTEN_OFF = "written_off", _("Written off")


# A case in one of these statuses has ``closed_on`` set and is no longer "the open case".
CLOSED_STATUSES = frozenset({CaseStatus.CURED, CaseStatus.CLOSED, CaseStatus.WRITTEN_OFF})


class ContactChannel(models.TextChoices):
    CALL = "call", _("Call")
    SMS = "sms", _("SMS")
    VISIT = "visit", _("Visit attempt")


class ContactTarget(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    GUARANTOR = "guarantor", _("Guarantor")
    DEBT_RELATED = "debt_related", _("Debt-related party")
    THIRD_PARTY = "third_party", _("Third party")


class ContactOutcome(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    INVALID_NUMBER = "invalid_number", _("Invalid number")
    MESSAGE_SENT = "message_sent", _("Message sent")
    NOT_AT_HOME = "not_at_home", _("Not at home")
    MET = "met", _("Met in person")
    REFUSED = "refused", _("Refused to talk")


# Outcomes where the person was reached; the others are unanswered attempts (CN-FREQ-01/02).
CONNECTED_OUTCOMES = frozenset(
    {ContactOutcome.CONNECTED, ContactOutcome.MET, ContactOutcome.REFUSED}
)


class CollectionCase(TimeStampedModel):
    loan = models.ForeignKey(
        "loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="cases"
    )
    # Copied from the loan: every query is scoped by branch, so it lives on the case row.
    branch = models.ForeignKey(
        "organisation.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # From the latest delinquency snapshot (``snapshot_as_of``), for fast filtering and sorting.
    dpd = models.PositiveIntegerField(_("days past due"), default=0)
    bucket = models.CharField(_("bucket"), max_length=8, blank=True)
    amount_due = MoneyField(_("amount due"), default=0)
    snapshot_as_of = models.DateField(_("snapshot date"))
    # The borrower's home district, copied at each sync: the list filters on it without a join.
    district = models.CharField(_("district"), max_length=50, blank=True)
    vulnerable = models.BooleanField(_("vulnerable"), default=False)
    hardship_hold = models.BooleanField(_("hardship hold"), default=False)

    class Meta:
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        constraints = [
            # The nightly batch may run twice or concurrently: the database, not the code,
            # guarantees that a loan has at most one open case.
            models.UniqueConstraint(
                fields=["loan"],
                condition=models.Q(closed_on__isnull=True),
                name="case_one_open_per_loan",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(closed_on__isnull=True) & ~models.Q(status__in=sorted(CLOSED_STATUSES))
                )
                | (
                    models.Q(closed_on__isnull=False) & models.Q(status__in=sorted(CLOSED_STATUSES))
                ),
                name="case_closed_on_matches_status",
            ),
        ]
        indexes = [
            # The manager's list: open cases of a branch, worst first.
            models.Index(
                fields=["branch", "-dpd", "id"],
                condition=models.Q(closed_on__isnull=True),
                name="case_open_branch_dpd",
            ),
            # A bucket filter (M2 …) with the default sort walks only that bucket's cases.
            models.Index(
                fields=["branch", "bucket", "-dpd", "id"],
                condition=models.Q(closed_on__isnull=True),
                name="case_open_branch_bucket_dpd",
            ),
            models.Index(
                fields=["branch", "district", "-dpd", "id"],
                condition=models.Q(closed_on__isnull=True),
                name="case_open_branch_district_dpd",
            ),
            models.Index(fields=["agent", "closed_on"], name="case_agent"),
            models.Index(fields=["team", "closed_on"], name="case_team"),
            models.Index(fields=["status"], name="case_status"),
            models.Index(fields=["bucket"], name="case_bucket"),
            models.Index(fields=["amount_due"], name="case_amount_due"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.loan_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    FLAGS = "flags", _("Flags changed")
    CONTACT = "contact", _("Contact attempt")
    NOTE = "note", _("Note")


class CaseEvent(models.Model):
    """One row of a case's timeline: who did what, when, from which status to which, and why."""

    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("time"))
    # None: the nightly batch.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CaseEventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CaseStatus.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"


class ContactAttempt(models.Model):
    """A call, SMS or visit attempt and its outcome, checked by the compliance engine first."""

    case = models.ForeignKey(
        CollectionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="contact_attempts",
    )
    # The borrower, denormalised: frequency caps count across every case of the same person.
    borrower = models.ForeignKey(
        "loans.Borrower", verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    attempted_at = models.DateTimeField(_("attempted at"))
    channel = models.CharField(_("channel"), max_length=8, choices=ContactChannel.choices)
    target = models.CharField(_("contacted"), max_length=16, choices=ContactTarget.choices)
    contact_number = models.CharField(_("number"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ContactOutcome.choices)
    visitors = models.PositiveSmallIntegerField(_("people on the visit"), null=True, blank=True)
    # The borrower asked to be visited (on a call: "come and see me"; on a visit attempt: this
    # visit was at their request). The planner reads it (EL-ASKED) until a visit is made after it.
    borrower_asked_visit = models.BooleanField(_("the borrower asked for a visit"), default=False)
    note = models.TextField(_("note"), blank=True)
    # A manager's override of the rules listed, with the reason (also in the audit log).
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_rules = models.JSONField(_("overridden rules"), default=list, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["-attempted_at", "-id"]
        indexes = [
            models.Index(fields=["borrower", "attempted_at"], name="contact_borrower_at"),
            models.Index(fields=["case", "attempted_at"], name="contact_case_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.channel} {self.attempted_at:%Y-%m-%d %H:%M}"

    @property
    def connected(self) -> bool:
        return self.outcome in CONNECTED_OUTCOMES


class CaseNote(models.Model):
    case = models.ForeignKey(
        CollectionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d}"
