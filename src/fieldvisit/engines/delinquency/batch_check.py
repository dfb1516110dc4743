"""Check the batch against the one-loan engine, every field, to the cent (tests and benchmark).

:func:`mismatches` runs :func:`~fieldvisit.engines.delinquency.assess.assess` loan by loan on the
chosen rows of a book and lists each loan where any figure differs: the loan figures, and per
instalment the unpaid principal, interest, penalty and compound, the penalty and compound paid
(summed from the engine's allocations) and the day it was settled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from fieldvisit.engines.delinquency.assess import Loan, assess
from fieldvisit.engines.delinquency.batch import CLASS_LABELS, BookAssessment
from fieldvisit.engines.delinquency.batch_book import LoanBook, loans_from_book
from fieldvisit.engines.delinquency.policy import Component, DelinquencyPolicy


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def batch_row(result: BookAssessment, book: LoanBook, i: int) -> dict[str, Any]:
    """Loan row ``i`` of the batch result, in the one-loan engine's vocabulary (cents as int)."""
    rows = slice(int(book.inst_offsets[i]), int(book.inst_offsets[i + 1]))
    settled = [None if np.isnat(day) else day.item() for day in result.inst_settled_on[rows]]
    return {
        "dpd": int(result.dpd[i]),
        "bucket": result.bucket_labels[result.bucket[i]],
        "classification": CLASS_LABELS[result.classification[i]],
        "in_observation": bool(result.in_observation[i]),
        "overdue_principal": int(result.overdue_principal[i]),
        "overdue_interest": int(result.overdue_interest[i]),
        "penalty_interest": int(result.penalty_interest[i]),
        "compound_interest": int(result.compound_interest[i]),
        "outstanding_principal": int(result.outstanding_principal[i]),
        "total_due": int(result.total_due[i]),
        "overpayment": int(result.overpaid[i]),
        "installments": list(
            zip(
                result.inst_unpaid_principal[rows].tolist(),
                result.inst_unpaid_interest[rows].tolist(),
                result.inst_penalty_due[rows].tolist(),
                result.inst_compound_due[rows].tolist(),
                result.inst_paid_penalty[rows].tolist(),
                result.inst_paid_compound[rows].tolist(),
                settled,
                strict=True,
            )
        ),
    }


def oracle_row(loan: Loan, as_of: date, policy: DelinquencyPolicy) -> dict[str, Any]:
    """The one-loan engine's assessment of ``loan``, in the same shape as :func:`batch_row`."""
    a = assess(loan, as_of, policy)
    paid: dict[tuple[int, Component], int] = {}
    for allocation in a.allocations:
        for part in allocation.parts:
            key = (part.installment, part.component)
            paid[key] = paid.get(key, 0) + _cents(part.amount)
    return {
        "dpd": a.dpd,
        "bucket": a.bucket,
        "classification": a.classification,
        "in_observation": a.in_observation,
        "overdue_principal": _cents(a.overdue_principal),
        "overdue_interest": _cents(a.overdue_interest),
        "penalty_interest": _cents(a.penalty_interest),
        "compound_interest": _cents(a.compound_interest),
        "outstanding_principal": _cents(a.outstanding_principal),
        "total_due": _cents(a.total_due),
        "overpayment": _cents(a.overpayment),
        "installments": [
            (
                _cents(p.unpaid_principal),
                _cents(p.unpaid_interest),
                _cents(p.unpaid_penalty),
                _cents(p.unpaid_compound),
                paid.get((p.number, Component.PENALTY), 0),
                paid.get((p.number, Component.COMPOUND), 0),
                p.settled_on,
            )
            for p in a.installments
        ],
    }


def mismatches(
    book: LoanBook,
    result: BookAssessment,
    as_of: date,
    policy: DelinquencyPolicy,
    rows: Iterable[int] | None = None,
) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Every loan row where batch and one-loan engine differ in any field: (row, batch, oracle)."""
    chosen = list(range(book.n_loans) if rows is None else rows)
    found = []
    for i, loan in zip(chosen, loans_from_book(book, chosen), strict=True):
        got, expected = batch_row(result, book, i), oracle_row(loan, as_of, policy)
        if got != expected:
            found.append((i, got, expected))
    return found
