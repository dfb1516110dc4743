"""Proportions, their 95 % intervals, and the "too few data" rule.

Intervals are score intervals: Wilson for one proportion, Newcombe's hybrid score (his method 10,
1998) for a difference of two. Both stay inside [0, 1] (resp. [−1, 1]) and behave at 0 and n,
where the textbook Wald interval collapses to a point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054
#: A group smaller than this is too few to compare.
MIN_GROUP = 30
#: Fewer events (or non-events) than this in a group: too few for the normal approximation.
MIN_EVENTS = 5


class InvalidCounts(ValueError):
    """Counts that cannot describe a proportion (negative, or more events than units)."""


@dataclass(frozen=True, slots=True)
class Proportion:
    """``events`` out of ``n`` (n may be an effective, non-integer size), with its Wilson
    interval [``low``, ``high``]; ``rate`` = events / n (0 when n = 0)."""

    events: float
    n: float
    rate: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Difference:
    """``first.rate − second.rate`` and its Newcombe 95 % interval; ``too_few`` names why the
    data do not support a comparison (empty when they do)."""

    first: Proportion
    second: Proportion
    difference: float
    low: float
    high: float
    too_few: str


def wilson(events: float, n: float, z: float = Z95) -> Proportion:
    """Wilson score interval for ``events`` / ``n``.

    centre = (p + z²/2n) / (1 + z²/n); half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n), with
    p = events / n. For n = 0 the interval is the whole [0, 1].
    """
    if n < 0 or events < 0 or events > n:
        raise InvalidCounts(f"events: must be between 0 and n = {n}, got {events}")
    if n == 0:
        return Proportion(events=0, n=0, rate=0.0, low=0.0, high=1.0)
    p = events / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return Proportion(
        events=events, n=n, rate=p, low=max(0.0, centre - half), high=min(1.0, centre + half)
    )


def too_few_reason(first: Proportion, second: Proportion) -> str:
    """Why two groups are too few to compare, or ``""``.

    Rule: each group needs at least :data:`MIN_GROUP` units and at least :data:`MIN_EVENTS`
    events and as many non-events (the usual condition for the normal approximation the interval
    leans on).
    """
    reasons = []
    for label, group in (("first", first), ("second", second)):
        if group.n < MIN_GROUP:
            reasons.append(f"{label} group has {group.n:g} < {MIN_GROUP}")
        elif min(group.events, group.n - group.events) < MIN_EVENTS:
            reasons.append(f"{label} group has fewer than {MIN_EVENTS} events or non-events")
    return "; ".join(reasons)


def newcombe(first: Proportion, second: Proportion) -> Difference:
    """Newcombe's hybrid score interval for ``first.rate − second.rate``.

    d = p1 − p2; low = d − √((p1 − l1)² + (u2 − p2)²); high = d + √((u1 − p1)² + (p2 − l2)²),
    with [l, u] each group's Wilson interval.
    """
    d = first.rate - second.rate
    low = d - math.sqrt((first.rate - first.low) ** 2 + (second.high - second.rate) ** 2)
    high = d + math.sqrt((first.high - first.rate) ** 2 + (second.rate - second.low) ** 2)
    return Difference(
        first=first,
        second=second,
        difference=d,
        low=max(-1.0, low),
        high=min(1.0, high),
        too_few=too_few_reason(first, second),
    )
