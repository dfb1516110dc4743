"""The shared transition table: a lookup written once, and a forgotten status caught at import."""

from __future__ import annotations

import enum

import pytest

from fieldvisit.apps.common.transitions import StatusPipeline


class Light(enum.StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


PIPELINE = StatusPipeline(
    Light,
    {
        Light.RED: frozenset({Light.GREEN}),
        Light.GREEN: frozenset({Light.AMBER}),
        Light.AMBER: frozenset({Light.RED}),
    },
)


def test_a_move_in_the_table_is_allowed_and_one_outside_it_is_not():
    assert PIPELINE.is_allowed("red", "green")
    assert not PIPELINE.is_allowed("red", "amber")
    assert PIPELINE.allowed_next("green") == frozenset({Light.AMBER})


def test_an_unknown_status_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match="blue"):
        PIPELINE.is_allowed("red", "blue")


def test_a_table_that_forgets_a_status_is_refused():
    with pytest.raises(ValueError, match="amber"):
        StatusPipeline(Light, {Light.RED: frozenset(), Light.GREEN: frozenset()})
