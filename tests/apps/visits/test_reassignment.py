"""A visit given to another team on its day, and what the first team's phones send for it
afterwards: kept for the manager with a clear answer, never filed, never lost."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.visits import reassignment
from fieldvisit.apps.visits.models import (
    CheckIn,
    HeldStatus,
    HeldSubmission,
    Visit,
    VisitEvent,
    VisitReport,
    VisitStatus,
)
from tests.apps.visits.conftest import HOME, checked_in, report_data
from tests.apps.visits.test_api import client_for


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def reassign(day, which="first", to="A2", user="manager_a"):
    return reassignment.visit_reassign(
        visit=day.visits[which],
        team=day.teams[to],
        user=day.users[user],
        reason="agent_a1 is off sick",
    )


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "JPEG")
    return SimpleUploadedFile("door.jpg", out.getvalue(), content_type="image/jpeg")


class TestReassign:
    def test_the_visit_moves_to_the_other_team_with_an_event_and_an_audit_row(self, day):
        visit = reassign(day)

        visit.refresh_from_db()
        assert visit.team == day.teams["A2"]
        assert list(visit.agents.all()) == [day.users["agent_a3"]]
        event = VisitEvent.objects.get(visit=visit, kind="reassigned")
        assert event.data == {
            "from_team": day.teams["A1"].pk,
            "to_team": day.teams["A2"].pk,
            "reason": "agent_a1 is off sick",
        }
        assert AuditEvent.objects.filter(action="visit.reassign", object_id=str(visit.pk)).exists()

    def test_the_first_team_no_longer_sees_it_and_the_new_team_does(self, day):
        visit = reassign(day)

        assert client_for(day.users["agent_a1"]).get(f"/visits/{visit.pk}/").status_code == 404
        assert client_for(day.users["agent_a3"]).get(f"/visits/{visit.pk}/").status_code == 200

    @pytest.mark.parametrize(
        ("to", "user", "code"),
        [
            ("A2", "agent_a1", "forbidden"),
            ("A2", "manager_b", "forbidden"),
            ("B1", "manager_a", "other_branch"),
            ("A1", "manager_a", "same_team"),
        ],
    )
    def test_refusals_change_nothing(self, day, to, user, code):
        with pytest.raises(ApplicationError) as refused:
            reassign(day, to=to, user=user)

        assert refused.value.code == code
        assert Visit.objects.get(pk=day.visits["first"].pk).team == day.teams["A1"]
        assert not VisitEvent.objects.filter(kind="reassigned").exists()

    def test_a_visit_already_checked_in_stays_with_its_team(self, day):
        checked_in(day.visits["first"], day.users["agent_a1"])

        with pytest.raises(ApplicationError) as refused:
            reassign(day)

        assert refused.value.code == "not_planned"

    def test_a_manager_reassigns_from_the_visit_page(self, day):
        visit = day.visits["first"]
        manager = client_for(day.users["manager_a"])

        page = manager.get(f"/visits/{visit.pk}/").content.decode()
        response = manager.post(
            f"/visits/{visit.pk}/reassign/", {"team": day.teams["A2"].pk, "reason": "Car broke"}
        )

        assert 'data-testid="reassign"' in page
        assert response.status_code == 302
        assert Visit.objects.get(pk=visit.pk).team == day.teams["A2"]


class TestWhatTheFirstTeamSends:
    def test_a_check_in_is_kept_with_a_clear_answer(self, day):
        visit = reassign(day)
        agent = client_for(day.users["agent_a1"])
        made = dt.datetime.now(tz=dt.UTC) - dt.timedelta(minutes=30)

        response = agent.post(
            f"/api/v1/visits/{visit.pk}/check-in/",
            {
                "latitude": HOME[0],
                "longitude": HOME[1],
                "accuracy": 9,
                "device_at": made.isoformat(),
                "client_id": str(uuid.uuid4()),
                "queued": True,
            },
            content_type="application/json",
        )

        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "visit_reassigned"
        held = HeldSubmission.objects.get()
        assert body["held_id"] == held.pk
        assert body["detail"].startswith("This visit was reassigned to ")
        assert body["detail"].endswith(
            f"your check-in was not recorded on it. It is kept for your manager to review "
            f"(#{held.pk}), nothing is lost."
        )
        assert (held.kind, held.user, held.status) == ("check_in", day.users["agent_a1"], "open")
        assert held.device_at == made
        assert held.data["distance_m"] == 0
        assert not CheckIn.objects.exists()
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED

    def test_a_report_is_kept_once_with_its_consented_photos(self, day, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        visit = reassign(day)
        agent = client_for(day.users["agent_a1"])
        data = report_data(photo_consent="true")

        first = agent.post(f"/api/v1/visits/{visit.pk}/report/", {**data, "photos": [jpeg()]})
        again = agent.post(f"/api/v1/visits/{visit.pk}/report/", {**data, "photos": [jpeg()]})

        assert (first.status_code, again.status_code) == (409, 409)
        assert first.json()["held_id"] == again.json()["held_id"]
        held = HeldSubmission.objects.get()
        assert held.data["borrower_words"] == data["borrower_words"]
        assert held.data["causes"] == "job_loss"
        assert len(held.photos) == 1
        assert (tmp_path / held.photos[0]["name"]).exists()
        assert not VisitReport.objects.exists()
        assert VisitEvent.objects.filter(visit=visit, kind="held").count() == 1

    def test_photos_without_consent_are_not_kept(self, day, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        visit = reassign(day)

        response = client_for(day.users["agent_a1"]).post(
            f"/api/v1/visits/{visit.pk}/report/", {**report_data(), "photos": [jpeg()]}
        )

        assert response.status_code == 409
        assert HeldSubmission.objects.get().photos == []

    def test_an_agent_whose_team_never_had_the_visit_gets_404(self, day):
        visit = reassign(day)

        response = client_for(day.users["agent_b1"]).post(
            f"/api/v1/visits/{visit.pk}/report/", report_data()
        )

        assert response.status_code == 404
        assert not HeldSubmission.objects.exists()


class TestReview:
    def test_the_manager_sees_it_in_the_feed_and_marks_it_reviewed(self, day):
        visit = reassign(day)
        client_for(day.users["agent_a1"]).post(f"/api/v1/visits/{visit.pk}/report/", report_data())
        held = HeldSubmission.objects.get()
        manager = client_for(day.users["manager_a"])

        page = manager.get("/visits/feed/").content.decode()
        response = manager.post(f"/visits/kept/{held.pk}/review/", {"note": "Called, fine"})

        assert page.count('data-testid="held-item"') == 1
        assert response.status_code == 302
        held.refresh_from_db()
        assert (held.status, held.reviewed_by, held.review_note) == (
            HeldStatus.REVIEWED,
            day.users["manager_a"],
            "Called, fine",
        )
        assert 'data-testid="held-item"' not in manager.get("/visits/feed/").content.decode()

    def test_another_branchs_manager_cannot_review_it(self, day):
        visit = reassign(day)
        client_for(day.users["agent_a1"]).post(f"/api/v1/visits/{visit.pk}/report/", report_data())
        held = HeldSubmission.objects.get()

        response = client_for(day.users["manager_b"]).post(f"/visits/kept/{held.pk}/review/", {})

        assert response.status_code == 404
        assert HeldSubmission.objects.get().status == HeldStatus.OPEN
