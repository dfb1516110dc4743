"""Evidence engine: what a check-in's position and times prove, and what a manager should look
at. Pure: no Django, no clock (times come in as arguments).

Read ``README.md`` beside this file.
"""

from fieldvisit.engines.evidence.checkin import (
    DEFAULT_EVIDENCE_POLICY,
    CheckInAssessment,
    EvidencePolicy,
    Fix,
    PriorCheckIn,
    assess_check_in,
    event_time,
    speed_kmh,
)
from fieldvisit.engines.evidence.geo import haversine_m

__all__ = [
    "DEFAULT_EVIDENCE_POLICY",
    "CheckInAssessment",
    "EvidencePolicy",
    "Fix",
    "PriorCheckIn",
    "assess_check_in",
    "event_time",
    "haversine_m",
    "speed_kmh",
]
