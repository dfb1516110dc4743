"""The one error the delinquency engine raises for bad input: it names the offending field."""

from __future__ import annotations


class InvalidField(ValueError):
    """An input or policy value is unacceptable; ``str(error)`` is ``"<field>: <reason>"``."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
