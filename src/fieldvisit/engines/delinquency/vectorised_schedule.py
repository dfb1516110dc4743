"""Repayment schedules for a whole book at once: NumPy arrays in, a struct of arrays out.

The same conventions as the one-loan oracle
:func:`fieldvisit.engines.delinquency.schedule.build_schedule` (design.md, "Conventions the engines
share"), to the cent:

* instalment k (1-based) falls due k − 1 months after the first due date, on that date's day of
  month clamped to the month's last day;
* interest_k = round_half_up(O × annual_rate / 12) on the outstanding principal O, computed in exact
  integer arithmetic: with O in cents and the rate in millionths (ppm),
  interest_k = ⌊(2·O·ppm + 12·10⁶) / (24·10⁶)⌋ cents;
* ``equal_installment``: payment A = round_half_up(P·r / (1 − (1 + r)^−n)), r = annual_rate / 12,
  computed in float64 and recomputed with the oracle's 50-digit ``Decimal`` for the rare loans whose
  float value lies within 1e-6 cent of a half cent; principal_k = min(max(A − interest_k, 0), O);
* ``equal_principal``: principal_k = min(round_half_up(P / n), O);
* ``interest_only``: principal_k = 0;
* the last instalment takes all remaining principal, so each loan's principal parts sum exactly
  to P.

Cost: one vector step per instalment number (at most ``max(term_months)`` steps), no Python loop per
loan or per instalment. A million 24-month loans take about a second and ~1 GB for the output.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from fieldvisit.engines.delinquency.schedule import Method, annuity_payment

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
Days = npt.NDArray[np.datetime64]

#: Integer codes of the repayment methods in the ``method`` input array: ``METHOD_CODES[m]``.
METHOD_ORDER: tuple[Method, ...] = (
    Method.EQUAL_INSTALLMENT,
    Method.EQUAL_PRINCIPAL,
    Method.INTEREST_ONLY,
)
METHOD_CODES: dict[Method, int] = {method: code for code, method in enumerate(METHOD_ORDER)}

_EQUAL_INSTALLMENT = METHOD_CODES[Method.EQUAL_INSTALLMENT]
_EQUAL_PRINCIPAL = METHOD_CODES[Method.EQUAL_PRINCIPAL]
_PPM = 1_000_000
#: How close (in cents) a float annuity may come to a half cent before Decimal decides the rounding.
_HALF_CENT_GUARD = 1e-6


@dataclass(frozen=True, eq=False)
class ScheduleArrays:
    """Instalments of many loans, one row per instalment, sorted by loan then instalment number.

    Attributes:
        loan_index: row of the loan in the input arrays (int64).
        instalment_number: 1 … term_months (int32).
        due_date: ``datetime64[D]``.
        principal_cents: principal part in cents (int64, ≥ 0); per loan they sum to the amount.
        interest_cents: scheduled interest in cents (int64, ≥ 0).
        offsets: int64, length n_loans + 1: loan i's rows are ``offsets[i]:offsets[i + 1]``.
    """

    loan_index: I64
    instalment_number: I32
    due_date: Days
    principal_cents: I64
    interest_cents: I64
    offsets: I64

    @property
    def n_rows(self) -> int:
        """Number of instalment rows."""
        return int(self.loan_index.size)


def monthly_due_dates(first_due: Days, months_after: npt.NDArray[np.integer]) -> Days:
    """Due dates ``months_after`` months after ``first_due`` (element-wise, ``datetime64[D]``).

    The day of month is ``first_due``'s, clamped to the target month's last day (Jan 31 + 1 month =
    Feb 28 or 29), always counted from ``first_due`` so that a schedule anchored on the 31st
    returns to the 31st after a short month.
    """
    month0, day0 = _month_and_day(first_due)
    return _clamped_due_dates(month0, day0, months_after)


def _month_and_day(first_due: Days) -> tuple[I32, I32]:
    """Months since 1970-01 and the 0-based day of month of each date."""
    first = first_due.astype("datetime64[D]")
    month = first.astype("datetime64[M]")
    day = (first - month.astype("datetime64[D]")).astype(np.int32)
    return month.astype(np.int32), day


def _clamped_due_dates(month0: I32, day0: I32, months_after: npt.NDArray[np.integer]) -> Days:
    month = month0 + months_after.astype(np.int32)
    if month.size == 0:
        return np.empty(0, dtype="datetime64[D]")
    # Converting months to days is slow in NumPy; a table of month starts over the (short) range of
    # months involved turns it into an integer gather.
    low = int(month.min())
    starts = np.arange(low, int(month.max()) + 2).astype("datetime64[M]").astype("datetime64[D]")
    start_days = starts.astype(np.int32)
    month -= low
    month_start = start_days[month]
    month_length = start_days[month + 1] - month_start
    np.minimum(day0, month_length - 1, out=month_length)
    month_start += month_length
    return month_start.astype(np.int64).view("datetime64[D]")


def half_up_interest_cents(outstanding_cents: I64, annual_rate_ppm: I64) -> I64:
    """One period's interest in cents: round_half_up(O × rate / 12), exact in integers.

    ``O`` in cents, the rate in millionths per year; the result is
    ⌊(2·O·ppm + 12·10⁶) / (24·10⁶)⌋ (valid for O ≥ 0; int64 holds O·ppm up to ~4.6·10¹⁸).
    """
    result: I64 = (2 * outstanding_cents * annual_rate_ppm + 12 * _PPM) // (24 * _PPM)
    return result


def annuity_payment_cents(principal_cents: I64, annual_rate_ppm: I64, term_months: I64) -> I64:
    """The 等额本息 payment in cents: round_half_up(P·r / (1 − (1 + r)^−n)), r = rate / 12.

    P / n when r = 0. Float64 first; a loan whose float value lies within 1e-6 cent of a half cent
    is recomputed with the one-loan oracle
    :func:`~fieldvisit.engines.delinquency.schedule.annuity_payment` (50 digits), so the rounding
    is always that of the exact value.
    """
    p = principal_cents.astype(np.float64)
    r = annual_rate_ppm.astype(np.float64) / (12 * _PPM)
    n = term_months.astype(np.float64)
    positive = r > 0
    safe_r = np.where(positive, r, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.where(positive, p * safe_r / -np.expm1(-n * np.log1p(safe_r)), p / n)
    rounded = np.floor(annuity + 0.5).astype(np.int64)
    near_half = np.abs(annuity - np.floor(annuity) - 0.5) < _HALF_CENT_GUARD
    for row in np.flatnonzero(near_half):
        exact = annuity_payment(
            Decimal(int(principal_cents[row])) / 100,
            Decimal(int(annual_rate_ppm[row])) / _PPM,
            int(term_months[row]),
        )
        rounded[row] = int(exact * 100)
    return rounded


def build_schedules(
    principal_cents: npt.ArrayLike,
    annual_rate_ppm: npt.ArrayLike,
    term_months: npt.ArrayLike,
    first_due: npt.ArrayLike,
    method: npt.ArrayLike,
) -> ScheduleArrays:
    """Build the schedules of many loans at once, to the cent equal to the one-loan oracle.

    Args (one element per loan, all the same length):
        principal_cents: loan amount in cents, > 0.
        annual_rate_ppm: contract annual rate in millionths (12.88 % → 128800), ≥ 0.
        term_months: number of monthly instalments, ≥ 1.
        first_due: due date of instalment 1 (``datetime64[D]`` or convertible).
        method: repayment method code, ``METHOD_CODES[Method...]`` (0 equal_installment,
            1 equal_principal, 2 interest_only).

    Returns:
        A :class:`ScheduleArrays` with sum(term_months) rows.

    Steps, vectorised over loans, for k = 1 … max(term_months) on the loans with term ≥ k:
      1. interest_k = round_half_up(O × rate / 12) (exact integers);
      2. principal_k = the method's regular part (A − interest_k clamped to [0, O]; round(P / n)
         clamped to O; or 0), or O itself when k is the loan's last instalment;
      3. O ← O − principal_k.

    Raises:
        ValueError naming the argument when lengths differ or a value is out of range.
    """
    p = np.ascontiguousarray(principal_cents, dtype=np.int64)
    rate = np.ascontiguousarray(annual_rate_ppm, dtype=np.int64)
    term = np.ascontiguousarray(term_months, dtype=np.int64)
    first = np.ascontiguousarray(first_due, dtype="datetime64[D]")
    code = np.ascontiguousarray(method, dtype=np.int64)
    _validate(p, rate, term, first, code)

    n_loans = p.size
    offsets = np.zeros(n_loans + 1, dtype=np.int64)
    np.cumsum(term, out=offsets[1:])
    n_rows = int(offsets[-1])

    loan_index = np.repeat(np.arange(n_loans, dtype=np.int64), term)
    instalment_number = (
        np.arange(n_rows, dtype=np.int64) - np.repeat(offsets[:-1], term) + 1
    ).astype(np.int32)
    month0, day0 = _month_and_day(first)
    due = _clamped_due_dates(np.repeat(month0, term), np.repeat(day0, term), instalment_number - 1)

    is_annuity = code == _EQUAL_INSTALLMENT
    annuity = np.zeros(n_loans, dtype=np.int64)
    if is_annuity.any():
        annuity[is_annuity] = annuity_payment_cents(
            p[is_annuity], rate[is_annuity], term[is_annuity]
        )
    equal_part = (2 * p + term) // (2 * term)

    principal_out = np.empty(n_rows, dtype=np.int64)
    interest_out = np.empty(n_rows, dtype=np.int64)
    outstanding = p.copy()
    for k in range(1, int(term.max(initial=0)) + 1):
        live = np.flatnonzero(term >= k)
        owed = outstanding[live]
        interest = half_up_interest_cents(owed, rate[live])
        live_code = code[live]
        regular = np.where(
            live_code == _EQUAL_INSTALLMENT,
            np.clip(annuity[live] - interest, 0, owed),
            np.where(live_code == _EQUAL_PRINCIPAL, np.minimum(equal_part[live], owed), 0),
        )
        principal = np.where(term[live] == k, owed, regular)
        rows = offsets[live] + (k - 1)
        principal_out[rows] = principal
        interest_out[rows] = interest
        outstanding[live] = owed - principal

    return ScheduleArrays(
        loan_index=loan_index,
        instalment_number=instalment_number,
        due_date=due,
        principal_cents=principal_out,
        interest_cents=interest_out,
        offsets=offsets,
    )


def _validate(p: I64, rate: I64, term: I64, first: Days, code: I64) -> None:
    arrays = {
        "principal_cents": p,
        "annual_rate_ppm": rate,
        "term_months": term,
        "first_due": first,
        "method": code,
    }
    for name, array in arrays.items():
        if array.ndim != 1:
            raise ValueError(f"{name}: expected a one-dimensional array, got shape {array.shape}")
    sizes = {name: int(array.size) for name, array in arrays.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"arrays differ in length: {sizes}")
    checks = (
        ("principal_cents", p <= 0, "must be positive"),
        ("annual_rate_ppm", (rate < 0) | (rate >= 10 * _PPM), "must be in [0, 10 000 000)"),
        ("term_months", term < 1, "must be at least 1"),
        ("first_due", np.isnat(first), "must be a date"),
        ("method", (code < 0) | (code >= len(METHOD_ORDER)), "must be 0, 1 or 2"),
    )
    for name, bad, what in checks:
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name}: row {row} {what} (got {arrays[name][row]})")
