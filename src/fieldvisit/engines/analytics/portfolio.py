"""Roll rates, cure rates, vintage curves and expected loss, from counts the app aggregates.

Buckets are the delinquency engine's names (M0, M1, …, M7+); their order is the caller's (the
policy's), passed in as ``buckets``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fieldvisit.engines.analytics.proportions import Proportion, wilson

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Transition:
    """``loans`` whose bucket was ``from_bucket`` at one month end and ``to_bucket`` at the next
    (``to_bucket`` "" = the loan left the book: settled or written off)."""

    from_bucket: str
    to_bucket: str
    loans: int


@dataclass(frozen=True, slots=True)
class RollMatrix:
    """``shares[i][j]``: share of the loans in ``buckets[i]`` at a month end found in
    ``columns[j]`` a month later (rows sum to 1 where ``totals[i]`` > 0); ``counts`` the same in
    loans. ``columns`` are the buckets plus "" (left the book) when any loan left."""

    buckets: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    totals: tuple[int, ...]
    shares: tuple[tuple[float, ...], ...]


def roll_matrix(transitions: Iterable[Transition], buckets: Sequence[str]) -> RollMatrix:
    """Month-over-month roll-rate matrix.

    share(i → j) = loans in i at month end t and in j at t + 1 / loans in i at t.
    Transitions naming an unknown bucket raise ``ValueError`` (the policy's buckets changed).
    """
    order = tuple(buckets)
    index = {b: k for k, b in enumerate(order)}
    rows = list(transitions)
    left = any(t.to_bucket == "" for t in rows)
    columns = (*order, "") if left else order
    col_index = {b: k for k, b in enumerate(columns)}
    counts = [[0] * len(columns) for _ in order]
    for t in rows:
        if t.from_bucket not in index or t.to_bucket not in col_index:
            raise ValueError(f"bucket: unknown bucket in {t.from_bucket!r} → {t.to_bucket!r}")
        counts[index[t.from_bucket]][col_index[t.to_bucket]] += t.loans
    totals = tuple(sum(row) for row in counts)
    shares = tuple(
        tuple((c / total if total else 0.0) for c in row)
        for row, total in zip(counts, totals, strict=True)
    )
    return RollMatrix(
        buckets=order,
        columns=columns,
        counts=tuple(tuple(row) for row in counts),
        totals=totals,
        shares=shares,
    )


def cure_rates(matrix: RollMatrix) -> dict[str, Proportion]:
    """Per delinquent bucket (every bucket but the first): the share of its loans back in the
    first bucket (M0) a month later, with its Wilson interval. Loans that left the book are in
    the denominator (a settlement is not counted as a cure)."""
    cured_column = matrix.columns.index(matrix.buckets[0])
    return {
        bucket: wilson(matrix.counts[i][cured_column], matrix.totals[i])
        for i, bucket in enumerate(matrix.buckets)
        if i > 0
    }


@dataclass(frozen=True, slots=True)
class VintageCell:
    """Loans of one origination month (``vintage``, "YYYY-MM") observed ``months_on_book`` months
    after it, of which ``bad`` were at or past the bad threshold (e.g. 30+ DPD)."""

    vintage: str
    months_on_book: int
    loans: int
    bad: int


def vintage_curves(cells: Iterable[VintageCell]) -> dict[str, list[tuple[int, float]]]:
    """Per vintage, the points (months on book, bad loans / loans), months ascending; cells of
    the same vintage and month on book are added."""
    sums: dict[tuple[str, int], list[int]] = {}
    for c in cells:
        acc = sums.setdefault((c.vintage, c.months_on_book), [0, 0])
        acc[0] += c.loans
        acc[1] += c.bad
    curves: dict[str, list[tuple[int, float]]] = {}
    for (vintage, mob), (loans, bad) in sorted(sums.items()):
        if loans:
            curves.setdefault(vintage, []).append((mob, bad / loans))
    return curves


def expected_loss(
    balances: Mapping[str, Decimal], loss_rates: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Expected loss per class, yuan: balance × loss rate, rounded half-up to the cent.

    A class without a rate raises ``ValueError`` naming it: a missing rate must not read as 0.
    """
    result: dict[str, Decimal] = {}
    for cls, balance in balances.items():
        if cls not in loss_rates:
            raise ValueError(f"loss_rates: no loss rate for class {cls!r}")
        result[cls] = (balance * loss_rates[cls]).quantize(CENT, rounding=ROUND_HALF_UP)
    return result
