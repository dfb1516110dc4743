"""Checking one contact (call, SMS or visit) against the rules before it is made or recorded.

Start at :func:`check_contact`. The caller maps its rows to a :class:`ContactRequest` (with the
debtor's earlier contacts as :class:`PriorContact` history) and gets back every rule the contact
breaks, each with its id and a 简体中文 and English explanation, so a refusal always names the rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from fieldvisit.engines.compliance.rules import (
    DEFAULT_POLICY,
    RULES,
    CompliancePolicy,
    InvalidParameter,
    RuleId,
)


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    VISIT = "visit"


class Target(StrEnum):
    """Who is contacted. Only the first three may be asked to pay (CN-3P-01)."""

    BORROWER = "borrower"
    GUARANTOR = "guarantor"
    DEBT_RELATED = "debt_related"
    THIRD_PARTY = "third_party"


@dataclass(frozen=True, slots=True)
class PriorContact:
    """An earlier contact with the same debtor: when (aware), how, to which number, reached?"""

    at: datetime
    channel: Channel
    contact_number: str = ""
    connected: bool = False

    def __post_init__(self) -> None:
        _require_aware("history.at", self.at)


@dataclass(frozen=True, slots=True)
class ContactRequest:
    """A contact to check.

    Attributes:
        at: when it starts, timezone-aware; ``ends_at`` when it ends (visits), if known.
        contact_number: the number called or texted (calls and SMS).
        visitors: collectors present (visits).
        vulnerable, hardship_hold: the borrower's flags on the case.
        borrower_requested_visit: the borrower asked for this visit (lifts the interval).
        time_consent: a recorded consent of the debtor to be contacted at this time.
        time_zone: the borrower's IANA zone; the policy's when ``None``.
        history: the debtor's earlier contacts (any case, any channel).
        override: a manager overrides the overridable rules for this contact.
    """

    at: datetime
    channel: Channel
    target: Target = Target.BORROWER
    contact_number: str = ""
    ends_at: datetime | None = None
    visitors: int = 1
    vulnerable: bool = False
    hardship_hold: bool = False
    borrower_requested_visit: bool = False
    time_consent: bool = False
    time_zone: str | None = None
    history: tuple[PriorContact, ...] = ()
    override: bool = False

    def __post_init__(self) -> None:
        _require_aware("at", self.at)
        if self.ends_at is not None:
            _require_aware("ends_at", self.ends_at)
            if self.ends_at < self.at:
                raise InvalidParameter("ends_at", "must not be before at")
        if self.visitors < 0:
            raise InvalidParameter("visitors", f"must be ≥ 0, got {self.visitors}")


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule the contact breaks, explained in both languages with the policy's parameters."""

    rule_id: RuleId
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    overridable: bool


@dataclass(frozen=True, slots=True)
class CheckResult:
    """``blocked``: rules that refuse the contact; ``overridden``: rules a manager lifted."""

    blocked: tuple[Finding, ...]
    overridden: tuple[Finding, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocked

    @property
    def blocked_ids(self) -> tuple[RuleId, ...]:
        return tuple(f.rule_id for f in self.blocked)

    @property
    def overridden_ids(self) -> tuple[RuleId, ...]:
        return tuple(f.rule_id for f in self.overridden)


def check_contact(
    request: ContactRequest, policy: CompliancePolicy = DEFAULT_POLICY
) -> CheckResult:
    """Every enabled rule ``request`` breaks under ``policy``, in catalogue order.

    Rules (times in the borrower's zone; a "day" is a local calendar day):
      1. CN-TIME-01: allowed_from ≤ start < allowed_until and, if an end is given,
         end ≤ allowed_until on the same day; waived by ``time_consent``.
      2. CN-FREQ-01 (calls): unanswered calls to this number today < max → allowed.
      3. CN-FREQ-02 (calls): connected calls to this debtor today < max → allowed.
      4. CN-3P-01: target ∈ {borrower, guarantor, debt-related party}.
      5. CN-VISIT-01 (visits): visitors ≥ min_visitors.
      6. FV-VISIT-7D (visits): days since the last visit ≥ visit_interval_days, unless the
         borrower asked for the visit. Overridable.
      7. FV-VULN-01: neither vulnerable nor on a hardship hold. Overridable.
    With ``override``, the overridable findings move from ``blocked`` to ``overridden``.
    """
    zone = ZoneInfo(request.time_zone or policy.time_zone)
    broken = [rule_id for rule_id in _broken(request, policy, zone) if policy.enabled(rule_id)]
    parameters = policy.parameters()
    findings = [_finding(rule_id, parameters) for rule_id in broken]
    if request.override:
        return CheckResult(
            blocked=tuple(f for f in findings if not f.overridable),
            overridden=tuple(f for f in findings if f.overridable),
        )
    return CheckResult(blocked=tuple(findings), overridden=())


def _broken(request: ContactRequest, policy: CompliancePolicy, zone: ZoneInfo) -> Iterator[RuleId]:
    start = request.at.astimezone(zone)
    today = start.date()
    if not request.time_consent and not _within_hours(request, policy, zone):
        yield RuleId.QUIET_HOURS
    if request.channel is Channel.CALL:
        calls_today = [
            prior
            for prior in request.history
            if prior.channel is Channel.CALL and _local_day(prior.at, zone) == today
        ]
        unanswered = sum(
            1
            for prior in calls_today
            if not prior.connected and prior.contact_number == request.contact_number
        )
        if unanswered >= policy.max_unanswered_calls_per_number:
            yield RuleId.UNANSWERED_CALLS_PER_NUMBER
        if sum(1 for prior in calls_today if prior.connected) >= (
            policy.max_connected_calls_per_debtor
        ):
            yield RuleId.CONNECTED_CALLS_PER_DEBTOR
    if request.target is Target.THIRD_PARTY:
        yield RuleId.THIRD_PARTY
    if request.channel is Channel.VISIT:
        if request.visitors < policy.min_visitors:
            yield RuleId.VISIT_TWO_PERSONS
        if not request.borrower_requested_visit and any(
            prior.channel is Channel.VISIT
            and abs((today - _local_day(prior.at, zone)).days) < policy.visit_interval_days
            for prior in request.history
        ):
            yield RuleId.VISIT_INTERVAL
    if request.vulnerable or request.hardship_hold:
        yield RuleId.VULNERABLE


def _within_hours(request: ContactRequest, policy: CompliancePolicy, zone: ZoneInfo) -> bool:
    start = request.at.astimezone(zone)
    if not policy.allowed_from <= start.time() < policy.allowed_until:
        return False
    if request.ends_at is None:
        return True
    end = request.ends_at.astimezone(zone)
    return end.date() == start.date() and end.time() <= policy.allowed_until


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _finding(rule_id: RuleId, parameters: dict[str, object]) -> Finding:
    rule = RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        explanation_zh=rule.explain_zh.format(**parameters),
        explanation_en=rule.explain_en.format(**parameters),
        overridable=rule.overridable,
    )


def _require_aware(field: str, moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise InvalidParameter(field, f"must be a timezone-aware datetime, got {moment!r}")
