"""Travel matrices: haversine × detour at a speed, and the OSRM table client against a local
stand-in server (127.0.0.1 only, never the internet)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from fieldvisit.engines.routing.model import GeoPoint
from fieldvisit.engines.routing.travel import (
    UNREACHABLE,
    OsrmError,
    haversine_matrix,
    haversine_metres,
    osrm_matrix,
    travel_matrices,
)

TIANFU = GeoPoint(30.6586, 104.0647)
NORTH = GeoPoint(30.6586 + 0.01, 104.0647)  # 0.01° of latitude north


def test_haversine_of_a_hundredth_of_a_degree_of_latitude():
    # 0.01° × π/180 × 6 371 008.8 m = 1111.95 m
    assert haversine_metres([TIANFU, NORTH]).tolist() == [[0, 1112], [1112, 0]]


def test_road_estimate_applies_the_detour_factor_and_the_speed():
    matrix = haversine_matrix([TIANFU, NORTH], speed_kmh=36.0, detour_factor=1.3)

    # 1111.95 × 1.3 = 1445.5 → 1446 m (rounded from the exact metres); at 10 m/s: 145 s
    assert matrix.metres.tolist() == [[0, 1446], [1446, 0]]
    assert matrix.seconds.tolist() == [[0, 145], [145, 0]]


def test_a_detour_factor_below_one_is_refused():
    with pytest.raises(ValueError, match="detour factor"):
        haversine_matrix([TIANFU], speed_kmh=30, detour_factor=0.9)


class StandIn(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/... like OSRM: durations = 10 × |i − j|, distances = 100 ×."""

    requests: list[str] = []
    reply_code = "Ok"
    unroutable: tuple[int, int] | None = None

    def do_GET(self) -> None:
        StandIn.requests.append(self.path)
        url = urlsplit(self.path)  # urlparse would cut the path at its first ";"
        coords = url.path.split("/table/v1/driving/")[1].split(";")
        query = parse_qs(url.query)
        sources = [int(k) for k in query["sources"][0].split(";")]
        destinations = [int(k) for k in query["destinations"][0].split(";")]
        lats = [float(c.split(",")[1]) for c in coords]
        order = [round((lat - TIANFU.lat) * 100) for lat in lats]  # point k is k hundredths N

        def seconds(i: int, j: int) -> float | None:
            if StandIn.unroutable == (order[i], order[j]):
                return None
            return 10.4 * abs(order[i] - order[j])

        durations = [[seconds(i, j) for j in destinations] for i in sources]
        distances = [[100.0 * abs(order[i] - order[j]) for j in destinations] for i in sources]
        body = json.dumps(
            {"code": StandIn.reply_code, "durations": durations, "distances": distances}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def osrm_url() -> Iterator[str]:
    StandIn.requests = []
    StandIn.reply_code = "Ok"
    StandIn.unroutable = None
    server = HTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def points(n: int) -> list[GeoPoint]:
    return [GeoPoint(TIANFU.lat + k / 100, TIANFU.lon) for k in range(n)]


def test_osrm_table_is_rounded_to_integer_seconds_and_metres(osrm_url):
    matrix = osrm_matrix(points(3), base_url=osrm_url)

    assert matrix.seconds.tolist() == [[0, 10, 21], [10, 0, 10], [21, 10, 0]]
    assert matrix.metres.tolist() == [[0, 100, 200], [100, 0, 100], [200, 100, 0]]
    (path,) = StandIn.requests
    assert path.startswith("/table/v1/driving/104.064700,30.658600;104.064700,30.668600;")
    assert "annotations=duration,distance" in path


def test_osrm_is_asked_in_blocks_that_respect_the_table_size_limit(osrm_url):
    matrix = osrm_matrix(points(5), base_url=osrm_url, block=2)

    assert len(StandIn.requests) == 9  # 3 source blocks × 3 destination blocks
    assert matrix.metres[0, 4] == 400
    assert matrix.seconds[4, 1] == 31


def test_a_pair_osrm_cannot_route_is_marked_unreachable(osrm_url):
    StandIn.unroutable = (0, 2)

    matrix = osrm_matrix(points(3), base_url=osrm_url)

    assert matrix.seconds[0, 2] == UNREACHABLE
    assert matrix.seconds[2, 0] == 21


def test_an_osrm_error_code_is_a_clear_error(osrm_url):
    StandIn.reply_code = "TooBig"

    with pytest.raises(OsrmError, match="answered code 'TooBig'"):
        osrm_matrix(points(2), base_url=osrm_url)


def test_an_unreachable_server_is_a_clear_error():
    # port 9 (discard) on the loopback: nothing listens there in the test environment
    with pytest.raises(OsrmError, match="unreachable"):
        osrm_matrix(points(2), base_url="http://127.0.0.1:9", timeout=2)


def test_other_travel_modes_reuse_osrm_metres_at_their_own_speed(osrm_url):
    matrices = travel_matrices(points(2), {"car": 30.0, "walk": 3.6}, osrm_url=osrm_url)

    assert matrices["car"].seconds[0, 1] == 10
    assert matrices["walk"].metres[0, 1] == 100
    assert matrices["walk"].seconds[0, 1] == 100  # 100 m at 1 m/s


def test_without_osrm_every_mode_is_a_haversine_estimate():
    matrices = travel_matrices([TIANFU, NORTH], {"car": 36.0, "walk": 3.6})

    assert matrices["car"].seconds[0, 1] == 145
    assert matrices["walk"].seconds[0, 1] == 1446
