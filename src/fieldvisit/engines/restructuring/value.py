"""What each plan is worth: affordability, the cost cap, the chance it is kept, the lender's value.

Present values discount every amount to ``as_of`` at the policy's cost of funds f (an effective
annual rate) by actual days: DF(d) = (1 + f)^−(d − as_of)/365.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from fieldvisit.engines.delinquency.schedule import add_months
from fieldvisit.engines.money import ZERO, round_money
from fieldvisit.engines.restructuring.affordability import (
    Affordability,
    limit_after_recovery,
    payment_limit,
)
from fieldvisit.engines.restructuring.plans import (
    Means,
    NewInstallment,
    Plan,
    build_plans,
    referral,
)
from fieldvisit.engines.restructuring.policy import Remedy, RemedyPolicy
from fieldvisit.engines.restructuring.state import Claim, LoanState

HALF_CENT = Decimal("0.005")
PROBABILITY_PLACES = Decimal("0.0001")
RATE_PLACES = Decimal("0.000001")


@dataclass(frozen=True, slots=True)
class LegalRoute:
    """The legal route (诉讼) started on ``starts_on``, valued at ``as_of``.

    ``expected_value`` = recovery_rate × claim × DF(starts_on + months) − cost × DF(starts_on),
    yuan, rounded to the cent; negative when the route costs more than it is expected to recover.
    """

    starts_on: date
    claim: Decimal
    recovered: Decimal
    recovered_on: date
    cost: Decimal
    expected_value: Decimal


@dataclass(frozen=True, slots=True)
class Option:
    """A plan with its figures.

    Attributes:
        plan: the remedy, its parameters, schedule and reconciliation.
        limit: the borrower's limit the plan is judged against, yuan: the monthly limit of the
            month of the largest payment (after the recovery, the recovered limit), or for a
            settlement the lump sum the borrower can raise.
        payment: the plan's largest payment (the settlement sum for a settlement; 0 for a
            referral), yuan.
        affordable: every payment is within the limit of its month, and that limit is above 0
            (so payment ≤ limit); a referral asks for nothing and is always affordable.
        margin: (limit − payment) / limit of the tightest month, clipped to [−1, 1]; −1 when the
            limit is 0.
        all_in_annual_rate: 12 × the monthly IRR of the plan's payments against the principal and
            interest owed at the start of the current period; ``None`` when that is zero.
        within_cap: the all-in cost does not exceed ``cap_annual_rate`` (checked exactly, see
            :func:`within_cap`).
        cap_annual_rate: the policy's cap the option was checked against.
        success_probability: the chance the plan is kept, 0 … 1, four places.
        plan_value: present value at ``as_of`` of the plan's payments, yuan.
        failure_value: present value of the legal route started at the plan's first due date.
        expected_value: success × plan_value + (1 − success) × failure_value, yuan.
        legal_value: the legal route's expected value if started at ``as_of`` instead, yuan.
        means: the borrower's means the option was judged against (monthly limits now and after
            the recovery; the lump sum).
    """

    plan: Plan
    limit: Decimal
    payment: Decimal
    affordable: bool
    margin: Decimal
    all_in_annual_rate: Decimal | None
    within_cap: bool
    cap_annual_rate: Decimal
    success_probability: Decimal
    plan_value: Decimal
    failure_value: Decimal
    expected_value: Decimal
    legal_value: Decimal
    means: Means | None = None

    @property
    def remedy(self) -> Remedy:
        """The plan's remedy."""
        return self.plan.remedy


def discount_factor(as_of: date, day: date, cost_of_funds: Decimal) -> Decimal:
    """DF = (1 + cost_of_funds)^−(day − as_of)/365, exact to 28 significant digits."""
    days = (day - as_of).days
    if not days:
        return Decimal(1)
    with localcontext() as context:
        context.prec = 28
        return (-(1 + cost_of_funds).ln() * days / 365).exp()


def present_value(
    schedule: tuple[NewInstallment, ...], as_of: date, cost_of_funds: Decimal
) -> Decimal:
    """Σ payment × DF(due date), yuan, rounded to the cent once at the end."""
    with localcontext() as context:
        context.prec = 28
        log_rate = (1 + cost_of_funds).ln()
        return round_money(
            sum(
                (i.payment * (-log_rate * (i.due_date - as_of).days / 365).exp() for i in schedule),
                ZERO,
            )
        )


def legal_route(
    state: LoanState, policy: RemedyPolicy, starts_on: date | None = None
) -> LegalRoute:
    """The legal route on the whole claim, started on ``starts_on`` (default ``as_of``).

    The claim is the one standing at ``as_of``: waivers and discounts in a plan are conditional on
    the plan being kept, so a broken plan revives them. Formula in :class:`LegalRoute`.
    """
    start = starts_on or state.as_of
    claim = state.claim.total
    recovered_on = add_months(start, policy.legal_months)
    recovered = round_money(claim * policy.legal_recovery_rate)
    value = recovered * discount_factor(
        state.as_of, recovered_on, policy.cost_of_funds
    ) - policy.legal_cost * discount_factor(state.as_of, start, policy.cost_of_funds)
    return LegalRoute(start, claim, recovered, recovered_on, policy.legal_cost, round_money(value))


def cap_basis(claim: Claim) -> Decimal:
    """What the all-in cost is measured against: principal + contract interest owed, yuan.

    Penalty and compound interest are costs, not money lent, so they count against the cap.
    """
    return claim.principal + claim.interest


def within_cap(plan: Plan, basis: Decimal, cap_annual_rate: Decimal) -> bool:
    """True when the plan's all-in annual cost does not exceed ``cap_annual_rate``.

    Instalment j falls j months after the start of the current period, so the all-in monthly
    rate r solves Σ payment_j (1 + r)^−j = basis; r ≤ cap / 12 exactly when
    Σ payment_j (1 + cap/12)^−j ≤ basis + tolerance. The tolerance, half a cent per instalment,
    is the rounding of each instalment's interest to the cent, which can push a schedule at exactly
    the cap rate a few cents over it.
    """
    with localcontext() as context:
        context.prec = 40
        step = 1 + cap_annual_rate / 12
        pv = sum(
            (i.payment / step**i.number for i in plan.schedule),
            ZERO,
        )
        return pv <= basis + HALF_CENT * len(plan.schedule)


def all_in_annual_rate(plan: Plan, basis: Decimal) -> Decimal | None:
    """12 × the monthly IRR r of the payments against ``basis``, six places; ``None`` if basis is 0.

    Σ payment_j (1 + r)^−j = basis, j = instalment number, solved by bisection on
    r ∈ [−0.5, 1] a month in binary floating point (60 halvings: far below the sixth place); the
    figure is for display; the cap itself is checked exactly by :func:`within_cap`.
    """
    if basis <= 0:
        return None
    payments = [(i.number, float(i.payment)) for i in plan.schedule if i.payment]
    target = float(basis)

    def excess(r: float) -> float:
        return sum(p * (1 + r) ** -j for j, p in payments) - target

    low, high = -0.5, 1.0
    if excess(low) < 0:
        return (Decimal(12) * Decimal(low)).quantize(RATE_PLACES)
    if excess(high) > 0:
        return (Decimal(12) * Decimal(high)).quantize(RATE_PLACES)
    for _ in range(60):
        middle = (low + high) / 2
        if excess(middle) > 0:
            low = middle
        else:
            high = middle
    return (Decimal(12) * Decimal(repr((low + high) / 2))).quantize(RATE_PLACES)


def success_probability(margin: Decimal, years: Decimal, policy: RemedyPolicy) -> Decimal:
    """The chance the plan is kept: 1 / (1 + e^−z), four places.

    z = success_intercept + success_margin_slope × margin + success_term_slope × years, with
    margin the plan's affordability margin (−1 … 1) and years the plan's length from ``as_of``.
    It rises with the margin (the slope is validated ≥ 0).
    """
    z = (
        policy.success_intercept
        + policy.success_margin_slope * margin
        + policy.success_term_slope * years
    )
    probability = 1 / (1 + math.exp(-float(z)))
    return Decimal(repr(probability)).quantize(PROBABILITY_PLACES)


def margin_of(payment: Decimal, limit: Decimal) -> Decimal:
    """(limit − payment) / limit clipped to [−1, 1], four places; −1 when limit ≤ 0."""
    if limit <= 0:
        return Decimal(-1)
    return max(Decimal(-1), min(Decimal(1), (limit - payment) / limit)).quantize(PROBABILITY_PLACES)


def binding(plan: Plan, means: Means) -> NewInstallment | None:
    """The instalment with the least room within its month's limit (the earliest on a tie):
    the one that decides whether the plan fits; ``None`` when nothing is to be paid."""

    def room(i: NewInstallment) -> tuple[int, Decimal, int]:
        limit = means.limit_for(i.number)
        if limit <= 0:
            return (0, -i.payment, i.number)
        return (1, (limit - i.payment) / limit, i.number)

    return min((i for i in plan.schedule if i.payment), key=room, default=None)


def judge(plan: Plan, means: Means) -> tuple[Decimal, Decimal, bool]:
    """(limit, margin, affordable) of ``plan`` against ``means``, month by month.

    affordable: every payment within its month's limit, and that limit above 0;
    margin: :func:`margin_of` the :func:`binding` instalment (the smallest over the months);
    limit: for an affordable plan, the limit of the month of the largest payment (so that
    payment ≤ limit reads true); otherwise the limit of the binding instalment, the month that
    does not fit.
    """
    tight = binding(plan, means)
    if tight is None:
        return means.limit, margin_of(ZERO, means.limit), True
    tight_limit = means.limit_for(tight.number)
    margin = margin_of(tight.payment, tight_limit)
    if tight_limit <= 0 or tight.payment > tight_limit:
        return tight_limit, margin, False
    largest = plan.monthly_payment
    limit = min(means.limit_for(i.number) for i in plan.schedule if i.payment == largest)
    return limit, margin, True


def evaluate(
    plan: Plan,
    state: LoanState,
    policy: RemedyPolicy,
    *,
    limit: Decimal | Means,
    legal_value: Decimal,
) -> Option:
    """The figures of ``plan`` against the borrower's means (monthly limits, or the lump sum).

    ``limit`` is a :class:`Means` (limits month by month) or one amount for every month (the lump
    sum for a settlement). Steps: payment = the settlement sum or the largest instalment;
    limit, margin and affordable by :func:`judge`; success probability, all-in rate and cap as in
    the functions above; expected_value = p × PV(plan) + (1 − p) × legal route started at the
    first due date. A referral has no schedule: it asks nothing, and its value is the legal route
    started once collection resumes.
    """
    means = limit if isinstance(limit, Means) else Means(limit, limit)
    if plan.remedy is Remedy.REFERRAL:
        return _referral_option(plan, state, policy, means, legal_value)
    payment = plan.monthly_payment
    judged_limit, margin, affordable = judge(plan, means)
    last_due = plan.schedule[-1].due_date
    years = Decimal((last_due - state.as_of).days) / 365
    probability = success_probability(margin, years, policy)
    plan_value = present_value(plan.schedule, state.as_of, policy.cost_of_funds)
    failure = legal_route(state, policy, plan.schedule[0].due_date).expected_value
    basis = cap_basis(plan.reconciliation.before)
    expected = round_money(probability * plan_value + (1 - probability) * failure)
    return Option(
        plan=plan,
        limit=judged_limit,
        payment=payment,
        affordable=affordable,
        margin=margin,
        all_in_annual_rate=all_in_annual_rate(plan, basis),
        within_cap=within_cap(plan, basis, policy.cap_annual_rate),
        cap_annual_rate=policy.cap_annual_rate,
        success_probability=probability,
        plan_value=plan_value,
        failure_value=failure,
        expected_value=expected,
        legal_value=legal_value,
        means=means if isinstance(limit, Means) else None,
    )


def _referral_option(
    plan: Plan, state: LoanState, policy: RemedyPolicy, means: Means, legal_value: Decimal
) -> Option:
    resumes = add_months(state.as_of, plan.months or 0)
    failure = legal_route(state, policy, resumes).expected_value
    return Option(
        plan=plan,
        limit=means.limit,
        payment=ZERO,
        affordable=True,
        margin=margin_of(ZERO, means.limit),
        all_in_annual_rate=None,
        within_cap=True,
        cap_annual_rate=policy.cap_annual_rate,
        success_probability=Decimal(0),
        plan_value=ZERO,
        failure_value=failure,
        expected_value=failure,
        legal_value=legal_value,
        means=means,
    )


def borrower_means(state: LoanState, affordability: Affordability, policy: RemedyPolicy) -> Means:
    """The borrower's :class:`Means` for ``state``: the limit now, the lump sum, and the limit
    after the recovery (:func:`limit_after_recovery`, with the loan's next regular instalment as
    what the borrower paid before the hardship)."""
    share = policy.affordable_share
    regular = state.upcoming[0].payment if state.upcoming else ZERO
    return Means(
        limit=payment_limit(affordability, share),
        lump_sum=affordability.lump_sum_available,
        recovery_months=affordability.recovery_months,
        limit_after=limit_after_recovery(affordability, share, regular),
    )


def evaluate_options(
    state: LoanState, affordability: Affordability, policy: RemedyPolicy
) -> tuple[Option, ...]:
    """Every option the policy allows for ``state``, with its figures, in :class:`Remedy` order.

    The monthly limits are :func:`borrower_means`: ``policy.affordable_share`` × disposable
    income now, and after the recovery the recovered limit; a settlement is judged against
    ``affordability.lump_sum_available`` instead. When no option is affordable and within the
    cap, and the policy allows it, a referral is added: there is always something humane to
    propose.
    """
    means = borrower_means(state, affordability, policy)
    legal_value = legal_route(state, policy).expected_value
    plans = build_plans(state, policy, means)
    options = [
        evaluate(
            plan,
            state,
            policy,
            limit=means.lump_sum if plan.remedy is Remedy.SETTLEMENT else means,
            legal_value=legal_value,
        )
        for plan in plans
    ]
    fits = any(o.affordable and o.within_cap for o in options)
    if not fits and policy.allows(Remedy.REFERRAL):
        plan = referral(state, policy.referral_hold_months)
        options.append(evaluate(plan, state, policy, limit=means, legal_value=legal_value))
    return tuple(options)
