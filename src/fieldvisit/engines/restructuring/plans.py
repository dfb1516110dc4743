"""The new schedule of each remedy, and its reconciliation with the claim it replaces.

Every plan's instalment separates what repays the claim standing at ``as_of`` (principal, and the
arrears of interest, penalty and compound interest) from the new interest the plan charges. The
claim is never created or lost: per component,

    before = repaid + waived + discount

where "repaid" is what the new schedule pays of that component (capitalised amounts are repaid
inside the schedule's principal and listed separately). :class:`Reconciliation` derives "repaid"
from the schedule's own sums, so the identity is a check on the schedule, not a restatement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.delinquency.schedule import (
    MAX_MONTHS,
    LoanTerms,
    build_schedule,
    monthly_interest,
)
from fieldvisit.engines.money import CENT, ZERO, is_cents, round_money
from fieldvisit.engines.restructuring.policy import Remedy, RemedyPolicy, Treatment
from fieldvisit.engines.restructuring.state import NO_CLAIM, Claim, LoanState


@dataclass(frozen=True, slots=True)
class NewInstallment:
    """One instalment of a plan; yuan, whole cents, ≥ 0.

    Attributes:
        principal: repays principal of the claim (including any capitalised amounts).
        interest: new interest the plan charges for its periods (contract or reduced rate;
            holiday interest deferred into later instalments is here too).
        arrears_interest, arrears_penalty, arrears_compound: repay the unpaid interest, penalty and
            compound interest standing at ``as_of`` that the plan carries or spreads.
    """

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    arrears_interest: Decimal = ZERO
    arrears_penalty: Decimal = ZERO
    arrears_compound: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in (
            "principal",
            "interest",
            "arrears_interest",
            "arrears_penalty",
            "arrears_compound",
        ):
            amount = getattr(self, name)
            if not is_cents(amount) or amount < 0:
                field = f"schedule[{self.number}].{name}"
                raise InvalidField(field, f"must be whole cents, not negative; got {amount}")

    @property
    def payment(self) -> Decimal:
        """Everything due on this instalment, yuan."""
        return (
            self.principal
            + self.interest
            + self.arrears_interest
            + self.arrears_penalty
            + self.arrears_compound
        )


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The claim before and where each yuan of it goes; every field a :class:`Claim`.

    ``repaid`` is derived from the schedule (Σ principal − capitalised total; Σ arrears columns +
    capitalised parts), so :attr:`balanced` tests the schedule itself.
    """

    before: Claim
    repaid: Claim
    capitalised: Claim
    waived: Claim
    discount: Claim

    @property
    def balanced(self) -> bool:
        """True when, for every component, before = repaid + waived + discount, to the cent."""
        return self.before == self.repaid + self.waived + self.discount


@dataclass(frozen=True, slots=True)
class Plan:
    """One remedy with its parameters and new schedule.

    Attributes:
        remedy: which remedy.
        months: catch-up months, extension months, holiday months, cure months or the months a
            referral pauses collection (None for a settlement or a rate reduction).
        rate: the annual rate of the new schedule's interest.
        waiver_share: share of penalty and compound waived (waiver only).
        discount_share: discount as a share of the claim (settlement only), exact.
        schedule: the new instalments, due dates strictly increasing; empty for a referral,
            which changes no schedule.
        reconciliation: the claim's split into repaid, capitalised, waived and discounted (a
            referral restructures nothing: all zero).
        extension: months the maturity moves out (payment holiday only: at least the holiday,
            more when the payments after it must fall to fit the borrower's means).
    """

    remedy: Remedy
    months: int | None
    rate: Decimal
    waiver_share: Decimal | None
    discount_share: Decimal | None
    schedule: tuple[NewInstallment, ...]
    reconciliation: Reconciliation
    extension: int | None = None

    @property
    def monthly_payment(self) -> Decimal:
        """The largest payment of the schedule, yuan (0 for a referral: it asks nothing)."""
        return max((i.payment for i in self.schedule), default=ZERO)

    @property
    def total_cost(self) -> Decimal:
        """Everything the borrower pays under the plan, yuan: Σ payments."""
        return sum((i.payment for i in self.schedule), ZERO)

    @property
    def new_interest(self) -> Decimal:
        """Σ interest the plan charges beyond the claim, yuan."""
        return sum((i.interest for i in self.schedule), ZERO)


def split_evenly(amount: Decimal, parts: int) -> tuple[Decimal, ...]:
    """``amount`` (yuan, cents) in ``parts`` parts that differ by at most a cent and sum to it.

    Each part is amount / parts rounded down to the cent; the cents left over go one each to the
    first parts, so early instalments carry the extra cent and no part is ever negative.
    """
    base = (amount / parts).quantize(CENT, rounding=ROUND_FLOOR)
    extra = int((amount - base * parts) / CENT)
    return tuple(base + CENT if k < extra else base for k in range(parts))


@dataclass(frozen=True, slots=True)
class Means:
    """What the borrower can pay: ``limit`` yuan a month now, ``lump_sum`` yuan at once, and
    ``limit_after`` yuan a month once their income has recovered, from instalment
    ``recovery_months + 1`` on (``None``: the same as now)."""

    limit: Decimal
    lump_sum: Decimal
    recovery_months: int = 0
    limit_after: Decimal | None = None

    def limit_for(self, number: int) -> Decimal:
        """The monthly limit that applies to instalment ``number`` (1-based) of a new schedule."""
        if number <= self.recovery_months or self.limit_after is None:
            return self.limit
        return self.limit_after

    def fits(self, schedule: tuple[NewInstallment, ...]) -> bool:
        """True when every payment is within the limit of its month (a zero payment always is)."""
        return all(i.payment <= self.limit_for(i.number) for i in schedule)


def build_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> tuple[Plan, ...]:
    """Every plan the policy allows for ``state``, in :class:`Remedy` order.

    ``means`` shapes two plans only: the shortest term extension whose payment fits
    ``means.limit``, and the settlement sum (what ``means.lump_sum`` covers, within the maximum
    discount). Remedies that do not apply are left out: a catch-up with nothing in arrears, a
    waiver with no penalty or compound, re-amortisations without principal, a rate reduction when
    the contract rate is already at the floor, a settlement of nothing.
    """
    plans: list[Plan] = []
    for remedy in Remedy:
        if policy.allows(remedy):
            plans.extend(_BUILDERS[remedy](state, policy, means))
    return tuple(plans)


def catch_up(state: LoanState, months: int, waived: Claim = NO_CLAIM) -> tuple[NewInstallment, ...]:
    """The remaining schedule with the arrears (less ``waived``) spread over ``months`` on top.

    Instalment j (1-based) = upcoming instalment j (if any) + part j of each arrears component
    (for j ≤ months), parts by :func:`split_evenly`. Penalty and compound stop at their ``as_of``
    amounts: the agreement replaces the default, so nothing more accrues while it is kept.
    """
    arrears = state.arrears
    columns = [
        split_evenly(arrears.principal - waived.principal, months),
        split_evenly(arrears.interest - waived.interest, months),
        split_evenly(arrears.penalty - waived.penalty, months),
        split_evenly(arrears.compound - waived.compound, months),
    ]
    schedule = []
    for number in range(1, max(state.remaining_term, months) + 1):
        part = [c[number - 1] if number <= months else ZERO for c in columns]
        if number <= state.remaining_term:
            regular = state.upcoming[number - 1]
            due, principal, interest = regular.due_date, regular.principal, regular.interest
        else:
            due, principal, interest = state.due(number), ZERO, ZERO
        schedule.append(NewInstallment(number, due, principal + part[0], interest, *part[1:]))
    return tuple(schedule)


def reamortise(
    state: LoanState,
    policy: RemedyPolicy,
    *,
    months: int,
    rate: Decimal,
    holiday: int = 0,
    interest_only: bool | None = None,
    charges: Treatment | None = None,
) -> tuple[tuple[NewInstallment, ...], Claim, Claim]:
    """A new schedule over ``months`` instalments at ``rate``, the first ``holiday`` a holiday.

    Returns (schedule, capitalised, waived). Steps:
      1. unpaid interest, and penalty with compound, are each capitalised, waived or carried as
         the policy's treatments say (``charges`` overrides the treatment of penalty and
         compound);
      2. the new principal B = outstanding principal + capitalised total;
      3. holiday months 1 … h: interest-only (B × rate / 12 each) when ``interest_only``
         (default: the policy's ``holiday_interest_only``), else nothing, in which case that
         interest is deferred, interest-free, in equal parts over the instalments after it;
      4. instalments h + 1 … months: B amortised over months − h by the policy's method (the
         delinquency engine's schedule builder), plus the carried amounts in equal parts.
    """
    if interest_only is None:
        interest_only = policy.holiday_interest_only
    capitalised, waived, carried = _treat(state, policy, charges)
    balance = state.outstanding_principal + capitalised.total
    amortised = months - holiday
    method = policy.reamortise_method or state.method
    regular = build_schedule(LoanTerms(balance, rate, amortised, method, state.next_due))
    holiday_interest = monthly_interest(balance, rate)
    deferred = split_evenly(ZERO if interest_only else holiday_interest * holiday, amortised)
    carried_columns = [
        split_evenly(carried.interest, amortised),
        split_evenly(carried.penalty, amortised),
        split_evenly(carried.compound, amortised),
    ]
    schedule = [
        NewInstallment(
            number,
            state.due(number),
            ZERO,
            holiday_interest if interest_only else ZERO,
        )
        for number in range(1, holiday + 1)
    ]
    for k, installment in enumerate(regular):
        number = holiday + k + 1
        schedule.append(
            NewInstallment(
                number,
                state.due(number),
                installment.principal,
                installment.interest + deferred[k],
                *(column[k] for column in carried_columns),
            )
        )
    return tuple(schedule), capitalised, waived


def _treat(
    state: LoanState, policy: RemedyPolicy, charges: Treatment | None = None
) -> tuple[Claim, Claim, Claim]:
    """(capitalised, waived, carried) parts of the arrears interest, penalty and compound."""
    buckets = dict.fromkeys(Treatment, NO_CLAIM)
    buckets[policy.interest_treatment] += Claim(interest=state.arrears_interest)
    buckets[charges or policy.charges_treatment] += Claim(
        penalty=state.penalty, compound=state.compound
    )
    return buckets[Treatment.CAPITALISE], buckets[Treatment.WAIVE], buckets[Treatment.CARRY]


def reconcile(
    state: LoanState,
    schedule: tuple[NewInstallment, ...],
    *,
    capitalised: Claim = NO_CLAIM,
    waived: Claim = NO_CLAIM,
    discount: Claim = NO_CLAIM,
) -> Reconciliation:
    """The reconciliation of ``schedule`` against ``state.claim``; "repaid" from the schedule."""
    repaid = Claim(
        principal=sum((i.principal for i in schedule), ZERO) - capitalised.total,
        interest=sum((i.arrears_interest for i in schedule), ZERO) + capitalised.interest,
        penalty=sum((i.arrears_penalty for i in schedule), ZERO) + capitalised.penalty,
        compound=sum((i.arrears_compound for i in schedule), ZERO) + capitalised.compound,
    )
    return Reconciliation(state.claim, repaid, capitalised, waived, discount)


def _catch_up_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> Iterator[Plan]:
    if not state.arrears.total:
        return
    for months in sorted(set(policy.catch_up_months)):
        schedule = catch_up(state, months)
        yield Plan(
            Remedy.CATCH_UP,
            months,
            state.annual_rate,
            None,
            None,
            schedule,
            reconcile(state, schedule),
        )


def _reamortised_plan(
    state: LoanState,
    policy: RemedyPolicy,
    remedy: Remedy,
    *,
    months: int,
    rate: Decimal,
    holiday: int = 0,
    label: int | None = None,
    interest_only: bool | None = None,
    charges: Treatment | None = None,
    extension: int | None = None,
) -> Plan:
    schedule, capitalised, waived = reamortise(
        state,
        policy,
        months=months,
        rate=rate,
        holiday=holiday,
        interest_only=interest_only,
        charges=charges,
    )
    return Plan(
        remedy,
        label,
        rate,
        None,
        None,
        schedule,
        reconcile(state, schedule, capitalised=capitalised, waived=waived),
        extension,
    )


def _extension_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> Iterator[Plan]:
    top = policy.max_extension_months
    if not state.outstanding_principal or top == 0:
        return
    # Schedules are limited to MAX_MONTHS instalments, as in the delinquency engine.
    top = min(top, MAX_MONTHS - state.remaining_term)
    if top <= 0:
        return
    steps = set(range(policy.extension_step_months, top + 1, policy.extension_step_months))
    steps.add(top)

    built: dict[int, Plan] = {}

    def plan(extra: int) -> Plan:
        if extra not in built:
            built[extra] = _reamortised_plan(
                state,
                policy,
                Remedy.TERM_EXTENSION,
                months=state.remaining_term + extra,
                rate=state.annual_rate,
                label=extra,
            )
        return built[extra]

    # The payment falls as the term grows, so the shortest extension that fits is found by
    # bisection; offering it lets the lender take the least time the borrower can manage.
    fitting = _shortest_fit(1, top, lambda extra: means.fits(plan(extra).schedule))
    if fitting is not None:
        steps.add(fitting)
    for extra in sorted(steps):
        yield plan(extra)


def _shortest_fit(low: int, high: int, fits: Callable[[int], bool]) -> int | None:
    """The least n in low … high with ``fits(n)``, by bisection (payments fall as the term grows,
    so once an extension fits every longer one does); ``None`` when not even ``high`` fits."""
    if low > high or not fits(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _holiday_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> Iterator[Plan]:
    """Holidays of 1 … max_holiday_months (and one as long as the recovery, when that is within
    the maximum), each followed by the shortest extension whose payments fit.

    Steps, for a holiday of h months:
      1. the holiday's instalments are interest only when the policy says so and that interest
         fits the borrower's limit in each holiday month; otherwise nothing is due (the interest
         is deferred, interest-free, to the instalments after the holiday);
      2. penalty and compound interest are treated as ``hardship_charges_treatment`` says
         (waived by default);
      3. the maturity moves out by e months, h ≤ e ≤ the most the policy allows: the shortest
         e whose payments all fit the limit of their month (after the recovery, the recovered
         limit), or the longest when none does (the option is then shown as unaffordable).
    """
    if not state.outstanding_principal:
        return
    base = max(state.remaining_term, 1)
    top = min(policy.max_extension_months, MAX_MONTHS - base)
    longest = min(policy.max_holiday_months, top)
    lengths = set(range(1, longest + 1))
    if 0 < means.recovery_months <= longest:
        lengths.add(means.recovery_months)
    charges = policy.hardship_charges_treatment
    balance = state.outstanding_principal + _treat(state, policy, charges)[0].total
    interest = monthly_interest(balance, state.annual_rate)
    for holiday in sorted(lengths):
        interest_only = policy.holiday_interest_only and all(
            interest <= means.limit_for(number) for number in range(1, holiday + 1)
        )
        built: dict[int, Plan] = {}

        def plan(
            extension: int, holiday: int = holiday, interest_only: bool = interest_only
        ) -> Plan:
            return _reamortised_plan(
                state,
                policy,
                Remedy.PAYMENT_HOLIDAY,
                months=base + extension,
                rate=state.annual_rate,
                holiday=holiday,
                label=holiday,
                interest_only=interest_only,
                charges=charges,
                extension=extension,
            )

        def fits(
            extension: int, plan: Callable[[int], Plan] = plan, built: dict[int, Plan] = built
        ) -> bool:
            if extension not in built:
                built[extension] = plan(extension)
            return means.fits(built[extension].schedule)

        extension = _shortest_fit(holiday, top, fits) or top
        yield built.get(extension) or plan(extension)


def _rate_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> Iterator[Plan]:
    if not state.outstanding_principal:
        return
    rates = {max(policy.min_rate, state.annual_rate - cut) for cut in policy.rate_cuts}
    for rate in sorted((r for r in rates if r < state.annual_rate), reverse=True):
        yield _reamortised_plan(
            state,
            policy,
            Remedy.RATE_REDUCTION,
            months=max(state.remaining_term, 1),
            rate=rate,
        )


def _waiver_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> Iterator[Plan]:
    top = policy.penalty_waiver_max_share
    if not (state.penalty or state.compound) or not top:
        return
    for share in sorted({top / 2, top}):
        waived = Claim(
            penalty=round_money(state.penalty * share), compound=round_money(state.compound * share)
        )
        schedule = catch_up(state, policy.waiver_cure_months, waived)
        yield Plan(
            Remedy.WAIVER,
            policy.waiver_cure_months,
            state.annual_rate,
            share,
            None,
            schedule,
            reconcile(state, schedule, waived=waived),
        )


def settlement_amount(claim: Claim, max_discount: Decimal, lump_sum: Decimal) -> Decimal:
    """The settlement sum, yuan: what the borrower can raise, within the policy's discount.

    floor = claim − (claim × max_discount rounded down to the cent, so the discount never
    exceeds the maximum); amount = min(claim, max(lump_sum, floor)). When the borrower can raise
    less than the floor, the amount is the floor and the option is unaffordable.
    """
    total = claim.total
    floor = total - (total * max_discount).quantize(CENT, rounding=ROUND_FLOOR)
    return min(total, max(lump_sum, floor))


def settlement(state: LoanState, amount: Decimal) -> tuple[tuple[NewInstallment, ...], Claim]:
    """One payment of ``amount`` on ``next_due`` closes the loan; returns (schedule, discount).

    The discount (claim − amount) comes off penalty first, then compound interest, interest and,
    last, principal: a settlement forgives charges before it forgives money lent.
    """
    claim = state.claim
    left = claim.total - amount
    parts = []
    for owed in (claim.penalty, claim.compound, claim.interest, claim.principal):
        off = min(owed, left)
        parts.append(off)
        left -= off
    discount = Claim(principal=parts[3], interest=parts[2], penalty=parts[0], compound=parts[1])
    only = NewInstallment(
        1,
        state.next_due,
        claim.principal - discount.principal,
        ZERO,
        claim.interest - discount.interest,
        claim.penalty - discount.penalty,
        claim.compound - discount.compound,
    )
    return (only,), discount


def _settlement_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> Iterator[Plan]:
    claim = state.claim
    if not claim.total:
        return
    amount = settlement_amount(claim, policy.settlement_max_discount, means.lump_sum)
    schedule, discount = settlement(state, amount)
    yield Plan(
        Remedy.SETTLEMENT,
        None,
        ZERO,
        None,
        discount.total / claim.total,
        schedule,
        reconcile(state, schedule, discount=discount),
    )


def referral(state: LoanState, months: int) -> Plan:
    """The referral: no new schedule, collection paused ``months`` months, then a review.

    It restructures nothing, so its reconciliation is all zero and its schedule empty; the claim
    stays as it is under the loan's schedule.
    """
    nothing = Reconciliation(NO_CLAIM, NO_CLAIM, NO_CLAIM, NO_CLAIM, NO_CLAIM)
    return Plan(Remedy.REFERRAL, months, state.annual_rate, None, None, (), nothing)


def _no_plans(state: LoanState, policy: RemedyPolicy, means: Means) -> Iterator[Plan]:
    # The referral is not a schedule: evaluate_options adds it when nothing else fits.
    return iter(())


_BUILDERS = {
    Remedy.CATCH_UP: _catch_up_plans,
    Remedy.TERM_EXTENSION: _extension_plans,
    Remedy.PAYMENT_HOLIDAY: _holiday_plans,
    Remedy.RATE_REDUCTION: _rate_plans,
    Remedy.WAIVER: _waiver_plans,
    Remedy.SETTLEMENT: _settlement_plans,
    Remedy.REFERRAL: _no_plans,
}
