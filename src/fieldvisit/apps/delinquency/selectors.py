"""Reads of the delinquency app: the policy in force on a day, a loan's state on a day.

These read portfolio-wide configuration and one loan by id; access scoping (branch, portfolio)
is the caller's, as for every loan id that reaches a service.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from fieldvisit.apps.delinquency.models import DelinquencyPolicyRow, DelinquencySnapshot
from fieldvisit.engines.delinquency.policy import DelinquencyPolicy


def delinquency_policy_for(as_of: date) -> DelinquencyPolicy:
    """The policy in force on ``as_of``: per setting, the row with the latest
    ``effective_from`` ≤ ``as_of``; settings without a row keep the engine's defaults."""
    mapping: dict[str, Any] = {}
    rows = DelinquencyPolicyRow.objects.filter(effective_from__lte=as_of).order_by(
        "key", "-effective_from"
    )
    for row in rows:
        mapping.setdefault(row.key, row.value)
    return DelinquencyPolicy.from_mapping(mapping)


def policy_as_mapping(policy: DelinquencyPolicy) -> dict[str, Any]:
    """The policy as JSON-ready values that :meth:`DelinquencyPolicy.from_mapping` reads back."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, tuple):
            return [plain(item) for item in value]
        return value

    return {f.name: plain(getattr(policy, f.name)) for f in fields(policy)}


def snapshot_on(loan_id: int, day: date) -> DelinquencySnapshot | None:
    """The state of a loan at the end of ``day``: its latest snapshot row on or before ``day``.

    Exact for any day the nightly run covered, because a loan whose figures did not change gets
    no row (README.md). ``None`` before the loan's first row.
    """
    return (
        DelinquencySnapshot.objects.filter(loan_id=loan_id, as_of__lte=day)
        .order_by("-as_of")
        .first()
    )
