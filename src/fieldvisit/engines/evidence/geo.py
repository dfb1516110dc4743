"""Distances on the ground, computed on the server (the phone's figure is never trusted)."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), metres


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points given in degrees.

    d = 2 R asin(√(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))), R = 6 371 008.8 m. Accurate to
    about 0.5 % (the Earth is not a sphere), far inside a phone's GPS error.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
