"""Shared fixtures for the restructuring engine's tests."""

from __future__ import annotations

import pytest
from restructuring_cases import small_state

from fieldvisit.engines.restructuring import LoanState


@pytest.fixture
def state() -> LoanState:
    return small_state()
