"""Check-in evidence: at the address only with a close and precise fix; device times believed
within bounds; implausible movement between consecutive check-ins flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.evidence import (
    EvidencePolicy,
    Fix,
    PriorCheckIn,
    assess_check_in,
    event_time,
    haversine_m,
    speed_kmh,
)

UTC = dt.UTC
HOME = (22.5431, 114.0579)
# 0.018° of latitude north of HOME: 2,002 m.
FAR = (22.5611, 114.0579)
NOON = dt.datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shenzhen


def fix(point=HOME, accuracy: float | None = 10.0) -> Fix:
    return Fix(point[0], point[1], accuracy)


class TestAtTheAddress:
    def test_a_close_precise_fix_is_at_the_address(self):
        result = assess_check_in(fix=fix(), address=HOME, received_at=NOON)

        assert (result.distance_m, result.at_address, result.problems) == (0, True, ())
        assert result.at == NOON
        assert result.flags == ()

    def test_a_fix_vaguer_than_the_policy_is_not_at_the_address_even_at_the_door(self):
        result = assess_check_in(fix=fix(accuracy=100.5), address=HOME, received_at=NOON)

        assert result.distance_m == 0
        assert result.at_address is False
        assert result.problems == ("vague",)

    def test_the_accuracy_limit_is_configurable(self):
        strict = EvidencePolicy(max_accuracy_m=20)

        assert not assess_check_in(
            fix=fix(accuracy=25), address=HOME, received_at=NOON, policy=strict
        ).at_address
        assert assess_check_in(fix=fix(accuracy=20), address=HOME, received_at=NOON, policy=strict)

    def test_a_fix_without_an_accuracy_is_not_at_the_address(self):
        result = assess_check_in(fix=fix(accuracy=None), address=HOME, received_at=NOON)

        assert (result.at_address, result.problems) == (False, ("no_accuracy",))

    def test_two_km_away_is_far(self):
        result = assess_check_in(fix=fix(FAR), address=HOME, received_at=NOON)

        assert (result.distance_m, result.problems) == (2002, ("far",))

    def test_far_and_vague_are_both_named(self):
        result = assess_check_in(fix=fix(FAR, accuracy=500), address=HOME, received_at=NOON)

        assert result.problems == ("far", "vague")

    def test_no_fix_has_no_distance(self):
        result = assess_check_in(fix=None, address=HOME, received_at=NOON)

        assert (result.distance_m, result.at_address, result.problems) == (
            None,
            False,
            ("no_position",),
        )


class TestDeviceTime:
    def test_a_device_time_a_few_seconds_before_receipt_is_the_event_time(self):
        device = NOON - dt.timedelta(seconds=3)

        assert event_time(device, NOON) == (device, ())

    def test_a_check_in_queued_offline_keeps_its_device_time_and_is_marked_sent_late(self):
        device = NOON - dt.timedelta(hours=3)

        assert event_time(device, NOON) == (device, ("sent_late",))

    def test_a_device_clock_ahead_of_the_server_is_not_believed(self):
        ahead = NOON + dt.timedelta(minutes=6)

        assert event_time(ahead, NOON) == (NOON, ("device_clock_ahead",))
        assert event_time(NOON + dt.timedelta(minutes=5), NOON)[1] == ()

    def test_a_device_time_days_old_is_not_believed(self):
        stale = NOON - dt.timedelta(hours=49)

        assert event_time(stale, NOON) == (NOON, ("device_clock_stale",))

    def test_no_device_time_is_the_receipt_time(self):
        assert event_time(None, NOON) == (NOON, ())

    def test_naive_times_are_refused(self):
        with pytest.raises(InvalidField, match="device_at"):
            event_time(dt.datetime(2026, 3, 10, 12, 0), NOON)  # noqa: DTZ001


class TestMovement:
    def test_two_km_in_ten_minutes_is_a_car_not_a_flag(self):
        prior = PriorCheckIn(fix(FAR, 5), NOON - dt.timedelta(minutes=10))

        result = assess_check_in(fix=fix(accuracy=5), address=HOME, received_at=NOON, prior=prior)

        # (2001.5 − 5 − 5) m in 600 s = 11.9 km/h.
        assert result.speed_kmh == 11.9
        assert result.flags == ()

    def test_two_km_in_one_minute_is_flagged_for_the_manager(self):
        prior = PriorCheckIn(fix(FAR, 5), NOON - dt.timedelta(minutes=1))

        result = assess_check_in(fix=fix(accuracy=5), address=HOME, received_at=NOON, prior=prior)

        assert result.speed_kmh == 119.5
        assert result.flags == ("implausible_speed",)
        # The check-in itself still stands: it is at the address.
        assert result.at_address

    def test_gps_jitter_between_neighbouring_doors_is_not_speed(self):
        near = (HOME[0] + 0.0003, HOME[1])  # 33 m north
        prior = PriorCheckIn(fix(near, 20), NOON - dt.timedelta(seconds=2))

        assert speed_kmh(prior, fix(accuracy=20), NOON) == 0.0

    def test_the_same_second_does_not_divide_by_zero(self):
        prior = PriorCheckIn(fix(FAR, 5), NOON)

        assert speed_kmh(prior, fix(accuracy=5), NOON) == 7169.4

    def test_the_speed_uses_the_device_times_of_an_offline_check_in(self):
        # Both check-ins were made offline and sent together at NOON: their device times count.
        prior = PriorCheckIn(fix(FAR, 5), NOON - dt.timedelta(hours=2))
        device = NOON - dt.timedelta(hours=1, minutes=50)

        result = assess_check_in(
            fix=fix(accuracy=5), address=HOME, received_at=NOON, device_at=device, prior=prior
        )

        assert result.at == device
        assert result.speed_kmh == 11.9
        assert result.flags == ("sent_late",)

    def test_the_speed_limit_is_configurable(self):
        prior = PriorCheckIn(fix(FAR, 5), NOON - dt.timedelta(minutes=10))

        result = assess_check_in(
            fix=fix(accuracy=5),
            address=HOME,
            received_at=NOON,
            prior=prior,
            policy=EvidencePolicy(max_speed_kmh=10),
        )

        assert result.flags == ("implausible_speed",)


class TestPolicy:
    def test_from_mapping_names_an_unknown_field(self):
        with pytest.raises(InvalidField, match="max_acuracy_m"):
            EvidencePolicy.from_mapping({"max_acuracy_m": 50})

    @pytest.mark.parametrize("value", [0, -5, True, "100"])
    def test_thresholds_must_be_positive_numbers(self, value):
        with pytest.raises(InvalidField, match="max_accuracy_m"):
            EvidencePolicy(max_accuracy_m=value)


def test_haversine_one_degree_of_latitude_is_about_111_km():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, abs=1)
