"""The audit log: who did or saw what, when, from where, and why. Append-only.

Lenders are audited on who saw which borrower's personal information (PIPL) and who changed a
case. A row, once written, is never changed or deleted through the application: ``save`` refuses
updates, ``delete`` refuses, the queryset refuses ``update``/``delete``, and the admin is
read-only. On PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE as well, so raw SQL
from the application user cannot rewrite history either.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(Exception):
    """An attempt to change or delete an audit row."""


def _refuse(what: str) -> NoReturn:
    raise AuditImmutableError(f"audit events are append-only: {what} refused")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("update_or_create")


class AuditAction(models.TextChoices):
    """What happened. Reads of personal data are actions too (reveal, export)."""

    PII_REVEAL = "pii.reveal", _("Personal data revealed")
    EXPORT = "export", _("Export")
    CASE_OPEN = "case.open", _("Case opened")
    CASE_ASSIGN = "case.assign", _("Case assigned")
    CASE_TRANSITION = "case.transition", _("Case status changed")
    CASE_FLAGS = "case.flags", _("Case flags changed")
    CASE_NOTE = "case.note", _("Case note added")
    CASE_SYNC = "case.sync", _("Cases synchronised from a snapshot")
    CONTACT_ATTEMPT = "contact.attempt", _("Contact attempt recorded")
    COMPLIANCE_OVERRIDE = "compliance.override", _("Compliance rule overridden")
    LOGIN_LOCKED = "auth.locked", _("Login locked after failures")
    USER_PLACEMENT = "user.placement", _("Role, branch or team changed")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        # PROTECT: deleting a user must never rewrite (null out) the history of what they did.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The username at the time, kept even if the account is later renamed.
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=64)
    # Field names read or changed; for a change, {"field": [old, new]}. Never a revealed value.
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]
        # The log is read, never edited: no "change"/"delete" permissions to hand out.
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse("update")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")
