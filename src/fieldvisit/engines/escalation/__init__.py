"""Escalation engine: when a case should go to the legal officer. Pure: no Django, no clock.

Read ``README.md`` beside this file.
"""

from fieldvisit.engines.escalation.rules import (
    DEFAULT_ESCALATION_POLICY,
    DEFAULT_FAILED_OUTCOMES,
    EscalationAdvice,
    EscalationFacts,
    EscalationPolicy,
    escalation_advice,
)

__all__ = [
    "DEFAULT_ESCALATION_POLICY",
    "DEFAULT_FAILED_OUTCOMES",
    "EscalationAdvice",
    "EscalationFacts",
    "EscalationPolicy",
    "escalation_advice",
]
