"""``{{ value|percent }}``: a share kept as a decimal string in a proposal's options (the all-in
rate ``"0.1179"``) shown as a percentage with two places (``11.79%``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def percent(value: object) -> str:
    """``share × 100`` rounded half-up to 0.01, with a percent sign; "—" for no value."""
    if value in (None, ""):
        return "—"
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        return "—"
    if not share.is_finite():
        return "—"
    return f"{(share * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
