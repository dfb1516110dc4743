"""Form widgets shared by the apps' forms."""

from __future__ import annotations

from typing import Any

from django import forms

#: The only value format an ``<input type="date">`` accepts (HTML's "valid date string").
ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker whose value is always ISO ``YYYY-MM-DD``.

    Django's ``DateInput`` renders a value in the active locale's first input format, which for
    简体中文 is ``2026/03/10``: a date picker cannot show that, so a form opened in Chinese
    arrives with its default date empty and is refused as "required". ISO is also among every
    locale's input formats, so the value round-trips.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
