"""Comparing two distributions over categories: shares, total variation, chi-square test.

Used to check that the causes recorded in visit reports match a reference distribution (for
example the demo generator's hidden causes) within sampling error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping


def shares(counts: Mapping[str, float]) -> dict[str, float]:
    """Each category's count / the total (all 0 when the total is 0)."""
    total = sum(counts.values())
    return {k: (v / total if total else 0.0) for k, v in counts.items()}


def total_variation(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Total variation distance ½ Σ |p_k − q_k| over the union of categories (0 … 1)."""
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)


def chi_square(
    observed: Mapping[str, int], expected_shares: Mapping[str, float]
) -> tuple[float, int, float]:
    """Pearson's goodness-of-fit test of ``observed`` counts against ``expected_shares``.

    X² = Σ (O_k − E_k)² / E_k with E_k = n · share_k over categories with a positive expected
    share; degrees of freedom = categories − 1; p-value = Q(dof/2, X²/2), the regularised upper
    incomplete gamma function. An observed count in a category of expected share 0 gives p = 0.
    """
    n = sum(observed.values())
    statistic = 0.0
    categories = 0
    for key, share in expected_shares.items():
        if share <= 0:
            continue
        categories += 1
        expected = n * share
        statistic += (observed.get(key, 0) - expected) ** 2 / expected
    if any(observed.get(k, 0) > 0 for k in observed if expected_shares.get(k, 0.0) <= 0):
        return math.inf, max(categories - 1, 1), 0.0
    dof = max(categories - 1, 1)
    return statistic, dof, _upper_gamma_q(dof / 2, statistic / 2)


def _upper_gamma_q(a: float, x: float) -> float:
    """Q(a, x) = Γ(a, x) / Γ(a): series for x < a + 1, Lentz's continued fraction otherwise."""
    if x <= 0:
        return 1.0
    log_prefix = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(1000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_prefix) * h)
