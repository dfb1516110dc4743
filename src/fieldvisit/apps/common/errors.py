"""The one exception type services raise for a rule the user broke (shown to them, translated)."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the action. ``message`` is user-facing and already translated."""

    def __init__(self, message: Any, *, code: str = "invalid", extra: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.extra = extra or {}
