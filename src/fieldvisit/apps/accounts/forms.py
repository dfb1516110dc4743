from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts import throttle


class ThrottledLoginMixin:
    """The login throttle (:mod:`.throttle`) around an authentication form's ``clean``: the same
    counts for the product's login page and the admin's."""

    request: Any
    cleaned_data: dict[str, Any]
    error_messages: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        trusted = throttle.device_is_trusted(self.request, username)
        if throttle.login_is_locked(username, ip, trusted_device=trusted):
            # Checked before the password, so a locked account cannot be probed further.
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if throttle.login_failed(username, ip):
                _audit_lock(username, ip)
            raise
        throttle.login_succeeded(username, ip)
        return cleaned


LOCKED = _("Too many failed attempts. Try again later.")


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "locked": LOCKED,
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login form (staff only), throttled like the product's."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": LOCKED}


def _audit_lock(username: str, ip: str | None) -> None:
    # Imported here: the audit app imports the user model, which this module's app defines.
    from fieldvisit.apps.audit.models import AuditAction
    from fieldvisit.apps.audit.services import audit_record

    audit_record(
        user=None,
        action=AuditAction.LOGIN_LOCKED,
        object_type="username",
        object_id=username[:64],
        ip=ip,
    )
