"""PDF building blocks shared by the letters and the court pack: the CJK font, styles, tables.

Chinese is drawn with a TrueType font installed by the setup step (Debian's
``fonts-wqy-microhei``, or ``fonts-wqy-zenhei``), embedded in each PDF as a subset with its
Unicode map, so the text layer holds the Chinese characters. Nothing is fetched at run time: the
font is looked up in ``settings.PDF_CJK_FONT_PATHS`` and a missing font is a clear error naming
the paths and the package.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

DEFAULT_CJK_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
FONT_NAME = "FieldvisitCJK"


class FontMissing(RuntimeError):
    """No CJK TrueType font at any configured path."""


_registered: dict[str, str] = {}


def font_paths() -> tuple[str, ...]:
    return tuple(getattr(settings, "PDF_CJK_FONT_PATHS", DEFAULT_CJK_FONT_PATHS))


def cjk_font() -> str:
    """Register the first CJK font found (once per process) and return its reportlab name."""
    if FONT_NAME in _registered:
        return FONT_NAME
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths = font_paths()
    for path in paths:
        if Path(path).is_file():
            # A .ttc holds several faces; the first is the regular one in both WenQuanYi files.
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
            _registered[FONT_NAME] = path
            return FONT_NAME
    raise FontMissing(
        "No CJK TrueType font found for PDFs; looked in: "
        + ", ".join(paths)
        + ". Install Debian's fonts-wqy-microhei (scripts/system-packages.sh does) "
        "or set PDF_CJK_FONT_PATHS."
    )


def yuan(amount: Decimal | str) -> str:
    return f"{Decimal(amount):,.2f}"


class Document:
    """A small wrapper over reportlab's platypus: headings, paragraphs, key-value and data
    tables, all in the CJK font; :meth:`render` returns the PDF bytes."""

    def __init__(self, title: str) -> None:
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

        font = cjk_font()
        base = getSampleStyleSheet()
        self.title = title
        self.story: list[Any] = []
        self.styles = {
            "title": ParagraphStyle(
                "t", parent=base["Title"], fontName=font, fontSize=15, leading=20, wordWrap="CJK"
            ),
            "h": ParagraphStyle(
                "h",
                parent=base["Heading2"],
                fontName=font,
                fontSize=11.5,
                leading=15,
                spaceBefore=8,
                spaceAfter=4,
                wordWrap="CJK",
            ),
            "p": ParagraphStyle(
                "p",
                parent=base["BodyText"],
                fontName=font,
                fontSize=9,
                leading=12.5,
                wordWrap="CJK",
            ),
            "small": ParagraphStyle(
                "s",
                parent=base["BodyText"],
                fontName=font,
                fontSize=7.5,
                leading=10,
                wordWrap="CJK",
            ),
        }

    def heading(self, text: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(_escape(text), self.styles["h"]))

    def title_block(self, text: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(_escape(text), self.styles["title"]))

    def paragraph(self, text: str, style: str = "p") -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(_escape(text).replace("\n", "<br/>"), self.styles[style]))

    def spacer(self, height: float = 6) -> None:
        from reportlab.platypus import Spacer

        self.story.append(Spacer(1, height))

    def key_values(self, rows: Sequence[tuple[str, str]]) -> None:
        self.table([[k, v] for k, v in rows], header=False, widths=(0.32, 0.68))

    def table(
        self,
        rows: Sequence[Sequence[str]],
        *,
        header: bool = True,
        widths: Sequence[float] | None = None,
        numeric: Sequence[int] = (),
    ) -> None:
        """A table of strings; ``numeric`` columns are right-aligned; widths are shares."""
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.platypus import Paragraph, Table, TableStyle

        usable = A4[0] - 2 * 42
        style = self.styles["small"]
        cells = [[Paragraph(_escape(str(cell)), style) for cell in row] for row in rows]
        col_widths = [usable * w for w in widths] if widths else None
        table = Table(cells, colWidths=col_widths, repeatRows=1 if header else 0)
        commands: list[Any] = [
            ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")))
        for column in numeric:
            commands.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
        table.setStyle(TableStyle(commands))
        self.story.append(table)

    def render(self, footer: Callable[[int], str] | None = None) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=42,
            rightMargin=42,
            topMargin=42,
            bottomMargin=42,
            title=self.title,
            author="fieldvisit",
        )
        font = cjk_font()

        def on_page(canvas: Any, document: Any) -> None:
            canvas.saveState()
            canvas.setFont(font, 7)
            text = footer(document.page) if footer else f"{self.title} · {document.page}"
            canvas.drawString(42, 24, text)
            canvas.restoreState()

        doc.build(self.story, onFirstPage=on_page, onLaterPages=on_page)
        return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
