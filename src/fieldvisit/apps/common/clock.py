"""The business date. Engines never read the clock; entry points ask here and pass ``as_of`` down.

``FIELDVISIT_AS_OF`` (YYYY-MM-DD) pins "today" for the demo and for reproducible runs.
:func:`clock_replaying` sets the clock to a past moment for a block of code: the demo's history
replays past days through the real services, so what they record carries the day it happened.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_replayed: ContextVar[dt.datetime | None] = ContextVar("fieldvisit_replayed_now", default=None)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def business_date() -> dt.date:
    """Today in the institution's time zone, or the replayed or pinned date."""
    replayed = _replayed.get()
    if replayed is not None:
        return replayed.astimezone(local_zone()).date()
    pinned = os.environ.get("FIELDVISIT_AS_OF") or settings.FIELDVISIT_AS_OF
    if pinned:
        return dt.date.fromisoformat(pinned)
    return timezone.localdate()


def now() -> dt.datetime:
    """The server's clock, timezone-aware (UTC). The record of when things happened."""
    replayed = _replayed.get()
    if replayed is not None:
        return replayed.astimezone(dt.UTC)
    return timezone.now()


@contextmanager
def clock_replaying(at: dt.datetime) -> Iterator[None]:
    """Within the block, :func:`now` is ``at`` (aware) and :func:`business_date` its local date.

    For replaying past days (the demo's history) through the services that record "now"; never
    used while serving requests. Nests; the previous clock comes back when the block ends.
    """
    if at.tzinfo is None:
        raise ValueError("clock_replaying needs an aware datetime")
    token = _replayed.set(at)
    try:
        yield
    finally:
        _replayed.reset(token)
