"""``fieldvisit plan``: builds a draft for the day and prints the summary; bad input in one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fieldvisit.apps.planning.models import PlanStop, VisitPlan
from fieldvisit.cli import main
from tests.apps.planning.conftest import field_day  # noqa: F401 - the fixture


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-13-01"], "--date: not a date in YYYY-MM-DD form: '2026-13-01'"),
        (["--date", "2026-03-10", "--seconds", "0"], "--seconds: must be positive, got 0.0"),
        (["--date", "2026-03-10", "--branch", "NOPE"], "--branch: no branch with code 'NOPE'"),
    ],
)
def test_bad_input_is_one_line_naming_the_option(args, message, db):
    result = run("plan", *args)

    assert result.exit_code == 2
    assert result.output == f"error: {message}\n"
    assert VisitPlan.objects.count() == 0


def test_json_summarises_the_plan(field_day):  # noqa: F811
    result = run("plan", "--date", "2026-03-10", "--branch", "FT", "--seconds", "0.5", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    plan = VisitPlan.objects.get()
    assert summary["plan"] == plan.pk
    assert summary["status"] == "draft"
    assert summary["visits_planned"] == PlanStop.objects.filter(route__plan=plan).count() == 16
    assert summary["prize"] == f"{plan.prize:.2f}"
    assert summary["findings"] == []
    assert [t["team"] for t in summary["teams"]] == ["A", "B", "X"]
    assert summary["teams"][2]["visits"] == 0
    assert "expired on 2026-03-01" in summary["teams"][2]["note"]


def test_the_table_names_the_totals(field_day):  # noqa: F811
    result = run("plan", "--date", "2026-03-10", "--seconds", "0.5")

    assert result.exit_code == 0, result.output
    assert "total" in result.output
    assert "check passed." in result.output
