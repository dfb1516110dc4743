"""Checking a photo before it is stored: its size, and its type by content, never by name.

The phone's file name and declared content type are whatever the client says; the bytes decide
(Pillow reads and verifies the image).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _t
from PIL import Image, UnidentifiedImageError

# Formats a phone camera produces that every browser shows.
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_PHOTOS = 6


def max_bytes() -> int:
    return int(getattr(settings, "VISIT_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_photos() -> int:
    return int(getattr(settings, "VISIT_PHOTO_MAX_COUNT", DEFAULT_MAX_PHOTOS))


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile[Any]
    content_type: str
    size: int
    sha256: str


class PhotoRejected(ValueError):
    """The file is not an accepted image or is too large; the message is for the user."""


def check_photo(upload: UploadedFile[Any]) -> CheckedPhoto:
    """Size first (cheap), then the content type from the bytes; the hash identifies the file."""
    size = upload.size or 0
    limit = max_bytes()
    if size > limit:
        raise PhotoRejected(
            _t("%(name)s is too large (%(size)s MB; at most %(limit)s MB).")
            % {"name": upload.name, "size": _mb(size), "limit": _mb(limit)}
        )
    if size == 0:
        raise PhotoRejected(_t("%(name)s is empty.") % {"name": upload.name})
    content_type = _sniff(upload)
    if content_type is None:
        raise PhotoRejected(
            _t("%(name)s is not a photo (JPEG, PNG or WebP).") % {"name": upload.name}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedPhoto(upload, content_type, size, digest.hexdigest())


def _sniff(upload: UploadedFile[Any]) -> str | None:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        upload.seek(0)
    return ACCEPTED.get(kind or "")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"
