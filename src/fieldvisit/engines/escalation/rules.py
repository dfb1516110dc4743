"""When to recommend escalating a case to the legal officer (诉讼移交), as data and one function.

The default rule, from the seed's failure story: the borrower refused to talk, or could not be
reached, at two or more visits and the loan is at least 90 days past due; or the borrower broke
two or more promises to pay. Every threshold is a policy field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from fieldvisit.engines.delinquency.errors import InvalidField

#: Visit outcomes that count as "refused or could not be reached" by default.
DEFAULT_FAILED_OUTCOMES: frozenset[str] = frozenset(
    {"refused", "nobody_home", "address_wrong", "moved"}
)


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """Thresholds of the escalation rule.

    Attributes:
        min_failed_visits: visits with a failed outcome (refused, not reached) needed, with…
        min_dpd: …at least this many days past due (days).
        min_broken_promises: broken or partly kept promises that are enough on their own.
        failed_outcomes: the visit outcomes that count as failed.
    """

    min_failed_visits: int = 2
    min_dpd: int = 90
    min_broken_promises: int = 2
    failed_outcomes: frozenset[str] = DEFAULT_FAILED_OUTCOMES

    def __post_init__(self) -> None:
        for name in ("min_failed_visits", "min_dpd", "min_broken_promises"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidField(name, f"must be a whole number ≥ 1, got {value!r}")
        if not isinstance(self.failed_outcomes, frozenset) or not self.failed_outcomes:
            raise InvalidField("failed_outcomes", "must name at least one visit outcome")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> EscalationPolicy:
        """Build from a settings mapping; an unknown key is an error naming it."""
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, raw in values.items():
            if key not in known:
                raise InvalidField(key, "unknown escalation policy field")
            if key == "failed_outcomes":
                if isinstance(raw, str) or not hasattr(raw, "__iter__"):
                    raise InvalidField(key, f"must be a list of outcomes, got {raw!r}")
                kwargs[key] = frozenset(str(item) for item in raw)
            else:
                kwargs[key] = raw
        return cls(**kwargs)


DEFAULT_ESCALATION_POLICY = EscalationPolicy()


@dataclass(frozen=True, slots=True)
class EscalationFacts:
    """What the rule reads about one case.

    Attributes:
        dpd: days past due today (days).
        visit_outcomes: the latest reported outcome of each visit, oldest first.
        broken_promises: promises marked broken or partly kept.
    """

    dpd: int
    visit_outcomes: tuple[str, ...] = ()
    broken_promises: int = 0


@dataclass(frozen=True, slots=True)
class EscalationAdvice:
    """The rule's answer, with the reasons in both languages (empty when not recommended)."""

    recommended: bool
    failed_visits: int
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]


def escalation_advice(
    facts: EscalationFacts, policy: EscalationPolicy = DEFAULT_ESCALATION_POLICY
) -> EscalationAdvice:
    """Recommend escalation when (failed visits ≥ min_failed_visits and DPD ≥ min_dpd) or
    broken promises ≥ min_broken_promises; failed visits = visits whose outcome is in
    ``policy.failed_outcomes``."""
    failed = sum(outcome in policy.failed_outcomes for outcome in facts.visit_outcomes)
    zh: list[str] = []
    en: list[str] = []
    if failed >= policy.min_failed_visits and facts.dpd >= policy.min_dpd:
        zh.append(
            f"{failed}次外访中借款人拒绝沟通或无法联系，逾期{facts.dpd}天（≥{policy.min_dpd}天）"
        )
        en.append(
            f"the borrower refused or could not be reached at {failed} visits and is "
            f"{facts.dpd} days past due (≥ {policy.min_dpd})"
        )
    if facts.broken_promises >= policy.min_broken_promises:
        zh.append(f"借款人已违背{facts.broken_promises}次还款承诺")
        en.append(f"the borrower broke {facts.broken_promises} promises to pay")
    return EscalationAdvice(bool(zh), failed, tuple(zh), tuple(en))
