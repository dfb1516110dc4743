"""Paired differences of a measure over repeated runs, with a Student-t 95 % interval.

The strategy lab runs every strategy on the same books with the same seeds, so the runs come in
pairs: run *i* of strategy A and run *i* of strategy B saw the same borrowers and the same luck.
The difference of a measure is estimated from the per-pair differences dᵢ = aᵢ − bᵢ, which is far
more precise than comparing two independent means (common random numbers):

    mean d̄ = Σ dᵢ / n,   s = √(Σ (dᵢ − d̄)² / (n − 1)),   d̄ ± t₀.₉₇₅,ₙ₋₁ · s / √n.

The t quantile is computed, not looked up: the Student-t distribution function is written with
the regularised incomplete beta function (continued fraction, Lentz's method) and inverted by
bisection. ``student_t_quantile(0.975, 4)`` = 2.7764451…, the textbook value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Two-sided 95 %.
LEVEL = 0.95


class InvalidPairs(ValueError):
    """The two series cannot be paired (different lengths, fewer than two pairs, not finite)."""


@dataclass(frozen=True, slots=True)
class PairedDifference:
    """Mean of aᵢ − bᵢ over ``n`` pairs and its two-sided 95 % interval [``low``, ``high``].

    ``relative`` is the difference as a share of the mean of b (``None`` when that mean is 0):
    0.2 means "a is 20 % higher than b". ``significant``: the interval excludes 0.
    """

    n: int
    mean_a: float
    mean_b: float
    difference: float
    low: float
    high: float
    relative: float | None

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0


def paired_difference(a: Sequence[float], b: Sequence[float]) -> PairedDifference:
    """The paired difference of ``a`` and ``b`` (same length n ≥ 2) with its t interval.

    Steps: dᵢ = aᵢ − bᵢ; d̄ and the sample standard deviation s of the dᵢ; half-width
    t(0.975, n − 1) · s / √n. Identical pairs give a zero-width interval at d̄.
    """
    if len(a) != len(b):
        raise InvalidPairs(f"a has {len(a)} values and b {len(b)}: they must pair up")
    n = len(a)
    if n < 2:
        raise InvalidPairs(f"an interval needs at least 2 pairs, got {n}")
    if not all(math.isfinite(x) for x in (*a, *b)):
        raise InvalidPairs("values must be finite numbers")
    diffs = [x - y for x, y in zip(a, b, strict=True)]
    mean = math.fsum(diffs) / n
    variance = math.fsum((d - mean) ** 2 for d in diffs) / (n - 1)
    half = student_t_quantile(0.5 + LEVEL / 2, n - 1) * math.sqrt(variance / n)
    mean_a, mean_b = math.fsum(a) / n, math.fsum(b) / n
    return PairedDifference(
        n=n,
        mean_a=mean_a,
        mean_b=mean_b,
        difference=mean,
        low=mean - half,
        high=mean + half,
        relative=(mean / mean_b) if mean_b else None,
    )


def student_t_cdf(t: float, dof: float) -> float:
    """P(T ≤ t) for Student's t with ``dof`` > 0 degrees of freedom.

    P(T ≤ t) = 1 − ½ I_x(dof/2, ½) for t ≥ 0, with x = dof / (dof + t²); symmetric for t < 0.
    """
    if dof <= 0:
        raise ValueError(f"dof: must be positive, got {dof}")
    if t == 0:
        return 0.5
    x = dof / (dof + t * t)
    tail = 0.5 * regularised_incomplete_beta(x, dof / 2, 0.5)
    return 1.0 - tail if t > 0 else tail


def student_t_quantile(p: float, dof: float) -> float:
    """The t with P(T ≤ t) = ``p`` (0 < p < 1), by bisection on :func:`student_t_cdf` to
    1e-12."""
    if not 0 < p < 1:
        raise ValueError(f"p: must be between 0 and 1, got {p}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -student_t_quantile(1 - p, dof)
    low, high = 0.0, 1.0
    while student_t_cdf(high, dof) < p:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if student_t_cdf(middle, dof) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2


def regularised_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) for 0 ≤ x ≤ 1 and a, b > 0.

    I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · 1 / (1 + d₁ / (1 + d₂ / (1 + …))), the continued
    fraction evaluated by Lentz's method; for x > (a + 1) / (a + b + 2) the symmetry
    I_x(a, b) = 1 − I_{1−x}(b, a) keeps it converging fast.
    """
    if not 0 <= x <= 1:
        raise ValueError(f"x: must be between 0 and 1, got {x}")
    if x in (0, 1):
        return float(x)
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1) / (a + b + 2):
        return 1.0 - math.exp(log_front) * _beta_fraction(1 - x, b, a) / b
    return math.exp(log_front) * _beta_fraction(x, a, b) / a


def _beta_fraction(x: float, a: float, b: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h
