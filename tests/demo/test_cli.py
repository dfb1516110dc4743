"""``fieldvisit generate`` and ``fieldvisit bench generate`` from the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fieldvisit.cli import main


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--loans", "0"], "error: --loans: must be between 1 and 5,000,000, got 0"),
        (["--loans", "many"], "error: --loans: not a whole number ≥ 0: 'many'"),
        (["--as-of", "2025-02-30"], "error: --as-of: not a date in YYYY-MM-DD form: '2025-02-30'"),
        (["--city", "beijing"], "error: --city: unknown city 'beijing'; available: shenzhen"),
        (["--format", "xlsx"], "error: --format: must be one of csv, parquet, both, got 'xlsx'"),
        (["--seed", "-3"], "error: --seed: not a whole number ≥ 0: '-3'"),
    ],
)
def test_bad_arguments_give_one_line_naming_the_field_and_write_nothing(
    tmp_path, arguments, message
):
    out = tmp_path / "book"

    result = CliRunner().invoke(
        main, ["generate", "--as-of", "2025-06-30", "--out", str(out), *arguments]
    )

    assert result.exit_code == 2
    assert result.output.strip() == message
    assert not out.exists()


def test_generate_prints_a_json_summary_with_the_bucket_mix(tmp_path):
    result = CliRunner().invoke(
        main,
        ["generate", "--loans", "500", "--as-of", "2025-06-30", "--seed", "4",
         "--out", str(tmp_path), "--format", "parquet", "--json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rows"]["loans"] == 500
    assert [row["bucket"] for row in report["bucket_mix"]] == [
        "M0",
        "M1",
        "M2",
        "M3",
        "M4",
        "M5",
        "M6",
        "M7+",
    ]
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == []
    assert (tmp_path / "payments.parquet").exists()


def test_the_default_formats_are_both_for_small_books_and_parquet_above_50000():
    from fieldvisit.demo.writer import default_formats

    assert default_formats(50_000) == ("csv", "parquet")
    assert default_formats(50_001) == ("parquet",)


@pytest.mark.slow
def test_bench_generate_runs_the_generator_in_a_child_and_reports_time_and_memory():
    result = CliRunner().invoke(main, ["bench", "generate", "--loans", "1000", "--json"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["loans"] == 1000
    assert figures["peak_rss_mb"] > 50
    assert figures["within_bound"] is True
