"""Synthetic loan books for the batch's tests and benchmark, generated without a loop per loan.

:func:`synthetic_book` draws loans (amount, rate, term about 24 months, method, first due date,
a few restructured), builds their schedules with
:func:`~fieldvisit.engines.delinquency.vectorised_schedule.build_schedules`, and gives them payment
histories that exercise every path of the waterfall:

* each borrower has a profile: prompt (80 %), late (10 %), defaulting after some instalment (5 %)
  or erratic (5 %); each instalment due up to two months after ``as_of`` gets a payment with a
  probability set by the profile;
* the payment date is the due date plus a delay drawn for the profile (negative = early; prompt
  payers pay 0–10 days early);
* the amount is the instalment's principal + interest times a factor: 1 for prompt payers,
  a part (0.2–1) or a surplus (1–1.3, a few up to 3 or a payoff of all that is left) otherwise;
* about one payment in twenty is split in two on the same day;
* payments dated after ``as_of`` are kept (the batch must ignore them).

Everything is drawn from one ``numpy.random.Generator`` seeded by ``seed``: the same arguments
give the same book.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from fieldvisit.engines.delinquency.batch_book import LoanBook
from fieldvisit.engines.delinquency.vectorised_schedule import ScheduleArrays, build_schedules

I64 = npt.NDArray[np.int64]

#: Contract rates drawn from (millionths): LPR-like mortgage rates up to consumer-loan rates.
RATES_PPM = np.array(
    [31_000, 36_500, 43_500, 49_000, 58_800, 72_000, 96_000, 120_000, 150_000, 180_000, 238_500],
    np.int64,
)
_PROMPT, _LATE, _DEFAULTER, _ERRATIC = 0, 1, 2, 3


def synthetic_book(
    n_loans: int,
    as_of: date,
    *,
    seed: int = 0,
    mean_months: int = 24,
    restructured_share: float = 0.05,
) -> LoanBook:
    """A random book of ``n_loans`` loans of about ``mean_months`` instalments, around ``as_of``.

    Loans started between 30 months before and one month after ``as_of``; amounts from 1,000 to
    1,000,000 yuan (log-uniform, whole yuan); terms ``mean_months`` ± 12 (at least 1); methods
    uniform; ``restructured_share`` of the loans restructured on a day between their first due
    date and ``as_of``. See the module docstring for the payments.
    """
    if n_loans < 0:
        raise ValueError(f"n_loans: must not be negative, got {n_loans}")
    rng = np.random.default_rng(seed)
    as_of_d = np.datetime64(as_of, "D")

    principal = (
        np.exp(rng.uniform(np.log(1_000), np.log(1_000_000), n_loans)).astype(np.int64)
    ) * 100
    rate = rng.choice(RATES_PPM, n_loans)
    low = max(mean_months - 12, 1)
    term = rng.integers(low, mean_months + (mean_months - low) + 1, n_loans)
    method = rng.integers(0, 3, n_loans)
    first_due = as_of_d + rng.integers(-30 * 30, 31, n_loans).astype("timedelta64[D]")
    schedules = build_schedules(principal, rate, term, first_due, method)

    restructured = np.full(n_loans, np.datetime64("NaT"), "datetime64[D]")
    chosen = np.flatnonzero(rng.random(n_loans) < restructured_share)
    span = np.maximum((as_of_d - first_due[chosen]).astype(np.int64), 0)
    restructured[chosen] = first_due[chosen] + (rng.random(chosen.size) * (span + 1)).astype(
        "timedelta64[D]"
    )

    pay_loan, pay_date, pay_amount = _payments(rng, schedules, as_of_d)
    return LoanBook(
        loan_id=np.arange(1, n_loans + 1, dtype=np.int64),
        annual_rate_ppm=rate,
        restructured_on=restructured,
        inst_loan=schedules.loan_index,
        inst_number=schedules.instalment_number.astype(np.int64),
        inst_due=schedules.due_date,
        inst_principal=schedules.principal_cents,
        inst_interest=schedules.interest_cents,
        pay_loan=pay_loan,
        pay_date=pay_date,
        pay_amount=pay_amount,
    )


def _payments(
    rng: np.random.Generator, schedules: ScheduleArrays, as_of: np.datetime64
) -> tuple[I64, npt.NDArray[np.datetime64], I64]:
    inst_loan = schedules.loan_index
    due = schedules.due_date
    instalment = schedules.principal_cents + schedules.interest_cents
    number = schedules.instalment_number
    n_loans = int(inst_loan.max(initial=-1)) + 1

    profile = rng.choice(4, n_loans, p=[0.8, 0.1, 0.05, 0.05])
    stops_after = rng.integers(0, 30, n_loans)
    row_profile = profile[inst_loan]
    rows = np.flatnonzero(due <= as_of + np.timedelta64(60, "D"))
    row_profile = row_profile[rows]
    count = rows.size

    pays = np.ones(count, np.bool_)
    pays &= ~((row_profile == _DEFAULTER) & (number[rows] > stops_after[inst_loan[rows]]))
    pays &= ~((row_profile == _LATE) & (rng.random(count) < 0.15))
    pays &= ~((row_profile == _ERRATIC) & (rng.random(count) < 0.3))

    delay = np.select(
        [row_profile == _PROMPT, row_profile == _LATE, row_profile == _ERRATIC],
        [rng.integers(-10, 1, count), rng.integers(1, 95, count), rng.integers(-40, 200, count)],
        rng.integers(-3, 40, count),
    )
    factor = np.where(
        row_profile == _PROMPT,
        1.0,
        np.where(
            rng.random(count) < 0.5,
            rng.uniform(0.2, 1.0, count),
            rng.uniform(1.0, 1.3, count),
        ),
    )
    big = rng.random(count) < 0.01
    factor[big] = rng.uniform(1.0, 3.0, int(big.sum()))
    amount = np.maximum((instalment[rows] * factor).astype(np.int64), 1)
    # A few borrowers pay off everything left at once.
    payoff = (row_profile == _ERRATIC) & (rng.random(count) < 0.02)
    if payoff.any():
        remaining = np.cumsum(instalment[::-1])[
            ::-1
        ]  # per row: this and all later rows of the book
        loan_end = np.searchsorted(inst_loan, inst_loan[rows[payoff]], side="right")
        after_loan = np.append(remaining, 0)[loan_end]
        amount[payoff] = remaining[rows[payoff]] - after_loan + 100_00

    keep = np.flatnonzero(pays)
    loan = inst_loan[rows[keep]]
    day = due[rows[keep]] + delay[keep].astype("timedelta64[D]")
    amount = amount[keep]

    split = np.flatnonzero((rng.random(keep.size) < 0.05) & (amount >= 2))
    first_part = (amount[split] * rng.uniform(0.1, 0.9, split.size)).astype(np.int64)
    first_part = np.clip(first_part, 1, amount[split] - 1)
    amount[split] -= first_part
    loan = np.concatenate([loan, loan[split]])
    day = np.concatenate([day, day[split]])
    amount = np.concatenate([amount, first_part])

    order = np.lexsort((day, loan))
    return loan[order], day[order], amount[order]
