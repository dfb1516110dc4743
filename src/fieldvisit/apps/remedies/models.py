"""Remedy proposals: the engine's options for one case, the choice, maker-checker, the borrower's
acceptance, and the new schedule it applies.

A proposal stores the options as the engine computed them (a JSON snapshot: schedules, figures,
the bilingual explanation), so what the checker approved and what the borrower signed can be
shown exactly as they were, whatever the engine or the policy says later. Status changes follow
:mod:`fieldvisit.apps.remedies.transitions`; each writes a :class:`RemedyEvent` in the same
transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.models import MoneyField, TimeStampedModel


class RemedyStatus(models.TextChoices):
    # Options computed; the maker has not chosen one yet.
    DRAFT = "draft", _("Draft")
    # The maker chose an option and asks for approval.
    PROPOSED = "proposed", _("Proposed")
    # A checker (not the maker, with a limit covering the amount) approved it.
    APPROVED = "approved", _("Approved")
    # A checker refused it, with a reason.
    REJECTED = "rejected", _("Rejected")
    # The borrower agreed (date, channel, signed letter).
    ACCEPTED = "accepted", _("Accepted by the borrower")
    # The new schedule is in force; the loan is restructured and in observation.
    APPLIED = "applied", _("Applied")
    # Not carried through: withdrawn, not accepted in time, or overtaken by the calendar.
    LAPSED = "lapsed", _("Lapsed")
    # Applied, then not kept: an instalment of the new schedule went unpaid past the grace days.
    BROKEN = "broken", _("Broken")


class Tracking(models.TextChoices):
    """How an applied remedy is going, as the nightly batch last saw it."""

    ON_TRACK = "on_track", _("On track")
    BROKEN = "broken", _("Broken")


class AcceptanceChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    PHONE = "phone", _("By phone (recorded)")
    ONLINE = "online", _("Online")


class RemedyProposal(TimeStampedModel):
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="remedy_proposals",
    )
    loan = models.ForeignKey(
        "loans.Loan", verbose_name=_("loan"), on_delete=models.PROTECT, related_name="+"
    )
    report = models.ForeignKey(
        "visits.VisitReport",
        verbose_name=_("visit report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remedy_proposals",
    )
    maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("maker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RemedyStatus.choices, default=RemedyStatus.DRAFT
    )
    # The loan's state the options were computed on (end of that day), and its schedule version.
    as_of = models.DateField(_("as of"))
    base_version = models.PositiveSmallIntegerField(_("schedule version replaced"))
    # The claim at ``as_of`` (principal outstanding + arrears of interest, penalty, compound):
    # what a checker's approval limit must cover.
    amount = MoneyField(_("amount restructured"))
    claim = models.JSONField(_("claim by component"), default=dict)
    affordability = models.JSONField(_("income and spending used"), default=dict)
    policy = models.JSONField(_("remedy policy used"), default=dict)
    options = models.JSONField(_("options"), default=list)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    legal_value = MoneyField(_("legal route value"), default=0)
    chosen_key = models.CharField(_("chosen option"), max_length=80, blank=True)
    maker_note = models.TextField(_("maker's note"), blank=True)

    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_channel = models.CharField(
        _("accepted by"), max_length=10, choices=AcceptanceChannel.choices, blank=True
    )
    signed_letter = models.FileField(
        _("signed letter"), upload_to="remedy-letters/%Y/%m/", blank=True
    )
    signed_letter_sha256 = models.CharField(_("signed letter SHA-256"), max_length=64, blank=True)

    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_version = models.PositiveSmallIntegerField(_("new schedule version"), null=True, blank=True)
    tracking = models.CharField(_("tracking"), max_length=10, choices=Tracking.choices, blank=True)
    tracked_on = models.DateField(_("tracked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("remedy proposal")
        verbose_name_plural = _("remedy proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "case"], name="remedy_status_case"),
            models.Index(fields=["loan", "status"], name="remedy_loan_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(checker__isnull=False),
                name="remedy_approved_has_checker",
            ),
            models.CheckConstraint(
                condition=models.Q(checker__isnull=True) | ~models.Q(checker=models.F("maker")),
                name="remedy_checker_is_not_maker",
            ),
            # One live remedy per loan: a second would fight the first over the schedule.
            models.UniqueConstraint(
                fields=["loan"],
                condition=models.Q(status__in=["proposed", "approved", "accepted"]),
                name="remedy_one_pending_per_loan",
            ),
        ]

    def __str__(self) -> str:
        return f"remedy {self.pk} case {self.case_id} {self.status}"

    @property
    def chosen(self) -> dict[str, Any] | None:
        """The chosen option's snapshot, or ``None`` before the maker chose."""
        return next((o for o in self.options if o["key"] == self.chosen_key), None)


class RemedyEvent(models.Model):
    """One row of a proposal's timeline: who, when, from which status to which, and why."""

    proposal = models.ForeignKey(
        RemedyProposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events"
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
    from_status = models.CharField(
        _("from"), max_length=10, choices=RemedyStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=RemedyStatus.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("remedy event")
        verbose_name_plural = _("remedy events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.from_status}→{self.to_status}"


class ApprovalLimit(TimeStampedModel):
    """The largest amount (the claim restructured, yuan) a role or one person may approve.

    A person's own row wins over their role's; with neither, ``settings.REMEDY_APPROVAL_LIMITS``
    gives the role's default. An empty ``max_amount`` means no limit.
    """

    role = models.CharField(_("role"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    max_amount = MoneyField(_("up to (yuan)"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval limit")
        verbose_name_plural = _("approval limits")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role="") & models.Q(user__isnull=False))
                | (~models.Q(role="") & models.Q(user__isnull=True)),
                name="approval_limit_role_xor_user",
            ),
            models.UniqueConstraint(
                fields=["role"], condition=~models.Q(role=""), name="approval_limit_one_per_role"
            ),
        ]

    def __str__(self) -> str:
        who = self.role or str(self.user_id)
        return f"{who} ≤ {self.max_amount if self.max_amount is not None else '∞'}"
