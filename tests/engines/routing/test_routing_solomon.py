"""The Solomon reader and checker on a real instance, and the DIMACS distance convention."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.engines.routing.solomon import (
    SolomonFormatError,
    check_solomon,
    distance_matrix_tenths,
    parse_solomon,
    read_solomon,
    route_distance_tenths,
    solve_solomon,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
SOLOMON = REPO_ROOT.parent / "shared" / "data" / "vrptw" / "solomon"

needs_solomon = pytest.mark.skipif(
    not (SOLOMON / "C101.txt").is_file(),
    reason=f"Solomon instances not found at {SOLOMON} (the shared data folder beside the repo)",
)

TINY = (
    "TINY\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  2         10\r\n\r\nCUSTOMER\r\n"
    "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n \r\n"
    "    0      0          0          0          0        100          0\r\n"
    "    1      3          4          6          0         50          5\r\n"
    "    2      0          1          6         20         30          5\r\n"
)


def test_tiny_crlf_file_is_read_in_tenths():
    instance = parse_solomon(TINY)

    assert (instance.name, instance.vehicles, instance.capacity) == ("TINY", 2, 10)
    assert [c.number for c in instance.customers] == [0, 1, 2]
    assert instance.customers[2].ready_tenths == 200
    assert instance.customers[2].due_tenths == 300
    assert instance.customers[1].service_tenths == 50


def test_distance_is_ten_times_euclid_truncated():
    matrix = distance_matrix_tenths(parse_solomon(TINY))

    # |(3,4)-(0,1)| = sqrt(18) = 4.2426… → floor(42.426…) = 42
    assert matrix.tolist() == [[0, 50, 10], [50, 0, 42], [10, 42, 0]]
    assert route_distance_tenths(matrix, [2, 1]) == 10 + 42 + 50


def test_checker_reports_capacity_window_fleet_and_coverage():
    instance = parse_solomon(TINY)
    closed = parse_solomon(TINY.replace("20         30", " 0          0"))

    assert check_solomon(instance, ((2,), (1,))) == []
    assert check_solomon(instance, ((1, 2),)) == ["route 0: load 12 exceeds capacity 10"]
    assert check_solomon(instance, ((1,),)) == ["customer 2 visited 0 times"]
    assert check_solomon(instance, ((1,), (2,), (2,))) == [
        "3 routes exceed the fleet of 2",
        "customer 2 visited 2 times",
    ]
    assert check_solomon(closed, ((2,), (1,))) == [
        "route 0: customer 2 served at 1.0 after due 0.0"
    ]


def test_a_file_that_is_not_solomon_gives_a_clear_error():
    with pytest.raises(SolomonFormatError, match="VEHICLE or CUSTOMER"):
        parse_solomon("hello\nworld\n")
    with pytest.raises(SolomonFormatError, match="line 13: expected 7 customer fields"):
        parse_solomon(TINY + "    3      1\r\n")


@needs_solomon
def test_c101_is_read_from_the_shared_folder():
    instance = read_solomon(SOLOMON / "C101.txt")

    assert (instance.name, instance.vehicles, instance.capacity) == ("C101", 25, 200)
    assert len(instance.customers) == 101
    depot, first, last = instance.customers[0], instance.customers[1], instance.customers[100]
    assert (depot.x, depot.y, depot.due_tenths) == (40.0, 50.0, 12360)
    assert (first.x, first.y, first.demand, first.ready_tenths, first.due_tenths) == (
        45.0,
        68.0,
        10,
        9120,
        9670,
    )
    assert first.service_tenths == 900
    assert last.number == 100


@needs_solomon
def test_c101_solved_in_one_second_is_feasible_and_near_optimal():
    instance = read_solomon(SOLOMON / "C101.txt")

    solution = solve_solomon(instance, seconds=1.0, seed=0)

    assert check_solomon(instance, solution.routes) == []
    assert solution.distance <= 827.3 * 1.02
    assert sorted(n for route in solution.routes for n in route) == list(range(1, 101))
