"""The lender's products, borrowers' employment and income, and how they pick a product.

Modelled on a Chinese consumer-finance lender's shelf (工薪贷, 生意贷, 车主贷, 保单贷, 房主贷 and a
small online loan): amounts, annual rates within 8 %–24 %, terms of 6–36 months and all three
repayment methods of design.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Repayment methods, in the order of ``vectorised_schedule.METHOD_ORDER``.
METHODS = ("equal_installment", "equal_principal", "interest_only")
CHANNELS = ("branch", "online", "agent", "partner")
EMPLOYMENT_TYPES = (
    "salaried",
    "civil_servant",
    "self_employed",
    "business_owner",
    "gig_worker",
    "retired",
)
EMPLOYMENT_WEIGHTS = (0.50, 0.05, 0.17, 0.12, 0.12, 0.04)
#: Employment types whose income is a business's (business_failure can strike them, job_loss not).
BUSINESS_EMPLOYMENT = ("self_employed", "business_owner")
#: Monthly income bands, yuan: < 5 000, 5 000–10 000, 10 000–20 000, 20 000–50 000, ≥ 50 000.
INCOME_BANDS = ("lt_5k", "5k_10k", "10k_20k", "20k_50k", "ge_50k")
INCOME_BY_EMPLOYMENT = (
    (0.10, 0.35, 0.35, 0.15, 0.05),
    (0.00, 0.30, 0.50, 0.18, 0.02),
    (0.10, 0.30, 0.30, 0.20, 0.10),
    (0.02, 0.13, 0.30, 0.35, 0.20),
    (0.25, 0.50, 0.20, 0.05, 0.00),
    (0.40, 0.40, 0.15, 0.05, 0.00),
)
#: Age range (inclusive) at the as-of date, by employment type.
AGE_BY_EMPLOYMENT = ((22, 55), (24, 58), (24, 60), (26, 60), (20, 50), (55, 65))


@dataclass(frozen=True)
class Product:
    """A loan product. Amounts in yuan, rates as basis points a year (1 bp = 0.01 %)."""

    code: str
    name_zh: str
    name_en: str
    min_amount: int
    max_amount: int
    amount_step: int
    min_rate_bp: int
    max_rate_bp: int
    terms: tuple[int, ...]
    term_weights: tuple[float, ...]
    method_weights: tuple[float, float, float]
    channel_weights: tuple[float, float, float, float]
    secured: bool


PRODUCTS: tuple[Product, ...] = (
    Product("SAL", "工薪贷", "Salaried consumer loan", 30_000, 300_000, 1000, 900, 1800,
            (12, 24, 36), (0.3, 0.4, 0.3), (0.8, 0.2, 0.0), (0.35, 0.35, 0.20, 0.10), False),
    Product("SBO", "生意贷", "Small-business owner loan", 50_000, 500_000, 1000, 1200, 2400,
            (12, 24, 36), (0.3, 0.4, 0.3), (0.5, 0.15, 0.35), (0.40, 0.10, 0.40, 0.10), False),
    Product("CAR", "车主贷", "Car-owner loan", 30_000, 300_000, 1000, 1000, 2000,
            (12, 24, 36), (0.3, 0.4, 0.3), (0.7, 0.3, 0.0), (0.30, 0.10, 0.30, 0.30), False),
    Product("POL", "保单贷", "Insurance-policy holder loan", 20_000, 200_000, 1000, 800, 1500,
            (12, 24, 36), (0.4, 0.4, 0.2), (0.6, 0.4, 0.0), (0.30, 0.40, 0.30, 0.00), False),
    Product("HOU", "房主贷", "Home-owner loan (secured)", 100_000, 1_000_000, 10_000, 800, 1200,
            (24, 36), (0.4, 0.6), (0.2, 0.4, 0.4), (0.60, 0.00, 0.30, 0.10), True),
    Product("QCK", "小额消费贷", "Small online consumer loan", 3_000, 50_000, 100, 1800, 2400,
            (6, 12), (0.5, 0.5), (1.0, 0.0, 0.0), (0.00, 0.80, 0.00, 0.20), False),
)  # fmt: skip

#: Product weights (columns in PRODUCTS order) by employment type (rows in EMPLOYMENT_TYPES order).
PRODUCT_BY_EMPLOYMENT = (
    (0.35, 0.00, 0.20, 0.15, 0.10, 0.20),
    (0.50, 0.00, 0.15, 0.15, 0.10, 0.10),
    (0.00, 0.40, 0.20, 0.10, 0.10, 0.20),
    (0.00, 0.55, 0.15, 0.05, 0.20, 0.05),
    (0.10, 0.05, 0.20, 0.10, 0.00, 0.55),
    (0.00, 0.00, 0.10, 0.50, 0.30, 0.10),
)


def pick_by_row(rng: np.random.Generator, table: F64, row: I64) -> I64:
    """For each element, a column index drawn with probabilities ``table[row]`` (rows sum to 1)."""
    cumulative = np.cumsum(table, axis=1)
    cumulative[:, -1] = 1.0
    u = rng.random(row.size)
    picked: I64 = (u[:, None] >= cumulative[row]).sum(axis=1).astype(np.int64)
    return picked


def loan_terms(
    rng: np.random.Generator, product: I64, income_band: I64
) -> tuple[I64, I64, I64, I64, I64]:
    """Amount (cents), rate (millionths a year), term (months), method and channel codes per loan.

    Amounts are log-uniform between the product's bounds, pushed up by income and rounded to the
    product's step; rates are priced by risk (lower income, higher rate) within the product's range,
    in whole basis points.
    """
    n = product.size
    lo = np.array([p.min_amount for p in PRODUCTS], dtype=np.float64)[product]
    hi = np.array([p.max_amount for p in PRODUCTS], dtype=np.float64)[product]
    step = np.array([p.amount_step for p in PRODUCTS], dtype=np.int64)[product]
    position = np.clip(0.65 * rng.random(n) + 0.35 * income_band / 4, 0.0, 1.0)
    amount = np.round(lo * (hi / lo) ** position / step).astype(np.int64) * step

    rate_lo = np.array([p.min_rate_bp for p in PRODUCTS], dtype=np.float64)[product]
    rate_hi = np.array([p.max_rate_bp for p in PRODUCTS], dtype=np.float64)[product]
    risk = np.clip(0.65 - 0.12 * income_band + rng.normal(0.0, 0.18, n), 0.0, 1.0)
    rate_bp = np.round(rate_lo + (rate_hi - rate_lo) * risk).astype(np.int64)

    width = max(len(p.terms) for p in PRODUCTS)
    term_table = np.zeros((len(PRODUCTS), width))
    term_values = np.zeros((len(PRODUCTS), width), dtype=np.int64)
    for i, p in enumerate(PRODUCTS):
        term_table[i, : len(p.terms)] = p.term_weights
        term_values[i, : len(p.terms)] = p.terms
    term = term_values[product, pick_by_row(rng, term_table, product)]
    method = pick_by_row(rng, np.array([p.method_weights for p in PRODUCTS]), product)
    channel = pick_by_row(rng, np.array([p.channel_weights for p in PRODUCTS]), product)
    return amount * 100, rate_bp * 100, term, method, channel
