"""What a check-in proves: at the address or not, when it happened, and whether the agent could
have got there from their previous check-in.

A check-in is evidence that the team stood at the borrower's door. It only counts as "at the
address" when the phone's fix is both close (distance ≤ ``max_distance_m``) and precise
(accuracy radius ≤ ``max_accuracy_m``): a fix accurate to 800 m says nothing about which door.
A phone without a signal records the check-in with its own clock and sends it later; the device
time is believed only when it is plausible against the server's receipt time. Moving faster
than ``max_speed_kmh`` between two consecutive check-ins of the same agent is flagged for the
manager (a spoofed position, a borrowed phone, a check-in made from the office).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.evidence.geo import haversine_m

#: Problems that keep a check-in from counting as "at the address"; online, each needs a reason.
NO_POSITION = "no_position"
FAR = "far"
VAGUE = "vague"
NO_ACCURACY = "no_accuracy"
#: Flags for the manager: the check-in stands, someone should look at it.
IMPLAUSIBLE_SPEED = "implausible_speed"
DEVICE_CLOCK_AHEAD = "device_clock_ahead"
DEVICE_CLOCK_STALE = "device_clock_stale"
SENT_LATE = "sent_late"


@dataclass(frozen=True, slots=True)
class EvidencePolicy:
    """Thresholds for check-in evidence.

    Attributes:
        max_distance_m: farther than this from the address point is not at the address (m).
        max_accuracy_m: a fix whose accuracy radius is larger is never at the address (m).
        max_speed_kmh: faster than this between an agent's consecutive check-ins is flagged
            (km/h, on the straight-line distance less both fixes' accuracy radii).
        max_clock_ahead_s: a device time later than the server's receipt by more than this is
            not believed (s).
        max_offline_hours: a device time earlier than the receipt by more than this is not
            believed (h): nobody stays offline for days with a check-in in their pocket.
        late_after_s: a check-in received this long after its device time was sent from the
            phone's queue, and is flagged so (s).
    """

    max_distance_m: int = 300
    max_accuracy_m: float = 100.0
    max_speed_kmh: float = 100.0
    max_clock_ahead_s: int = 300
    max_offline_hours: int = 48
    late_after_s: int = 120

    def __post_init__(self) -> None:
        for name in (
            "max_distance_m",
            "max_accuracy_m",
            "max_speed_kmh",
            "max_clock_ahead_s",
            "max_offline_hours",
            "late_after_s",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise InvalidField(name, f"must be a number above zero, got {value!r}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> EvidencePolicy:
        """Build from a settings mapping; an unknown key is an error naming it."""
        known = {f.name for f in fields(cls)}
        for key in values:
            if key not in known:
                raise InvalidField(key, "unknown evidence policy field")
        return cls(**dict(values))


DEFAULT_EVIDENCE_POLICY = EvidencePolicy()


@dataclass(frozen=True, slots=True)
class Fix:
    """A phone's position: WGS-84 degrees and the accuracy radius (m) when the phone gave one."""

    latitude: float
    longitude: float
    accuracy_m: float | None


@dataclass(frozen=True, slots=True)
class PriorCheckIn:
    """The same agent's previous check-in of the day that had a position, at its event time."""

    fix: Fix
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class CheckInAssessment:
    """What the check-in proves.

    Attributes:
        distance_m: metres from the fix to the address point, rounded (None without a fix).
        at_address: the fix is within ``max_distance_m`` and accurate to ``max_accuracy_m``.
        problems: why it is not at the address (``no_position``, ``far``, ``vague``,
            ``no_accuracy``); empty when it is.
        at: when the check-in happened: the device time when believed, else the receipt time.
        speed_kmh: the speed from the prior check-in (km/h, one decimal), None without one.
        flags: for the manager (``implausible_speed``, ``device_clock_ahead``,
            ``device_clock_stale``, ``sent_late``).
    """

    distance_m: int | None
    at_address: bool
    problems: tuple[str, ...]
    at: dt.datetime
    speed_kmh: float | None
    flags: tuple[str, ...]


def event_time(
    device_at: dt.datetime | None,
    received_at: dt.datetime,
    policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY,
) -> tuple[dt.datetime, tuple[str, ...]]:
    """When the check-in happened, and the clock flags.

    The device time is believed when received_at − max_offline_hours ≤ device_at ≤
    received_at + max_clock_ahead_s; otherwise the receipt time stands and the check-in is
    flagged (``device_clock_ahead`` / ``device_clock_stale``). A believed device time more than
    ``late_after_s`` before the receipt is flagged ``sent_late`` (it waited in the phone's queue).
    Both times must be aware.
    """
    _require_aware(received_at, "received_at")
    if device_at is None:
        return received_at, ()
    _require_aware(device_at, "device_at")
    if device_at > received_at + dt.timedelta(seconds=policy.max_clock_ahead_s):
        return received_at, (DEVICE_CLOCK_AHEAD,)
    if device_at < received_at - dt.timedelta(hours=policy.max_offline_hours):
        return received_at, (DEVICE_CLOCK_STALE,)
    if received_at - device_at > dt.timedelta(seconds=policy.late_after_s):
        return device_at, (SENT_LATE,)
    return device_at, ()


def speed_kmh(prior: PriorCheckIn, fix: Fix, at: dt.datetime) -> float:
    """Speed needed to get from ``prior`` to ``fix`` by ``at`` (km/h, one decimal).

    speed = max(0, d − a₁ − a₂) / max(t, 1 s), with d the great-circle distance, a₁ and a₂ the
    accuracy radii (0 when unknown) and t the time between the two. Subtracting the radii keeps
    GPS jitter between two nearby doors from looking like a sprint; the 1 s floor keeps two
    check-ins at the same second from dividing by zero.
    """
    distance = (
        haversine_m(prior.fix.latitude, prior.fix.longitude, fix.latitude, fix.longitude)
        - (prior.fix.accuracy_m or 0.0)
        - (fix.accuracy_m or 0.0)
    )
    seconds = max((at - prior.at).total_seconds(), 1.0)
    return round(max(distance, 0.0) / seconds * 3.6, 1)


def assess_check_in(
    *,
    fix: Fix | None,
    address: tuple[float, float],
    received_at: dt.datetime,
    device_at: dt.datetime | None = None,
    prior: PriorCheckIn | None = None,
    policy: EvidencePolicy = DEFAULT_EVIDENCE_POLICY,
) -> CheckInAssessment:
    """Assess a check-in at ``address`` (latitude, longitude).

    Steps:
      1. the event time and clock flags (:func:`event_time`);
      2. distance = haversine(fix, address), rounded to the metre;
      3. problems: no fix; distance > max_distance_m; accuracy unknown, or > max_accuracy_m;
         at the address ⇔ no problem;
      4. with a fix and a prior check-in before the event time: the speed between them,
         flagged ``implausible_speed`` above max_speed_kmh.
    """
    at, flags = event_time(device_at, received_at, policy)
    if fix is None:
        return CheckInAssessment(None, False, (NO_POSITION,), at, None, flags)
    distance = round(haversine_m(fix.latitude, fix.longitude, address[0], address[1]))
    problems: list[str] = []
    if distance > policy.max_distance_m:
        problems.append(FAR)
    if fix.accuracy_m is None:
        problems.append(NO_ACCURACY)
    elif fix.accuracy_m > policy.max_accuracy_m:
        problems.append(VAGUE)
    speed = None
    if prior is not None and prior.at <= at:
        speed = speed_kmh(prior, fix, at)
        if speed > policy.max_speed_kmh:
            flags = (*flags, IMPLAUSIBLE_SPEED)
    return CheckInAssessment(distance, not problems, tuple(problems), at, speed, flags)


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidField(name, "must be a timezone-aware datetime")
