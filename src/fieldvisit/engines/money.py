"""Money: the one constructor and the one rounding function every engine uses.

Money is ``decimal.Decimal`` in yuan. Numbers enter the engines through :func:`to_money` (or
:func:`to_rate`, the same constructor named for rates), which converts exactly and refuses
``float``: a float such as ``0.1`` is already wrong before it arrives. Amounts are rounded only at
the points the conventions define, and always by :func:`round_money` (half-up to the cent).

Modelled on Beancount ``beancount/core/number.py`` (one ``D()`` constructor) and Saleor
``saleor/core/prices.py: quantize_price`` (one quantize call).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeAlias

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

Number: TypeAlias = str | int | Decimal


def to_money(value: Number) -> Decimal:
    """Convert ``value`` to a finite ``Decimal`` exactly, without rounding.

    Accepts ``str`` (surrounding spaces ignored), ``int`` and ``Decimal``. Refuses ``float`` and
    ``bool`` with ``TypeError`` and anything unparsable, NaN or infinite with ``ValueError``.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise TypeError(f"expected str, int or Decimal, got {type(value).__name__}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def to_rate(value: Number) -> Decimal:
    """Convert a rate (a fraction per year: ``"0.049"`` is 4.9 %) exactly, like :func:`to_money`."""
    return to_money(value)


def round_money(amount: Decimal) -> Decimal:
    """Round ``amount`` (yuan) half-up to 0.01: ``round_money(Decimal("2.345"))`` is ``2.35``.

    Half-up means ties go away from zero, so ``-2.345`` becomes ``-2.35``.
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def is_cents(amount: Decimal) -> bool:
    """True when ``amount`` has no digits below the cent (it is its own :func:`round_money`)."""
    return amount == round_money(amount)
