"""Shared fixtures for the restructuring engine's tests."""

from __future__ import annotations

import pytest

from fieldvisit.engines.restructuring import LoanState
from tests.engines.restructuring.restructuring_cases import small_state


@pytest.fixture
def state() -> LoanState:
    return small_state()
