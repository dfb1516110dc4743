"""Reading the audit log (for those who hold ``accounts.view_audit_log``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.common.clock import local_zone


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_events_search(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first; dates are inclusive, local time."""
    events = AuditEvent.objects.all()
    if filters.username:
        events = events.filter(username__iexact=filters.username)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    zone = local_zone()
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone)
        events = events.filter(at__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        events = events.filter(at__lt=end)
    return events.order_by("-at", "-id")
