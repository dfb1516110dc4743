"""The columnar loan book the portfolio batch reads: three tables as NumPy arrays, validated once.

A book is a struct of arrays, not a list of objects, so a million loans fit in a few hundred
megabytes and every step of the batch is a vector operation:

* **loans** (one row per loan, in book order): ``loan_id``, ``annual_rate_ppm`` (contract annual
  rate in millionths: 4.35 % → 43500) and ``restructured_on`` (the restructuring date, ``NaT`` if
  the loan was never restructured);
* **instalments** (sorted by loan, then number): ``inst_loan`` (row of the loan in the loans
  table), ``inst_number`` (1, 2, … strictly increasing within a loan), ``inst_due``
  (``datetime64[D]``, strictly increasing within a loan), ``inst_principal`` and
  ``inst_interest`` (int64 cents, never negative);
* **payments** (sorted by loan, then date; several on one day keep their given order):
  ``pay_loan``, ``pay_date`` (``datetime64[D]``) and ``pay_amount`` (int64 cents, positive).

The constructor checks every one of these rules and raises ``ValueError`` naming the column and
the first offending row, so the batch itself can trust its input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from fieldvisit.engines.delinquency.assess import Loan, Payment
from fieldvisit.engines.delinquency.schedule import Installment

I64 = npt.NDArray[np.int64]
Days = npt.NDArray[np.datetime64]

#: Contract rates are whole millionths of one (0.0435 → 43500).
RATE_PPM = 1_000_000


def _as_int64(name: str, values: Any) -> I64:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a one-dimensional array, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name}: expected integers, got {array.dtype}")
    return np.ascontiguousarray(array, dtype=np.int64)


def _as_days(name: str, values: Any, *, allow_nat: bool = False) -> Days:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: expected a one-dimensional array, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.datetime64):
        raise ValueError(f"{name}: expected datetime64 dates, got {array.dtype}")
    days = np.ascontiguousarray(array, dtype="datetime64[D]")
    if not allow_nat and np.isnat(days).any():
        raise ValueError(f"{name}: row {int(np.flatnonzero(np.isnat(days))[0])} has no date")
    return days


def _first(mask: npt.NDArray[np.bool_]) -> int:
    return int(np.flatnonzero(mask)[0])


def _offsets(name: str, loan_rows: I64, n_loans: int) -> I64:
    """Row offsets per loan (length n_loans + 1) from a loan column that must be sorted."""
    if loan_rows.size:
        if loan_rows.min() < 0 or loan_rows.max() >= n_loans:
            bad = _first((loan_rows < 0) | (loan_rows >= n_loans))
            raise ValueError(f"{name}: row {bad} names loan row {loan_rows[bad]}, not in the book")
        backwards = np.diff(loan_rows) < 0
        if backwards.any():
            raise ValueError(f"{name}: not sorted by loan (row {_first(backwards) + 1})")
    return np.searchsorted(loan_rows, np.arange(n_loans + 1), side="left").astype(np.int64)


@dataclass(frozen=True, eq=False)
class LoanBook:
    """A validated columnar book of loans, instalments and payments (see the module docstring).

    Derived fields: ``inst_offsets`` and ``pay_offsets`` (length ``n_loans + 1``): loan ``i``'s
    instalments are rows ``inst_offsets[i]:inst_offsets[i + 1]``, its payments likewise.
    """

    loan_id: I64
    annual_rate_ppm: I64
    restructured_on: Days
    inst_loan: I64
    inst_number: I64
    inst_due: Days
    inst_principal: I64
    inst_interest: I64
    pay_loan: I64
    pay_date: Days
    pay_amount: I64
    inst_offsets: I64 = field(init=False, repr=False)
    pay_offsets: I64 = field(init=False, repr=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        for name in ("loan_id", "annual_rate_ppm", "inst_loan", "inst_number"):
            put(self, name, _as_int64(name, getattr(self, name)))
        for name in ("inst_principal", "inst_interest", "pay_loan", "pay_amount"):
            put(self, name, _as_int64(name, getattr(self, name)))
        put(
            self,
            "restructured_on",
            _as_days("restructured_on", self.restructured_on, allow_nat=True),
        )
        put(self, "inst_due", _as_days("inst_due", self.inst_due))
        put(self, "pay_date", _as_days("pay_date", self.pay_date))
        self._check_lengths()
        self._check_values()
        n = self.n_loans
        put(self, "inst_offsets", _offsets("inst_loan", self.inst_loan, n))
        put(self, "pay_offsets", _offsets("pay_loan", self.pay_loan, n))
        self._check_order()

    @property
    def n_loans(self) -> int:
        """Number of loans in the book."""
        return int(self.loan_id.size)

    def _check_lengths(self) -> None:
        groups = {
            "loans": ("loan_id", "annual_rate_ppm", "restructured_on"),
            "instalments": (
                "inst_loan",
                "inst_number",
                "inst_due",
                "inst_principal",
                "inst_interest",
            ),
            "payments": ("pay_loan", "pay_date", "pay_amount"),
        }
        for table, names in groups.items():
            sizes = {name: int(getattr(self, name).size) for name in names}
            if len(set(sizes.values())) > 1:
                raise ValueError(f"{table}: columns differ in length: {sizes}")

    def _check_values(self) -> None:
        checks = (
            ("annual_rate_ppm", self.annual_rate_ppm < 0, "is negative"),
            ("annual_rate_ppm", self.annual_rate_ppm >= 10 * RATE_PPM, "is 1000 % a year or more"),
            ("inst_principal", self.inst_principal < 0, "is negative"),
            ("inst_interest", self.inst_interest < 0, "is negative"),
            ("pay_amount", self.pay_amount <= 0, "is not positive"),
        )
        for name, bad, what in checks:
            if bad.any():
                row = _first(bad)
                raise ValueError(f"{name}: row {row} {what} ({getattr(self, name)[row]})")
        if np.unique(self.loan_id).size != self.loan_id.size:
            raise ValueError("loan_id: not unique")

    def _check_order(self) -> None:
        empty = np.diff(self.inst_offsets) == 0
        if empty.any():
            raise ValueError(f"inst_loan: loan row {_first(empty)} has no instalments")
        same_loan = self.inst_loan[1:] == self.inst_loan[:-1]
        due = self.inst_due.astype(np.int64)
        for name, values in (("inst_number", self.inst_number), ("inst_due", due)):
            bad = same_loan & (values[1:] <= values[:-1])
            if bad.any():
                raise ValueError(
                    f"{name}: not strictly increasing within loan row "
                    f"{self.inst_loan[_first(bad) + 1]} (row {_first(bad) + 1})"
                )
        same_loan = self.pay_loan[1:] == self.pay_loan[:-1]
        bad = same_loan & (self.pay_date[1:] < self.pay_date[:-1])
        if bad.any():
            raise ValueError(
                f"pay_date: not sorted within loan row {self.pay_loan[_first(bad) + 1]} "
                f"(row {_first(bad) + 1})"
            )


def cents(amount: Decimal) -> int:
    """Yuan (a ``Decimal`` of whole cents) as integer cents; ``ValueError`` below the cent."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"amount {amount} is not a whole number of cents")
    return int(scaled)


def rate_ppm(rate: Decimal) -> int:
    """A rate (fraction per year) as integer millionths; ``ValueError`` if not a whole millionth."""
    scaled = rate * RATE_PPM
    if scaled != scaled.to_integral_value():
        raise ValueError(f"annual_rate {rate} is not a whole number of millionths")
    return int(scaled)


def book_from_loans(loans: Sequence[Loan], loan_ids: Sequence[int] | None = None) -> LoanBook:
    """The columnar book of one-loan engine inputs, so both engines can be run on the same loans.

    Loan ``i`` gets id ``loan_ids[i]`` (default ``i``). Payments are sorted by date, same-day
    payments keeping their given order, as the one-loan engine replays them.
    """
    ids = list(range(len(loans))) if loan_ids is None else list(loan_ids)
    inst_loan: list[int] = []
    inst_number: list[int] = []
    inst_due: list[date] = []
    inst_principal: list[int] = []
    inst_interest: list[int] = []
    pay_loan: list[int] = []
    pay_date: list[date] = []
    pay_amount: list[int] = []
    for row, loan in enumerate(loans):
        for installment in loan.installments:
            inst_loan.append(row)
            inst_number.append(installment.number)
            inst_due.append(installment.due_date)
            inst_principal.append(cents(installment.principal))
            inst_interest.append(cents(installment.interest))
        for payment in sorted(loan.payments, key=lambda p: p.paid_on):
            pay_loan.append(row)
            pay_date.append(payment.paid_on)
            pay_amount.append(cents(payment.amount))
    return LoanBook(
        loan_id=np.array(ids, np.int64),
        annual_rate_ppm=np.array([rate_ppm(loan.annual_rate) for loan in loans], np.int64),
        restructured_on=np.array(
            [loan.restructured_on or "NaT" for loan in loans], "datetime64[D]"
        ),
        inst_loan=np.array(inst_loan, np.int64),
        inst_number=np.array(inst_number, np.int64),
        inst_due=np.array(inst_due, "datetime64[D]"),
        inst_principal=np.array(inst_principal, np.int64),
        inst_interest=np.array(inst_interest, np.int64),
        pay_loan=np.array(pay_loan, np.int64),
        pay_date=np.array(pay_date, "datetime64[D]"),
        pay_amount=np.array(pay_amount, np.int64),
    )


def loans_from_book(book: LoanBook, rows: Sequence[int]) -> list[Loan]:
    """The one-loan engine inputs of the given loan rows of ``book`` (the inverse of
    :func:`book_from_loans`), for running the one-loan engine on a sample of a book."""
    loans = []
    for row in rows:
        inst = slice(int(book.inst_offsets[row]), int(book.inst_offsets[row + 1]))
        pay = slice(int(book.pay_offsets[row]), int(book.pay_offsets[row + 1]))
        restructured = book.restructured_on[row]
        loans.append(
            Loan(
                annual_rate=Decimal(int(book.annual_rate_ppm[row])) / RATE_PPM,
                installments=tuple(
                    Installment(
                        number=int(number),
                        due_date=due.item(),
                        principal=Decimal(int(principal)) / 100,
                        interest=Decimal(int(interest)) / 100,
                    )
                    for number, due, principal, interest in zip(
                        book.inst_number[inst],
                        book.inst_due[inst],
                        book.inst_principal[inst],
                        book.inst_interest[inst],
                        strict=True,
                    )
                ),
                payments=tuple(
                    Payment(paid_on=day.item(), amount=Decimal(int(amount)) / 100)
                    for day, amount in zip(book.pay_date[pay], book.pay_amount[pay], strict=True)
                ),
                restructured_on=None if np.isnat(restructured) else restructured.item(),
            )
        )
    return loans
