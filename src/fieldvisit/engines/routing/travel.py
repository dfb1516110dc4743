"""Travel matrices in integer seconds and metres: haversine × detour factor, or an OSRM server.

The engine does not read the environment: the caller passes ``OSRM_URL`` (or ``None``).
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence

import numpy as np

from fieldvisit.engines.routing.model import GeoPoint, IntMatrix, TravelMatrix

EARTH_RADIUS_METRES = 6_371_008.8
"""Mean Earth radius (IUGG), metres."""

DEFAULT_DETOUR_FACTOR = 1.3
"""Road distance ÷ great-circle distance assumed when no road network is available."""

DEFAULT_SPEEDS_KMH: Mapping[str, float] = {"car": 30.0, "scooter": 20.0, "walk": 4.5}
"""Mean door-to-door speed per travel mode in a city, km/h."""

UNREACHABLE = 10**8
"""Seconds and metres recorded for a pair OSRM cannot route; large enough never to be used."""


class OsrmError(RuntimeError):
    """The OSRM server could not be reached or gave an unusable answer; the message says why."""


def haversine_metres(points: Sequence[GeoPoint]) -> IntMatrix:
    """Great-circle distances in metres, rounded to the nearest metre.

    ``d = 2 R asin(√(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)))`` with ``R`` =
    :data:`EARTH_RADIUS_METRES`.
    """
    lat = np.radians(np.array([p.lat for p in points], dtype=np.float64))
    lon = np.radians(np.array([p.lon for p in points], dtype=np.float64))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    metres = 2 * EARTH_RADIUS_METRES * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    out: IntMatrix = np.rint(metres).astype(np.int64)
    return out


def haversine_matrix(
    points: Sequence[GeoPoint],
    *,
    speed_kmh: float,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
) -> TravelMatrix:
    """Estimated road travel: ``metres = round(detour × haversine)``,
    ``seconds = round(metres / (speed_kmh / 3.6))``.
    """
    if speed_kmh <= 0 or detour_factor < 1:
        raise ValueError("speed must be positive and the detour factor at least 1")
    metres = np.rint(haversine_metres(points) * detour_factor).astype(np.int64)
    seconds = np.rint(metres / (speed_kmh / 3.6)).astype(np.int64)
    return TravelMatrix(seconds=seconds, metres=metres)


def osrm_matrix(
    points: Sequence[GeoPoint],
    *,
    base_url: str,
    profile: str = "driving",
    timeout: float = 30.0,
    block: int = 100,
) -> TravelMatrix:
    """Road travel from an OSRM server's table service, rounded to integer seconds and metres.

    Requests ``{base_url}/table/v1/{profile}/{lon,lat;...}?annotations=duration,distance``
    in blocks of at most ``block`` sources × ``block`` destinations (OSRM's default
    ``max-table-size`` is 100). Pairs OSRM cannot route get :data:`UNREACHABLE`. Raises
    :class:`OsrmError` on a network error, a timeout, or a reply whose ``code`` is not ``Ok``.
    """
    n = len(points)
    seconds = np.zeros((n, n), dtype=np.int64)
    metres = np.zeros((n, n), dtype=np.int64)
    for src0 in range(0, n, block):
        sources = list(range(src0, min(n, src0 + block)))
        for dst0 in range(0, n, block):
            destinations = list(range(dst0, min(n, dst0 + block)))
            durations, distances = _osrm_table(
                points, sources, destinations, base_url, profile, timeout
            )
            for i, row in enumerate(sources):
                for j, col in enumerate(destinations):
                    seconds[row, col] = _rounded(durations[i][j])
                    metres[row, col] = _rounded(distances[i][j])
    np.fill_diagonal(seconds, 0)
    np.fill_diagonal(metres, 0)
    return TravelMatrix(seconds=seconds, metres=metres)


def _rounded(value: object) -> int:
    if value is None:
        return UNREACHABLE
    if not isinstance(value, int | float) or math.isnan(value):
        raise OsrmError(f"OSRM returned a non-numeric table entry: {value!r}")
    return round(value)


def _osrm_table(
    points: Sequence[GeoPoint],
    sources: list[int],
    destinations: list[int],
    base_url: str,
    profile: str,
    timeout: float,
) -> tuple[list[list[object]], list[list[object]]]:
    used = sorted(set(sources) | set(destinations))
    position = {k: i for i, k in enumerate(used)}
    coords = ";".join(f"{points[k].lon:.6f},{points[k].lat:.6f}" for k in used)
    query = urllib.parse.urlencode(
        {
            "annotations": "duration,distance",
            "sources": ";".join(str(position[k]) for k in sources),
            "destinations": ";".join(str(position[k]) for k in destinations),
        },
        safe=";,",
    )
    url = f"{base_url.rstrip('/')}/table/v1/{profile}/{coords}?{query}"
    if not url.startswith(("http://", "https://")):
        raise OsrmError(f"OSRM_URL must start with http:// or https://, got {base_url!r}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # noqa: S310 (scheme checked)
            body = json.loads(reply.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise OsrmError(f"OSRM at {base_url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OsrmError(f"OSRM at {base_url} unreachable: {reason}") from exc
    except json.JSONDecodeError as exc:
        raise OsrmError(f"OSRM at {base_url} did not answer JSON") from exc
    if not isinstance(body, dict) or body.get("code") != "Ok":
        code = body.get("code") if isinstance(body, dict) else None
        raise OsrmError(f"OSRM at {base_url} answered code {code!r}")
    durations, distances = body.get("durations"), body.get("distances")
    if not isinstance(durations, list) or not isinstance(distances, list):
        raise OsrmError("OSRM reply lacks durations or distances (annotations not supported?)")
    return durations, distances


def travel_matrices(
    points: Sequence[GeoPoint],
    modes: Mapping[str, float],
    *,
    osrm_url: str | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    timeout: float = 30.0,
) -> dict[str, TravelMatrix]:
    """One matrix per travel mode (``modes``: mode → speed in km/h).

    Without ``osrm_url``: metres as in :func:`haversine_matrix` (computed once),
    ``seconds = round(metres / (speed / 3.6))`` per mode. With it: the ``car`` mode is OSRM's
    ``driving`` table; other modes take its metres at their own speed (one OSRM profile serves
    a city; scooters and walkers use the same streets).
    """
    if osrm_url is None:
        if detour_factor < 1:
            raise ValueError("the detour factor must be at least 1")
        metres = np.rint(haversine_metres(points) * detour_factor).astype(np.int64)
        road = TravelMatrix(seconds=metres, metres=metres)
    else:
        road = osrm_matrix(points, base_url=osrm_url, timeout=timeout)
    out: dict[str, TravelMatrix] = {}
    for mode, speed in modes.items():
        if speed <= 0:
            raise ValueError(f"speed of {mode} must be positive")
        if mode == "car" and osrm_url is not None:
            out[mode] = road
        else:
            seconds = np.rint(road.metres / (speed / 3.6)).astype(np.int64)
            seconds[road.metres >= UNREACHABLE] = UNREACHABLE
            out[mode] = TravelMatrix(seconds=seconds, metres=road.metres)
    return out


def plane_matrix(
    xy: Sequence[tuple[float, float]], *, metres_per_second: float = 1.0
) -> TravelMatrix:
    """Travel on a plane, for examples and tests: ``metres = round(euclidean)`` with ``xy`` in
    metres, ``seconds = round(metres / metres_per_second)``.
    """
    coords = np.array(xy, dtype=np.float64).reshape(len(xy), 2)
    diff = coords[:, None, :] - coords[None, :, :]
    metres = np.rint(np.sqrt((diff**2).sum(axis=2))).astype(np.int64)
    seconds = np.rint(metres / metres_per_second).astype(np.int64)
    return TravelMatrix(seconds=seconds, metres=metres)
