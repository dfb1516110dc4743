"""Staff, teams and roles are imported only by whoever may manage users, and an import never moves
an existing person to another role or branch: it reports the difference for an administrator to
apply (issue 13, finding 1)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.imports.models import ImportJob, ImportSource, ImportStatus
from fieldvisit.apps.imports.services import (
    import_job_create,
    import_job_run,
    import_sources_from_path,
)
from fieldvisit.apps.organisation.models import Branch
from tests.apps.imports.book import rows, write_csv

pytestmark = pytest.mark.django_db

BRANCH = {
    "branch_code": "SZ02",
    "name": "深圳南山外访中心",
    "district": "南山区",
    "subdistrict": "",
    "address": "",
    "lat": "22.53",
    "lng": "113.93",
}


def organisation() -> dict[str, list[dict[str, str]]]:
    """Two branches, a manager of the first and an agent of the first's team."""
    return {
        "branches": [rows()["branches"][0], BRANCH],
        "managers": [
            {"manager_code": "M001", "name": "王经理", "mobile": "", "branch_code": "SZ01"}
        ],
        "teams": [
            {
                "team_code": "T01",
                "branch_code": "SZ01",
                "name": "福田一组",
                "team_lead_agent_code": "",
                "travel_mode": "",
                "max_visits_per_day": "",
            }
        ],
        "agents": [
            {
                "agent_code": "A00008",
                "name": "李外访",
                "mobile": "",
                "branch_code": "SZ01",
                "team_code": "T01",
                "role": "field_agent",
                "is_team_lead": "",
                "home_district": "",
                "home_lat": "",
                "home_lng": "",
                "shift": "",
                "shift_start": "",
                "shift_end": "",
                "travel_mode": "",
                "hired_on": "",
            }
        ],
    }


def cli_import(tmp_path, tables) -> ImportJob:
    folder = tmp_path / f"book{ImportJob.objects.count()}"
    folder.mkdir()
    for kind, table in tables.items():
        write_csv(folder, f"{kind}.csv", table)
    job = import_job_create(source=ImportSource.CLI)
    return import_job_run(job=job, sources=import_sources_from_path(folder))


def upload(client, user, tables, run_on_commit) -> ImportJob:
    files = []
    for kind, table in tables.items():
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)
        files.append(SimpleUploadedFile(f"{kind}.csv", out.getvalue().encode()))
    client.force_login(user)
    with run_on_commit(execute=True):
        client.post(reverse("imports:upload"), {"uploads": files})
    return ImportJob.objects.latest("pk")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def staff(tmp_path):
    """The organisation as the command line imported it (the operator of the server)."""
    job = cli_import(tmp_path, organisation())
    assert job.status == ImportStatus.SUCCEEDED, list(job.row_errors.values())
    return {u.employee_no: u for u in User.objects.filter(employee_no__isnull=False)}


@pytest.mark.parametrize("kind", ["managers", "teams", "agents"])
def test_a_branch_manager_may_not_import_staff_or_teams(
    client, personas, staff, run_on_commit, kind
):
    tables = {kind: organisation()[kind]}
    before = list(User.objects.order_by("pk").values("pk", "role", "branch_id", "team_id"))

    job = upload(client, personas["manager"], tables, run_on_commit)

    assert job.status == ImportStatus.FAILED
    assert [(e.file, e.code) for e in job.row_errors.all()] == [
        (f"{kind}.csv", "kind_not_permitted")
    ]
    assert list(User.objects.order_by("pk").values("pk", "role", "branch_id", "team_id")) == before


def test_a_managers_file_moving_a_manager_to_another_branch_is_refused_to_a_manager(
    client, personas, staff, run_on_commit
):
    tables = {"managers": [{**organisation()["managers"][0], "branch_code": "SZ02"}]}

    job = upload(client, personas["manager"], tables, run_on_commit)

    assert job.status == ImportStatus.FAILED
    staff["M001"].refresh_from_db()
    assert staff["M001"].branch.code == "SZ01"


def test_a_managers_file_cannot_make_an_agent_a_manager_even_for_an_administrator(
    client, personas, staff, run_on_commit
):
    tables = {
        "managers": [
            {"manager_code": "A00008", "name": "李外访", "mobile": "", "branch_code": "SZ02"}
        ]
    }

    job = upload(client, personas["admin"], tables, run_on_commit)

    agent = User.objects.get(employee_no="A00008")
    assert job.status == ImportStatus.SUCCEEDED
    assert (agent.role, agent.branch.code, agent.team.code) == (Role.AGENT, "SZ01", "T01")
    assert [g.name for g in agent.groups.all()] == ["agent"]
    assert not agent.has_perm("accounts.reveal_pii")
    assert job.staff_changes == [
        {
            "employee_no": "A00008",
            "role": ["agent", "manager"],
            "branch": ["SZ01", "SZ02"],
            "team": ["T01", None],
        }
    ]


def test_the_command_line_reports_a_move_and_applies_only_the_other_fields(tmp_path, staff):
    tables = organisation()
    tables["managers"][0].update(branch_code="SZ02", name="王新名")

    job = cli_import(tmp_path, tables)

    manager = User.objects.get(employee_no="M001")
    assert job.status == ImportStatus.SUCCEEDED
    assert (manager.display_name, manager.branch.code) == ("王新名", "SZ01")
    assert job.staff_changes == [
        {"employee_no": "M001", "role": None, "branch": ["SZ01", "SZ02"], "team": None}
    ]


def test_a_team_change_within_the_branch_is_applied(tmp_path, staff):
    tables = organisation()
    tables["teams"].append({**tables["teams"][0], "team_code": "T02", "name": "福田二组"})
    tables["agents"][0]["team_code"] = "T02"

    job = cli_import(tmp_path, tables)

    assert job.status == ImportStatus.SUCCEEDED
    assert User.objects.get(employee_no="A00008").team.code == "T02"
    assert job.staff_changes == []


def test_an_administrator_applies_a_reported_move_and_it_is_audited(
    client, personas, staff, run_on_commit
):
    tables = {"managers": [{**organisation()["managers"][0], "branch_code": "SZ02"}]}
    job = upload(client, personas["admin"], tables, run_on_commit)
    page = client.get(reverse("imports:detail", args=[job.pk]))
    assert b'data-testid="staff-change"' in page.content

    response = client.post(
        reverse("imports:apply_staff_change", args=[job.pk]), {"employee_no": "M001"}
    )

    assert response.status_code == 302
    manager = User.objects.get(employee_no="M001")
    assert manager.branch == Branch.objects.get(code="SZ02")
    job.refresh_from_db()
    assert job.staff_changes[0]["applied_by"] == "admin"
    event = AuditEvent.objects.get(action="user.placement")
    assert (event.username, event.object_id) == ("admin", str(manager.pk))
    assert event.fields == {"branch": ["SZ01", "SZ02"]}
    # Applying twice changes nothing more.
    again = client.post(
        reverse("imports:apply_staff_change", args=[job.pk]), {"employee_no": "M001"}
    )
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="user.placement").count() == 1


def test_a_manager_may_not_apply_a_reported_move(client, personas, staff, run_on_commit):
    tables = {"managers": [{**organisation()["managers"][0], "branch_code": "SZ02"}]}
    job = upload(client, personas["admin"], tables, run_on_commit)
    client.force_login(personas["manager"])

    response = client.post(
        reverse("imports:apply_staff_change", args=[job.pk]), {"employee_no": "M001"}
    )

    assert response.status_code == 403
    assert User.objects.get(employee_no="M001").branch.code == "SZ01"


def test_certifications_are_the_administrators_too(client, personas, staff, run_on_commit):
    tables = {
        "certifications": [
            {
                "certificate_number": "C-1",
                "agent_code": "A00008",
                "course_code": "FIELD",
                "course_name": "",
                "passed_on": "2026-01-05",
                "expires_on": "2027-01-05",
            }
        ]
    }

    refused = upload(client, personas["manager"], tables, run_on_commit)
    accepted = upload(client, personas["admin"], tables, run_on_commit)

    assert (refused.status, accepted.status) == (ImportStatus.FAILED, ImportStatus.SUCCEEDED)


def test_a_refused_staff_file_does_not_drown_the_report_in_unknown_references(
    client, personas, run_on_commit
):
    tables = {"branches": rows()["branches"], **{k: organisation()[k] for k in ("teams", "agents")}}

    job = upload(client, personas["manager"], tables, run_on_commit)

    assert sorted((e.file, e.code) for e in job.row_errors.all()) == [
        ("agents.csv", "kind_not_permitted"),
        ("teams.csv", "kind_not_permitted"),
    ]


def test_a_manager_still_imports_the_portfolio(client, personas, run_on_commit):
    job = upload(client, personas["manager"], rows(), run_on_commit)

    assert job.status == ImportStatus.SUCCEEDED
