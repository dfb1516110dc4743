"""Restructuring engine: remedy options for a borrower in arrears, their value and a recommendation.

Pure: no Django, no clock. Read ``README.md`` beside this file for the data flow, the remedies with
a worked example each, and the choices made.
"""

from fieldvisit.engines.restructuring.affordability import (
    Affordability,
    Line,
    disposable_income,
    limit_after_recovery,
    payment_limit,
)
from fieldvisit.engines.restructuring.plans import (
    Means,
    NewInstallment,
    Plan,
    Reconciliation,
    build_plans,
    catch_up,
    reamortise,
    reconcile,
    referral,
    settlement,
    settlement_amount,
    split_evenly,
)
from fieldvisit.engines.restructuring.policy import (
    DEFAULT_POLICY,
    Remedy,
    RemedyPolicy,
    Treatment,
)
from fieldvisit.engines.restructuring.recommend import (
    Reason,
    Recommendation,
    Verdict,
    recommend,
    titles,
)
from fieldvisit.engines.restructuring.state import Claim, LoanState, cycle_date, loan_state
from fieldvisit.engines.restructuring.value import (
    LegalRoute,
    Option,
    all_in_annual_rate,
    binding,
    borrower_means,
    discount_factor,
    evaluate,
    evaluate_options,
    judge,
    legal_route,
    present_value,
    success_probability,
    within_cap,
)

__all__ = [
    "DEFAULT_POLICY",
    "Affordability",
    "Claim",
    "LegalRoute",
    "Line",
    "LoanState",
    "Means",
    "NewInstallment",
    "Option",
    "Plan",
    "Reason",
    "Recommendation",
    "Reconciliation",
    "Remedy",
    "RemedyPolicy",
    "Treatment",
    "Verdict",
    "all_in_annual_rate",
    "binding",
    "borrower_means",
    "build_plans",
    "catch_up",
    "cycle_date",
    "discount_factor",
    "disposable_income",
    "evaluate",
    "evaluate_options",
    "judge",
    "legal_route",
    "limit_after_recovery",
    "loan_state",
    "payment_limit",
    "present_value",
    "reamortise",
    "recommend",
    "reconcile",
    "referral",
    "settlement",
    "settlement_amount",
    "split_evenly",
    "success_probability",
    "titles",
    "within_cap",
]
