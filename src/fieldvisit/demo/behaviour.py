"""Hidden borrower state and the payment histories it drives.

Each borrower may meet a cause of trouble (job loss, illness, …) at a start date S within the life
of their first loan. The cause sets a *pattern* for the months it lasts:

* ``late``: instalments are paid, but days or weeks late (weak money management, mostly);
* ``partial``: the borrower stops clearing instalments and sends a few small token payments;
* ``stop``: nothing is paid.

Trouble may end at a recovery date R (a monthly recovery chance per cause; never for wilful
non-payment). On recovery the borrower either pays all arrears at once (catch-up) or resumes
paying one instalment a month and so stays as many instalments behind as were missed.

Payments are built so that the loan's delinquency under design.md's rules is exactly the one
simulated here, whatever the penalty details: every instalment is *cleared* by one payment on a
clearing date (non-decreasing along the loan, so oldest-first allocation meets them in order),
and a late clearing payment carries, on top of the instalment, an upper bound of the penalty and
compound interest it can have accrued: ⌈amount × penalty rate × (days late + 1) / 360⌉ + 2 cents,
penalty rate = min(1.5 × contract rate, 24 %). The few cents over the true penalty flow on to the
next instalment as a prepayment. Token payments are less than three quarters of one instalment
and never clear it. Hence DPD at ``as_of`` = as_of − due date of the first instalment whose
clearing date is after ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fieldvisit.engines.delinquency.vectorised_schedule import ScheduleArrays, monthly_due_dates

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
F64 = npt.NDArray[np.float64]
Days = npt.NDArray[np.datetime64]

CAUSES = (
    "none",
    "job_loss",
    "illness",
    "business_failure",
    "over_indebtedness",
    "weak_money_management",
    "mis_selling",
    "dispute",
    "wilful_non_payment",
)
PATTERNS = ("none", "late", "partial", "stop")
PAYMENT_METHODS = ("auto_debit", "bank_transfer", "mobile_app", "counter")
PAYMENT_METHOD_WEIGHTS = (0.62, 0.18, 0.15, 0.05)
_LATE, _PARTIAL, _STOP = 1, 2, 3

#: A date far beyond any book: "never cleared" / "never recovers".
NEVER = 2**30
_DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class CauseProfile:
    """How a cause behaves: its share among employees' and business owners' troubles, the
    probabilities of the late / partial / stop patterns, the monthly chance of recovery and the
    chance that a recovering borrower pays all arrears at once."""

    employee_weight: float
    business_weight: float
    pattern: tuple[float, float, float]
    monthly_recovery: float
    catch_up: float


PROFILES: dict[str, CauseProfile] = {
    "job_loss": CauseProfile(0.22, 0.00, (0.25, 0.35, 0.40), 0.25, 0.40),
    "illness": CauseProfile(0.13, 0.10, (0.25, 0.40, 0.35), 0.22, 0.50),
    "business_failure": CauseProfile(0.00, 0.35, (0.20, 0.30, 0.50), 0.12, 0.30),
    "over_indebtedness": CauseProfile(0.18, 0.16, (0.40, 0.40, 0.20), 0.14, 0.25),
    "weak_money_management": CauseProfile(0.30, 0.20, (0.85, 0.12, 0.03), 0.20, 0.60),
    "mis_selling": CauseProfile(0.06, 0.05, (0.00, 0.10, 0.90), 0.18, 0.50),
    "dispute": CauseProfile(0.06, 0.09, (0.10, 0.00, 0.90), 0.30, 0.80),
    "wilful_non_payment": CauseProfile(0.05, 0.05, (0.00, 0.00, 1.00), 0.00, 0.00),
}
#: Chance that a borrower meets a cause of trouble during the first loan's life (+ 6 months).
TROUBLE_CHANCE = 0.30
#: A healthy instalment is paid late (1–12 days) with this chance; else on the due date or up to
#: 5 days early.
NOISE_LATE_CHANCE = 0.04


@dataclass(frozen=True, eq=False)
class HiddenState:
    """Per borrower: cause and pattern codes, severity (hundredths), start and recovery dates (days
    since 1970, ``NEVER`` when none or not before as_of)."""

    cause: I64
    pattern: I64
    severity: I64
    start: I64
    recovery: I64


@dataclass(frozen=True, eq=False)
class Histories:
    """Payments (sorted by loan, then date) and the delinquency of every loan on ``as_of``.

    ``pay_*``: loan row, date, amount in cents and method code. ``dpd``: days past due per loan;
    ``active``: the loan has something unpaid on ``as_of`` (it is not settled).
    """

    pay_loan: I64
    pay_date: Days
    pay_amount: I64
    pay_method: I64
    dpd: I64
    active: npt.NDArray[np.bool_]


def draw_hidden_state(
    rng: np.random.Generator,
    business: npt.NDArray[np.bool_],
    first_disbursed: I64,
    first_term: I64,
    as_of: int,
) -> HiddenState:
    """Draw each borrower's cause of trouble, its pattern, severity, start and recovery.

    ``business`` marks borrowers living off a business; ``first_disbursed`` (days since 1970) and
    ``first_term`` (months) describe each borrower's first loan. S is uniform over the loan's life
    plus 6 months; a cause whose S falls after ``as_of`` has not happened yet and is recorded as
    ``none``. Recovery comes after a geometric number of months.
    """
    n = business.size
    names = list(PROFILES)
    weights = np.array(
        [[PROFILES[c].employee_weight for c in names], [PROFILES[c].business_weight for c in names]]
    )
    weights /= weights.sum(axis=1, keepdims=True)
    cum = np.cumsum(weights, axis=1)
    cum[:, -1] = 1.0
    cause = (rng.random(n)[:, None] >= cum[business.astype(np.int64)]).sum(axis=1) + 1
    span = (first_term + 6) * _DAYS_PER_MONTH
    start = first_disbursed + (rng.random(n) * span).astype(np.int64) + 15
    troubled = (rng.random(n) < TROUBLE_CHANCE) & (start <= as_of)
    cause = np.where(troubled, cause, 0)

    pattern_table = np.array([[0.0, 0.0, 1.0]] + [PROFILES[c].pattern for c in names])
    pattern_cum = np.cumsum(pattern_table, axis=1)
    pattern_cum[:, -1] = 1.0
    pattern = (rng.random(n)[:, None] >= pattern_cum[cause]).sum(axis=1) + 1
    pattern = np.where(troubled, pattern, 0)
    severity = np.where(troubled, np.round(100 * (0.1 + 0.9 * rng.beta(2.0, 2.0, n))), 0)

    recovery_p = np.array([1.0] + [PROFILES[c].monthly_recovery for c in names])[cause]
    months = rng.geometric(np.where(recovery_p > 0, recovery_p, 1.0))
    recovery = start + np.round(months * _DAYS_PER_MONTH).astype(np.int64)
    recovery = np.where(troubled & (recovery_p > 0), recovery, NEVER)
    return HiddenState(
        cause=cause.astype(np.int64),
        pattern=pattern.astype(np.int64),
        severity=severity.astype(np.int64),
        start=np.where(troubled, start, NEVER).astype(np.int64),
        recovery=recovery.astype(np.int64),
    )


def catch_up_flags(rng: np.random.Generator, state: HiddenState) -> npt.NDArray[np.bool_]:
    """Whether each borrower pays all arrears at once on recovery (per the cause's chance)."""
    chance = np.array([0.0] + [PROFILES[c].catch_up for c in PROFILES])[state.cause]
    flags: npt.NDArray[np.bool_] = rng.random(state.cause.size) < chance
    return flags


def simulate_payments(
    rng: np.random.Generator,
    state: HiddenState,
    catch_up: npt.NDArray[np.bool_],
    borrower_of_loan: I64,
    first_due: Days,
    annual_rate_ppm: I64,
    schedule: ScheduleArrays,
    as_of: int,
) -> Histories:
    """Payment histories of all loans up to ``as_of`` (days since 1970), and their DPD on it.

    Steps (vectorised over all instalments):
      1. clearing date = due date, or up to 5 days early, or (noise) 1–12 days late;
      2. in the trouble window [S, R) of the borrower: ``late`` → 0–120 days late; ``partial`` and
         ``stop`` → never cleared, unless the borrower recovered: catch-up → all cleared on one day
         just after R; otherwise instalment k is cleared when instalment k + A falls due, A being
         the number of instalments missed;
      3. clearing dates made non-decreasing along each loan (older instalments first);
      4. token payments for ``partial`` borrowers on the first missed instalment;
      5. one payment per (loan, day): instalment + penalty bound − tokens already paid.
    """
    n_loans = first_due.size
    offsets = schedule.offsets
    starts = offsets[:-1]
    row_loan = schedule.loan_index
    due = schedule.due_date.astype(np.int64).astype(np.int32)
    n_rows = due.size

    # Loan-level values are narrowed before they are spread over the ~21 M instalment rows.
    loan_b = borrower_of_loan
    start_l = state.start[loan_b].astype(np.int32)
    recovery_l = state.recovery[loan_b].astype(np.int32)
    pattern_l = state.pattern[loan_b].astype(np.int8)

    # 1. healthy behaviour
    u = rng.random(n_rows, dtype=np.float32)
    v = rng.random(n_rows, dtype=np.float32)
    clear = due.copy()
    noise = u < NOISE_LATE_CHANCE
    clear[noise] += 1 + (v[noise] * 12).astype(np.int32)
    early = (u >= NOISE_LATE_CHANCE) & (u < 0.3)
    clear[early] -= 1 + (v[early] * 5).astype(np.int32)
    del u, v, noise, early

    # 2. trouble windows
    before_start = due < start_l[row_loan]
    in_window = ~before_start & (due < recovery_l[row_loan])
    pattern_r = pattern_l[row_loan]
    late_rows = np.flatnonzero(in_window & (pattern_r == _LATE))
    severity = state.severity[loan_b][row_loan[late_rows]] / 100.0
    days_late = np.clip(np.ceil(severity * rng.gamma(2.0, 18.0, late_rows.size)), 1, 120)
    days_late = np.where(rng.random(late_rows.size) < 0.75, days_late, 0).astype(np.int32)
    clear[late_rows] = due[late_rows] + days_late
    del late_rows, severity, days_late

    missed = in_window & (pattern_r >= _PARTIAL)
    del in_window, pattern_r
    missed_per_loan = np.add.reduceat(missed, starts, dtype=np.int64)
    # Missed rows are contiguous: they start after the rows due before S.
    first_missed = starts + np.add.reduceat(before_start, starts, dtype=np.int64)
    del before_start
    recovered_l = recovery_l < NEVER
    catch_l = catch_up[loan_b] & recovered_l
    catch_date_l = np.where(catch_l, recovery_l + rng.integers(0, 11, n_loans), NEVER)
    missed_rows = np.flatnonzero(missed)
    del missed
    clear[missed_rows] = catch_date_l.astype(np.int32)[row_loan[missed_rows]]
    del missed_rows

    shifted_l = recovered_l & ~catch_l & (missed_per_loan > 0)
    shift_loans = np.flatnonzero(shifted_l)
    shift_rows = _rows_from(first_missed[shift_loans], offsets[shift_loans + 1])
    shift_loans = row_loan[shift_rows]
    clear[shift_rows] = monthly_due_dates(
        first_due[shift_loans],
        schedule.instalment_number[shift_rows] - 1 + missed_per_loan[shift_loans],
    ).astype(np.int64)
    del shift_rows, shift_loans
    np.minimum(clear, NEVER, out=clear)

    # 3. older instalments are cleared first: a running maximum within each loan
    key = row_loan << 31
    key += clear
    np.maximum.accumulate(key, out=key)
    key &= (1 << 31) - 1
    clear = key.astype(np.int32)
    del key

    # DPD: clearing dates are non-decreasing, so the cleared instalments are a prefix of the loan.
    paid = clear <= as_of
    first_open = starts + np.add.reduceat(paid, starts, dtype=np.int64)
    active = first_open < offsets[1:]
    dpd = np.where(active, as_of - due[np.minimum(first_open, n_rows - 1)], 0)
    dpd = np.maximum(dpd, 0).astype(np.int64)

    # 4. token payments: small sums towards the first missed instalment, never clearing it
    token_loans = np.flatnonzero((pattern_l == _PARTIAL) & (missed_per_loan > 0))
    s_row = first_missed[token_loans]
    s_amount = schedule.principal_cents[s_row] + schedule.interest_cents[s_row]
    keep = (due[s_row] < as_of) & (s_amount >= 2000)
    token_loans, s_row, s_amount = token_loans[keep], s_row[keep], s_amount[keep]
    n_tokens = rng.integers(1, 4, token_loans.size)
    t_loan = np.repeat(token_loans, n_tokens)
    t_row = np.repeat(s_row, n_tokens)
    t_amount = np.repeat(s_amount, n_tokens)
    t_date = due[t_row].astype(np.int64) + rng.integers(3, 76, t_row.size)
    previous_clear = np.where(
        t_row > offsets[t_loan], clear[np.maximum(t_row - 1, 0)], np.iinfo(np.int32).min
    )
    valid = (t_date > previous_clear) & (
        t_date < np.minimum(clear[t_row].astype(np.int64), as_of + 1)
    )
    t_loan, t_row, t_date, t_amount = t_loan[valid], t_row[valid], t_date[valid], t_amount[valid]
    t_amount = np.maximum(
        100, (t_amount * rng.uniform(0.05, 0.25, t_row.size) / 100).astype(np.int64) * 100
    )

    # 5. clearing payments
    paid_rows = np.flatnonzero(paid)
    del paid
    c_loan = row_loan[paid_rows]
    c_date = clear[paid_rows].astype(np.int64)
    del clear
    c_amount = schedule.principal_cents[paid_rows] + schedule.interest_cents[paid_rows]
    days_late = c_date - due[paid_rows]
    late = np.flatnonzero(days_late > 0)
    penalty_ppm = np.minimum((annual_rate_ppm * 3 + 1) // 2, 240_000)
    c_amount[late] += (
        -(-(c_amount[late] * penalty_ppm[c_loan[late]] * (days_late[late] + 1)) // 360_000_000) + 2
    )
    del days_late, late
    # Tokens already paid part of their instalment; its clearing payment is that much smaller.
    at = np.searchsorted(paid_rows, t_row)
    cleared = at < paid_rows.size
    cleared[cleared] = paid_rows[at[cleared]] == t_row[cleared]
    np.subtract.at(c_amount, at[cleared], t_amount[cleared])
    del paid_rows

    return _merge_payments(rng, c_loan, c_date, c_amount, t_loan, t_date, t_amount, dpd, active)


def _rows_from(first: I64, end: I64) -> I64:
    """All row indices ``first[i] … end[i] − 1`` for every i, concatenated."""
    lengths = end - first
    total = int(lengths.sum())
    rows: I64 = np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    return rows


def _merge_payments(
    rng: np.random.Generator,
    c_loan: I64,
    c_date: I64,
    c_amount: I64,
    t_loan: I64,
    t_date: I64,
    t_amount: I64,
    dpd: I64,
    active: npt.NDArray[np.bool_],
) -> Histories:
    """Merge token payments into the (sorted) clearing payments; one payment per loan and day."""
    base = int(min(c_date.min(initial=0), t_date.min(initial=0)))
    c_key = c_loan * (1 << 20) + (c_date - base)
    t_key = t_loan * (1 << 20) + (t_date - base)
    order = np.argsort(t_key, kind="stable")
    t_key, t_amount = t_key[order], t_amount[order]
    at = np.searchsorted(c_key, t_key, side="left")
    key = np.insert(c_key, at, t_key)
    amounts = np.insert(c_amount, at, t_amount)
    del c_key, c_amount
    if key.size:
        starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        key = key[starts]
        amounts = np.add.reduceat(amounts, starts)
    pay_loan = key >> 20
    pay_date = (key - (pay_loan << 20) + base).astype("datetime64[D]")
    method = rng.choice(len(PAYMENT_METHODS), size=key.size, p=PAYMENT_METHOD_WEIGHTS)
    return Histories(
        pay_loan=pay_loan,
        pay_date=pay_date,
        pay_amount=amounts,
        pay_method=method.astype(np.int64),
        dpd=dpd,
        active=active,
    )
