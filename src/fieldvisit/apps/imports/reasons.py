"""Why a row or a file was refused: one code per reason, its text translated when shown.

Errors are stored as a code and parameters; :func:`reason_text` renders them in the active
language, so the same report reads in Chinese for one user and in English for another.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Any] = {
    # Files
    "unknown_kind": _("Cannot tell from the file name what it holds; name it borrowers, loans, …"),
    "unsupported_format": _("Unsupported file type; use CSV, XLSX or Parquet."),
    "bad_encoding": _("The file is neither UTF-8 nor GB18030 text."),
    "unreadable": _("The file cannot be read (damaged or truncated): %(detail)s"),
    "empty": _("The file has no header row."),
    "missing_column": _("Required column is missing."),
    "duplicate_column": _("Column appears more than once."),
    "bad_row_shape": _("The row has %(found)s fields; the header has %(expected)s."),
    "truncated": _("The file ends in the middle of a row; it may be truncated."),
    "duplicate_file": _("Two files of the same kind in one import."),
    "kind_not_permitted": _(
        "You may not import this file: staff, teams and certifications are imported by an "
        "administrator."
    ),
    # Cells
    "required": _("Required."),
    "too_long": _("Longer than %(max)s characters."),
    "not_integer": _("Not a whole number."),
    "not_number": _("Not a number."),
    "not_date": _("Not a date (YYYY-MM-DD)."),
    "not_time": _("Not a time (HH:MM)."),
    "not_money": _("Not an amount in yuan."),
    "money_negative": _("Amount must not be negative."),
    "money_decimals": _("Amount has more than 2 decimals."),
    "rate_decimals": _("Rate has more than 6 decimals."),
    "not_bool": _("Not yes or no (true/false)."),
    "not_positive": _("Must be greater than 0."),
    "out_of_range": _("Must be between %(min)s and %(max)s."),
    "unknown_choice": _("Unknown value; expected one of: %(choices)s."),
    "bad_id_number": _("Not an 18-digit resident ID number."),
    "bad_id_check": _("ID number check digit is wrong."),
    "bad_mobile": _("Not an 11-digit mobile number."),
    "pair_incomplete": _("Give both %(first)s and %(second)s, or neither."),
    "not_after": _("Must be after %(other)s."),
    "duplicate": _("Duplicate of line %(line)s."),
    "unknown_ref": _("No such %(target)s in this import or the database."),
    "id_number_taken": _("This ID number belongs to borrower %(other)s."),
    "username_taken": _("User %(other)s already has this employee number's login."),
}


def reason_text(code: str, params: dict[str, Any] | None = None) -> str:
    """The reason in the active language, with its parameters filled in."""
    template = REASONS.get(code)
    if template is None:
        return code
    text = str(template)
    try:
        return text % (params or {})
    except (KeyError, TypeError, ValueError):
        return text
