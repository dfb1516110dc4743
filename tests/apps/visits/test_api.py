"""The API and the pages: a clear message per field, idempotent submission, amendments, access."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.visits.models import (
    CheckIn,
    PromiseToPay,
    ReportPhoto,
    Visit,
    VisitReport,
    VisitStatus,
)
from tests.apps.visits.conftest import FAR, HOME, checked_in, report_data
from tests.factories import PASSWORD

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(user) -> Client:
    client = Client(**EN)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def png(name="door.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def post_report(client, visit, **overrides):
    return client.post(f"/api/v1/visits/{visit.pk}/report/", report_data(**overrides))


@pytest.fixture
def agent(day):
    return client_for(day.users["agent_a1"])


@pytest.fixture
def ready(day):
    """The first visit, checked in by agent_a1."""
    return checked_in(day.visits["first"], day.users["agent_a1"])


class TestFieldMessages:
    """Bad input gets one clear message on the field concerned, and nothing is written."""

    def assert_nothing_written(self, visit):
        assert not VisitReport.objects.exists()
        assert not PromiseToPay.objects.exists()
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CHECKED_IN

    def test_a_promise_date_in_the_past(self, day, agent, ready):
        yesterday = (day.today - dt.timedelta(days=1)).isoformat()

        response = post_report(agent, ready, promise_date=yesterday)

        assert response.status_code == 400
        assert response.json() == {
            "detail": {"promise_date": ["The promise date is in the past."]},
            "code": "invalid",
        }
        self.assert_nothing_written(ready)

    def test_a_negative_income(self, agent, ready):
        response = post_report(agent, ready, income_partner="-4200")

        assert response.status_code == 400
        assert response.json()["detail"] == {"income_partner": ["Cannot be negative."]}
        self.assert_nothing_written(ready)

    def test_a_photo_that_is_not_an_image(self, agent, ready):
        fake = SimpleUploadedFile("door.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg")

        response = post_report(agent, ready, photo_consent="true", photos=[fake])

        assert response.status_code == 400
        assert response.json()["detail"] == {
            "photos": ["door.jpg is not a photo (JPEG, PNG or WebP)."]
        }
        self.assert_nothing_written(ready)

    def test_an_oversized_photo(self, settings, agent, ready):
        settings.VISIT_PHOTO_MAX_BYTES = 1024 * 1024
        big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024))

        response = post_report(agent, ready, photo_consent="true", photos=[big])

        assert response.status_code == 400
        assert response.json()["detail"] == {
            "photos": ["big.png is too large (2.0 MB; at most 1.0 MB)."]
        }
        self.assert_nothing_written(ready)

    def test_a_photo_without_consent(self, agent, ready):
        response = post_report(agent, ready, photos=[png()])

        assert response.status_code == 400
        assert response.json()["detail"] == {
            "photos": ["Photos need the borrower's recorded consent."]
        }

    def test_a_promise_without_a_date_and_a_relation_missing(self, agent, ready):
        response = post_report(agent, ready, outcome="met_family", promise_date="")

        assert response.status_code == 400
        assert response.json()["detail"] == {
            "met_relation": ["Say who you met (e.g. spouse, parent)."],
            "promise_date": ["Give the date of the promise."],
        }

    def test_the_page_shows_the_same_message_beside_the_field(self, day, agent, ready):
        yesterday = (day.today - dt.timedelta(days=1)).isoformat()

        response = agent.post(
            f"/visits/{ready.pk}/report/", report_data(promise_date=yesterday, income_wages="-1")
        )

        assert response.status_code == 400
        html = response.content.decode()
        assert 'data-error-for="promise_date">The promise date is in the past.' in html
        assert 'data-error-for="income_wages">Cannot be negative.' in html
        assert not VisitReport.objects.exists()


class TestSubmission:
    def test_the_same_client_id_twice_is_one_report(self, agent, ready):
        client_id = str(uuid.uuid4())

        first = post_report(agent, ready, client_id=client_id)
        again = post_report(agent, ready, client_id=client_id)

        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        assert VisitReport.objects.count() == 1
        assert PromiseToPay.objects.count() == 1

    def test_a_photo_with_consent_is_stored_through_the_storage_api(
        self, settings, tmp_path, agent, ready
    ):
        settings.MEDIA_ROOT = tmp_path

        response = post_report(agent, ready, photo_consent="true", photos=[png()])

        assert response.status_code == 201
        photo = ReportPhoto.objects.get()
        assert photo.content_type == "image/png"
        assert photo.file.storage.exists(photo.file.name)
        assert photo.file.name.startswith("visit-photos/")

    def test_a_crisis_returns_the_referrals(self, agent, ready):
        response = post_report(
            agent,
            ready,
            state_of_mind="crisis",
            promise_amount="",
            promise_date="",
            next_step="none",
        )

        assert response.status_code == 201
        assert [r["number"] for r in response.json()["referrals"]] == ["120", "110", "12356"]
        case = CollectionCase.objects.get(pk=ready.case_id)
        assert (case.vulnerable, case.hardship_hold) == (True, True)

    def test_the_page_form_files_a_report_without_the_script(self, agent, ready):
        response = agent.post(f"/visits/{ready.pk}/report/", report_data())

        report = VisitReport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/visits/reports/{report.pk}/"
        assert CollectionCase.objects.get(pk=ready.case_id).status == CaseStatus.PROMISE_TO_PAY

    def test_an_amendment_keeps_both_and_shows_the_versions(self, agent, ready):
        original = post_report(agent, ready).json()

        amended = agent.post(
            f"/api/v1/visits/reports/{original['id']}/amend/",
            report_data(amendment_reason="Partner earns less", income_partner="3900"),
        )

        assert amended.status_code == 201
        assert amended.json()["amends_id"] == original["id"]
        assert amended.json()["disposable_income"] == "400.00"
        assert VisitReport.objects.count() == 2
        page = agent.get(f"/visits/reports/{amended.json()['id']}/").content.decode()
        assert 'data-testid="versions"' in page
        assert "Partner earns less" in page

    def test_an_amendment_needs_a_reason(self, agent, ready):
        original = post_report(agent, ready).json()

        response = agent.post(f"/api/v1/visits/reports/{original['id']}/amend/", report_data())

        assert response.status_code == 400
        assert response.json()["detail"] == {"amendment_reason": ["Say why the report is amended."]}
        assert VisitReport.objects.count() == 1


class TestCheckInApi:
    def test_far_away_asks_for_a_reason_with_the_distance(self, day, agent):
        visit = day.visits["first"]

        response = agent.post(
            f"/api/v1/visits/{visit.pk}/check-in/",
            {"latitude": FAR[0], "longitude": FAR[1], "accuracy": 10},
            content_type="application/json",
        )

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "reason_required"
        assert body["distance_m"] == 2002
        assert body["detail"] == (
            "You are 2002 m from the address (more than 300 m). Give a reason to check in here."
        )
        assert not CheckIn.objects.exists()

    def test_near_is_checked_in(self, day, agent):
        visit = day.visits["first"]

        response = agent.post(
            f"/api/v1/visits/{visit.pk}/check-in/",
            {"latitude": HOME[0], "longitude": HOME[1], "accuracy": 12},
            content_type="application/json",
        )

        assert response.status_code == 201
        assert response.json()["distance_m"] == 0


class TestAccess:
    """An agent reaches only their own team's visits; another team's is 404, page and API."""

    @pytest.mark.parametrize("which", ["other_team", "other_branch"])
    def test_another_teams_visit_is_404_everywhere(self, day, agent, which):
        visit = day.visits[which]
        other_user = {"other_team": "agent_a3", "other_branch": "agent_b1"}[which]
        checked_in(visit, day.users[other_user])

        for url in (
            f"/visits/{visit.pk}/",
            f"/visits/{visit.pk}/report/",
            f"/api/v1/visits/{visit.pk}/",
        ):
            assert agent.get(url).status_code == 404, url
        for url, data in (
            (f"/api/v1/visits/{visit.pk}/check-in/", {"latitude": HOME[0], "longitude": HOME[1]}),
            (f"/api/v1/visits/{visit.pk}/check-out/", {}),
            (f"/api/v1/visits/{visit.pk}/report/", report_data()),
            (f"/visits/{visit.pk}/check-out/", {}),
        ):
            assert agent.post(url, data).status_code == 404, url
        assert not VisitReport.objects.exists()
        assert Visit.objects.get(pk=visit.pk).status == VisitStatus.CHECKED_IN

    def test_another_teams_report_is_404(self, day):
        other = checked_in(day.visits["other_team"], day.users["agent_a3"])
        report = post_report(client_for(day.users["agent_a3"]), other).json()
        agent = client_for(day.users["agent_a1"])

        assert agent.get(f"/visits/reports/{report['id']}/").status_code == 404
        assert agent.get(f"/api/v1/visits/reports/{report['id']}/").status_code == 404
        assert (
            agent.post(
                f"/api/v1/visits/reports/{report['id']}/amend/", report_data(amendment_reason="x")
            ).status_code
            == 404
        )

    def test_today_lists_only_the_agents_team(self, day, agent):
        response = agent.get("/api/v1/visits/today/")

        assert response.status_code == 200
        assert [v["id"] for v in response.json()] == [
            day.visits["first"].pk,
            day.visits["second"].pk,
        ]

    def test_the_manager_feed_shows_the_branchs_new_reports_only(self, day):
        for name, user in (
            ("first", "agent_a1"),
            ("other_team", "agent_a3"),
            ("other_branch", "agent_b1"),
        ):
            visit = checked_in(day.visits[name], day.users[user])
            post_report(client_for(day.users[user]), visit)
        manager = client_for(day.users["manager_a"])

        feed = manager.get("/api/v1/visits/reports/").json()
        page = manager.get("/visits/feed/")

        assert {r["visit_id"] for r in feed} == {
            day.visits["first"].pk,
            day.visits["other_team"].pk,
        }
        assert page.status_code == 200
        assert page.content.decode().count('data-testid="feed-item"') == 2
