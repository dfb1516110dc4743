"""Each rule: one contact it blocks and the nearest contact it allows (no database, no Django)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from fieldvisit.engines.compliance import (
    DEFAULT_POLICY,
    RULES,
    Channel,
    CompliancePolicy,
    ContactRequest,
    InvalidParameter,
    PriorContact,
    RuleId,
    Target,
    check_contact,
    strictest,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NUMBER = "13812345678"


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def call(when: datetime, **kwargs: object) -> ContactRequest:
    return ContactRequest(at=when, channel=Channel.CALL, contact_number=NUMBER, **kwargs)  # type: ignore[arg-type]


def visit(when: datetime, **kwargs: object) -> ContactRequest:
    defaults: dict[str, object] = {"visitors": 2}
    return ContactRequest(at=when, channel=Channel.VISIT, **{**defaults, **kwargs})  # type: ignore[arg-type]


def calls(count: int, *, connected: bool, when: datetime, number: str = NUMBER):
    return tuple(
        PriorContact(when + timedelta(minutes=i), Channel.CALL, number, connected)
        for i in range(count)
    )


# CN-TIME-01 quiet hours -------------------------------------------------------------------------


@pytest.mark.parametrize("when", [at(7, 59), at(21, 0), at(23, 30), at(0, 5)])
def test_a_call_outside_8_to_21_local_time_is_blocked_naming_quiet_hours(when):
    result = check_contact(call(when))

    assert result.blocked_ids == (RuleId.QUIET_HOURS,)
    assert result.blocked[0].explanation_en == (
        "No contact of any kind before 08:00 or after 21:00 in the borrower's local time."
    )
    assert (
        result.blocked[0].explanation_zh == "借款人当地时间 08:00 前或 21:00 后不得联系（含上门）。"
    )


@pytest.mark.parametrize("when", [at(8, 0), at(20, 59)])
def test_a_call_inside_the_window_is_allowed(when):
    assert check_contact(call(when)).allowed


def test_quiet_hours_are_judged_in_the_borrowers_zone_not_utc():
    # 13:30 UTC is 21:30 in Shanghai.
    when = datetime(2026, 3, 10, 13, 30, tzinfo=UTC)

    assert check_contact(call(when)).blocked_ids == (RuleId.QUIET_HOURS,)
    # 19:30 in Ürümqi (UTC+6).
    assert check_contact(call(when, time_zone="Asia/Urumqi")).allowed


def test_a_visit_that_ends_after_21_is_blocked_and_one_ending_at_21_is_allowed():
    assert check_contact(visit(at(20, 0), ends_at=at(21, 15))).blocked_ids == (RuleId.QUIET_HOURS,)
    assert check_contact(visit(at(20, 0), ends_at=at(21, 0))).allowed


def test_the_debtors_recorded_consent_waives_quiet_hours():
    assert check_contact(call(at(21, 30), time_consent=True)).allowed


# CN-FREQ-01 unanswered calls to one number ------------------------------------------------------


def test_a_seventh_unanswered_call_to_the_same_number_in_a_day_is_blocked():
    history = calls(6, connected=False, when=at(9))

    assert check_contact(call(at(16), history=history)).blocked_ids == (
        RuleId.UNANSWERED_CALLS_PER_NUMBER,
    )


def test_five_unanswered_calls_or_six_yesterday_or_to_another_number_allow_the_next():
    assert check_contact(call(at(16), history=calls(5, connected=False, when=at(9)))).allowed
    yesterday = calls(6, connected=False, when=at(9, day=9))
    assert check_contact(call(at(16), history=yesterday)).allowed
    other = calls(6, connected=False, when=at(9), number="13900000000")
    assert check_contact(call(at(16), history=other)).allowed


# CN-FREQ-02 connected calls per debtor ----------------------------------------------------------


def test_a_fourth_connected_call_to_the_debtor_in_a_day_is_blocked():
    history = calls(3, connected=True, when=at(9), number="13900000000")

    assert check_contact(call(at(16), history=history)).blocked_ids == (
        RuleId.CONNECTED_CALLS_PER_DEBTOR,
    )


def test_two_connected_calls_today_allow_a_third_and_sms_is_not_a_call():
    assert check_contact(call(at(16), history=calls(2, connected=True, when=at(9)))).allowed
    sms = ContactRequest(
        at=at(16), channel=Channel.SMS, history=calls(3, connected=True, when=at(9))
    )
    assert check_contact(sms).allowed


# CN-3P-01 third parties --------------------------------------------------------------------------


def test_collecting_from_a_third_party_is_blocked_and_cannot_be_overridden():
    result = check_contact(call(at(10), target=Target.THIRD_PARTY, override=True))

    assert result.blocked_ids == (RuleId.THIRD_PARTY,)
    assert result.overridden == ()


@pytest.mark.parametrize("target", [Target.BORROWER, Target.GUARANTOR, Target.DEBT_RELATED])
def test_the_borrower_a_guarantor_or_a_debt_related_party_may_be_contacted(target):
    assert check_contact(call(at(10), target=target)).allowed


# CN-VISIT-01 two persons -------------------------------------------------------------------------


def test_a_visit_by_one_collector_is_blocked_and_by_two_allowed():
    assert check_contact(visit(at(10), visitors=1)).blocked_ids == (RuleId.VISIT_TWO_PERSONS,)
    assert check_contact(visit(at(10), visitors=2)).allowed


# FV-VISIT-7D visit interval ----------------------------------------------------------------------


def test_a_second_visit_within_7_days_is_blocked_and_on_the_7th_day_allowed():
    history = (PriorContact(at(15, day=3), Channel.VISIT),)

    assert check_contact(visit(at(10, day=9), history=history)).blocked_ids == (
        RuleId.VISIT_INTERVAL,
    )
    assert check_contact(visit(at(10, day=10), history=history)).allowed


def test_a_visit_the_borrower_asked_for_or_a_manager_overrode_is_allowed():
    history = (PriorContact(at(15, day=8), Channel.VISIT),)

    assert check_contact(visit(at(10), history=history, borrower_requested_visit=True)).allowed
    overridden = check_contact(visit(at(10), history=history, override=True))
    assert overridden.allowed
    assert overridden.overridden_ids == (RuleId.VISIT_INTERVAL,)


def test_calls_do_not_count_towards_the_visit_interval():
    history = calls(2, connected=True, when=at(9, day=8))

    assert check_contact(visit(at(10), history=history)).allowed


# FV-VULN-01 vulnerable or hardship hold ---------------------------------------------------------


@pytest.mark.parametrize("flag", ["vulnerable", "hardship_hold"])
def test_a_vulnerable_or_held_borrower_is_blocked_without_override_and_allowed_with_it(flag):
    blocked = check_contact(call(at(10), **{flag: True}))
    overridden = check_contact(call(at(10), override=True, **{flag: True}))

    assert blocked.blocked_ids == (RuleId.VULNERABLE,)
    assert overridden.allowed
    assert overridden.overridden_ids == (RuleId.VULNERABLE,)


def test_an_override_lifts_only_the_overridable_rules():
    result = check_contact(call(at(22), vulnerable=True, override=True))

    assert result.blocked_ids == (RuleId.QUIET_HOURS,)
    assert result.overridden_ids == (RuleId.VULNERABLE,)


def test_a_request_breaking_several_rules_names_all_of_them_in_catalogue_order():
    result = check_contact(visit(at(6), visitors=1, target=Target.THIRD_PARTY, vulnerable=True))

    assert result.blocked_ids == (
        RuleId.QUIET_HOURS,
        RuleId.THIRD_PARTY,
        RuleId.VISIT_TWO_PERSONS,
        RuleId.VULNERABLE,
    )


# Policy ------------------------------------------------------------------------------------------


def test_a_disabled_rule_is_not_checked():
    policy = replace(DEFAULT_POLICY, disabled=frozenset({RuleId.VISIT_TWO_PERSONS}))

    assert check_contact(visit(at(10), visitors=1), policy).allowed


def test_parameters_change_the_rule_and_its_explanation():
    policy = CompliancePolicy.from_mapping({"allowed_until": "22:00", "min_visitors": 3})

    assert check_contact(call(at(21, 30)), policy).allowed
    result = check_contact(visit(at(10), visitors=2), policy)
    assert result.blocked[0].explanation_en == "A field visit needs at least 3 collectors present."


def test_the_strictest_of_two_profiles_keeps_the_narrower_window_and_lower_caps():
    loose = CompliancePolicy(allowed_from=time(7), allowed_until=time(22))
    strict = CompliancePolicy(max_connected_calls_per_debtor=2, disabled=frozenset())
    combined = strictest(loose, strict)

    assert (combined.allowed_from, combined.allowed_until) == (time(8), time(21))
    assert combined.max_connected_calls_per_debtor == 2


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"allowed_from": "25:00"}, "allowed_from"),
        ({"allowed_from": "21:00", "allowed_until": "08:00"}, "allowed_until"),
        ({"min_visitors": -1}, "min_visitors"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"disabled": ["CN-NOPE-01"]}, "disabled"),
        ({"quiet_hours": "x"}, "quiet_hours"),
    ],
)
def test_a_bad_parameter_is_refused_naming_the_field(mapping, field):
    with pytest.raises(InvalidParameter) as raised:
        CompliancePolicy.from_mapping(mapping)

    assert raised.value.field == field


def test_a_naive_time_is_refused():
    with pytest.raises(InvalidParameter, match=r"^at: must be a timezone-aware"):
        ContactRequest(at=datetime(2026, 3, 10, 10, 0), channel=Channel.CALL)  # noqa: DTZ001


def test_every_rule_has_both_languages_and_a_source():
    for rule in RULES.values():
        assert rule.title_zh
        assert rule.title_en
        assert rule.source
        assert rule.explain_zh.format(**DEFAULT_POLICY.parameters())
        assert rule.explain_en.format(**DEFAULT_POLICY.parameters())
