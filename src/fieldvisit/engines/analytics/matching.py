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


def matched_comparison(strata: Iterable[StratumCounts]) -> MatchedComparison:
    """Compare treated and control cure rates over strata with both.

    1. keep strata with ≥ 1 treated and ≥ 1 control unit; weight w_s = treated_s / Σ treated;
    2. treated rate p1 = Σ treated_cured_s / Σ treated_s (Wilson interval);
    3. control rate p2 = Σ w_s · c_s / n_s (c_s, n_s: control cured and units in s), with
       variance V = Σ w_s² · q_s(1 − q_s) / n_s, q_s = c_s / n_s; its Wilson interval uses the
       effective size n_eff = p2(1 − p2) / V (Σ n_s when V = 0);
    4. difference p1 − p2 with Newcombe's interval, and the too-few rule on both groups.
    """
    all_strata = list(strata)
    used = [s for s in all_strata if s.treated > 0 and s.control > 0]
    unmatched = sum(s.treated for s in all_strata if s.control == 0)
    treated = sum(s.treated for s in used)
    treated_cured = sum(s.treated_cured for s in used)
    controls = sum(s.control for s in used)
    first = wilson(treated_cured, treated)
    if treated == 0:
        second = wilson(0, 0)
    else:
        p2 = 0.0
        variance = 0.0
        for s in used:
            w = s.treated / treated
            q = s.control_cured / s.control
            p2 += w * q
            variance += w * w * q * (1 - q) / s.control
        n_eff = p2 * (1 - p2) / variance if variance > 0 else float(controls)
        # Standardising can only lose precision: never claim more than the controls there are.
        n_eff = min(n_eff, float(controls))
        second = wilson(min(p2 * n_eff, n_eff), n_eff)
    return MatchedComparison(
        comparison=newcombe(first, second),
        matched_treated=treated,
        unmatched=unmatched,
        strata=len(used),
        controls=controls,
    )
