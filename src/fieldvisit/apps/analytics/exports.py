"""Exports: every table of a dashboard to an Excel workbook, and the monthly PDF report.

The workbook has a sheet per table (numbers as numbers, dates as dates) and a first sheet with
the filters and the notes; no text cell can run as a formula (:mod:`~fieldvisit.apps.common.
spreadsheets`). The PDF draws each dashboard's charts with reportlab's own graphics
(from the same series as the SVG) and its tables, in the CJK font of :mod:`fieldvisit.pdf`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from fieldvisit.apps.analytics.selectors.base import Chart, Dashboard, Filters
from fieldvisit.apps.common.spreadsheets import xlsx_bytes
from fieldvisit.engines.analytics.svg import PALETTE

#: Rows of a table printed in the PDF (the workbook has them all).
PDF_ROWS = 40


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value.as_tuple().exponent != 0 else int(value)
    if value is None or isinstance(value, int | float | str | dt.date):
        return value
    return str(value)


def workbook(board: Dashboard, filters: Filters) -> bytes:
    """The dashboard as an .xlsx: an "about" sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "about"
    about.append([board.title])
    about["A1"].font = Font(bold=True)
    for name, value in filters.as_query().items():
        about.append([name, value])
    for note in board.notes:
        about.append([note])
    for table in board.tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        for column, header in zip(sheet.columns, table.columns, strict=False):
            width = max([len(str(header))] + [len(str(c.value or "")) for c in column[2:200]])
            sheet.column_dimensions[column[0].column_letter].width = min(48, width + 2)
    for chart_index, chart in enumerate(board.charts):
        if chart.kind == "heat" or not chart.series:
            continue
        sheet = book.create_sheet(f"chart{chart_index + 1}")
        sheet.append([chart.title])
        sheet.append(["", *[s.name for s in chart.series]])
        for i, label in enumerate(chart.labels):
            sheet.append([label, *[s.values[i] for s in chart.series]])
    return xlsx_bytes(book)


def _drawing(chart: Chart, width: float) -> Any:
    """A reportlab drawing of ``chart`` (bars or lines); None for kinds printed as tables."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    from fieldvisit.pdf import cjk_font

    if chart.kind == "heat" or chart.empty:
        return None
    font = cjk_font()
    height = 190.0
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, chart.title, fontName=font, fontSize=8.5))
    plot: Any
    if chart.kind == "line":
        plot = HorizontalLineChart()
    else:
        plot = VerticalBarChart()
        if chart.kind == "stacked":
            plot.categoryAxis.style = "stacked"
    plot.x, plot.y, plot.width, plot.height = 50, 45, width - 70, height - 70
    plot.data = [tuple((v or 0) for v in s.values) for s in chart.series]
    plot.categoryAxis.categoryNames = [str(label) for label in chart.labels]
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 6
    plot.categoryAxis.labels.angle = 30 if len(chart.labels) > 6 else 0
    plot.valueAxis.labels.fontSize = 6
    plot.valueAxis.valueMin = 0
    for k in range(len(chart.series)):
        colour = colors.HexColor(PALETTE[k % len(PALETTE)])
        if chart.kind == "line":
            plot.lines[k].strokeColor = colour
        else:
            plot.bars[k].fillColor = colour
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = 50, 8
    legend.fontName = font
    legend.fontSize = 6
    legend.columnMaximum = 1
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor(PALETTE[k % len(PALETTE)]), s.name) for k, s in enumerate(chart.series)
    ][:8]
    legend.dx, legend.dy, legend.deltax = 6, 6, 60
    legend.boxAnchor = "sw"
    legend.columnMaximum = 1
    drawing.add(legend)
    return drawing


def monthly_report(boards: Sequence[Dashboard], filters: Filters) -> bytes:
    """The monthly PDF: a section per dashboard with its notes, charts and tables."""
    from reportlab.lib.pagesizes import A4

    from fieldvisit.pdf import Document

    month = filters.month.strftime("%Y-%m") if filters.month else _("latest")
    doc = Document(_("Analytics report, %(month)s") % {"month": month})
    doc.title_block(doc.title)
    scope = ", ".join(f"{k} = {v}" for k, v in filters.as_query().items())
    doc.paragraph(scope or _("Whole organisation, all products."), "small")
    width = A4[0] - 2 * 42
    for board in boards:
        doc.heading(board.title)
        for note in board.notes:
            doc.paragraph(note, "small")
        for chart in board.charts:
            drawing = _drawing(chart, width)
            if drawing is not None:
                doc.story.append(drawing)
                doc.spacer(4)
        for table in board.tables:
            doc.paragraph(table.title)
            rows = [[_text(v) for v in row] for row in table.rows[:PDF_ROWS]]
            if not rows:
                doc.paragraph(_("No data."), "small")
                continue
            doc.table([[str(c) for c in table.columns], *rows])
            if len(table.rows) > PDF_ROWS:
                doc.paragraph(
                    _("%(n)s more rows in the Excel export.") % {"n": len(table.rows) - PDF_ROWS},
                    "small",
                )
            doc.spacer(4)
    return doc.render()


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)
