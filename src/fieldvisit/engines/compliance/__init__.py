"""Compliance rules for contacting borrowers: pure, no Django, no clock.

Read ``README.md`` beside this file. Start at :func:`check_contact`.
"""

from fieldvisit.engines.compliance.check import (
    Channel,
    CheckResult,
    ContactRequest,
    Finding,
    PriorContact,
    Target,
    check_contact,
)
from fieldvisit.engines.compliance.rules import (
    DEFAULT_POLICY,
    RULES,
    CompliancePolicy,
    InvalidParameter,
    Rule,
    RuleId,
    strictest,
)

__all__ = [
    "DEFAULT_POLICY",
    "RULES",
    "Channel",
    "CheckResult",
    "CompliancePolicy",
    "ContactRequest",
    "Finding",
    "InvalidParameter",
    "PriorContact",
    "Rule",
    "RuleId",
    "Target",
    "check_contact",
    "strictest",
]
