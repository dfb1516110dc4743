"""Personal data never shows in an error report, and imports and report downloads are audited."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from fieldvisit.apps.audit.models import AuditAction, AuditEvent
from fieldvisit.apps.imports.masking import mask_value
from fieldvisit.apps.imports.models import ImportJob, ImportRowError, ImportSource, ImportStatus
from fieldvisit.apps.imports.services import (
    AUDIT_IMPORT,
    import_job_create,
    import_job_run,
    import_sources_from_path,
)
from fieldvisit.apps.imports.specs import Pii
from fieldvisit.cli import main
from tests.apps.imports.book import id_number, rows, write_book

pytestmark = pytest.mark.django_db

GOOD_ID = id_number("44030319860204001")
WRONG_CHECK = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
LONG_NAME = "欧阳" + "娜" * 120
MASKED_ID = "440303********" + WRONG_CHECK[-4:]
LONG_ADDRESS = "深圳市罗湖区南湖街道东门中路154号" * 12


def bad_borrowers() -> dict[str, list[dict[str, str]]]:
    """Borrower 1 with a wrong check digit, a bad mobile, a name and an address too long, a home
    latitude out of range and an impossible birth date."""
    tables = rows()
    first = tables["borrowers"][0]
    first.update(
        id_number=WRONG_CHECK,
        mobile="1381234567",
        name=LONG_NAME,
        home_address=LONG_ADDRESS,
        home_lat="122.539630",
        birth_date="1986-02-31",
    )
    return tables


SECRETS = (WRONG_CHECK, "1381234567", LONG_NAME[:20], LONG_ADDRESS[:20], "122.53963", "02-31")


def run_import(folder, **job):
    created = import_job_create(source=ImportSource.CLI, **job)
    return import_job_run(job=created, sources=import_sources_from_path(folder))


@pytest.mark.parametrize(
    ("pii", "value", "shown"),
    [
        (Pii.ID_NUMBER, "440303198602040012", "440303********0012"),
        (Pii.ID_NUMBER, "44030319860204", "440303****0204"),
        (Pii.PHONE, "13812345678", "138****5678"),
        (Pii.PHONE, "12345", "*****"),
        (Pii.NAME, "韦想彬", "韦**"),
        (Pii.NAME, "欧阳娜娜娜娜娜", "欧**"),
        (Pii.ADDRESS, "深圳市罗湖区南湖街道东门中路154号", "深圳市****"),
        (Pii.ADDRESS, "东门中路1号", "****"),
        (Pii.PLACE, "122.539630", "122.****"),
        (Pii.PLACE, "-22.5", "-22.****"),
        (Pii.PLACE, "north", "****"),
        (Pii.BIRTH_DATE, "1986-02-31", "1986-**-**"),
        (Pii.BIRTH_DATE, "31/02/1986", "****"),
        (Pii.NONE, "C0000000001", "C0000000001"),
        (Pii.NAME, "", ""),
    ],
)
def test_a_personal_value_is_masked_by_its_kind(pii, value, shown):
    assert mask_value(pii, value) == shown


def test_bad_personal_cells_are_stored_masked_with_a_reason_that_still_says_what_is_wrong(
    tmp_path,
):
    with translation.override("en"):
        job = run_import(write_book(tmp_path / "book", bad_borrowers()))
        reported = [(e.column, e.value, e.code, e.reason) for e in job.row_errors.all()]

    assert job.status == ImportStatus.FAILED
    assert sorted(reported) == [
        ("birth_date", "1986-**-**", "not_date", "Not a date (YYYY-MM-DD)."),
        ("home_address", "深圳市****", "too_long", "Longer than 200 characters."),
        ("home_lat", "122.****", "out_of_range", "Must be between -90 and 90."),
        ("id_number", MASKED_ID, "bad_id_check", "ID number check digit is wrong."),
        ("mobile", "138***4567", "bad_mobile", "Not an 11-digit mobile number."),
        ("name", "欧**", "too_long", "Longer than 100 characters."),
    ]


def test_an_id_number_duplicated_in_the_file_is_reported_masked(tmp_path):
    tables = rows()
    tables["borrowers"][1]["id_number"] = tables["borrowers"][0]["id_number"]

    job = run_import(write_book(tmp_path / "book", tables))

    assert [(e.line, e.column, e.value, e.code) for e in job.row_errors.all()] == [
        (3, "id_number", "440303********" + GOOD_ID[-4:], "duplicate")
    ]


def test_no_personal_value_reaches_the_page_the_csv_or_the_api(
    client, personas, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(personas["manager"])
    folder = write_book(tmp_path / "book", bad_borrowers())
    files = [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(folder.iterdir())
    ]
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"uploads": files})
    job = ImportJob.objects.get()
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = client.get(response["Location"], **english).content.decode()
    download = client.get(reverse("imports:errors_csv", args=[job.pk]), **english)
    api = client.get(reverse("api-import", args=[job.pk]), **english).json()
    texts = (page, download.content.decode("utf-8-sig"), json.dumps(api, ensure_ascii=False))

    assert job.status == ImportStatus.FAILED
    assert ImportRowError.objects.filter(job=job).count() == 6
    for text in texts:
        assert MASKED_ID in text
        assert "ID number check digit is wrong." in text
        for secret in SECRETS:
            assert secret not in text


def test_the_cli_json_report_shows_personal_values_masked(tmp_path):
    folder = write_book(tmp_path / "book", bad_borrowers())

    result = CliRunner().invoke(main, ["import", str(folder), "--json"])

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert {e["column"]: e["value"] for e in report["errors"]}["mobile"] == "138***4567"
    for secret in SECRETS:
        assert secret not in result.stdout


def test_an_accepted_import_is_audited_with_its_files_counts_and_outcome(tmp_path):
    job = run_import(write_book(tmp_path / "book"), ip="10.1.2.3")

    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        AUDIT_IMPORT,
        "import_job",
        str(job.pk),
    )
    assert event.ip == "10.1.2.3"
    assert event.user is None
    assert event.fields["status"] == "succeeded"
    assert event.fields["origin"] == "cli"
    assert event.fields["errors"] == 0
    assert event.fields["os_user"]
    assert {f["name"]: (f["rows"], f["created"]) for f in event.fields["files"]} == {
        "branches.csv": (1, 1),
        "products.csv": (1, 1),
        "borrowers.csv": (2, 2),
        "loans.csv": (2, 2),
        "schedules.csv": (6, 6),
        "payments.csv": (2, 2),
    }


def test_a_rejected_import_is_audited_with_its_error_count_and_nothing_written(tmp_path):
    job = run_import(write_book(tmp_path / "book", bad_borrowers()))

    event = AuditEvent.objects.get()
    assert event.object_id == str(job.pk)
    assert event.fields["status"] == "failed"
    assert event.fields["errors"] == 6
    assert {f["name"]: f["created"] for f in event.fields["files"]}["borrowers.csv"] == 0
    assert not any(secret in json.dumps(event.fields) for secret in SECRETS)


def test_an_upload_is_audited_as_the_manager_who_made_it_from_their_address(
    client, personas, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(personas["manager"])
    folder = write_book(tmp_path / "book")
    files = [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(folder.iterdir())
    ]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:upload"), {"uploads": files}, REMOTE_ADDR="192.0.2.7")

    event = AuditEvent.objects.get(action=AUDIT_IMPORT)
    assert (event.user, event.username, event.ip) == (
        personas["manager"],
        personas["manager"].username,
        "192.0.2.7",
    )
    assert event.fields["origin"] == "web"
    assert "os_user" not in event.fields


def test_downloading_the_error_report_is_an_audited_export(client, personas, tmp_path):
    job = run_import(write_book(tmp_path / "book", bad_borrowers()))
    client.force_login(personas["admin"])

    response = client.get(reverse("imports:errors_csv", args=[job.pk]), REMOTE_ADDR="192.0.2.9")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.user, event.object_type, event.object_id, event.ip) == (
        personas["admin"],
        "import_job",
        str(job.pk),
        "192.0.2.9",
    )
    assert event.fields == ["column", "file", "line", "reason", "value"]


def test_a_refused_download_is_not_audited(client, personas, tmp_path):
    job = run_import(write_book(tmp_path / "book", bad_borrowers()))
    client.force_login(personas["agent"])

    response = client.get(reverse("imports:errors_csv", args=[job.pk]))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_values_stored_before_masking_are_masked_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("fieldvisit.apps.imports.migrations.0003_mask_reported_values")
    job = ImportJob.objects.create(
        source=ImportSource.CLI, files=[{"name": "export-0131.csv", "kind": "borrowers"}]
    )
    stored = [
        ("borrowers.csv", "mobile", "13812345678"),
        ("export-0131.csv", "id_number", "440303198602040012"),
        ("loans.csv", "principal", "-5"),
        ("agents.csv", "name", "韦想彬"),
    ]
    for file, column, value in stored:
        ImportRowError.objects.create(job=job, file=file, column=column, value=value, code="x")

    migration.mask_stored_values(apps, None)

    assert list(ImportRowError.objects.order_by("id").values_list("value", flat=True)) == [
        "138****5678",
        "440303********0012",
        "-5",
        "韦**",
    ]
