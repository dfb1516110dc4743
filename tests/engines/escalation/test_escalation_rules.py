"""The escalation rule at its edges, its thresholds as policy, and validation naming the field."""

from __future__ import annotations

import pytest

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.escalation import EscalationFacts, EscalationPolicy, escalation_advice

TWO_REFUSALS = ("refused", "nobody_home")


def test_two_failed_visits_at_90_dpd_recommend_escalation():
    advice = escalation_advice(EscalationFacts(dpd=90, visit_outcomes=TWO_REFUSALS))

    assert advice.recommended is True
    assert advice.failed_visits == 2
    assert advice.reasons_en == (
        "the borrower refused or could not be reached at 2 visits and is 90 days past due (≥ 90)",
    )


def test_one_day_short_of_90_is_not_enough():
    advice = escalation_advice(EscalationFacts(dpd=89, visit_outcomes=TWO_REFUSALS))

    assert (advice.recommended, advice.reasons_zh) == (False, ())


def test_a_visit_where_the_borrower_talked_does_not_count():
    advice = escalation_advice(EscalationFacts(dpd=120, visit_outcomes=("refused", "met_borrower")))

    assert (advice.recommended, advice.failed_visits) == (False, 1)


def test_two_broken_promises_are_enough_at_any_dpd():
    advice = escalation_advice(EscalationFacts(dpd=10, broken_promises=2))

    assert advice.recommended is True
    assert advice.reasons_zh == ("借款人已违背2次还款承诺",)


def test_the_thresholds_come_from_the_policy():
    policy = EscalationPolicy.from_mapping(
        {"min_failed_visits": 3, "min_dpd": 60, "failed_outcomes": ["refused"]}
    )

    assert not escalation_advice(EscalationFacts(90, ("refused", "refused")), policy).recommended
    assert escalation_advice(EscalationFacts(60, ("refused",) * 3), policy).recommended
    assert not escalation_advice(EscalationFacts(90, ("nobody_home",) * 3), policy).recommended


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"min_dpd": 0}, "min_dpd"),
        ({"min_failed_visits": True}, "min_failed_visits"),
        ({"failed_outcomes": "refused"}, "failed_outcomes"),
        ({"min_dpds": 90}, "min_dpds"),
    ],
)
def test_bad_policy_values_name_the_field(mapping, field):
    with pytest.raises(InvalidField) as error:
        EscalationPolicy.from_mapping(mapping)

    assert error.value.field == field
