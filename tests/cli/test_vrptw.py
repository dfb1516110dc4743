"""``fieldvisit solve-vrptw`` and ``fieldvisit bench routing`` / ``bench plan``: JSON shapes,
quality on C101, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldvisit.cli import main
from fieldvisit.engines.routing.solomon import check_solomon, read_solomon
from tests.engines.routing.test_routing_solomon import TINY

REPO_ROOT = Path(__file__).resolve().parents[2]
VRPTW = REPO_ROOT.parent / "shared" / "data" / "vrptw"
C101 = VRPTW / "solomon" / "C101.txt"

needs_solomon = pytest.mark.skipif(
    not C101.is_file(),
    reason=f"Solomon instances not found at {VRPTW} (the shared data folder beside the repo)",
)


@needs_solomon
def test_solve_vrptw_json_on_c101_in_one_second_is_feasible_and_within_two_percent():
    result = CliRunner().invoke(main, ["solve-vrptw", str(C101), "--seconds", "1", "--json"])

    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert set(answer) == {"instance", "vehicles", "distance", "routes"}
    assert answer["instance"] == "C101"
    assert answer["vehicles"] == len(answer["routes"])
    assert answer["distance"] <= 827.3 * 1.02
    routes = tuple(tuple(route) for route in answer["routes"])
    assert check_solomon(read_solomon(C101), routes) == []


def test_solve_vrptw_on_a_file_that_is_not_solomon_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("not a vrptw file\n")

    result = CliRunner().invoke(main, ["solve-vrptw", str(bad), "--seconds", "1"])

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: FILE {bad}: not a Solomon VRPTW file: missing the VEHICLE or CUSTOMER section"
    ]


def test_solve_vrptw_refuses_a_non_positive_time_limit(tmp_path):
    # A file of its own: the refusal must be about --seconds, not about a missing Solomon folder.
    tiny = tmp_path / "TINY.txt"
    tiny.write_text(TINY)

    result = CliRunner().invoke(main, ["solve-vrptw", str(tiny), "--seconds", "0"])

    assert result.exit_code == 2
    assert "--seconds" in result.output
    assert "Traceback" not in result.output


@needs_solomon
def test_bench_routing_prints_gaps_against_bks_for_both_solvers(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "bench", "routing", "--instances", str(VRPTW / "solomon"), "--glob", "C101.txt",
            "--seconds", "0.5", "--peer", "ortools", "--json",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output[result.output.index("{") :])
    for name in ("pyvrp", "ortools"):
        (row,) = figures["solvers"][name]["rows"]
        assert row["instance"] == "C101"
        assert row["best_known"] == 827.3
        assert row["feasible"] is True
        assert row["gap_percent"] == pytest.approx(
            100 * (row["distance"] - 827.3) / 827.3, abs=1e-3
        )
        assert figures["solvers"][name]["mean_gap_percent"] == row["gap_percent"]


def test_bench_plan_small_day_is_checked_and_compared_with_a_longer_run():
    result = CliRunner().invoke(
        main,
        [
            "bench", "plan", "--visits", "80", "--teams", "4", "--branches", "2",
            "--seconds", "5", "--reference-seconds", "6", "--workers", "1", "--json",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["run"]["violations"] == 0
    assert figures["reference"]["violations"] == 0
    assert figures["run"]["visits_planned"] > 0
    assert figures["run"]["wall_seconds"] <= 5 + 1
    assert figures["prize_percent_of_reference"] > 0
