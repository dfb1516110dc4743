"""Visit photos as evidence: the file the phone sent is kept with its SHA-256; staff see a copy
without any metadata (no EXIF position of the home), watermarked with when, who, which case and
how far from the address, in their own language; consent is still required."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.visits.models import ReportPhoto, VisitReport
from tests.apps.visits.conftest import checked_in
from tests.apps.visits.test_api import client_for, post_report

GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def camera_jpeg(width=400, height=300) -> bytes:
    """A phone camera's JPEG: EXIF with the make, an orientation and a GPS position."""
    image = Image.new("RGB", (width, height), (90, 140, 200))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = 6  # rotate 90° to show upright
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (22.0, 32.0, 35.16), 3: "E", 4: (114.0, 3.0, 28.44)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def reported(day, media):
    """The first visit, checked in 0 m from the address, reported with one consented photo."""
    visit = checked_in(day.visits["first"], day.users["agent_a1"])
    sent = camera_jpeg()
    upload = SimpleUploadedFile("door.jpg", sent, content_type="image/jpeg")
    response = post_report(
        client_for(day.users["agent_a1"]), visit, photo_consent="true", photos=[upload]
    )
    assert response.status_code == 201, response.content
    return {"visit": visit, "sent": sent, "photo": ReportPhoto.objects.get()}


def test_the_file_the_phone_sent_is_kept_unchanged_with_its_sha256(reported):
    photo = reported["photo"]

    with photo.file.open("rb") as stored:
        kept = stored.read()

    assert kept == reported["sent"]
    assert photo.sha256 == hashlib.sha256(reported["sent"]).hexdigest()
    assert Image.open(io.BytesIO(kept)).getexif().get_ifd(GPS_IFD)


def test_the_display_copy_has_no_metadata_and_is_upright(reported):
    with reported["photo"].display_file.open("rb") as stored:
        copy = Image.open(io.BytesIO(stored.read()))

    assert dict(copy.getexif()) == {}
    assert "exif" not in copy.info
    # The camera said "rotate 90°": the 400 × 300 frame is shown 300 × 400.
    assert copy.size == (300, 400)


def test_a_manager_sees_the_watermarked_copy_without_the_position_and_the_view_is_audited(
    day, reported
):
    photo = reported["photo"]
    manager = client_for(day.users["manager_a"])

    response = manager.get(f"/visits/photos/{photo.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    shown = Image.open(io.BytesIO(response.content))
    assert dict(shown.getexif()) == {}
    assert shown.size == (300, 400)
    # The watermark band darkens the bottom of the (light blue) photo; the top is untouched.
    top, bottom = shown.getpixel((150, 10)), shown.getpixel((150, 395))
    assert top[2] > 150
    assert bottom[2] < 120
    assert (
        AuditEvent.objects.filter(action="visit.photo", object_id=str(photo.report_id)).count() == 1
    )


def test_the_watermark_names_the_time_the_agent_the_case_and_the_distance(day, reported):
    from django.utils import translation

    from fieldvisit.apps.visits.photos import watermark_lines

    photo = ReportPhoto.objects.select_related(
        "report__submitted_by", "report__visit__case__loan", "report__visit__check_in"
    ).get()
    visit = reported["visit"]

    with translation.override("en"):
        lines = watermark_lines(photo)
    with translation.override("zh-hans"):
        chinese = watermark_lines(photo)

    assert lines[0].endswith(f"· {day.users['agent_a1']}")
    assert lines[1] == f"Case #{visit.case_id} · loan {visit.case.loan.loan_no}"
    assert lines[2] == "Checked in 0 m from the address"
    assert chinese[2] == "签到时距住址 0 米"


def test_the_report_page_shows_the_photo_and_the_conduct_checklist(day, reported):
    report = VisitReport.objects.get()

    page = client_for(day.users["manager_a"]).get(f"/visits/reports/{report.pk}/").content.decode()

    assert f'src="/visits/photos/{reported["photo"].pk}/"' in page
    assert "✓ consent asked before photos or recording" in page
    assert "✗ no cash collected" in page


def test_another_branchs_manager_cannot_see_the_photo(day, reported):
    response = client_for(day.users["manager_b"]).get(f"/visits/photos/{reported['photo'].pk}/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="visit.photo").exists()
