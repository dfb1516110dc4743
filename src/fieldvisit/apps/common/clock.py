"""The business date. Engines never read the clock; entry points ask here and pass ``as_of`` down.

``FIELDVISIT_AS_OF`` (YYYY-MM-DD) pins "today" for the demo and for reproducible runs.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def business_date() -> dt.date:
    """Today in the institution's time zone, or the pinned date."""
    pinned = os.environ.get("FIELDVISIT_AS_OF") or settings.FIELDVISIT_AS_OF
    if pinned:
        return dt.date.fromisoformat(pinned)
    return timezone.localdate()


def now() -> dt.datetime:
    """The server's clock, timezone-aware (UTC). The record of when things happened."""
    return timezone.now()
