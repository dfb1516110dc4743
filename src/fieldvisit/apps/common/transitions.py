"""A status enumeration's transition table: which status may follow which.

Every workflow app (cases, visits, plans, remedies, legal) declares its table as data and wraps it
here, so the lookup is written once and a table that forgets a status fails at import, not at the
first case that reaches the forgotten status.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Generic, TypeVar

S = TypeVar("S", bound=Enum)


class StatusPipeline(Generic[S]):
    def __init__(self, status_type: type[S], table: Mapping[S, frozenset[S]]) -> None:
        missing = [status.value for status in status_type if status not in table]
        if missing:
            raise ValueError(f"{status_type.__name__} transitions lack a row for {missing}")
        self.status_type = status_type
        self.table: dict[S, frozenset[S]] = dict(table)

    def allowed_next(self, status: str) -> frozenset[S]:
        """The statuses that may follow ``status``."""
        return self.table[self.status_type(status)]

    def is_allowed(self, from_status: str, to_status: str) -> bool:
        return self.status_type(to_status) in self.allowed_next(from_status)
