"""``fieldvisit schedule`` and ``fieldvisit assess``: JSON shapes, tables, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fieldvisit.cli import main

MORTGAGE = [
    "schedule",
    "--principal", "1000000",
    "--annual-rate", "0.049",
    "--months", "360",
    "--method", "equal_installment",
    "--first-due", "2024-01-31",
]  # fmt: skip

# 12,000.00 at 12 %, 等额本金, first due 2024-01-15; 500.00 paid 20 days late (see
# tests/engines/delinquency/test_assess.py for the arithmetic).
LATE_LOAN: dict[str, Any] = {
    "principal": "12000.00",
    "annual_rate": 0.12,
    "months": 12,
    "method": "equal_principal",
    "first_due": "2024-01-15",
    "payments": [{"date": "2024-02-04", "amount": "500.00"}],
    "policy": {"penalty_markup": "0.5", "cap_annual_rate": "0.24"},
}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def write_loan(tmp_path: Path, loan: dict[str, Any]) -> str:
    path = tmp_path / "loan.json"
    path.write_text(json.dumps(loan), encoding="utf-8")
    return str(path)


def test_schedule_json_gives_money_as_two_decimal_strings() -> None:
    result = run(*MORTGAGE, "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["installments"][0] == {
        "number": 1,
        "due_date": "2024-01-31",
        "principal": "1223.94",
        "interest": "4083.33",
        "payment": "5307.27",
    }
    assert data["installments"][1]["due_date"] == "2024-02-29"  # clamped to month end
    assert len(data["installments"]) == 360
    assert sum(int(i["principal"].replace(".", "")) for i in data["installments"]) == 100_000_000
    assert data["total_interest"] == "910615.12"


def test_schedule_prints_a_table_without_json() -> None:
    result = run(*MORTGAGE[:6], "3", *MORTGAGE[7:])

    assert result.exit_code == 0, result.output
    assert "2024-03-31" in result.stdout
    assert "Total interest:" in result.stdout


def test_assess_json_reports_the_hand_worked_figures(tmp_path: Path) -> None:
    result = run(
        "assess", "--loan", write_loan(tmp_path, LATE_LOAN), "--as-of", "2024-02-14", "--json"
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: v for k, v in data.items() if k != "allocations"} == {
        "as_of": "2024-02-14",
        "dpd": 30,
        "bucket": "M1",
        "classification": "special_mention",
        "in_observation": False,
        "overdue_principal": "631.20",
        "overdue_interest": "0.00",
        "penalty_interest": "3.16",
        "compound_interest": "0.00",
        "outstanding_principal": "11631.20",
        "total_due": "634.36",
        "overpayment": "0.00",
    }
    assert data["allocations"] == [
        {
            "date": "2024-02-04",
            "amount": "500.00",
            "parts": [
                {"installment": 1, "component": "penalty", "amount": "10.00"},
                {"installment": 1, "component": "compound", "amount": "1.20"},
                {"installment": 1, "component": "interest", "amount": "120.00"},
                {"installment": 1, "component": "principal", "amount": "368.80"},
            ],
            "overpayment": "0.00",
        }
    ]


def test_assess_prints_tables_without_json(tmp_path: Path) -> None:
    result = run("assess", "--loan", write_loan(tmp_path, LATE_LOAN), "--as-of", "2024-02-14")

    assert result.exit_code == 0, result.output
    assert "special_mention" in result.stdout
    assert "368.80" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"principal": None}, "error: principal: missing"),
        ({"principal": "-5"}, "error: principal: must not be negative"),
        ({"method": "balloon"}, "error: method: unknown method 'balloon'"),
        ({"first_due": "2024-02-30"}, "error: first_due: not a date in YYYY-MM-DD form"),
        ({"months": "twelve"}, "error: months: not a whole number"),
        (
            {"payments": [{"date": "2024-02-04", "amount": "-1"}]},
            "error: payments[0].amount: must not be negative",
        ),
        (
            {"payments": [{"date": "yesterday", "amount": "1"}]},
            "error: payments[0].date: not a date",
        ),
        ({"payments": [{"amount": "1"}]}, "error: payments[0].date: missing"),
        ({"policy": {"cap_annual_rate": "x"}}, "error: policy.cap_annual_rate: not a number"),
        ({"colour": "red"}, "error: colour: unknown field"),
    ],
)
def test_assess_bad_input_is_one_line_naming_the_field(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    loan = {k: v for k, v in {**LATE_LOAN, **change}.items() if v is not None}

    result = run("assess", "--loan", write_loan(tmp_path, loan), "--as-of", "2024-02-14", "--json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--principal", "abc"], "error: --principal: not an amount: 'abc'"),
        (["--method", "x"], "error: --method: unknown method 'x'"),
        (["--first-due", "31/01/2024"], "error: --first-due: not a date in YYYY-MM-DD form"),
        (["--months", "0"], "error: --months: must be between 1 and 600, got 0"),
        (["--annual-rate", "4.9%"], "error: --annual-rate: not a number"),
    ],
)
def test_schedule_bad_input_is_one_line_naming_the_option(args: list[str], message: str) -> None:
    result = run(*MORTGAGE, *args)

    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_missing_options_are_named() -> None:
    assert run("schedule", "--months", "3").stderr == "error: --principal: missing\n"
    assert run("assess", "--as-of", "2024-01-01").stderr == "error: --loan: missing\n"


def test_assess_names_an_unreadable_file(tmp_path: Path) -> None:
    result = run("assess", "--loan", str(tmp_path / "absent.json"), "--as-of", "2024-02-14")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: --loan: cannot read ")


def test_the_installed_entry_point_runs_schedule() -> None:
    executable = Path(sys.prefix) / "bin" / "fieldvisit"

    completed = subprocess.run(
        [str(executable), *MORTGAGE, "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["installments"][0]["payment"] == "5307.27"
