"""The rule catalogue and the validated parameters (a policy) the checks run with.

Every rule has an id from ``docs/compliance-rules.md`` (``CN-…``) or, for house policy from
``design.md``, ``FV-…``; a bilingual title and explanation template; its source and confidence;
and whether a manager may override it. Law and regulation (quiet hours, third parties, frequency
caps) cannot be overridden; house policy protecting the borrower (vulnerability, the visit
interval) can, and the override is recorded and audited by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class InvalidParameter(ValueError):
    """A policy parameter is missing, of the wrong type or out of range; names the field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class RuleId(StrEnum):
    QUIET_HOURS = "CN-TIME-01"
    UNANSWERED_CALLS_PER_NUMBER = "CN-FREQ-01"
    CONNECTED_CALLS_PER_DEBTOR = "CN-FREQ-02"
    THIRD_PARTY = "CN-3P-01"
    VISIT_TWO_PERSONS = "CN-VISIT-01"
    VISIT_INTERVAL = "FV-VISIT-7D"
    VULNERABLE = "FV-VULN-01"


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and texts. ``explain_*`` are ``str.format`` templates over the policy."""

    id: RuleId
    title_zh: str
    title_en: str
    explain_zh: str
    explain_en: str
    source: str
    confidence: str
    overridable: bool


RULES: Mapping[RuleId, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            RuleId.QUIET_HOURS,
            "禁止时段",
            "Quiet hours",
            "借款人当地时间 {allowed_from:%H:%M} 前或 {allowed_until:%H:%M} 后不得联系（含上门）。",
            "No contact of any kind before {allowed_from:%H:%M} or after {allowed_until:%H:%M} "
            "in the borrower's local time.",
            "CBA 2026; NIFA 2024 / national standard 2025 (22:00–08:00; our default is stricter)",
            "High",
            overridable=False,
        ),
        Rule(
            RuleId.UNANSWERED_CALLS_PER_NUMBER,
            "未接通呼叫上限",
            "Unanswered call cap",
            "同一号码每天未接通的外呼不超过 {max_unanswered_calls_per_number} 次。",
            "At most {max_unanswered_calls_per_number} unanswered calls to the same number a day.",
            "CBA 2026 guideline",
            "Medium",
            overridable=False,
        ),
        Rule(
            RuleId.CONNECTED_CALLS_PER_DEBTOR,
            "接通呼叫上限",
            "Connected call cap",
            "每位债务人每天接通的催收电话不超过 {max_connected_calls_per_debtor} 次。",
            "At most {max_connected_calls_per_debtor} connected collection calls to one debtor "
            "a day.",
            "NIFA 2024 guideline / national standard 2025",
            "Medium",
            overridable=False,
        ),
        Rule(
            RuleId.THIRD_PARTY,
            "不得向第三方催收",
            "No collection from third parties",
            "只能向债务人、担保人或债务相关人催收，不得联系无关第三方。",
            "Collect only from the debtor, a guarantor or a debt-related party; never from "
            "unrelated third parties.",
            "信用卡办法 Art. 68; 消费金融公司管理办法 2024; CBA 2026; NIFA 2024",
            "High",
            overridable=False,
        ),
        Rule(
            RuleId.VISIT_TWO_PERSONS,
            "双人外访",
            "Two-person visits",
            "上门外访须至少 {min_visitors} 名催收人员同行。",
            "A field visit needs at least {min_visitors} collectors present.",
            "CBA 2026 guideline, Art. 22 (as reported)",
            "Medium",
            overridable=False,
        ),
        Rule(
            RuleId.VISIT_INTERVAL,
            "外访间隔",
            "Visit interval",
            "同一借款人 {visit_interval_days} 天内最多上门一次，借款人要求的除外。",
            "At most one visit to a borrower in {visit_interval_days} days, unless the borrower "
            "asked for it.",
            "design.md compliance defaults (house policy)",
            "Policy",
            overridable=True,
        ),
        Rule(
            RuleId.VULNERABLE,
            "弱势或困难暂缓",
            "Vulnerable or hardship hold",
            "借款人被标记为弱势或处于困难暂缓期，须经主管批准方可联系。",
            "The borrower is marked vulnerable or on a hardship hold: contact needs a manager's "
            "override.",
            "design.md; FCA CONC 7.9 (comparison anchor)",
            "Policy",
            overridable=True,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class CompliancePolicy:
    """Parameters of the contact checks; defaults are design.md's (stricter than the rules).

    Attributes:
        allowed_from, allowed_until: contact allowed in [from, until) borrower local time.
        max_unanswered_calls_per_number: CN-FREQ-01, per number per local calendar day.
        max_connected_calls_per_debtor: CN-FREQ-02, per debtor per local calendar day.
        min_visitors: CN-VISIT-01, collectors present on a visit.
        visit_interval_days: FV-VISIT-7D, days that must pass between two visits.
        time_zone: the borrower's zone when the request does not name one (IANA name).
        disabled: rule ids switched off for this institution.
    """

    allowed_from: time = time(8, 0)
    allowed_until: time = time(21, 0)
    max_unanswered_calls_per_number: int = 6
    max_connected_calls_per_debtor: int = 3
    min_visitors: int = 2
    visit_interval_days: int = 7
    time_zone: str = "Asia/Shanghai"
    disabled: frozenset[RuleId] = frozenset()

    def __post_init__(self) -> None:
        for name in ("allowed_from", "allowed_until"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise InvalidParameter(name, f"must be a naive local time, got {value!r}")
        if self.allowed_from >= self.allowed_until:
            raise InvalidParameter("allowed_until", "must be later than allowed_from")
        for name in (
            "max_unanswered_calls_per_number",
            "max_connected_calls_per_debtor",
            "min_visitors",
            "visit_interval_days",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidParameter(name, f"must be a whole number ≥ 0, got {value!r}")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidParameter("time_zone", f"unknown time zone {self.time_zone!r}") from exc
        for rule_id in self.disabled:
            if not isinstance(rule_id, RuleId):
                raise InvalidParameter("disabled", f"unknown rule id {rule_id!r}")

    def enabled(self, rule_id: RuleId) -> bool:
        return rule_id not in self.disabled

    def parameters(self) -> dict[str, Any]:
        """The parameters by name, for formatting the explanations."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CompliancePolicy:
        """A policy from plain values (a TOML table or policy rows): times as "HH:MM", rule ids
        as strings; unknown keys are refused so a typo never silently weakens a rule."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidParameter(unknown[0], "unknown parameter")
        values: dict[str, Any] = dict(data)
        for name in ("allowed_from", "allowed_until"):
            if name in values and isinstance(values[name], str):
                try:
                    values[name] = time.fromisoformat(values[name])
                except ValueError as exc:
                    raise InvalidParameter(name, f"must be HH:MM, got {values[name]!r}") from exc
        if "disabled" in values:
            try:
                values["disabled"] = frozenset(RuleId(v) for v in values["disabled"])
            except ValueError as exc:
                raise InvalidParameter("disabled", str(exc)) from exc
        return cls(**values)


def strictest(*policies: CompliancePolicy) -> CompliancePolicy:
    """The policy no enabled profile is stricter than: the narrowest window, the lowest caps,
    the most visitors, the longest interval; a rule is disabled only if every profile disables it.
    The first policy's time zone is kept."""
    if not policies:
        raise InvalidParameter("policies", "at least one policy is needed")
    first = policies[0]
    return replace(
        first,
        allowed_from=max(p.allowed_from for p in policies),
        allowed_until=min(p.allowed_until for p in policies),
        max_unanswered_calls_per_number=min(p.max_unanswered_calls_per_number for p in policies),
        max_connected_calls_per_debtor=min(p.max_connected_calls_per_debtor for p in policies),
        min_visitors=max(p.min_visitors for p in policies),
        visit_interval_days=max(p.visit_interval_days for p in policies),
        disabled=frozenset.intersection(*(p.disabled for p in policies)),
    )


DEFAULT_POLICY = CompliancePolicy()
