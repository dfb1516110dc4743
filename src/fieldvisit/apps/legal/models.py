"""Escalation to legal: the rule's recommendation, a manager's decision, then the litigation's
stages with their dates and documents.

A :class:`LegalCase` starts as "recommended" (by the nightly rule or a person), is approved or
declined by a manager, then moves through the stages of
:mod:`fieldvisit.apps.legal.transitions`; every change is a :class:`LegalEntry` (with an
optional document) in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fieldvisit.apps.common.models import TimeStampedModel


class LegalStatus(models.TextChoices):
    # The escalation rule (or a person) recommends it; a manager has not decided. Only a
    # recommendation: never worded as filed or submitted (提请) to anyone.
    RECOMMENDED = "recommended", pgettext_lazy("legal status", "Recommended")
    # A manager declined: the case stays with collections.
    DECLINED = "declined", _("Declined")
    # A manager approved: the legal officer takes it over.
    APPROVED = "approved", _("Approved")
    NOTICE_SENT = "notice_sent", _("Notice sent")
    FILED = "filed", _("Filed with the court")
    JUDGMENT = "judgment", _("Judgment")
    ENFORCEMENT = "enforcement", _("Enforcement")
    CLOSED = "closed", _("Closed")


class LegalCase(TimeStampedModel):
    case = models.ForeignKey(
        "cases.CollectionCase",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="legal_cases",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=LegalStatus.choices, default=LegalStatus.RECOMMENDED
    )
    recommended_on = models.DateField(_("recommended on"))
    # None: the nightly rule.
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recommended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reasons_zh = models.TextField(_("reasons (Chinese)"), blank=True)
    reasons_en = models.TextField(_("reasons (English)"), blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    court = models.CharField(_("court"), max_length=100, blank=True)
    docket_no = models.CharField(_("docket number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("legal case")
        verbose_name_plural = _("legal cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live escalation per collection case; a declined one may be followed by another.
            models.UniqueConstraint(
                fields=["case"],
                condition=~models.Q(status="declined"),
                name="legal_one_live_per_case",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="legal_status")]

    def __str__(self) -> str:
        return f"legal {self.pk} case {self.case_id} {self.status}"


class LegalEntry(models.Model):
    """One row of a legal case's record: a status change, or a document added, with its date."""

    legal_case = models.ForeignKey(
        LegalCase, verbose_name=_("legal case"), on_delete=models.PROTECT, related_name="entries"
    )
    at = models.DateTimeField(_("recorded at"))
    on = models.DateField(_("date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=LegalStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=LegalStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    document = models.FileField(_("document"), upload_to="legal/%Y/%m/", blank=True)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("legal record entry")
        verbose_name_plural = _("legal record entries")
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.legal_case_id} {self.on} {self.to_status}"
