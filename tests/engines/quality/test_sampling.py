"""The QA sample: reproducible for a seed, and each agent's month drawn at the agent's share."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.engines.quality import (
    AgentStanding,
    InvalidPolicy,
    SamplingPolicy,
    ShareReason,
    SubmittedReport,
    agent_share,
    default_policy,
    draw_sample,
    quota,
)

MARCH = date(2026, 3, 1)
POLICY = SamplingPolicy(
    base_share=Decimal("0.10"),
    new_agent_share=Decimal("0.30"),
    complaint_share=Decimal("0.50"),
    new_agent_days=90,
    min_per_agent=1,
)


def month_of_reports(agent_id: int, count: int, first_id: int, month: date = MARCH):
    return [
        SubmittedReport(first_id + i, agent_id, month + timedelta(days=i % 28))
        for i in range(count)
    ]


def book():
    """Agent 1: veteran, 30 reports; agent 2: hired 2026-02-15, 20 reports; agent 3: one
    complaint, 10 reports; agent 4: veteran, 3 reports."""
    reports = (
        month_of_reports(1, 30, 1000)
        + month_of_reports(2, 20, 2000)
        + month_of_reports(3, 10, 3000)
        + month_of_reports(4, 3, 4000)
    )
    standings = [
        AgentStanding(1, hired_on=date(2020, 1, 1)),
        AgentStanding(2, hired_on=date(2026, 2, 15)),
        AgentStanding(3, hired_on=date(2019, 5, 1), complaints=1),
        AgentStanding(4, hired_on=date(2018, 1, 1)),
    ]
    return reports, standings


def test_each_agent_is_drawn_at_their_share_rounded_up():
    reports, standings = book()

    sample = draw_sample(reports, standings, POLICY, seed=7)

    assert [(q.agent_id, q.reports, q.share, q.reason, q.drawn) for q in sample.quotas] == [
        (1, 30, Decimal("0.10"), ShareReason.BASE, 3),
        (2, 20, Decimal("0.30"), ShareReason.NEW_AGENT, 6),
        (3, 10, Decimal("0.50"), ShareReason.COMPLAINTS, 5),
        (4, 3, Decimal("0.10"), ShareReason.BASE, 1),  # ceil(0.3) = 1
    ]
    drawn_per_agent = {a: sum(1 for p in sample.picks if p.agent_id == a) for a in (1, 2, 3, 4)}
    assert drawn_per_agent == {1: 3, 2: 6, 3: 5, 4: 1}
    assert all(1000 * p.agent_id <= p.report_id < 1000 * (p.agent_id + 1) for p in sample.picks)


def test_the_same_seed_draws_the_same_reports_whatever_the_input_order():
    reports, standings = book()

    first = draw_sample(reports, standings, POLICY, seed=2026)
    again = draw_sample(list(reversed(reports)), list(reversed(standings)), POLICY, seed=2026)

    assert again == first


def test_another_seed_draws_other_reports_at_the_same_shares():
    reports, standings = book()

    one = draw_sample(reports, standings, POLICY, seed=1)
    two = draw_sample(reports, standings, POLICY, seed=2)

    assert one.report_ids != two.report_ids
    assert [q.drawn for q in one.quotas] == [q.drawn for q in two.quotas]


def test_an_agents_draw_does_not_change_when_another_agent_files_more_reports():
    reports, standings = book()
    before = draw_sample(reports, standings, POLICY, seed=5)

    after = draw_sample([*reports, *month_of_reports(4, 5, 4100)], standings, POLICY, seed=5)

    assert [p for p in after.picks if p.agent_id == 1] == [
        p for p in before.picks if p.agent_id == 1
    ]


def test_months_are_drawn_separately():
    reports = month_of_reports(1, 10, 1) + month_of_reports(1, 10, 100, month=date(2026, 4, 1))

    sample = draw_sample(reports, [], POLICY, seed=3)

    assert [(q.month, q.drawn) for q in sample.quotas] == [
        (date(2026, 3, 1), 1),
        (date(2026, 4, 1), 1),
    ]
    assert sorted(p.report_id < 100 for p in sample.picks) == [False, True]


def test_a_new_agent_stops_being_new_after_new_agent_days():
    hired = date(2025, 12, 1)  # 120 days before 2026-03-31

    assert agent_share(AgentStanding(1, hired_on=hired), MARCH, POLICY) == (
        Decimal("0.10"),
        ShareReason.BASE,
    )
    assert agent_share(AgentStanding(1, hired_on=date(2026, 1, 1)), MARCH, POLICY) == (
        Decimal("0.30"),
        ShareReason.NEW_AGENT,
    )


def test_a_new_agent_with_a_complaint_gets_the_larger_share():
    standing = AgentStanding(1, hired_on=date(2026, 3, 2), complaints=2)

    assert agent_share(standing, MARCH, POLICY) == (Decimal("0.50"), ShareReason.COMPLAINTS)


def test_quota_is_exact_decimal_arithmetic_and_never_exceeds_the_reports():
    assert quota(30, Decimal("0.10"), POLICY) == 3
    assert quota(31, Decimal("0.10"), POLICY) == 4
    assert quota(0, Decimal("0.50"), POLICY) == 0
    assert quota(2, Decimal("1"), POLICY) == 2
    assert quota(2, Decimal("0"), SamplingPolicy(min_per_agent=5)) == 2


def test_a_report_given_for_two_agents_is_refused():
    with pytest.raises(ValueError, match="report 1 is given for two agents"):
        draw_sample(
            [SubmittedReport(1, 1, MARCH), SubmittedReport(1, 2, MARCH)], [], POLICY, seed=0
        )


def test_the_shipped_policy_reads_from_its_toml():
    assert default_policy() == POLICY


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"base_share": "1.5"}, "base_share"),
        ({"complaint_share": "-0.1"}, "complaint_share"),
        ({"new_agent_share": "lots"}, "new_agent_share"),
        ({"min_per_agent": -1}, "min_per_agent"),
        ({"new_agent_days": "90"}, "new_agent_days"),
        ({"share": "0.1"}, "share"),
    ],
)
def test_a_bad_policy_names_the_field(data, field):
    with pytest.raises(InvalidPolicy) as caught:
        SamplingPolicy.from_mapping(data)

    assert caught.value.field == field


def test_policy_round_trips_through_plain_values():
    assert SamplingPolicy.from_mapping(POLICY.to_mapping()) == POLICY


shares = st.decimals(min_value=0, max_value=1, places=2)


@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6),
    complaints=st.lists(st.integers(min_value=0, max_value=2), min_size=6, max_size=6),
    base=shares,
    extra=shares,
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_property_every_agent_gets_exactly_the_quota_of_their_share(
    counts, complaints, base, extra, seed
):
    policy = SamplingPolicy(base_share=base, complaint_share=extra, new_agent_share=base)
    reports = [r for a, n in enumerate(counts) for r in month_of_reports(a, n, 1000 * a)]
    standings = [AgentStanding(a, complaints=complaints[a]) for a in range(len(counts))]

    sample = draw_sample(reports, standings, policy, seed)

    for agent_id, n in enumerate(counts):
        share = max(base, extra) if complaints[agent_id] else base
        expected = 0 if n == 0 else min(n, max(math.ceil(share * n), 1))
        drawn = [p.report_id for p in sample.picks if p.agent_id == agent_id]
        assert len(drawn) == expected
        assert len(set(drawn)) == expected
    assert draw_sample(reports, standings, policy, seed) == sample
