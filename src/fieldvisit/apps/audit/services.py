"""Writing the audit log. Callers record inside their own transaction, so a change and its audit
row commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest

from fieldvisit.apps.audit.models import AuditEvent


def request_ip(request: HttpRequest | None) -> str | None:
    """The client address as the server saw it.

    ``X-Forwarded-For`` is not trusted: anyone can send it. Behind a proxy, the proxy must set
    REMOTE_ADDR (gunicorn's ``--forwarded-allow-ips``) for this to be the client's address.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    user: Any,
    action: str,
    object_type: str,
    object_id: object,
    fields: Mapping[str, Any] | Iterable[str] | None = None,
    reason: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Append one audit event. ``user`` may be ``None`` for the nightly batch.

    ``fields`` is either the names of the fields read, or ``{field: [old, new]}`` for a change;
    never put a revealed personal value in it.
    """
    return AuditEvent.objects.create(
        **_row(user, action, object_type, object_id, fields, reason, ip)
    )


def audit_record_many(
    *,
    user: Any,
    action: str,
    object_type: str,
    items: Iterable[tuple[object, Mapping[str, Any] | Iterable[str] | None]],
    reason: str = "",
    ip: str | None = None,
) -> int:
    """Append one event per ``(object_id, fields)`` in one bulk insert; returns the count."""
    rows = [
        AuditEvent(**_row(user, action, object_type, object_id, fields, reason, ip))
        for object_id, fields in items
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _row(
    user: Any,
    action: str,
    object_type: str,
    object_id: object,
    fields: Mapping[str, Any] | Iterable[str] | None,
    reason: str,
    ip: str | None,
) -> dict[str, Any]:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if fields is None:
        stored: Any = {}
    elif isinstance(fields, Mapping):
        stored = dict(fields)
    else:
        stored = sorted(fields)
    return {
        "user": user if authenticated else None,
        "username": user.get_username() if authenticated else "",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "fields": stored,
        "reason": reason,
        "ip": ip,
    }
