"""``fieldvisit batch``: runs the day on the database, prints the summary; bad dates in one line."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.cli import main
from tests.apps.delinquency.conftest import book  # noqa: F401 - the fixture


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2025/04/20"])
def test_a_bad_date_is_one_line_naming_the_option(bad, db):
    result = run("batch", "--as-of", bad)

    assert result.exit_code == 2
    assert result.output == f"error: --as-of: not a date in YYYY-MM-DD form: {bad!r}\n"
    assert DelinquencySnapshot.objects.count() == 0


def test_as_of_is_required(db):
    result = run("batch")

    assert result.exit_code == 2
    assert "--as-of" in result.output
    assert DelinquencySnapshot.objects.count() == 0


def test_json_gives_the_summary_by_bucket(book):  # noqa: F811
    result = run("batch", "--as-of", "2025-04-20", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["as_of"] == "2025-04-20"
    assert summary["loans"] == 5
    assert summary["rows_written"] == 5
    assert summary["full_write"] is True
    assert [b["bucket"] for b in summary["by_bucket"]] == [
        "M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+"
    ]  # fmt: skip
    assert [b["loans"] for b in summary["by_bucket"]] == [2, 0, 1, 2, 0, 0, 0, 0]
    m3 = summary["by_bucket"][3]
    assert set(m3) == {"bucket", "loans", "outstanding_principal", "overdue", "total_due"}
    assert re.fullmatch(r"[1-9]\d*\.\d\d", m3["overdue"])  # money as a string, two decimals
    assert DelinquencySnapshot.objects.filter(as_of="2025-04-20").count() == 5


def test_the_table_lists_every_bucket(book):  # noqa: F811
    result = run("batch", "--as-of", "2025-04-20")

    assert result.exit_code == 0, result.output
    for bucket in ("M0", "M3", "M7+"):
        assert bucket in result.output
    assert "5 loans assessed, 5 snapshot rows written (every loan" in result.output
