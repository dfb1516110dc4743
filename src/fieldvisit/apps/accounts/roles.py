"""Roles are Django groups; this table says which permissions each one carries.

A role is what a person does; scoping (which cases they may see) is decided by the access helpers
from the role and the organisation (branch, team), never by the templates.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Collections manager")
    AGENT = "agent", _("Field agent")
    TRAINER = "trainer", _("Trainer / QA")
    LEGAL = "legal", _("Legal officer")
    ANALYST = "analyst", _("Analyst")


# "app_label.codename" permissions per role. Custom permissions are declared on accounts.User.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            "accounts.reveal_pii",
            "accounts.view_audit_log",
            "accounts.import_portfolio",
            "accounts.manage_users",
            "accounts.approve_plan",
            "accounts.approve_remedy",
            "accounts.manage_training",
            "accounts.view_analytics",
            "accounts.handle_legal",
        }
    ),
    Role.MANAGER: frozenset(
        {
            "accounts.reveal_pii",
            "accounts.import_portfolio",
            "accounts.approve_plan",
            "accounts.approve_remedy",
            "accounts.view_analytics",
        }
    ),
    Role.AGENT: frozenset({"accounts.do_field_visits"}),
    Role.TRAINER: frozenset({"accounts.manage_training"}),
    Role.LEGAL: frozenset({"accounts.handle_legal", "accounts.reveal_pii"}),
    Role.ANALYST: frozenset({"accounts.view_analytics"}),
}
