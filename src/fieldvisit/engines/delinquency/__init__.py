"""Loan and delinquency engine: schedules, and the assessment of one loan at an explicit ``as_of``.

Pure: no Django, no clock. Read ``README.md`` beside this file for the conventions, a worked
example, and the choices made where design.md leaves a point open.
"""

from fieldvisit.engines.delinquency.assess import (
    AllocationPart,
    Assessment,
    InstallmentPosition,
    Loan,
    Payment,
    PaymentAllocation,
    assess,
)
from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.delinquency.policy import (
    DEFAULT_POLICY,
    Component,
    DelinquencyPolicy,
    LoanClass,
)
from fieldvisit.engines.delinquency.schedule import (
    Installment,
    LoanTerms,
    Method,
    add_months,
    annuity_payment,
    build_schedule,
    due_date,
    monthly_interest,
    total_interest,
)

__all__ = [
    "DEFAULT_POLICY",
    "AllocationPart",
    "Assessment",
    "Component",
    "DelinquencyPolicy",
    "Installment",
    "InstallmentPosition",
    "InvalidField",
    "Loan",
    "LoanClass",
    "LoanTerms",
    "Method",
    "Payment",
    "PaymentAllocation",
    "add_months",
    "annuity_payment",
    "assess",
    "build_schedule",
    "due_date",
    "monthly_interest",
    "total_interest",
]
