from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.roles import Role


class User(AbstractUser):
    """A person who logs in. ``role`` decides the home page and the scoping of every query."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    employee_no = models.CharField(
        _("employee number"), max_length=32, unique=True, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    branch = models.ForeignKey(
        "organisation.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    team = models.ForeignKey(
        "organisation.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("reveal_pii", _("Can reveal ID numbers, phone numbers and exact addresses")),
            ("view_audit_log", _("Can search the audit log")),
            ("import_portfolio", _("Can import portfolio files")),
            ("manage_users", _("Can manage users and roles")),
            ("approve_plan", _("Can approve visit plans")),
            ("approve_remedy", _("Can approve remedies")),
            ("manage_training", _("Can manage training, certification and quality review")),
            ("view_analytics", _("Can view analytics")),
            ("handle_legal", _("Can handle legal cases")),
            ("do_field_visits", _("Can make field visits")),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
