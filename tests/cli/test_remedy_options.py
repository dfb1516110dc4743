"""``fieldvisit remedy-options``: the JSON contract, the humane options, one-line errors.

The loan is the engine's golden Illness loan (60,000.00 at 12 % over 36 months, 等额本息, due on
the 15th from January 2024, 14 instalments paid on time, then nothing): on 2025-05-01 it is 47
days past due with 39,180.33 of principal outstanding. The borrower of the issue earns 5,300.00
and spends 6,750.00 a month.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fieldvisit.cli import main
from fieldvisit.engines.delinquency import LoanTerms, Method, build_schedule

D = Decimal
OUTSTANDING = D("39180.33")
AMOUNT = re.compile(r"^-?\d+\.\d{2}$")
TERMS = LoanTerms(D("60000.00"), D("0.12"), 36, Method.EQUAL_INSTALLMENT, date(2024, 1, 15))
ILLNESS_LOAN: dict[str, Any] = {
    "principal": "60000.00",
    "annual_rate": "0.12",
    "months": 36,
    "method": "equal_installment",
    "first_due": "2024-01-15",
    "payments": [
        {"date": i.due_date.isoformat(), "amount": str(i.payment)}
        for i in build_schedule(TERMS)[:14]
    ],
}


@pytest.fixture
def loan_file(tmp_path: Path) -> str:
    path = tmp_path / "loan.json"
    path.write_text(json.dumps(ILLNESS_LOAN), encoding="utf-8")
    return str(path)


def run(*args: str, language: str = "en") -> Any:
    return CliRunner().invoke(main, list(args), env={"FIELDVISIT_LANGUAGE": language})


def options(loan_file: str, *extra: str, language: str = "en") -> dict[str, Any]:
    result = run(
        "remedy-options",
        "--loan", loan_file,
        "--as-of", "2025-05-01",
        "--income", "5300",
        "--spending", "6750",
        *extra,
        "--json",
        language=language,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_json_holds_exactly_the_contract(loan_file: str) -> None:
    data = options(loan_file, "--recovery-months", "3")

    assert set(data) == {"disposable_income", "options"}
    assert data["disposable_income"] == "-1450.00"
    for option in data["options"]:
        assert set(option) == {"kind", "recommended", "months", "schedule", "reason"}
        assert isinstance(option["recommended"], bool)
        for row in option["schedule"]:
            assert set(row) == {"due_date", "principal", "interest", "payment"}
            assert all(AMOUNT.match(row[k]) for k in ("principal", "interest", "payment"))
            assert D(row["principal"]) + D(row["interest"]) == D(row["payment"])


def test_a_recovery_in_three_months_gets_a_true_holiday_first(loan_file: str) -> None:
    data = options(loan_file, "--recovery-months", "3")

    best = data["options"][0]
    assert (best["kind"], best["recommended"], best["months"]) == ("payment_holiday", True, 3)
    payments = [row["payment"] for row in best["schedule"]]
    assert payments[:4] == ["0.00", "0.00", "0.00", "1925.32"]
    assert max(D(p) for p in payments) <= D("1992.86")  # what the borrower paid before
    assert best["reason"].startswith("Recommended, rank 1: nothing to pay for 3 months")
    assert [o["kind"] for o in data["options"] if o["recommended"]] == ["payment_holiday"]


def test_every_schedule_reconciles_to_the_cent_with_the_principal_it_restructures(
    loan_file: str,
) -> None:
    data = options(loan_file, "--recovery-months", "3")

    for option in data["options"]:
        principal = sum((D(row["principal"]) for row in option["schedule"]), D(0))
        if option["kind"] == "settlement":
            # one payment of the settlement sum, the discount off the charges and interest first
            assert len(option["schedule"]) == 1
            assert principal <= OUTSTANDING
        else:
            assert principal == OUTSTANDING, option["kind"]


def test_with_no_recovery_in_sight_the_borrower_is_referred(loan_file: str) -> None:
    data = options(loan_file)

    referral = data["options"][0]
    assert referral == {
        "kind": "referral",
        "recommended": True,
        "months": 3,
        "schedule": [],
        "reason": "Recommended, rank 1: no repayment plan fits the borrower's means now (monthly "
        "limit 0.00); refer them to hardship support (debt advice, social or medical "
        "assistance), pause collection for 3 months, then review.",
    }
    assert [o["recommended"] for o in data["options"][1:]] == [False] * (len(data["options"]) - 1)


def test_the_income_after_recovery_sizes_the_extension(loan_file: str) -> None:
    data = options(loan_file, "--recovery-months", "3", "--income-after-recovery", "9000")

    best = data["options"][0]
    assert (best["kind"], best["months"]) == ("payment_holiday", 3)
    assert max(D(row["payment"]) for row in best["schedule"]) <= D("1125.00")


def test_the_reasons_speak_chinese_under_a_chinese_locale(loan_file: str) -> None:
    data = options(loan_file, language="zh-hans")

    assert data["options"][0]["reason"].startswith(
        "推荐第1：目前没有还款方案在借款人的承受能力之内"
    )


def test_a_policy_file_is_what_a_product_owner_checks(loan_file: str, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[remedies]\nmax_holiday_months = 6\naffordable_share = 0.4\n", "utf-8")

    data = options(loan_file, "--recovery-months", "6", "--policy", str(policy))

    best = data["options"][0]
    assert (best["kind"], best["months"]) == ("payment_holiday", 6)
    assert [row["payment"] for row in best["schedule"][:6]] == ["0.00"] * 6


def test_without_json_it_prints_the_summary_and_a_table(loan_file: str) -> None:
    result = run(
        "remedy-options", "--loan", loan_file, "--as-of", "2025-05-01",
        "--income", "5300", "--spending", "6750",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Disposable income -1,450.00 a month" in result.stdout
    assert "Referral to hardship support" in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--income", "abc"], "error: --income: not an amount: 'abc'"),
        (["--spending", "-1"], "error: --spending: must not be negative, got -1"),
        (["--recovery-months", "500"], "error: --recovery-months: must be an integer 0 … 120"),
        (
            ["--income-after-recovery", "9000"],
            "error: --income-after-recovery: give --recovery-months too",
        ),
        (["--policy", "/nonexistent.toml"], "error: --policy: cannot read /nonexistent.toml"),
    ],
)
def test_bad_input_is_one_line_naming_the_flag(
    loan_file: str, extra: list[str], message: str
) -> None:
    values = {"--income": "5300", "--spending": "6750"}
    flags = dict(zip(extra[::2], extra[1::2], strict=True))
    values.update(flags)
    args = ["remedy-options", "--loan", loan_file, "--as-of", "2025-05-01"]
    for flag, value in values.items():
        args += [flag, value]

    result = run(*args)

    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def test_a_missing_flag_is_named(loan_file: str) -> None:
    result = run("remedy-options", "--loan", loan_file, "--as-of", "2025-05-01", "--income", "1")

    assert (result.exit_code, result.stderr) == (2, "error: --spending: missing\n")


def test_a_bad_policy_value_names_the_field(loan_file: str, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("max_holiday_months = 13\n", "utf-8")

    result = run(
        "remedy-options", "--loan", loan_file, "--as-of", "2025-05-01",
        "--income", "5300", "--spending", "6750", "--policy", str(policy),
    )  # fmt: skip

    assert result.exit_code == 2
    assert result.stderr.startswith("error: --policy: max_holiday_months: must be between 1 and 12")
