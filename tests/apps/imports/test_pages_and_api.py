"""The upload page and the API: managers and administrators import; everyone else gets 403."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from fieldvisit.apps.imports.models import ImportJob, ImportStatus
from fieldvisit.apps.loans.models import Loan
from tests.apps.imports.book import rows, write_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """The job runs on commit (inline without a broker); the test's transaction never commits."""
    return django_capture_on_commit_callbacks


def uploads(tmp_path, tables=None):
    folder = write_book(tmp_path / "book", tables)
    return [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(folder.iterdir())
    ]


@pytest.mark.parametrize("username", ["agent", "trainer", "legal", "analyst"])
def test_only_managers_and_admins_may_open_the_upload_page(client, personas, username):
    client.force_login(personas[username])

    assert client.get(reverse("imports:upload")).status_code == 403
    assert client.get(reverse("api-imports")).status_code == 403
    assert client.post(reverse("api-imports"), {"files": []}).status_code == 403
    assert ImportJob.objects.count() == 0


def test_another_users_job_is_403_for_an_agent_in_page_and_api(client, personas, tmp_path):
    client.force_login(personas["manager"])
    client.post(reverse("imports:upload"), {"uploads": uploads(tmp_path)})
    job = ImportJob.objects.get()
    client.force_login(personas["agent"])

    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 403
    assert client.get(reverse("api-import", args=[job.pk])).status_code == 403


def test_a_manager_uploads_a_book_and_sees_the_counts(client, personas, tmp_path, run_on_commit):
    client.force_login(personas["manager"])

    with run_on_commit(execute=True):
        response = client.post(reverse("imports:upload"), {"uploads": uploads(tmp_path)})
    response = client.get(response["Location"])

    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.created_by == personas["manager"]
    assert response.context["job"] == job
    assert [(f["name"], f["created"]) for f in response.context["files"]] == [
        ("branches.csv", 1),
        ("products.csv", 1),
        ("borrowers.csv", 2),
        ("loans.csv", 2),
        ("schedules.csv", 6),
        ("payments.csv", 2),
    ]
    assert Loan.objects.count() == 2


def test_the_error_report_reads_in_the_users_language_and_downloads_as_csv(
    client, personas, tmp_path, run_on_commit
):
    tables = rows()
    tables["payments"][0]["amount"] = "-5"
    client.force_login(personas["admin"])
    with run_on_commit(execute=True):
        client.post(reverse("imports:upload"), {"uploads": uploads(tmp_path, tables)})
    job = ImportJob.objects.get()

    with translation.override("en"):
        page = client.get(reverse("imports:detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
        download = client.get(
            reverse("imports:errors_csv", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )

    assert job.status == ImportStatus.FAILED
    assert [(e.file, e.line, e.column, e.value) for e in page.context["errors"]] == [
        ("payments.csv", 2, "amount", "-5")
    ]
    text = download.content.decode("utf-8-sig")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    # A cell starting with - (or = + @ tab CR) is written as text: no spreadsheet runs it.
    assert text.splitlines()[1] == "payments.csv,2,amount,'-5,Amount must not be negative."
    assert Loan.objects.count() == 0


def test_a_formula_in_a_bad_cell_reaches_the_error_csv_as_text(
    client, personas, tmp_path, run_on_commit
):
    tables = rows()
    tables["payments"][0]["amount"] = "=cmd|' /C calc'!A0"
    client.force_login(personas["admin"])
    with run_on_commit(execute=True):
        client.post(reverse("imports:upload"), {"uploads": uploads(tmp_path, tables)})
    job = ImportJob.objects.get()

    download = client.get(reverse("imports:errors_csv", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")

    row = next(csv.reader(io.StringIO(download.content.decode("utf-8-sig").splitlines()[1])))
    assert row[:4] == ["payments.csv", "2", "amount", "'=cmd|' /C calc'!A0"]


def test_the_api_creates_a_job_from_uploads_and_lists_it(client, personas, tmp_path, run_on_commit):
    client.force_login(personas["manager"])

    with run_on_commit(execute=True):
        created = client.post(reverse("api-imports"), {"files": uploads(tmp_path)})
    listed = client.get(reverse("api-imports"))
    detail = client.get(reverse("api-import", args=[created.json()["id"]]))

    assert created.status_code == 201
    assert [job["id"] for job in listed.json()["results"]] == [created.json()["id"]]
    assert detail.json()["status"] == "succeeded"
    assert detail.json()["row_errors"] == []
    assert {f["kind"]: f["created"] for f in detail.json()["files"]}["loans"] == 2


def test_the_api_reports_row_errors(client, personas, tmp_path, run_on_commit):
    tables = rows()
    tables["borrowers"][1]["mobile"] = "12345"
    client.force_login(personas["manager"])

    with run_on_commit(execute=True):
        response = client.post(
            reverse("api-imports"),
            {"files": uploads(tmp_path, tables)},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 201
    body = client.get(
        reverse("api-import", args=[response.json()["id"]]), HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["status"] == "failed"
    assert body["error_count"] == 1
    assert body["row_errors"] == [
        {
            "file": "borrowers.csv",
            "line": 3,
            "column": "mobile",
            "value": "*****",
            "code": "bad_mobile",
            "reason": "Not an 11-digit mobile number.",
        }
    ]


def test_an_upload_without_files_is_refused(client, personas):
    client.force_login(personas["manager"])

    response = client.post(reverse("api-imports"), {"files": [io.BytesIO(b"")][:0]})

    assert response.status_code == 400
    assert ImportJob.objects.count() == 0
