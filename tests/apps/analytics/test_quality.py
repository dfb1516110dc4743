"""Quality on the demo generator's data, where the truth is known (no database needed).

The demo records no visits, and its behaviour model (``fieldvisit/demo/behaviour.py``) builds in
no visit effect. So both checks simulate the visits on top of a generated book, leaving the
generator's output for every seed untouched:

1. **Causes.** The visited borrowers are a sample of those with a delinquent loan; each report
   records the borrower's hidden cause correctly with probability 1 − ε (ε = 15 %) and otherwise
   a cause drawn uniformly from the others. The recorded distribution must match what this
   model predicts from the hidden causes (chi-square, p > 0.001) and lie within ε + sampling
   error of the hidden distribution in total variation.
2. **Visit effect.** Visits go mostly to the deeper buckets (which cure less), so a crude
   comparison is biased against visits. A visit adds a known 10 points to the chance of curing
   within 30 days. The matched comparison must find a positive effect whose 95 % interval holds
   the true 10 points, while the crude difference is visibly off.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from fieldvisit.apps.analytics.refresh import AMOUNT_BANDS
from fieldvisit.demo.behaviour import PROFILES
from fieldvisit.demo.generator import GenerateParams, Generator
from fieldvisit.engines.analytics.distribution import chi_square, shares, total_variation
from fieldvisit.engines.analytics.matching import StratumCounts, matched_comparison

#: The generator's hidden causes → the causes a visit report offers (visits.models.Cause).
RECORDED_AS = {
    "none": "other",
    "job_loss": "job_loss",
    "illness": "illness",
    "business_failure": "business_failure",
    "over_indebtedness": "over_indebted",
    "weak_money_management": "money_management",
    "mis_selling": "missold",
    "dispute": "dispute",
    "wilful_non_payment": "unwilling",
}
MISRECORDED = 0.15
VISIT_EFFECT = 0.10


@pytest.fixture(scope="module")
def delinquent() -> pl.DataFrame:
    """One row per delinquent active loan of a 30,000-loan demo book: its borrower's hidden
    cause, DPD, amount, product and district."""
    generator = Generator(GenerateParams(loans=30_000, as_of=dt.date(2025, 6, 10), seed=7))
    tables = dict(generator.tables())
    truth = tables["ground_truth"].select("borrower_number", "cause")
    loans = tables["loans"].with_columns(dpd=pl.Series(generator.summary.loan_dpd))
    districts = tables["borrowers"].select("borrower_number", "home_district")
    return (
        loans.filter(pl.col("dpd") > 0)
        .join(truth, on="borrower_number")
        .join(districts, on="borrower_number")
        .select(
            "borrower_number",
            "cause",
            "dpd",
            "product_code",
            "home_district",
            pl.col("principal").cast(pl.Float64).alias("amount"),
        )
    )


def test_recorded_causes_match_the_hidden_causes_within_sampling_error(delinquent):
    rng = np.random.default_rng(11)
    visited = delinquent.unique("borrower_number").sample(n=800, seed=3)
    labels = sorted(set(RECORDED_AS.values()))
    hidden = [RECORDED_AS[c] for c in visited["cause"]]
    recorded = []
    for truth in hidden:
        if rng.random() < MISRECORDED:
            others = [c for c in labels if c != truth]
            recorded.append(others[rng.integers(len(others))])
        else:
            recorded.append(truth)
    hidden_shares = shares({c: hidden.count(c) for c in labels})
    recorded_counts = {c: recorded.count(c) for c in labels}
    k = len(labels)
    predicted = {
        c: (1 - MISRECORDED) * hidden_shares[c] + MISRECORDED * (1 - hidden_shares[c]) / (k - 1)
        for c in labels
    }

    _statistic, dof, p_value = chi_square(recorded_counts, predicted)

    assert dof == k - 1
    assert p_value > 0.001
    n = len(recorded)
    sampling = 3 * math.sqrt(k / (4 * n))
    assert total_variation(shares(recorded_counts), hidden_shares) <= MISRECORDED + sampling
    # The test can fail: recording every cause as "other" is far outside the bound.
    assert total_variation({"other": 1.0}, hidden_shares) > MISRECORDED + sampling


def _band(amount: float) -> str:
    return next(name for name, upper in AMOUNT_BANDS if amount < upper)


def test_the_matched_visit_effect_recovers_the_effect_built_into_the_simulation(delinquent):
    rng = np.random.default_rng(5)
    units = delinquent.with_columns(
        bucket=pl.col("dpd").map_elements(lambda d: min(7, (d - 1) // 30 + 1), pl.Int64),
        band=pl.col("amount").map_elements(_band, pl.String),
    )
    # Baseline chance of curing within 30 days: the cause's monthly recovery × catch-up share,
    # halved per bucket past M1 (deeper arrears cure less); 5 % for borrowers with no cause.
    base = np.array(
        [
            (PROFILES[c].monthly_recovery * PROFILES[c].catch_up if c in PROFILES else 0.05)
            / 2 ** (b - 1)
            for c, b in zip(units["cause"], units["bucket"], strict=True)
        ]
    )
    visited = rng.random(units.height) < np.clip(0.15 * units["bucket"].to_numpy(), 0, 0.9)
    cured = rng.random(units.height) < base + VISIT_EFFECT * visited
    strata: dict[tuple[object, ...], list[int]] = {}
    keys = zip(
        units["bucket"], units["band"], units["product_code"], units["home_district"], strict=True
    )
    for key, v, c in zip(keys, visited, cured, strict=True):
        s = strata.setdefault(key, [0, 0, 0, 0])
        s[0 if v else 2] += 1
        s[1 if v else 3] += int(c)

    result = matched_comparison(StratumCounts(k, *s) for k, s in strata.items())
    d = result.comparison

    assert d.too_few == ""
    assert d.low > 0
    assert d.low <= VISIT_EFFECT <= d.high
    assert abs(d.difference - VISIT_EFFECT) < 0.05
    crude = cured[visited].mean() - cured[~visited].mean()
    assert crude < VISIT_EFFECT - 0.03
