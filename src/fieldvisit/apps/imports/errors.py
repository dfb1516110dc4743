"""A problem with a whole file (it cannot be read, or lacks a column), as opposed to one cell."""

from __future__ import annotations

from typing import Any


class FileProblem(Exception):
    """``code`` is a key of :data:`fieldvisit.apps.imports.reasons.REASONS`."""

    def __init__(
        self, code: str, *, line: int | None = None, column: str = "", **params: Any
    ) -> None:
        super().__init__(code)
        self.code = code
        self.line = line
        self.column = column
        self.params = params
