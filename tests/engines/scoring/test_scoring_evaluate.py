"""Who is a candidate, why and when: each eligibility rule and each exclusion with a case it
matches and the nearest case it does not; windows; the bulk screen (no database, no Django)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.engines.routing.model import GeoPoint, TimeWindow, Visit
from fieldvisit.engines.scoring import (
    NOT_ELIGIBLE,
    Candidate,
    CaseFacts,
    ContactResult,
    Exclusion,
    ExclusionKind,
    FollowUp,
    FollowUpStatus,
    InvalidFacts,
    PreferredWindow,
    Priority,
    Purpose,
    RemoteContact,
    VisitStrategy,
    WindowSource,
    default_strategy,
    evaluate,
    evaluate_all,
)

STRATEGY = default_strategy()
VISIT_DAY = date(2026, 3, 10)
HOUR = 3600
COMPLIANCE = TimeWindow(8 * HOUR, 21 * HOUR)


def days_ago(n: int) -> date:
    return VISIT_DAY - timedelta(days=n)


def failed(*ages: int) -> tuple[RemoteContact, ...]:
    return tuple(RemoteContact(days_ago(a), "call", ContactResult.NOT_REACHED) for a in ages)


def case(**changes: object) -> CaseFacts:
    """A located M3 case that no default rule picks: 75 DPD, 10,000 yuan due, never contacted."""
    base = CaseFacts(
        case_id="C-1",
        loan_id="L-1",
        dpd=75,
        bucket="M3",
        total_due=Decimal("10000.00"),
        outstanding_principal=Decimal("40000.00"),
        product="consumer",
        district="Xuhui",
        location=GeoPoint(31.19, 121.44),
    )
    return replace(base, **changes)


def eligible(**changes: object) -> CaseFacts:
    """A case the promise rule picks (an open promise due tomorrow), to test exclusions on."""
    promise = FollowUp(VISIT_DAY + timedelta(days=1), FollowUpStatus.OPEN)
    return case(promise=promise, **changes)


def screen(facts: CaseFacts, strategy: VisitStrategy = STRATEGY) -> Candidate | Exclusion:
    return evaluate(facts, strategy, VISIT_DAY)


# --- eligibility: each rule, the nearest case it takes and the nearest it leaves --------------


def test_the_quiet_base_case_is_not_eligible() -> None:
    result = screen(case())

    assert result == Exclusion(
        "C-1", NOT_ELIGIBLE, None, "不符合任何外访规则。", "No eligibility rule matches."
    )


@pytest.mark.parametrize(
    ("facts", "rule_id", "purpose"),
    [
        (case(borrower_asked_visit=True), "EL-ASKED", Purpose.HARDSHIP_ASSESSMENT),
        (
            case(remedy=FollowUp(VISIT_DAY + timedelta(days=5), FollowUpStatus.OPEN)),
            "EL-REMEDY",
            Purpose.REMEDY_SIGNING,
        ),
        (
            case(remedy=FollowUp(days_ago(20), FollowUpStatus.BROKEN, broken_on=days_ago(5))),
            "EL-REMEDY",
            Purpose.REMEDY_SIGNING,
        ),
        (
            case(promise=FollowUp(VISIT_DAY + timedelta(days=3), FollowUpStatus.OPEN)),
            "EL-PROMISE",
            Purpose.PROMISE_FOLLOW_UP,
        ),
        (
            case(promise=FollowUp(days_ago(3), FollowUpStatus.OPEN)),
            "EL-PROMISE",
            Purpose.PROMISE_FOLLOW_UP,
        ),
        (
            case(promise=FollowUp(days_ago(4), FollowUpStatus.BROKEN, broken_on=days_ago(3))),
            "EL-PROMISE",
            Purpose.PROMISE_FOLLOW_UP,
        ),
        (case(dpd=61, remote_contacts=failed(1, 5, 14)), "EL-FIRST-CONTACT", Purpose.FIRST_CONTACT),
        (case(dpd=91, remote_contacts=failed(3)), "EL-PRE-LEGAL", Purpose.PRE_LEGAL_NOTICE),
        (
            case(
                dpd=91,
                remote_contacts=(RemoteContact(days_ago(2), "call", ContactResult.REFUSED),),
            ),
            "EL-PRE-LEGAL",
            Purpose.PRE_LEGAL_NOTICE,
        ),
        (
            case(dpd=45, bucket="M2", total_due=Decimal("20000"), remote_contacts=failed(1, 2, 3)),
            "EL-LARGE-M2",
            Purpose.FIRST_CONTACT,
        ),
    ],
)
def test_each_rule_takes_the_case_it_describes(
    facts: CaseFacts, rule_id: str, purpose: Purpose
) -> None:
    result = screen(facts)

    assert isinstance(result, Candidate)
    assert (result.rule_id, result.purpose) == (rule_id, purpose)


@pytest.mark.parametrize(
    ("facts", "why"),
    [
        (case(borrower_asked_visit=False), "EL-ASKED: not asked"),
        (
            case(remedy=FollowUp(VISIT_DAY + timedelta(days=6), FollowUpStatus.OPEN)),
            "EL-REMEDY: deadline 6 days away",
        ),
        (
            case(remedy=FollowUp(days_ago(20), FollowUpStatus.BROKEN, broken_on=days_ago(6))),
            "EL-REMEDY: broken 6 days ago",
        ),
        (
            case(remedy=FollowUp(VISIT_DAY, FollowUpStatus.KEPT)),
            "EL-REMEDY: kept",
        ),
        (
            case(promise=FollowUp(VISIT_DAY + timedelta(days=4), FollowUpStatus.OPEN)),
            "EL-PROMISE: due in 4 days",
        ),
        (
            case(promise=FollowUp(days_ago(5), FollowUpStatus.BROKEN, broken_on=days_ago(4))),
            "EL-PROMISE: broken 4 days ago",
        ),
        (case(dpd=60, remote_contacts=failed(1, 5, 14)), "EL-FIRST-CONTACT: 60 DPD"),
        (case(dpd=61, remote_contacts=failed(1, 5, 15)), "EL-FIRST-CONTACT: one attempt too old"),
        (case(dpd=61, remote_contacts=failed(1, 5)), "EL-FIRST-CONTACT: two attempts"),
        (
            case(dpd=61, remote_contacts=failed(1, 5, 14), last_visit_on=days_ago(30)),
            "EL-FIRST-CONTACT: visited before",
        ),
        (case(dpd=90, remote_contacts=failed(3)), "EL-PRE-LEGAL: 90 DPD"),
        (case(dpd=91), "EL-PRE-LEGAL: never tried remotely"),
        (
            case(
                dpd=91,
                remote_contacts=(RemoteContact(days_ago(2), "sms", ContactResult.REACHED),),
            ),
            "EL-PRE-LEGAL: reached",
        ),
        (
            case(
                dpd=45,
                bucket="M2",
                total_due=Decimal("19999.99"),
                remote_contacts=failed(1, 2, 3),
            ),
            "EL-LARGE-M2: a cent short",
        ),
        (
            case(dpd=25, bucket="M1", total_due=Decimal("20000"), remote_contacts=failed(1, 2, 3)),
            "EL-LARGE-M2: bucket M1",
        ),
    ],
)
def test_the_nearest_case_a_rule_does_not_describe_is_not_eligible(
    facts: CaseFacts, why: str
) -> None:
    result = screen(facts)

    assert isinstance(result, Exclusion), why
    assert result.rule_id == NOT_ELIGIBLE


def test_the_first_matching_rule_wins_and_the_others_are_listed() -> None:
    promise = FollowUp(VISIT_DAY + timedelta(days=2), FollowUpStatus.OPEN)
    facts = case(borrower_asked_visit=True, promise=promise, dpd=95)

    result = screen(facts)

    assert isinstance(result, Candidate)
    assert result.rule_id == "EL-ASKED"
    assert result.purpose is Purpose.HARDSHIP_ASSESSMENT
    assert result.also_matched == ("EL-PROMISE",)


def test_reordering_the_rules_changes_the_purpose() -> None:
    promise_first = replace(
        STRATEGY,
        eligibility=(STRATEGY.eligibility[2], *STRATEGY.eligibility[:2], *STRATEGY.eligibility[3:]),
    )
    promise = FollowUp(VISIT_DAY + timedelta(days=2), FollowUpStatus.OPEN)

    result = screen(case(borrower_asked_visit=True, promise=promise), promise_first)

    assert isinstance(result, Candidate)
    assert (result.rule_id, result.purpose) == ("EL-PROMISE", Purpose.PROMISE_FOLLOW_UP)
    assert result.also_matched == ("EL-ASKED",)


# --- exclusions --------------------------------------------------------------------------------


def test_a_visit_within_seven_days_excludes_the_case() -> None:
    result = screen(eligible(last_visit_on=days_ago(6)))

    assert result == Exclusion(
        "C-1",
        "FV-VISIT-7D",
        ExclusionKind.RECENT_VISIT,
        "7 天内已上门过，且借款人未要求再次上门。",
        "Visited within the last 7 days and the borrower did not ask for another visit.",
        overridable=True,
    )


def test_a_visit_seven_days_ago_does_not_exclude_the_case() -> None:
    result = screen(eligible(last_visit_on=days_ago(7)))

    assert isinstance(result, Candidate)
    assert result.rule_id == "EL-PROMISE"


def test_the_borrower_asking_lifts_the_seven_day_rule() -> None:
    result = screen(eligible(last_visit_on=days_ago(1), borrower_asked_visit=True))

    assert isinstance(result, Candidate)
    assert result.rule_id == "EL-ASKED"


def test_a_strategy_may_keep_the_seven_day_rule_even_when_the_borrower_asks() -> None:
    strict = replace(
        STRATEGY,
        exclusions=(
            replace(STRATEGY.exclusions[0], unless_borrower_asked=False),
            *STRATEGY.exclusions[1:],
        ),
    )

    result = screen(eligible(last_visit_on=days_ago(1), borrower_asked_visit=True), strict)

    assert isinstance(result, Exclusion)
    assert result.rule_id == "FV-VISIT-7D"


@pytest.mark.parametrize(
    ("flag", "rule_id", "kind", "reason_en"),
    [
        (
            {"vulnerable": True},
            "FV-VULN-01",
            ExclusionKind.VULNERABLE,
            "The borrower is marked vulnerable: no visit without a manager's override.",
        ),
        (
            {"hardship_hold": True},
            "FV-HOLD-01",
            ExclusionKind.HARDSHIP_HOLD,
            "The borrower is on a hardship hold: no visit without a manager's override.",
        ),
        (
            {"legal_stage": True},
            "EX-LEGAL",
            ExclusionKind.LEGAL_STAGE,
            "The case is with the legal team; collectors do not visit.",
        ),
        (
            {"escalation_recommended": True},
            "EX-ESCALATION",
            ExclusionKind.ESCALATION_RECOMMENDED,
            "Escalation to legal is recommended and awaits a manager's decision; no more "
            "pre-legal visits until then.",
        ),
        (
            {"complaint_open": True},
            "EX-COMPLAINT",
            ExclusionKind.COMPLAINT_OPEN,
            "The borrower has an open complaint; no visit until it is resolved.",
        ),
        (
            {"location": None},
            "EX-NO-ADDRESS",
            ExclusionKind.ADDRESS_UNKNOWN,
            "There is no usable visit address (no coordinates).",
        ),
    ],
)
def test_each_exclusion_excludes_an_eligible_case_and_says_why(
    flag: dict[str, object], rule_id: str, kind: ExclusionKind, reason_en: str
) -> None:
    assert isinstance(screen(eligible()), Candidate)  # without the flag it is a candidate

    result = screen(eligible(**flag))

    assert isinstance(result, Exclusion)
    assert (result.rule_id, result.kind, result.reason_en) == (rule_id, kind, reason_en)
    assert result.reason_zh


def test_exclusions_apply_even_when_the_borrower_asked() -> None:
    result = screen(case(borrower_asked_visit=True, vulnerable=True))

    assert isinstance(result, Exclusion)
    assert result.rule_id == "FV-VULN-01"


def test_the_first_exclusion_in_strategy_order_is_reported() -> None:
    result = screen(eligible(legal_stage=True, vulnerable=True))

    assert isinstance(result, Exclusion)
    assert result.rule_id == "FV-VULN-01"


def test_a_managers_override_lifts_an_overridable_exclusion_and_is_reported() -> None:
    result = screen(eligible(vulnerable=True, overrides=frozenset({"FV-VULN-01"})))

    assert isinstance(result, Candidate)
    assert result.overridden == ("FV-VULN-01",)


def test_an_override_of_a_rule_that_is_not_overridable_changes_nothing() -> None:
    result = screen(eligible(legal_stage=True, overrides=frozenset({"EX-LEGAL"})))

    assert isinstance(result, Exclusion)
    assert result.rule_id == "EX-LEGAL"


# --- time windows -----------------------------------------------------------------------------


def at(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


@pytest.mark.parametrize(
    ("preferred", "window", "source"),
    [
        (None, COMPLIANCE, WindowSource.COMPLIANCE),
        (PreferredWindow(at(9), at(11)), TimeWindow(9 * HOUR, 11 * HOUR), WindowSource.PREFERRED),
        (PreferredWindow(at(19), at(23)), TimeWindow(19 * HOUR, 21 * HOUR), WindowSource.CLIPPED),
        (PreferredWindow(at(6), at(9)), TimeWindow(8 * HOUR, 9 * HOUR), WindowSource.CLIPPED),
        (PreferredWindow(at(21, 30), at(23)), COMPLIANCE, WindowSource.PREFERENCE_UNUSABLE),
        (PreferredWindow(at(5), at(7, 59)), COMPLIANCE, WindowSource.PREFERENCE_UNUSABLE),
        # 20:40–21:00 is left: shorter than the 30-minute promise visit.
        (PreferredWindow(at(20, 40), at(22)), COMPLIANCE, WindowSource.PREFERENCE_UNUSABLE),
        # Exactly the 30 minutes the visit takes.
        (
            PreferredWindow(at(20, 30), at(22)),
            TimeWindow(20 * HOUR + 1800, 21 * HOUR),
            WindowSource.CLIPPED,
        ),
    ],
)
def test_the_window_is_the_preference_clipped_to_the_compliance_window(
    preferred: PreferredWindow | None, window: TimeWindow, source: WindowSource
) -> None:
    result = screen(eligible(preferred_window=preferred))

    assert isinstance(result, Candidate)
    assert result.service_seconds == 1800
    assert (result.windows, result.window_source) == ((window,), source)


@given(
    start=st.integers(0, 24 * 60 - 2),
    length=st.integers(1, 24 * 60),
    asked=st.booleans(),
)
def test_every_window_lies_in_the_compliance_window_and_fits_the_visit(
    start: int, length: int, asked: bool
) -> None:
    end = min(start + length, 24 * 60 - 1)
    preferred = PreferredWindow(at(*divmod(start, 60)), at(*divmod(end, 60)))

    result = screen(eligible(preferred_window=preferred, borrower_asked_visit=asked))

    assert isinstance(result, Candidate)
    (window,) = result.windows
    assert COMPLIANCE.start <= window.start
    assert window.end <= COMPLIANCE.end
    assert window.end - window.start >= result.service_seconds


# --- what the router gets ---------------------------------------------------------------------


def test_a_candidate_maps_onto_a_routing_visit() -> None:
    result = screen(
        case(borrower_asked_visit=True, preferred_window=PreferredWindow(at(14), at(17)))
    )
    assert isinstance(result, Candidate)

    visit = result.to_visit(location=7)

    assert visit == Visit(
        id="C-1",
        location=7,
        service_seconds=45 * 60,
        windows=(TimeWindow(14 * HOUR, 17 * HOUR),),
        prize=result.priority.prize_units,
        skills=frozenset({"conduct_law", "communication", "counselling"}),
    )
    assert result.prize == result.priority.prize_units > 0
    assert result.explanation_en.startswith("Rule EL-ASKED (The borrower asked for a visit). ")
    assert result.explanation_zh.startswith("符合规则 EL-ASKED（借款人要求上门）。")


def test_the_priority_function_can_be_replaced() -> None:
    def flat(facts: CaseFacts, purpose: Purpose, strategy: VisitStrategy) -> Priority:
        return Priority(Decimal(0), Decimal(0), (), Decimal(0), Decimal(0), 42, "固定", "flat")

    result = evaluate(eligible(), STRATEGY, VISIT_DAY, priority=flat)

    assert isinstance(result, Candidate)
    assert result.prize == 42


# --- the day's screen -------------------------------------------------------------------------


def test_evaluate_all_sorts_candidates_by_prize_and_keeps_exclusions_in_order() -> None:
    cases = [
        eligible(case_id="small", total_due=Decimal("1000")),
        case(case_id="quiet"),
        eligible(case_id="large", total_due=Decimal("50000")),
        eligible(case_id="vulnerable", vulnerable=True),
        eligible(case_id="also-small", total_due=Decimal("1000")),
    ]

    screening = evaluate_all(cases, STRATEGY, VISIT_DAY)

    assert [c.case_id for c in screening.candidates] == ["large", "also-small", "small"]
    assert [(e.case_id, e.rule_id) for e in screening.exclusions] == [
        ("quiet", NOT_ELIGIBLE),
        ("vulnerable", "FV-VULN-01"),
    ]


def test_evaluate_all_refuses_a_case_id_given_twice() -> None:
    with pytest.raises(InvalidFacts) as raised:
        evaluate_all([eligible(), eligible()], STRATEGY, VISIT_DAY)

    assert raised.value.field == "C-1.case_id"


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        (case(last_visit_on=VISIT_DAY + timedelta(days=1)), "C-1.last_visit_on"),
        (case(remote_contacts=failed(-1)), "C-1.remote_contacts"),
        (
            case(
                promise=FollowUp(
                    VISIT_DAY, FollowUpStatus.BROKEN, broken_on=VISIT_DAY + timedelta(days=2)
                )
            ),
            "C-1.promise.broken_on",
        ),
    ],
)
def test_facts_dated_after_the_visit_day_are_refused(facts: CaseFacts, field: str) -> None:
    with pytest.raises(InvalidFacts) as raised:
        screen(facts)

    assert raised.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"dpd": -1}, "C-1.dpd"),
        ({"total_due": 100.0}, "C-1.total_due"),
        ({"outstanding_principal": Decimal("-1")}, "C-1.outstanding_principal"),
        ({"bucket": ""}, "C-1.bucket"),
        ({"case_id": ""}, "case_id"),
        (
            {"remote_contacts": (RemoteContact(VISIT_DAY, "letter", ContactResult.REACHED),)},
            "C-1.remote_contacts",
        ),
    ],
)
def test_bad_facts_are_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidFacts) as raised:
        case(**changes)

    assert raised.value.field == field


def test_a_broken_follow_up_needs_the_day_it_broke() -> None:
    with pytest.raises(InvalidFacts) as raised:
        FollowUp(VISIT_DAY, FollowUpStatus.BROKEN)

    assert raised.value.field == "broken_on"
