"""``fieldvisit remedy-options``: the remedy menu of one loan, for a borrower's income and spending.

What a product owner uses to check a remedy policy on one loan: the same engine the remedy
proposal page uses (``engines.restructuring``), on the ``assess`` verb's loan file, with the
borrower's monthly income and spending as two totals. ``--json`` prints::

    {"disposable_income": "-1450.00",
     "options": [{"kind": "payment_holiday", "recommended": true, "months": 3,
                  "schedule": [{"due_date", "principal", "interest", "payment"}, ...],
                  "reason": "..."}, ...]}

Amounts are strings with two decimals. ``interest`` is everything an instalment asks beyond
principal (the plan's interest and the old arrears of interest, penalty and compound interest it
spreads), so principal + interest = payment, and the principal column sums to the principal the
option restructures. Options come recommended first (best first), then the others; ``reason`` is
the engine's explanation in the command line's language (``FIELDVISIT_LANGUAGE`` or the locale).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from fieldvisit.cli.assess import read_loan
from fieldvisit.cli.schedule import parse_date, parse_int, parse_money
from fieldvisit.cli.support import cli_language, echo_json, fail, json_option
from fieldvisit.engines.delinquency import InvalidField, assess
from fieldvisit.engines.restructuring import (
    DEFAULT_POLICY,
    Affordability,
    Line,
    Recommendation,
    RemedyPolicy,
    Verdict,
    disposable_income,
    evaluate_options,
    loan_state,
    recommend,
)

POLICY_TABLE = "remedies"


def read_policy(path: Path) -> RemedyPolicy:
    """A remedy policy from TOML: its ``[remedies]`` table when there is one, else the top level.

    TOML floats are read as exact decimals (``affordable_share = 0.4`` is ``Decimal("0.4")``).
    """
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle, parse_float=Decimal)
    except OSError as exc:
        fail(f"--policy: cannot read {path}: {exc.strerror}")
    except tomllib.TOMLDecodeError as exc:
        fail(f"--policy: {path} is not valid TOML: {exc}")
    table = document.get(POLICY_TABLE)
    try:
        return RemedyPolicy.from_mapping(table if isinstance(table, dict) else document)
    except InvalidField as exc:
        fail(f"--policy: {exc}")


def affordability_from(
    income: str, spending: str, recovery_months: str | None, income_after: str | None
) -> Affordability:
    """Income and spending as two totals (all spending counts in full), and the recovery."""
    months = 0 if recovery_months is None else parse_int("--recovery-months", recovery_months)
    after = None if income_after is None else parse_money("--income-after-recovery", income_after)
    if after is not None and not months:
        fail("--income-after-recovery: give --recovery-months too (when is it expected?)")
    try:
        return Affordability(
            income=(Line("income", parse_money("--income", income)),),
            fixed_costs=(Line("spending", parse_money("--spending", spending)),),
            recovery_months=months,
            income_after_recovery=after,
        )
    except InvalidField as exc:
        fail(f"--{exc.field.replace('_', '-')}: {exc.reason}")


def options_json(affordability: Affordability, result: Recommendation) -> dict[str, Any]:
    """The ``--json`` shape (see the module docstring)."""
    english = not cli_language().startswith("zh")
    return {
        "disposable_income": disposable_income(affordability),
        "options": [_option_json(verdict, english) for verdict in result.verdicts],
    }


def _option_json(verdict: Verdict, english: bool) -> dict[str, Any]:
    plan = verdict.option.plan
    return {
        "kind": plan.remedy.value,
        "recommended": verdict.recommended,
        "months": plan.months,
        "schedule": [
            {
                "due_date": row.due_date,
                "principal": row.principal,
                "interest": row.payment - row.principal,
                "payment": row.payment,
            }
            for row in plan.schedule
        ],
        "reason": verdict.explanation_en if english else verdict.explanation_zh,
    }


@click.command("remedy-options")
@click.option("--loan", "loan_file", help="JSON file describing the loan (as for assess).")
@click.option("--as-of", help="The loan's state at the end of this day, YYYY-MM-DD.")
@click.option("--income", help="The borrower's monthly income now, yuan.")
@click.option("--spending", help="Monthly spending: all costs and other debts' payments, yuan.")
@click.option(
    "--recovery-months",
    help="Months until the income is expected to recover (default 0: no recovery expected).",
)
@click.option(
    "--income-after-recovery",
    help="Monthly income expected once recovered, yuan (default: the borrower can again pay "
    "the loan's regular instalment).",
)
@click.option(
    "--policy",
    "policy_file",
    help="TOML remedy policy (its [remedies] table, or the top level); default: the defaults.",
)
@json_option
def command(
    loan_file: str | None,
    as_of: str | None,
    income: str | None,
    spending: str | None,
    recovery_months: str | None,
    income_after_recovery: str | None,
    policy_file: str | None,
    as_json: bool,
) -> None:
    """The remedy options for one loan and borrower: schedules, which are recommended and why."""
    if loan_file is None:
        fail("--loan: missing")
    if as_of is None:
        fail("--as-of: missing")
    if income is None:
        fail("--income: missing")
    if spending is None:
        fail("--spending: missing")
    day = parse_date("--as-of", as_of)
    loan, method, delinquency_policy = read_loan(Path(loan_file))
    affordability = affordability_from(income, spending, recovery_months, income_after_recovery)
    policy = DEFAULT_POLICY if policy_file is None else read_policy(Path(policy_file))
    try:
        state = loan_state(loan, assess(loan, day, delinquency_policy), method)
        options = evaluate_options(state, affordability, policy)
    except InvalidField as exc:
        fail(f"no remedy can be computed for this loan on {day.isoformat()}: {exc}")
    if not options:
        fail("the policy allows no remedy for this loan")
    result = recommend(options)
    if as_json:
        echo_json(options_json(affordability, result))
        return
    _print_table(affordability, result, english=not cli_language().startswith("zh"))


def _print_table(affordability: Affordability, result: Recommendation, *, english: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Disposable income {disposable_income(affordability):,.2f} a month")
    for heading in ("", "Option", "Largest payment", "Instalments", "Why"):
        table.add_column(heading, justify="right" if heading == "Largest payment" else "left")
    for verdict in result.verdicts:
        option = verdict.option
        table.add_row(
            f"#{verdict.rank}" if verdict.rank else "",
            verdict.title_en if english else verdict.title_zh,
            f"{option.payment:,.2f}",
            str(len(option.plan.schedule)),
            verdict.explanation_en if english else verdict.explanation_zh,
        )
    console = Console()
    console.print(result.summary_en if english else result.summary_zh)
    console.print(table)
