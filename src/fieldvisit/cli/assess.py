"""``fieldvisit assess``: the delinquency of one loan, described in a JSON file, at a given date.

The file holds ``{"principal", "annual_rate", "months", "method", "first_due", "payments": [{"date",
"amount"}], "policy": {overrides}, "restructured_on"}``; ``payments``, ``policy`` and
``restructured_on`` are optional. JSON numbers are read as exact decimals, never floats.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import click

from fieldvisit.cli.schedule import parse_date, parse_money, parse_terms
from fieldvisit.cli.support import echo_json, fail, json_option
from fieldvisit.engines.delinquency import (
    Assessment,
    DelinquencyPolicy,
    InvalidField,
    Loan,
    Method,
    Payment,
    assess,
    build_schedule,
)

TERM_NAMES = {name: name for name in ("principal", "annual_rate", "months", "method", "first_due")}
KNOWN_KEYS = {*TERM_NAMES, "payments", "policy", "restructured_on"}


class LoanInput(NamedTuple):
    """What a loan file holds: the loan with its payments, its repayment method, the policy."""

    loan: Loan
    method: Method
    policy: DelinquencyPolicy


def read_loan(path: Path) -> LoanInput:
    """The loan, its method and policy in the JSON file at ``path``; bad input exits with one
    line."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        fail(f"--loan: cannot read {path}: {exc.strerror}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"--loan: {path} is not valid JSON: {exc}")
    if not isinstance(document, dict):
        fail("--loan: the file must hold one JSON object")
    unknown = sorted(set(document) - KNOWN_KEYS)
    if unknown:
        fail(f"{unknown[0]}: unknown field; expected {', '.join(sorted(KNOWN_KEYS))}")

    terms = parse_terms(document, TERM_NAMES)
    payments = document.get("payments", [])
    if not isinstance(payments, list):
        fail("payments: must be a list of {date, amount}")
    parsed = []
    for index, entry in enumerate(payments):
        field = f"payments[{index}]"
        if not isinstance(entry, dict):
            fail(f"{field}: must be an object with date and amount")
        for key in ("date", "amount"):
            if entry.get(key) is None:
                fail(f"{field}.{key}: missing")
        amount = parse_money(f"{field}.amount", entry["amount"])
        if amount == 0:
            fail(f"{field}.amount: must be positive")
        parsed.append(Payment(parse_date(f"{field}.date", entry["date"]), amount))

    overrides = document.get("policy") or {}
    if not isinstance(overrides, dict):
        fail("policy: must be an object of overrides")
    try:
        policy = DelinquencyPolicy.from_mapping(overrides)
    except InvalidField as exc:
        fail(f"policy.{exc}")

    restructured_on = document.get("restructured_on")
    loan = Loan(
        annual_rate=terms.annual_rate,
        installments=build_schedule(terms),
        payments=tuple(parsed),
        restructured_on=(
            None if restructured_on is None else parse_date("restructured_on", restructured_on)
        ),
    )
    return LoanInput(loan, terms.method, policy)


def assessment_json(result: Assessment) -> dict[str, Any]:
    """The ``--json`` shape; money as two-decimal strings, dates in ISO 8601."""
    return {
        "as_of": result.as_of,
        "dpd": result.dpd,
        "bucket": result.bucket,
        "classification": result.classification.value,
        "in_observation": result.in_observation,
        "overdue_principal": result.overdue_principal,
        "overdue_interest": result.overdue_interest,
        "penalty_interest": result.penalty_interest,
        "compound_interest": result.compound_interest,
        "outstanding_principal": result.outstanding_principal,
        "total_due": result.total_due,
        "overpayment": result.overpayment,
        "allocations": [
            {
                "date": allocation.paid_on,
                "amount": allocation.amount,
                "parts": [
                    {
                        "installment": part.installment,
                        "component": part.component.value,
                        "amount": part.amount,
                    }
                    for part in allocation.parts
                ],
                "overpayment": allocation.overpayment,
            }
            for allocation in result.allocations
        ],
    }


@click.command("assess")
@click.option("--loan", "loan_file", help="JSON file describing the loan and its payments.")
@click.option("--as-of", help="Assess at the end of this day, YYYY-MM-DD.")
@json_option
def command(loan_file: str | None, as_of: str | None, as_json: bool) -> None:
    """Assess one loan: DPD, bucket, overdue amounts, penalty, compound interest, class."""
    if loan_file is None:
        fail("--loan: missing")
    if as_of is None:
        fail("--as-of: missing")
    day = parse_date("--as-of", as_of)
    loan, _, policy = read_loan(Path(loan_file))
    result = assess(loan, day, policy)
    if as_json:
        echo_json(assessment_json(result))
        return
    _print_tables(result)


def _print_tables(result: Assessment) -> None:
    from rich.console import Console
    from rich.table import Table

    summary = Table(title=f"Assessment at {result.as_of.isoformat()}", show_header=False)
    summary.add_column("", justify="left")
    summary.add_column("", justify="right")
    for label, value in (
        ("DPD", str(result.dpd)),
        ("Bucket", result.bucket),
        ("Class", result.classification.value),
        ("In observation", "yes" if result.in_observation else "no"),
        ("Overdue principal", f"{result.overdue_principal:,.2f}"),
        ("Overdue interest", f"{result.overdue_interest:,.2f}"),
        ("Penalty interest", f"{result.penalty_interest:,.2f}"),
        ("Compound interest", f"{result.compound_interest:,.2f}"),
        ("Total due", f"{result.total_due:,.2f}"),
        ("Outstanding principal", f"{result.outstanding_principal:,.2f}"),
        ("Overpayment", f"{result.overpayment:,.2f}"),
    ):
        summary.add_row(label, value)

    allocations = Table(title="Payment allocation")
    for heading in ("Date", "Payment", "Instalment", "Component", "Amount"):
        allocations.add_column(
            heading, justify="left" if heading in {"Date", "Component"} else "right"
        )
    for allocation in result.allocations:
        rows = [(str(p.installment), p.component.value, p.amount) for p in allocation.parts]
        if allocation.overpayment:
            rows.append(("", "overpayment", allocation.overpayment))
        for index, (number, component, amount) in enumerate(rows):
            allocations.add_row(
                allocation.paid_on.isoformat() if index == 0 else "",
                f"{allocation.amount:,.2f}" if index == 0 else "",
                number,
                component,
                f"{amount:,.2f}",
            )
    console = Console()
    console.print(summary)
    if result.allocations:
        console.print(allocations)
