"""The portfolio batch: the one-loan assessment for every loan of a book at once, to the cent.

Start here: :func:`assess_book` takes a :class:`~.batch_book.LoanBook` (struct of NumPy arrays),
an explicit ``as_of`` date and a :class:`~.policy.DelinquencyPolicy`, and returns a
:class:`BookAssessment` (struct of arrays, one row per loan and one per instalment) whose every
figure equals what :func:`fieldvisit.engines.delinquency.assess.assess` gives loan by loan.

Arithmetic (why it is exact):

* Money is int64 **cents**.
* Accrual is kept as **cent-days**: Σ unpaid cents × days, an exact integer per instalment and
  per kind (penalty on principal, compound on interest), exactly as the one-loan engine keeps
  yuan-days. The accrued amount is cent-days × rate / 360, where the penalty rate of a loan,
  ``min(annual_rate × (1 + markup), cap)``, is computed in ``Decimal`` once per distinct contract
  rate and turned into the exact fraction ``units / denominator`` of :class:`DailyRates`. It is
  rounded half-up to the cent only where the one-loan engine rounds: when a payment is allocated
  to the instalment and when reported, always as round(total accrued) − already paid.
* int64 headroom: cent-days ≤ largest part × days overdue (10^9 cents × 10^5 days is still far
  below 2^63); the product cent-days × units is checked per loan before the run (see
  :func:`daily_rates`) and, where it could pass 2^61, the rounding uses Python integers.

Algorithm (vectorised over loans; the only Python loop is over *steps*):

Because a payment always pays the oldest instalment completely before it touches the next
one, every loan's instalments are: settled (before a pointer ``p``), the current instalment
``p`` (possibly part-paid, with its own accrual), and untouched ones after ``p``, whose penalty
at any date is a closed form ``part × days overdue`` cent-days. So the state of a loan is a
handful of integers, and processing one payment against one instalment is one *step*:

1. accrue the current instalment's penalty (on unpaid principal) and compound interest (on
   unpaid interest) from the last day accrued up to the payment date;
2. round the accrued-but-unpaid penalty and compound interest half-up to the cent;
3. pay the parts of the instalment in ``policy.allocation_order`` from what is left of the
   payment;
4. if the instalment is settled, record it and make the next one current;
5. if the payment is used up (or the loan is fully paid, the rest being an overpayment), take
   the loan's next payment dated on or before ``as_of``; a loan with none left leaves the loop.

Every loop iteration performs one step for every loan still active (the active arrays are
compacted as loans finish), so the loop runs ``max over loans of (payments + instalments
settled)`` times, each a few dozen NumPy operations. Then the figures at ``as_of`` are
computed once over all instalments (segment sums with ``np.add.reduceat``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from fieldvisit.engines.delinquency.assess import DAYS_PER_YEAR
from fieldvisit.engines.delinquency.batch_book import RATE_PPM, LoanBook
from fieldvisit.engines.delinquency.policy import Component, DelinquencyPolicy, LoanClass

__all__ = ["CLASS_LABELS", "BookAssessment", "DailyRates", "LoanBook", "assess_book", "daily_rates"]

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
Days = npt.NDArray[np.datetime64]

#: ``BookAssessment.classification`` codes index this tuple (0 normal … 4 loss).
CLASS_LABELS: tuple[LoanClass, ...] = tuple(LoanClass)

_NO_INDEX = np.int64(np.iinfo(np.int64).max)


@dataclass(frozen=True, eq=False)
class BookAssessment:
    """The assessment of every loan of a book at ``as_of``: arrays in book order, money in cents.

    Per loan (length ``n_loans``): ``loan_id``; ``dpd`` (days); ``bucket`` (index into
    ``bucket_labels``); ``classification`` (index into :data:`CLASS_LABELS`); ``in_observation``
    (a restructured loan still in its observation period); ``overdue_principal``,
    ``overdue_interest`` (unpaid parts of instalments due before ``as_of``); ``penalty_interest``,
    ``compound_interest`` (accrued and unpaid, each the sum of its instalments' rounded figures);
    ``outstanding_principal``; ``total_due``; ``overpaid`` (money paid beyond everything
    scheduled, allocated to nothing).

    Per instalment (aligned with the book's instalment rows): ``inst_unpaid_principal``,
    ``inst_unpaid_interest``; ``inst_paid_penalty``, ``inst_paid_compound`` (cents allocated by
    payments on or before ``as_of``); ``inst_penalty_due``, ``inst_compound_due`` (accrued, unpaid,
    rounded) and ``inst_settled_on`` (the day its principal and interest became fully paid,
    ``NaT`` while not; ``0001-01-01`` for an instalment with nothing scheduled).
    """

    as_of: date
    loan_id: I64
    dpd: I64
    bucket: I8
    bucket_labels: tuple[str, ...]
    classification: I8
    in_observation: npt.NDArray[np.bool_]
    overdue_principal: I64
    overdue_interest: I64
    penalty_interest: I64
    compound_interest: I64
    outstanding_principal: I64
    total_due: I64
    overpaid: I64
    inst_unpaid_principal: I64
    inst_unpaid_interest: I64
    inst_paid_penalty: I64
    inst_paid_compound: I64
    inst_penalty_due: I64
    inst_compound_due: I64
    inst_settled_on: Days


@dataclass(frozen=True, eq=False)
class DailyRates:
    """Each loan's daily penalty rate as an exact fraction ``units / denominator`` (per loan).

    ``units[i] / denominator[i] == min(r_i × (1 + markup), cap) / 360`` in lowest terms. ``wide``
    is True when some accrual ``cent-days × units`` could pass int64 (policies with many decimal
    digits): rounding then uses Python integers, exact but slower.
    """

    units: npt.NDArray[np.int64] | npt.NDArray[np.object_]
    denominator: npt.NDArray[np.int64] | npt.NDArray[np.object_]
    wide: bool

    def take(self, rows: I64) -> DailyRates:
        """The rates of the given loan rows."""
        return DailyRates(self.units[rows], self.denominator[rows], self.wide)

    def accrued_cents(self, cent_days: I64) -> I64:
        """round_half_up(cent_days × units / denominator): accrued penalty in cents (≥ 0)."""
        if self.wide:
            numerator = cent_days.astype(object) * self.units
            quotient = numerator // self.denominator
            remainder = numerator - quotient * self.denominator
            rounded = quotient + (2 * remainder >= self.denominator)
            return np.asarray(rounded, dtype=np.int64)
        quotient, remainder = np.divmod(cent_days * self.units, self.denominator)
        quotient += 2 * remainder >= self.denominator
        return quotient


def daily_rates(book: LoanBook, policy: DelinquencyPolicy, as_of_day: int) -> DailyRates:
    """The exact daily penalty rate of every loan of ``book`` under ``policy``.

    penalty rate = min(annual_rate × (1 + penalty_markup), cap_annual_rate) per year, computed in
    ``Decimal`` once per distinct contract rate and divided by 360 as an exact fraction.

    int64 headroom: the batch accrues ``cent-days`` (unpaid cents × days, exact integers) and
    rounds ``cent-days × units / denominator``. The fast int64 path is taken when, for every
    loan, largest instalment part (cents) × days since its first due date × units < 2^61, and the
    denominator < 2^61. Under the default policy a contract rate of r millionths gives
    r × 1.5 / 10^6 / 360 = r / (240 × 10^6), so units ≤ r ≤ 160 000 (above that the 24 % cap
    gives 1 / 1500): the fast path holds while largest part × days < 1.4 × 10^13, e.g. a
    10-million-yuan instalment 39 years overdue. Otherwise the rounding falls back to Python
    integers (``wide``), still exact, slower.
    """
    distinct, inverse = np.unique(book.annual_rate_ppm, return_inverse=True)
    fractions = [
        Fraction(policy.penalty_rate(Decimal(int(ppm)) / RATE_PPM)) / DAYS_PER_YEAR
        for ppm in distinct
    ]
    inverse = inverse.reshape(-1)
    limit = 2**61
    units_py = [f.numerator for f in fractions]
    dens_py = [f.denominator for f in fractions]
    wide = max(dens_py, default=1) >= limit or max(units_py, default=0) >= limit
    if not wide and book.n_loans:
        starts = book.inst_offsets[:-1]
        largest = np.maximum.reduceat(np.maximum(book.inst_principal, book.inst_interest), starts)
        days = np.maximum(as_of_day - book.inst_due[starts].astype(np.int64), 0)
        units = np.array(units_py, np.float64)[inverse]
        wide = bool(np.any(largest.astype(np.float64) * days * np.maximum(units, 1) >= limit))
    if wide:
        table_units = np.array(units_py, dtype=object)
        table_dens = np.array(dens_py, dtype=object)
    else:
        table_units = np.array(units_py, dtype=np.int64)
        table_dens = np.array(dens_py, dtype=np.int64)
    return DailyRates(table_units[inverse], table_dens[inverse], wide)


@dataclass
class _Final:
    """Each loan's state after its last payment: the current instalment and what it owes."""

    p: I64
    rem_principal: I64
    rem_interest: I64
    accrued_to: I64
    pen_cd: I64
    comp_cd: I64
    pen_paid: I64
    comp_paid: I64
    overpaid: I64


def _allocate_payments(
    book: LoanBook,
    as_of_day: int,
    rates: DailyRates,
    order: tuple[Component, ...],
    inst_paid_penalty: I64,
    inst_paid_compound: I64,
    inst_settled_day: I64,
) -> _Final:
    """Run every payment dated on or before ``as_of`` through the waterfall (module docstring).

    Fills the per-instalment penalty and compound paid of every instalment it leaves behind and the
    day each instalment's principal and interest became fully paid; returns each loan's final state
    (its current instalment ``p``, or ``p`` one past its last instalment when all is paid).
    """
    principal, interest = book.inst_principal, book.inst_interest
    due = book.inst_due.astype(np.int64)
    pay_day = book.pay_date.astype(np.int64)
    pay_amount = book.pay_amount
    inst_start, inst_end = book.inst_offsets[:-1], book.inst_offsets[1:]
    pay_start = book.pay_offsets[:-1]

    # Payments are sorted by date within a loan, so those on or before as_of are a prefix.
    counted = np.concatenate(([0], np.cumsum(pay_day <= as_of_day)))
    pay_end = pay_start + (counted[book.pay_offsets[1:]] - counted[pay_start])

    n = book.n_loans
    final = _Final(
        p=inst_start.copy(),
        rem_principal=principal[inst_start],
        rem_interest=interest[inst_start],
        accrued_to=due[inst_start],
        pen_cd=np.zeros(n, np.int64),
        comp_cd=np.zeros(n, np.int64),
        pen_paid=np.zeros(n, np.int64),
        comp_paid=np.zeros(n, np.int64),
        overpaid=np.zeros(n, np.int64),
    )

    loan = np.flatnonzero(pay_end > pay_start)
    p = final.p[loan]
    p_end = inst_end[loan]
    k = pay_start[loan]
    k_end = pay_end[loan]
    day = pay_day[k]
    left = pay_amount[k]
    rate = rates.take(loan)
    rem_p = final.rem_principal[loan]
    rem_i = final.rem_interest[loan]
    acc = final.accrued_to[loan]
    pen_cd = np.zeros(loan.size, np.int64)
    comp_cd = np.zeros(loan.size, np.int64)
    pen_paid = np.zeros(loan.size, np.int64)
    comp_paid = np.zeros(loan.size, np.int64)
    over = np.zeros(loan.size, np.int64)

    while loan.size:
        # 1. accrue the current instalment up to the payment date (nothing before its due date).
        days = day - acc
        np.maximum(days, 0, out=days)
        pen_cd += rem_p * days
        comp_cd += rem_i * days
        np.maximum(acc, day, out=acc)
        # 2. round what is accrued and unpaid, 3. pay the parts in policy order.
        pen_owed = rate.accrued_cents(pen_cd) - pen_paid
        comp_owed = rate.accrued_cents(comp_cd) - comp_paid
        was_open = (rem_p > 0) | (rem_i > 0)
        for component in order:
            if component is Component.PENALTY:
                take = np.minimum(left, pen_owed)
                pen_paid += take
                pen_owed -= take
            elif component is Component.COMPOUND:
                take = np.minimum(left, comp_owed)
                comp_paid += take
                comp_owed -= take
            elif component is Component.INTEREST:
                take = np.minimum(left, rem_i)
                rem_i -= take
            else:
                take = np.minimum(left, rem_p)
                rem_p -= take
            left -= take
        closed = (rem_p == 0) & (rem_i == 0)
        # An instalment is "settled on" the day its principal and interest are paid, even if an
        # order that pays penalty last still leaves penalty on it.
        newly = np.flatnonzero(was_open & closed)
        inst_settled_day[p[newly]] = day[newly]
        # 4. a fully paid instalment is recorded and the next one becomes current.
        done = closed & (pen_owed == 0) & (comp_owed == 0) & (p < p_end)
        if done.any():
            s = np.flatnonzero(done)
            inst_paid_penalty[p[s]] = pen_paid[s]
            inst_paid_compound[p[s]] = comp_paid[s]
            p[s] += 1
            s = s[p[s] < p_end[s]]
            nxt = p[s]
            rem_p[s] = principal[nxt]
            rem_i[s] = interest[nxt]
            acc[s] = due[nxt]
            pen_cd[s] = 0
            comp_cd[s] = 0
            pen_paid[s] = 0
            comp_paid[s] = 0
        # 5. a used-up payment (or any money beyond the last instalment) moves to the next payment.
        paid_off = p >= p_end
        over += np.where(paid_off, left, 0)
        left[paid_off] = 0
        used = np.flatnonzero(left == 0)
        k[used] += 1
        used = used[k[used] < k_end[used]]
        day[used] = pay_day[k[used]]
        left[used] = pay_amount[k[used]]
        finished = k >= k_end
        if finished.any():
            f = np.flatnonzero(finished)
            target = loan[f]
            final.p[target] = p[f]
            final.rem_principal[target] = rem_p[f]
            final.rem_interest[target] = rem_i[f]
            final.accrued_to[target] = acc[f]
            final.pen_cd[target] = pen_cd[f]
            final.comp_cd[target] = comp_cd[f]
            final.pen_paid[target] = pen_paid[f]
            final.comp_paid[target] = comp_paid[f]
            final.overpaid[target] = over[f]
            keep = ~finished
            rate = rate.take(np.flatnonzero(keep))
            loan, p, p_end, k, k_end, day, left = (
                a[keep] for a in (loan, p, p_end, k, k_end, day, left)
            )
            rem_p, rem_i, acc, pen_cd, comp_cd, pen_paid, comp_paid, over = (
                a[keep] for a in (rem_p, rem_i, acc, pen_cd, comp_cd, pen_paid, comp_paid, over)
            )
    return final


def _rows_of(starts: I64, ends: I64) -> I64:
    """The instalment rows ``starts[i]:ends[i]`` of the given loans, concatenated."""
    lengths = ends - starts
    first = np.cumsum(lengths) - lengths
    return np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)


def one_year_later(days: Days) -> Days:
    """Each date plus 12 calendar months, the day of month clamped (Feb 29 → Feb 28).

    Equals :func:`fieldvisit.engines.delinquency.schedule.add_months` with ``months=12``.
    """
    month = days.astype("datetime64[M]")
    day_of_month = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + 12
    last_day = (target + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    later: Days = np.minimum(target.astype("datetime64[D]") + day_of_month, last_day)
    return later


def _in_observation(
    book: LoanBook, as_of: np.datetime64, settled_day: I64
) -> npt.NDArray[np.bool_]:
    """Whether each restructured loan is still in its observation period at ``as_of``.

    Same rule as the one-loan engine: the period starts on ``restructured_on`` (R) (a restructured
    schedule assessed before R is in observation already) and ends on the first day E ≥ R + 12
    months on which the last two instalments due in [R, E] were both paid on time (principal and
    interest fully paid by the end of their due dates). Vectorised over the
    instalment rows of the loans restructured at least a year before ``as_of``: a consecutive
    on-time pair (j − 1, j) due in [R, as_of] ends the period on E = max(due_j, R + 12 months)
    if E ≤ as_of and E falls before the next due date.
    """
    restructured = book.restructured_on
    known = ~np.isnat(restructured)
    in_obs = known.copy()
    one_year = one_year_later(restructured)
    candidates = np.flatnonzero(in_obs & (one_year <= as_of))
    if candidates.size == 0:
        return in_obs
    rows = _rows_of(book.inst_offsets[candidates], book.inst_offsets[candidates + 1])
    owner = np.repeat(candidates, np.diff(book.inst_offsets)[candidates])
    due = book.inst_due[rows]
    since = (due >= restructured[owner]) & (due <= as_of)
    on_time = since & (settled_day[rows] <= due.astype(np.int64))
    same_loan = owner[1:] == owner[:-1]
    pair = same_loan & on_time[1:] & on_time[:-1]
    ends = np.maximum(due[1:], one_year[owner[1:]])
    next_in_since = np.zeros(pair.size, np.bool_)
    next_in_since[:-1] = same_loan[1:] & since[2:]
    next_due = np.empty_like(due[1:])
    next_due[:-1] = due[2:]
    ended = pair & (ends <= as_of) & ~(next_in_since & (ends >= next_due))
    ended_loans = np.unique(owner[1:][ended])
    in_obs[ended_loans] = False
    return in_obs


def assess_book(book: LoanBook, as_of: date, policy: DelinquencyPolicy) -> BookAssessment:
    """Assess every loan of ``book`` at the end of day ``as_of``; equals the one-loan engine.

    Payments dated after ``as_of`` are ignored. Money is int64 cents; see the module docstring for
    the exact accrual (integer numerators over a common denominator) and the algorithm. Raises
    ``ValueError`` if the accrual could overflow int64.

    Figures (per loan): DPD = as_of − due date of the oldest instalment due before ``as_of`` with
    principal or interest unpaid (0 if none); overdue principal/interest = unpaid parts of
    instalments due before ``as_of``; penalty/compound = Σ over instalments of
    round(accrued) − paid; total due = overdue principal + overdue interest + penalty + compound;
    class by DPD, raised to special mention while a restructured loan is in observation.
    """
    as_of_d = np.datetime64(as_of, "D")
    as_of_day = int(as_of_d.astype(np.int64))
    rates = daily_rates(book, policy, as_of_day)

    n_inst = int(book.inst_due.size)
    principal, interest = book.inst_principal, book.inst_interest
    due = book.inst_due.astype(np.int64)
    inst_paid_penalty = np.zeros(n_inst, np.int64)
    inst_paid_compound = np.zeros(n_inst, np.int64)
    never = np.int64(np.iinfo(np.int64).max)
    settled_day = np.full(n_inst, never, np.int64)
    # An instalment with nothing scheduled counts as paid since forever, as in the one-loan engine.
    settled_day[(principal == 0) & (interest == 0)] = np.datetime64("0001-01-01", "D").astype(
        np.int64
    )
    final = _allocate_payments(
        book,
        as_of_day,
        rates,
        policy.allocation_order,
        inst_paid_penalty,
        inst_paid_compound,
        settled_day,
    )

    # Instalments before the current one are fully paid, the current one is as the loop left it,
    # those after it are untouched: their accrual is the closed form part × rate × days overdue.
    inst_start, inst_end = book.inst_offsets[:-1], book.inst_offsets[1:]
    current = np.flatnonzero(final.p < inst_end)
    cur_row = final.p[current]
    untouched = np.arange(n_inst, dtype=np.int64) > np.repeat(final.p, np.diff(book.inst_offsets))
    unpaid_p = np.where(untouched, principal, 0)
    unpaid_i = np.where(untouched, interest, 0)
    unpaid_p[cur_row] = final.rem_principal[current]
    unpaid_i[cur_row] = final.rem_interest[current]

    penalty_due = np.zeros(n_inst, np.int64)
    compound_due = np.zeros(n_inst, np.int64)
    late = np.flatnonzero(untouched & (due < as_of_day))
    late_rates = rates.take(book.inst_loan[late])
    late_days = as_of_day - due[late]
    penalty_due[late] = late_rates.accrued_cents(principal[late] * late_days)
    compound_due[late] = late_rates.accrued_cents(interest[late] * late_days)
    cur_rates = rates.take(current)
    days = np.maximum(as_of_day - final.accrued_to[current], 0)
    penalty_cd = final.pen_cd[current] + final.rem_principal[current] * days
    compound_cd = final.comp_cd[current] + final.rem_interest[current] * days
    penalty_due[cur_row] = cur_rates.accrued_cents(penalty_cd) - final.pen_paid[current]
    compound_due[cur_row] = cur_rates.accrued_cents(compound_cd) - final.comp_paid[current]
    inst_paid_penalty[cur_row] = final.pen_paid[current]
    inst_paid_compound[cur_row] = final.comp_paid[current]

    overdue = due < as_of_day
    overdue_principal = np.add.reduceat(np.where(overdue, unpaid_p, 0), inst_start)
    overdue_interest = np.add.reduceat(np.where(overdue, unpaid_i, 0), inst_start)
    penalty = np.add.reduceat(penalty_due, inst_start)
    compound = np.add.reduceat(compound_due, inst_start)
    row = np.arange(n_inst, dtype=np.int64)
    oldest = np.minimum.reduceat(
        np.where(overdue & ((unpaid_p > 0) | (unpaid_i > 0)), row, _NO_INDEX), inst_start
    )
    has_arrears = oldest != _NO_INDEX
    dpd = np.zeros(book.n_loans, np.int64)
    dpd[has_arrears] = as_of_day - due[oldest[has_arrears]]

    bucket_edges = np.asarray(policy.bucket_edges, np.int64)
    bucket = np.searchsorted(bucket_edges, dpd, side="left").astype(np.int8)
    classification = np.searchsorted(
        np.asarray(policy.classification_edges, np.int64), dpd, side="left"
    ).astype(np.int8)
    special = np.int8(CLASS_LABELS.index(LoanClass.SPECIAL_MENTION))
    observed = _in_observation(book, as_of_d, settled_day)
    classification[observed] = np.maximum(classification[observed], special)

    settled_on = settled_day.astype("datetime64[D]")
    settled_on[settled_day == never] = np.datetime64("NaT")
    labels = (*(f"M{i}" for i in range(len(bucket_edges))), f"M{len(bucket_edges)}+")
    return BookAssessment(
        as_of=as_of,
        loan_id=book.loan_id,
        dpd=dpd,
        bucket=bucket,
        bucket_labels=labels,
        classification=classification,
        in_observation=observed,
        overdue_principal=overdue_principal,
        overdue_interest=overdue_interest,
        penalty_interest=penalty,
        compound_interest=compound,
        outstanding_principal=np.add.reduceat(unpaid_p, inst_start),
        total_due=overdue_principal + overdue_interest + penalty + compound,
        overpaid=final.overpaid,
        inst_unpaid_principal=unpaid_p,
        inst_unpaid_interest=unpaid_i,
        inst_paid_penalty=inst_paid_penalty,
        inst_paid_compound=inst_paid_compound,
        inst_penalty_due=penalty_due,
        inst_compound_due=compound_due,
        inst_settled_on=settled_on,
    )
