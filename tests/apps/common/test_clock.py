"""The clock: a replay sets "now" and the business date for a block, and gives them back."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fieldvisit.apps.common.clock import business_date, clock_replaying, now

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_replay_sets_now_and_the_local_business_date_inside_the_block_only():
    before = now()
    # 23:30 in Shanghai is still the 8th there, the 8th at 15:30 in UTC
    at = dt.datetime(2026, 9, 8, 23, 30, tzinfo=SHANGHAI)

    with clock_replaying(at):
        assert now() == at
        assert now().tzinfo == dt.UTC
        assert business_date() == dt.date(2026, 9, 8)

    assert now() >= before > at


def test_replays_nest_and_unwind():
    outer = dt.datetime(2026, 9, 8, 9, 0, tzinfo=SHANGHAI)
    inner = dt.datetime(2026, 9, 9, 9, 0, tzinfo=SHANGHAI)

    with clock_replaying(outer):
        with clock_replaying(inner):
            assert business_date() == dt.date(2026, 9, 9)
        assert business_date() == dt.date(2026, 9, 8)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"), clock_replaying(dt.datetime(2026, 9, 8, 9, 0)):  # noqa: DTZ001
        pass
