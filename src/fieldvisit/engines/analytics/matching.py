"""Matched comparison: did the treated units (visited cases, cases given a remedy) cure more
often than comparable untreated ones?

Exact matching on strata (bucket, amount band, product, district): within each stratum the
treated and control cure rates are compared, and the control rates are averaged with the treated
units' weights (the effect on the treated, "ATT"). Treated units in a stratum without controls
are left out and counted.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from fieldvisit.engines.analytics.proportions import Difference, newcombe, wilson


@dataclass(frozen=True, slots=True)
class StratumCounts:
    """One stratum: ``treated`` units of which ``treated_cured`` cured; likewise for controls."""

    key: Hashable
    treated: int
    treated_cured: int
    control: int
    control_cured: int


@dataclass(frozen=True, slots=True)
class MatchedComparison:
    """The result: ``comparison.first`` is the treated group (matched strata only),
    ``comparison.second`` the standardised control group with its effective size;
    ``unmatched`` treated units had no control in their stratum; ``strata`` is how many strata
    were used."""

    comparison: Difference
    matched_treated: int
    unmatched: int
    strata: int
    controls: int


@dataclass(frozen=True, slots=True)
class MatchedSums:
    """The sums a matched comparison needs, over the strata with both groups (a database can
    compute them in one GROUP BY): Σ t_s, Σ treated cured, Σ t_s·q_s, Σ t_s²·q_s(1 − q_s)/n_s,
    Σ n_s; plus the treated units in strata without controls."""

    treated: int
    treated_cured: int
    weighted_rate: float
    weighted_variance: float
    controls: int
    strata: int
    unmatched: int


def matched_comparison(strata: Iterable[StratumCounts]) -> MatchedComparison:
    """Compare treated and control cure rates over strata with both (see
    :func:`comparison_from_sums` for the formulas)."""
    all_strata = list(strata)
    used = [s for s in all_strata if s.treated > 0 and s.control > 0]
    return comparison_from_sums(
        MatchedSums(
            treated=sum(s.treated for s in used),
            treated_cured=sum(s.treated_cured for s in used),
            weighted_rate=sum(s.treated * s.control_cured / s.control for s in used),
            weighted_variance=sum(
                s.treated**2
                * (s.control_cured / s.control)
                * (1 - s.control_cured / s.control)
                / s.control
                for s in used
            ),
            controls=sum(s.control for s in used),
            strata=len(used),
            unmatched=sum(s.treated for s in all_strata if s.control == 0),
        )
    )


def comparison_from_sums(sums: MatchedSums) -> MatchedComparison:
    """The matched comparison from its sums.

    1. strata with ≥ 1 treated and ≥ 1 control unit; weight w_s = t_s / T, T = Σ t_s;
    2. treated rate p1 = Σ treated cured / T (Wilson interval);
    3. control rate p2 = Σ w_s · q_s (q_s: the control cure rate in s), variance
       V = Σ w_s² · q_s(1 − q_s) / n_s; its Wilson interval uses the effective size
       n_eff = p2(1 − p2) / V (Σ n_s when V = 0), never more than Σ n_s;
    4. difference p1 − p2 with Newcombe's interval, and the too-few rule on both groups.
    """
    treated = sums.treated
    first = wilson(sums.treated_cured, treated)
    if treated == 0:
        second = wilson(0, 0)
    else:
        p2 = sums.weighted_rate / treated
        variance = sums.weighted_variance / (treated * treated)
        n_eff = p2 * (1 - p2) / variance if variance > 0 else float(sums.controls)
        # Standardising can only lose precision: never claim more than the controls there are.
        n_eff = min(n_eff, float(sums.controls))
        second = wilson(min(max(p2, 0.0), 1.0) * n_eff, n_eff)
    return MatchedComparison(
        comparison=newcombe(first, second),
        matched_treated=treated,
        unmatched=sums.unmatched,
        strata=sums.strata,
        controls=sums.controls,
    )
