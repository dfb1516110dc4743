"""Who is a candidate visit for the day, why, when and with what priority: :func:`evaluate`
for one case, :func:`evaluate_all` for the day's cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from fieldvisit.engines.routing.model import GeoPoint, TimeWindow, Visit
from fieldvisit.engines.scoring.facts import (
    CaseFacts,
    ContactResult,
    FollowUp,
    FollowUpStatus,
    InvalidFacts,
    PreferredWindow,
    past_outcome,
)
from fieldvisit.engines.scoring.priority import Priority, expected_benefit
from fieldvisit.engines.scoring.strategy import (
    NOT_ELIGIBLE,
    EligibilityRule,
    ExclusionKind,
    ExclusionRule,
    Purpose,
    VisitStrategy,
)

PriorityFunction = Callable[[CaseFacts, Purpose, VisitStrategy], Priority]


class WindowSource(StrEnum):
    """Where a candidate's time window came from."""

    COMPLIANCE = "compliance"
    """No preference known: the whole compliance window."""
    PREFERRED = "preferred"
    """The borrower's preferred window, wholly inside the compliance window."""
    CLIPPED = "clipped"
    """The preferred window cut to the compliance window."""
    PREFERENCE_UNUSABLE = "preference_unusable"
    """The preference lies outside the compliance window, or what is left of it is shorter than
    the visit: the whole compliance window, and the brief says so."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A case worth a visit on the day, with everything the router and the brief need.

    Times are seconds since midnight, local time (the routing engine's units); the service of
    ``service_seconds`` must lie wholly inside one of ``windows``. ``also_matched`` lists the
    other eligibility rules that matched, in strategy order; ``overridden`` the exclusions a
    manager's override lifted (the caller audits them).
    """

    case_id: str
    loan_id: str
    purpose: Purpose
    rule_id: str
    rule_label_zh: str
    rule_label_en: str
    also_matched: tuple[str, ...]
    service_seconds: int
    windows: tuple[TimeWindow, ...]
    window_source: WindowSource
    required_certifications: frozenset[str]
    priority: Priority
    location: GeoPoint
    district: str
    overridden: tuple[str, ...] = ()

    @property
    def prize(self) -> int:
        """The routing prize: :attr:`Priority.prize_units` (fen by default)."""
        return self.priority.prize_units

    @property
    def explanation_zh(self) -> str:
        """Why this visit, in Chinese: the rule that made it eligible, then the priority."""
        return f"符合规则 {self.rule_id}（{self.rule_label_zh}）。{self.priority.explanation_zh}"

    @property
    def explanation_en(self) -> str:
        """Why this visit, in English: the rule that made it eligible, then the priority."""
        return f"Rule {self.rule_id} ({self.rule_label_en}). {self.priority.explanation_en}"

    def to_visit(self, location: int) -> Visit:
        """The routing engine's visit; ``location`` is the index of its place in the matrix."""
        return Visit(
            id=self.case_id,
            location=location,
            service_seconds=self.service_seconds,
            windows=self.windows,
            prize=self.prize,
            skills=self.required_certifications,
        )


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A case not visited on the day: the exclusion rule that applied, or :data:`NOT_ELIGIBLE`
    (``kind`` ``None``) when no eligibility rule matched."""

    case_id: str
    rule_id: str
    kind: ExclusionKind | None
    reason_zh: str
    reason_en: str
    overridable: bool = False


@dataclass(frozen=True, slots=True)
class Screening:
    """The day's cases sorted out: candidates by prize, highest first (ties by case id), and
    exclusions in input order."""

    candidates: tuple[Candidate, ...]
    exclusions: tuple[Exclusion, ...]


def evaluate(
    facts: CaseFacts,
    strategy: VisitStrategy,
    as_of: date,
    priority: PriorityFunction = expected_benefit,
) -> Candidate | Exclusion:
    """Screen one case for a visit on the day ``as_of`` (the visit day, not the batch day).

    1. Facts dated after ``as_of`` are refused (:class:`InvalidFacts`).
    2. Exclusions, in strategy order: the first that applies and is not lifted by a manager's
       override (overridable rules only) gives an :class:`Exclusion`.
    3. Eligibility rules, in strategy order: the **first** that matches gives the purpose. The
       order is the manager's statement of which reason matters most, and it keeps the answer
       explainable ("rule X"); the priority then ranks the candidates across cases.
    4. No rule matches: an :class:`Exclusion` with rule id :data:`NOT_ELIGIBLE`.
    5. Otherwise a :class:`Candidate`: service minutes × 60 and the certifications of the
       purpose, the window of :func:`visit_windows`, and ``priority(facts, purpose, strategy)``.
    """
    facts.check_as_of(as_of)
    overridden: list[str] = []
    for exclusion in strategy.exclusions:
        if not exclusion_applies(exclusion, facts, as_of):
            continue
        if exclusion.overridable and exclusion.id in facts.overrides:
            overridden.append(exclusion.id)
            continue
        reason_zh, reason_en = exclusion.explain()
        return Exclusion(
            facts.case_id, exclusion.id, exclusion.kind, reason_zh, reason_en, exclusion.overridable
        )
    matched = [rule for rule in strategy.eligibility if rule_matches(rule, facts, as_of)]
    if not matched:
        return Exclusion(
            facts.case_id,
            NOT_ELIGIBLE,
            None,
            "不符合任何外访规则。",
            "No eligibility rule matches.",
        )
    rule = matched[0]
    spec = strategy.purposes[rule.purpose]
    service_seconds = spec.service_minutes * 60
    window, source = visit_windows(facts.preferred_window, strategy, service_seconds)
    # Every strategy has the address-unknown exclusion and it cannot be overridden.
    assert facts.location is not None
    return Candidate(
        case_id=facts.case_id,
        loan_id=facts.loan_id,
        purpose=rule.purpose,
        rule_id=rule.id,
        rule_label_zh=rule.label_zh,
        rule_label_en=rule.label_en,
        also_matched=tuple(r.id for r in matched[1:]),
        service_seconds=service_seconds,
        windows=(window,),
        window_source=source,
        required_certifications=spec.required_certifications,
        priority=priority(facts, rule.purpose, strategy),
        location=facts.location,
        district=facts.district,
        overridden=tuple(overridden),
    )


def evaluate_all(
    cases: Iterable[CaseFacts],
    strategy: VisitStrategy,
    as_of: date,
    priority: PriorityFunction = expected_benefit,
) -> Screening:
    """:func:`evaluate` every case; case ids must be unique (they become routing visit ids)."""
    candidates: list[Candidate] = []
    exclusions: list[Exclusion] = []
    seen: set[str] = set()
    for facts in cases:
        if facts.case_id in seen:
            raise InvalidFacts(f"{facts.case_id}.case_id", "appears twice")
        seen.add(facts.case_id)
        result = evaluate(facts, strategy, as_of, priority)
        if isinstance(result, Candidate):
            candidates.append(result)
        else:
            exclusions.append(result)
    candidates.sort(key=lambda c: (-c.prize, c.case_id))
    return Screening(tuple(candidates), tuple(exclusions))


def visit_windows(
    preferred: PreferredWindow | None, strategy: VisitStrategy, service_seconds: int
) -> tuple[TimeWindow, WindowSource]:
    """The window a visit's service must lie in, seconds since midnight, and where it came from.

    The preferred window clipped to the compliance window ``[visit_from, visit_until]``; if
    nothing of it is left, or less than ``service_seconds``, the whole compliance window
    (:attr:`WindowSource.PREFERENCE_UNUSABLE`): a borrower who asks for 22:00 is still visited in
    lawful hours rather than dropped, and the brief tells the team the preference was not met.
    """
    first, last = strategy.window_seconds
    compliance = TimeWindow(first, last)
    if preferred is None:
        return compliance, WindowSource.COMPLIANCE
    start, end = _seconds(preferred.start), _seconds(preferred.end)
    clipped_start, clipped_end = max(start, first), min(end, last)
    if clipped_end - clipped_start < service_seconds:
        return compliance, WindowSource.PREFERENCE_UNUSABLE
    source = (
        WindowSource.PREFERRED
        if (start, end) == (clipped_start, clipped_end)
        else WindowSource.CLIPPED
    )
    return TimeWindow(clipped_start, clipped_end), source


def exclusion_applies(rule: ExclusionRule, facts: CaseFacts, as_of: date) -> bool:
    """True when ``rule`` excludes the case on the visit day ``as_of`` (overrides aside).

    ``recent_visit``: the last visit was fewer than ``days`` days before ``as_of`` (a visit on
    ``as_of − 7`` is allowed by a 7-day rule, as in compliance rule FV-VISIT-7D), unless the
    borrower asked and the rule allows that. The others test the case flag of the same name;
    ``address_unknown`` tests for missing coordinates.
    """
    kind = rule.kind
    if kind is ExclusionKind.RECENT_VISIT:
        if facts.last_visit_on is None or rule.days is None:
            return False
        if rule.unless_borrower_asked and facts.borrower_asked_visit:
            return False
        return (as_of - facts.last_visit_on).days < rule.days
    flags = {
        ExclusionKind.VULNERABLE: facts.vulnerable,
        ExclusionKind.HARDSHIP_HOLD: facts.hardship_hold,
        ExclusionKind.LEGAL_STAGE: facts.legal_stage,
        ExclusionKind.ESCALATION_RECOMMENDED: facts.escalation_recommended,
        ExclusionKind.COMPLAINT_OPEN: facts.complaint_open,
        ExclusionKind.ADDRESS_UNKNOWN: facts.location is None,
    }
    return flags[kind]


def rule_matches(rule: EligibilityRule, facts: CaseFacts, as_of: date) -> bool:
    """True when every condition ``rule`` sets holds for the case on the visit day ``as_of``
    (the conditions are listed on :class:`~.strategy.EligibilityRule`)."""
    checks = (
        rule.min_dpd is None or facts.dpd >= rule.min_dpd,
        not rule.buckets or facts.bucket in rule.buckets,
        rule.min_amount_due is None or facts.total_due >= rule.min_amount_due,
        rule.min_failed_contacts is None
        or failed_contacts(facts, as_of, rule.failed_within_days) >= rule.min_failed_contacts,
        not rule.borrower_asked or facts.borrower_asked_visit,
        not rule.never_visited or facts.last_visit_on is None,
        rule.promise_follow_up_days is None
        or follow_up_due(facts.promise, as_of, rule.promise_follow_up_days),
        rule.remedy_follow_up_days is None
        or follow_up_due(facts.remedy, as_of, rule.remedy_follow_up_days),
        not rule.past_outcome_in or past_outcome(facts) in rule.past_outcome_in,
    )
    return all(checks)


def failed_contacts(facts: CaseFacts, as_of: date, days: int) -> int:
    """Remote attempts not reached on the days ``[as_of − days, as_of]``."""
    since = as_of - timedelta(days=days)
    return sum(
        1
        for c in facts.remote_contacts
        if c.result is ContactResult.NOT_REACHED and since <= c.on <= as_of
    )


def follow_up_due(follow_up: FollowUp | None, as_of: date, days: int) -> bool:
    """An open promise or remedy due within ``days`` days either side of ``as_of``, or one
    broken in the last ``days`` days. A kept one needs no follow-up."""
    if follow_up is None:
        return False
    if follow_up.status is FollowUpStatus.OPEN:
        return abs((follow_up.due_on - as_of).days) <= days
    if follow_up.status is FollowUpStatus.BROKEN and follow_up.broken_on is not None:
        return 0 <= (as_of - follow_up.broken_on).days <= days
    return False


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
