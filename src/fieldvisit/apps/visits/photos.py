"""The copy of a visit photo that people look at, and its watermark.

A photo is evidence, so the file the phone sent is kept as it came (its SHA-256 is on the
record) and never shown. What staff see is a *display copy*, made once at upload: turned upright
as the camera's EXIF said, at most ``DISPLAY_MAX_PX`` on its long side, re-encoded as JPEG with
no metadata at all (no EXIF, so no GPS position of the borrower's home, no phone model, no
XMP). The watermark is drawn on that copy each time it is shown, in the reader's language: when
the team checked in, who filed the report, the case and loan, and how far the check-in was from
the address. A screenshot of a photo therefore always says where it came from.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _t
from PIL import Image, ImageDraw, ImageFont, ImageOps

from fieldvisit.pdf import font_paths

#: The long side of the display copy (px): sharp on a phone and a laptop, a tenth of the bytes.
DISPLAY_MAX_PX = 1600
DISPLAY_QUALITY = 85


def display_copy(upload: Any) -> ContentFile[bytes]:
    """The display copy of an uploaded photo: upright, ≤ DISPLAY_MAX_PX, JPEG, no metadata."""
    upload.seek(0)
    with Image.open(upload) as original:
        upright = ImageOps.exif_transpose(original)
        image = upright.convert("RGB")
    upload.seek(0)
    image.thumbnail((DISPLAY_MAX_PX, DISPLAY_MAX_PX))
    out = io.BytesIO()
    # Pillow writes EXIF, ICC or XMP only when asked to (exif=…, icc_profile=…): nothing is.
    image.save(out, "JPEG", quality=DISPLAY_QUALITY, optimize=True)
    return ContentFile(out.getvalue())


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in font_paths():
        if Path(path).is_file():
            return ImageFont.truetype(path, size=size, index=0)
    # No CJK font installed: Pillow's own font still draws the digits, times and Latin names.
    return ImageFont.load_default(size=size)


def watermark(display: bytes, lines: Sequence[str]) -> bytes:
    """``display`` (a display copy's JPEG bytes) with ``lines`` on a dark band at the bottom."""
    with Image.open(io.BytesIO(display)) as opened:
        image = opened.convert("RGB")
    size = max(14, image.width // 45)
    font = _font(size)
    padding = size // 2
    band = len(lines) * (size + padding // 2) + padding
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle([(0, image.height - band), (image.width, image.height)], fill=(0, 0, 0, 150))
    y = image.height - band + padding // 2
    for line in lines:
        draw.text((padding, y), line, font=font, fill=(255, 255, 255, 235))
        y += size + padding // 2
    marked = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    marked.save(out, "JPEG", quality=DISPLAY_QUALITY)
    return out.getvalue()


def watermark_lines(photo: Any) -> list[str]:
    """What the watermark says about ``photo``, in the active language."""
    report = photo.report
    visit = report.visit
    check_in = getattr(visit, "check_in", None)
    moment = check_in.occurred_at if check_in is not None else report.submitted_at
    lines = [
        _t("%(time)s · %(agent)s")
        % {
            "time": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"),
            "agent": str(report.submitted_by),
        },
        _t("Case #%(case)s · loan %(loan)s")
        % {"case": visit.case_id, "loan": visit.case.loan.loan_no},
    ]
    if check_in is not None and check_in.distance_m is not None:
        lines.append(_t("Checked in %(m)s m from the address") % {"m": check_in.distance_m})
    else:
        lines.append(_t("Checked in without a position"))
    return lines


def photo_display(photo: Any) -> bytes:
    """The watermarked display copy of ``photo``, for the reader's language.

    A photo stored before display copies existed has none: its copy is made in memory here
    (a read does not write).
    """
    if photo.display_file:
        with photo.display_file.open("rb") as stored:
            display = stored.read()
    else:
        with photo.file.open("rb") as original:
            display = display_copy(original).read()
    return watermark(display, watermark_lines(photo))
