"""``fieldvisit schedule``: print the repayment schedule of a loan.

Also holds the parsing of loan terms shared with ``fieldvisit assess``: every value is checked here
so that bad input gives one line naming the field, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import click

from fieldvisit.cli.support import echo_json, fail, json_option
from fieldvisit.engines.delinquency import (
    Installment,
    InvalidField,
    LoanTerms,
    Method,
    build_schedule,
    total_interest,
)
from fieldvisit.engines.money import to_money, to_rate

METHODS = ", ".join(m.value for m in Method)


def parse_money(field: str, raw: Any) -> Decimal:
    """A non-negative amount in yuan with at most two decimals (str, int or Decimal)."""
    try:
        amount = to_money(raw)
    except (TypeError, ValueError):
        fail(f"{field}: not an amount: {raw!r}")
    if amount < 0:
        fail(f"{field}: must not be negative, got {raw}")
    if amount != amount.quantize(Decimal("0.01")):
        fail(f"{field}: at most two decimals (whole cents), got {raw}")
    return amount


def parse_rate(field: str, raw: Any) -> Decimal:
    """A non-negative annual rate as a fraction (0.049 = 4.9 %)."""
    try:
        rate = to_rate(raw)
    except (TypeError, ValueError):
        fail(f"{field}: not a number: {raw!r}")
    if rate < 0:
        fail(f"{field}: must not be negative, got {raw}")
    return rate


def parse_date(field: str, raw: Any) -> date:
    """A date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        fail(f"{field}: not a date in YYYY-MM-DD form: {raw!r}")


def parse_int(field: str, raw: Any) -> int:
    """A whole number, given as int or as a string of digits."""
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw)
    if not isinstance(raw, int) or isinstance(raw, bool):
        fail(f"{field}: not a whole number: {raw!r}")
    return raw


def parse_terms(values: Mapping[str, Any], names: Mapping[str, str]) -> LoanTerms:
    """Loan terms from raw values; ``names`` maps each term to the name the user wrote it under."""
    for key, shown in names.items():
        if values.get(key) is None:
            fail(f"{shown}: missing")
    principal = parse_money(names["principal"], values["principal"])
    if principal == 0:
        fail(f"{names['principal']}: must be positive")
    method = values["method"]
    if not isinstance(method, str) or method not in {m.value for m in Method}:
        fail(f"{names['method']}: unknown method {method!r}; use one of {METHODS}")
    try:
        return LoanTerms(
            principal=principal,
            annual_rate=parse_rate(names["annual_rate"], values["annual_rate"]),
            months=parse_int(names["months"], values["months"]),
            method=Method(method),
            first_due=parse_date(names["first_due"], values["first_due"]),
        )
    except InvalidField as exc:
        fail(f"{names.get(exc.field, exc.field)}: {exc.reason}")


def schedule_json(installments: tuple[Installment, ...]) -> dict[str, Any]:
    """The ``--json`` shape: instalments and total interest, money as two-decimal strings."""
    return {
        "installments": [
            {
                "number": i.number,
                "due_date": i.due_date,
                "principal": i.principal,
                "interest": i.interest,
                "payment": i.payment,
            }
            for i in installments
        ],
        "total_interest": total_interest(installments),
    }


OPTION_NAMES = {
    "principal": "--principal",
    "annual_rate": "--annual-rate",
    "months": "--months",
    "method": "--method",
    "first_due": "--first-due",
}


@click.command("schedule")
@click.option("--principal", help="Loan amount in yuan, e.g. 1000000.00.")
@click.option("--annual-rate", help="Annual interest rate as a fraction, e.g. 0.049 for 4.9 %.")
@click.option("--months", help="Number of monthly instalments.")
@click.option("--method", help=f"Repayment method: {METHODS}.")
@click.option("--first-due", help="Due date of the first instalment, YYYY-MM-DD.")
@json_option
def command(as_json: bool, **values: str | None) -> None:
    """Print the repayment schedule of a loan (interest = outstanding × rate / 12, per month)."""
    terms = parse_terms(values, OPTION_NAMES)
    installments = build_schedule(terms)
    if as_json:
        echo_json(schedule_json(installments))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{terms.method.value} · {terms.principal:,.2f} at {terms.annual_rate}")
    for heading in ("No.", "Due date", "Principal", "Interest", "Payment"):
        table.add_column(heading, justify="left" if heading == "Due date" else "right")
    for i in installments:
        table.add_row(
            str(i.number),
            i.due_date.isoformat(),
            f"{i.principal:,.2f}",
            f"{i.interest:,.2f}",
            f"{i.payment:,.2f}",
        )
    console = Console()
    console.print(table)
    console.print(f"Total interest: {total_interest(installments):,.2f}")
