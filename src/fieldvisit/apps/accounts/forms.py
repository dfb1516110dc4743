from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts import throttle


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "locked": _("Too many failed attempts. Try again later."),
    }

    def clean(self) -> dict[str, object]:
        username = self.cleaned_data.get("username") or ""
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if throttle.login_is_locked(username, ip):
            # Checked before the password, so a locked account cannot be probed further.
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if throttle.login_failed(username, ip) == settings.LOGIN_FAILURE_LIMIT:
                _audit_lock(username, ip)
            raise
        throttle.login_succeeded(username, ip)
        return cleaned


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
