"""The priority of a visit: its expected benefit, behind one function, :func:`expected_benefit`.

A learned estimate can replace the table-driven one later by providing a function of the same
signature that returns a :class:`Priority`; nothing else in the engine computes priority.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fieldvisit.engines.money import round_money
from fieldvisit.engines.scoring.facts import CaseFacts, PastOutcome, past_outcome
from fieldvisit.engines.scoring.strategy import Purpose, VisitStrategy

_OUTCOME_LABELS: dict[PastOutcome, tuple[str, str]] = {
    PastOutcome.NOT_TRIED: ("尚未远程联系", "not yet tried by call or SMS"),
    PastOutcome.NEVER_REACHED: ("电话短信从未联系上", "never reached by call or SMS"),
    PastOutcome.REACHED: ("曾联系上", "reached before"),
    PastOutcome.REFUSED: ("曾拒绝沟通", "refused to talk before"),
    PastOutcome.PROMISED: ("曾承诺还款", "promised to pay before"),
}
_ASKED_LABEL = ("借款人要求上门", "the borrower asked for the visit")


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One multiplier applied to the base lift, with what it stands for."""

    name: str
    factor: Decimal
    label_zh: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Priority:
    """The expected benefit of one visit, with every term that made it.

    Attributes:
        amount_at_risk: yuan, rounded to the cent.
        base_lift: the strategy table's lift for the bucket and purpose, a fraction.
        adjustments: the multipliers applied to it, in order.
        lift: ``min(1, base_lift × Π factors)``, exact.
        expected_benefit: ``round_money(amount_at_risk × lift)``, yuan.
        prize_units: the routing prize, an int ≥ 1 (see :func:`expected_benefit`).
        explanation_zh, explanation_en: one sentence, "why this visit".
    """

    amount_at_risk: Decimal
    base_lift: Decimal
    adjustments: tuple[Adjustment, ...]
    lift: Decimal
    expected_benefit: Decimal
    prize_units: int
    explanation_zh: str
    explanation_en: str


def expected_benefit(facts: CaseFacts, purpose: Purpose, strategy: VisitStrategy) -> Priority:
    """The expected benefit of visiting this case for this purpose, in yuan.

    With ``w = strategy.priority``:

    1. amount at risk (yuan) = round_money(w.due_weight × total_due
       + w.principal_weight × outstanding_principal + w.dpd_weight × dpd
       + w.random_weight × u), u in [0, 1) from :func:`case_draw` (case id, dpd);
    2. base lift = w.lift[bucket][purpose] (row ``"*"`` for a bucket without a row): the rise in
       the probability that the loan cures because of the visit;
    3. adjustments: × w.outcome_factors[past outcome] (:func:`~.facts.past_outcome`), and
       × w.borrower_asked_factor when the borrower asked;
    4. lift = min(1, base × Π factors);
    5. expected benefit = round_money(amount at risk × lift) yuan;
    6. prize_units = max(1, expected benefit / w.prize_unit_yuan rounded half-up): with the
       default unit 0.01 the prize is the benefit in **fen**, the routing engine's prize unit.
       At least 1 so that every candidate is worth something to the router, which still weighs
       it against travel.

    Monotone: with non-negative weights, more total due never lowers the benefit or the prize.
    """
    weights = strategy.priority
    at_risk = round_money(
        weights.due_weight * facts.total_due
        + weights.principal_weight * facts.outstanding_principal
        + weights.dpd_weight * facts.dpd
        + (weights.random_weight * case_draw(facts) if weights.random_weight else Decimal(0))
    )
    base = weights.base_lift(facts.bucket, purpose)
    outcome = past_outcome(facts)
    adjustments = [
        Adjustment(
            f"outcome:{outcome.value}", weights.outcome_factors[outcome], *_OUTCOME_LABELS[outcome]
        )
    ]
    if facts.borrower_asked_visit:
        adjustments.append(
            Adjustment("borrower_asked", weights.borrower_asked_factor, *_ASKED_LABEL)
        )
    lift = base
    for adjustment in adjustments:
        lift *= adjustment.factor
    lift = min(Decimal(1), lift)
    benefit = round_money(at_risk * lift)
    units = (benefit / weights.prize_unit_yuan).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    spec = strategy.purposes[purpose]
    terms_zh = " × ".join(
        [f"基准 {_points(base)}"] + [f"{_num(a.factor)} {a.label_zh}" for a in adjustments]
    )
    terms_en = " × ".join(
        [f"base {_points(base)}"] + [f"{_num(a.factor)} {a.label_en}" for a in adjustments]
    )
    return Priority(
        amount_at_risk=at_risk,
        base_lift=base,
        adjustments=tuple(adjustments),
        lift=lift,
        expected_benefit=benefit,
        prize_units=max(1, int(units)),
        explanation_zh=(
            f"风险金额 {at_risk:,.2f} 元，{facts.bucket} 阶段上门进行“{spec.label_zh}”"
            f"预计可将结清概率提高 {_points(lift)} 个百分点（{terms_zh}），"
            f"预期收益 {benefit:,.2f} 元。"
        ),
        explanation_en=(
            f"{at_risk:,.2f} yuan is at risk, and a {spec.label_en.lower()} visit in "
            f"{facts.bucket} should raise the chance of cure by {_points(lift)} points "
            f"({terms_en}): an expected benefit of {benefit:,.2f} yuan."
        ),
    )


def case_draw(facts: CaseFacts) -> Decimal:
    """A number in [0, 1) from the case id and its days past due: a fresh, reproducible draw for
    each day of a case (BLAKE2b of ``"<case id>:<dpd>"``, first 8 bytes over 2⁶⁴), exact to 1e-6."""
    digest = hashlib.blake2b(f"{facts.case_id}:{facts.dpd}".encode(), digest_size=8).digest()
    return Decimal(int.from_bytes(digest, "big") * 1_000_000 >> 64) / Decimal(1_000_000)


def _points(fraction: Decimal) -> str:
    return f"{fraction * 100:.1f}"


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")
