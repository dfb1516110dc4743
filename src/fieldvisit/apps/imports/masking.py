"""Personal data in the error report: a bad cell of a personal column is shown masked.

The report quotes the value of each bad cell so that whoever fixes the file can find it. For the
columns marked :class:`~.specs.Pii` (a borrower's name, ID number, mobile, addresses, home and
work coordinates, birth date; a staff member's name and mobile) the value is masked before it is
stored, so the page, the CSV download, ``--json`` and the API never hold it; the reason (its code)
still says what is wrong ("ID number check digit is wrong"). ID numbers and mobiles are masked as
everywhere else (:mod:`fieldvisit.apps.cases.pii`): ``110101********1234``, ``138****5678``.
"""

from __future__ import annotations

import re

import polars as pl

from fieldvisit.apps.cases.pii import mask_id_number, mask_phone
from fieldvisit.apps.imports.specs import SPECS, Pii

MASK = "*"
NAME_STARS = 2  # 张三丰 → 张**: the surname, and no hint of the given name's length
ADDRESS_KEPT = 3  # 广东省深圳市南山区… → 广东省****: a province or city names no one
ADDRESS_STARS = 4
_DEGREES = re.compile(r"^\s*([+-]?\d{1,3})(\.\d*)?\s*$")
_YEAR = re.compile(r"^\d{4}")


def mask_value(pii: Pii, value: str) -> str:
    """``value`` of a column holding ``pii`` as the error report shows it."""
    if not value or pii == Pii.NONE:
        return value
    match pii:
        case Pii.ID_NUMBER:
            return mask_id_number(value)
        case Pii.PHONE:
            return mask_phone(value)
        case Pii.NAME:
            return value[:1] + MASK * NAME_STARS
        case Pii.ADDRESS:
            kept = value[:ADDRESS_KEPT] if len(value) > 2 * ADDRESS_KEPT else ""
            return kept + MASK * ADDRESS_STARS
        case Pii.PLACE:
            # Whole degrees (about 100 km) tell a wrong sign or a swapped pair, not a home.
            degrees = _DEGREES.match(value)
            return f"{degrees.group(1)}.{MASK * 4}" if degrees else MASK * 4
        case Pii.BIRTH_DATE:
            year = _YEAR.match(value)
            return f"{year.group(0)}-{MASK * 2}-{MASK * 2}" if year else MASK * 4
    return MASK * 4  # a kind of personal data added to Pii but not here: hide it all


def mask_errors(kind: str, errors: pl.DataFrame) -> pl.DataFrame:
    """``errors`` (line, column, value, code, params) of a file of ``kind``, personal values
    masked. Called on the kept errors only (at most a few thousand rows)."""
    spec = SPECS.get(kind)
    if spec is None or errors.is_empty():
        return errors
    personal = {column.name: column.pii for column in spec.columns if column.pii != Pii.NONE}
    if not personal or not errors["column"].is_in(list(personal)).any():
        return errors
    masked = [
        mask_value(personal.get(column or "", Pii.NONE), value or "")
        for column, value in errors.select("column", "value").iter_rows()
    ]
    return errors.with_columns(pl.Series("value", masked, dtype=pl.String))
