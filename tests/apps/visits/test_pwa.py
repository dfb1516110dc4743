"""The phone app's server side: the manifest, the service worker, the offline page, the pages
the phone keeps for the day, and resends that are answered rather than judged again."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import time_machine
from django.test import Client

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.visits.models import VisitReport
from tests.apps.visits.conftest import checked_in, report_data
from tests.apps.visits.test_api import client_for

STATIC = Path(__file__).resolve().parents[3] / "src" / "fieldvisit" / "static"


def test_the_manifest_names_the_app_in_the_readers_language_with_its_own_icons(db):
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/manifest.webmanifest")
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/manifest.webmanifest")

    assert english["Content-Type"].startswith("application/manifest+json")
    data = english.json()
    assert (data["name"], data["lang"], data["start_url"]) == (
        "fieldvisit: field visits",
        "en",
        "/visits/today/",
    )
    assert json.loads(chinese.content)["name"] == "fieldvisit 外访"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512", "any"}
    for icon in data["icons"]:
        assert (STATIC / icon["src"].removeprefix("/static/")).is_file(), icon["src"]


def test_the_service_worker_is_configuration_and_the_projects_own_scripts(db):
    response = Client().get("/sw.js")

    body = response.content.decode()
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    config = json.loads(body.split("self.FIELDVISIT_SW = ")[1].split(";\n")[0])
    assert "/visits/offline/" in config["precache"]
    assert "/static/fieldvisit/visits/report.js" in config["precache"]
    assert (
        'importScripts("/static/fieldvisit/pwa/outbox.js", "/static/fieldvisit/pwa/sw-core.js")'
        in body
    )


def test_the_offline_page_names_nobody(day):
    page = client_for(day.users["agent_a1"]).get("/visits/offline/").content.decode()

    assert "No connection" in page
    assert str(day.users["agent_a1"]) not in page
    assert 'data-testid="outbox"' in page


def test_the_route_lists_the_pages_the_phone_keeps_for_the_agents_own_team_only(day):
    first, second = day.visits["first"], day.visits["second"]

    agent_page = client_for(day.users["agent_a1"]).get("/visits/today/").content.decode()
    manager_page = client_for(day.users["manager_a"]).get("/visits/today/").content.decode()

    pages = json.loads(
        agent_page.split('id="offline-pages" type="application/json">')[1].split("<")[0]
    )
    assert pages == [
        "/visits/today/",
        f"/visits/{first.pk}/",
        f"/visits/{first.pk}/report/",
        f"/visits/{second.pk}/",
        f"/visits/{second.pk}/report/",
    ]
    assert 'id="offline-pages"' not in manager_page


def test_saving_a_brief_for_offline_use_is_audited_as_such_and_never_cached_by_http(day):
    visit = day.visits["first"]

    response = client_for(day.users["agent_a1"]).get(
        f"/visits/{visit.pk}/", HTTP_X_FIELDVISIT_OFFLINE="1"
    )

    assert "no-store" in response["Cache-Control"]
    audit = AuditEvent.objects.get(action="visit.brief")
    assert audit.reason == f"Visit #{visit.pk} brief, saved on the phone for use offline"


def test_pages_load_the_phone_app_only_for_signed_in_users(day):
    signed_in = client_for(day.users["agent_a1"]).get("/visits/today/").content.decode()
    login = Client().get("/accounts/login/").content.decode()

    assert 'data-pwa="agent"' in signed_in
    assert "/static/fieldvisit/pwa/app.js" in signed_in
    assert 'id="pwa-text"' in signed_in
    assert "/static/fieldvisit/pwa/app.js" not in login


def test_a_resend_the_next_day_is_answered_with_the_report_not_judged_again(day):
    visit = checked_in(day.visits["first"], day.users["agent_a1"])
    agent = client_for(day.users["agent_a1"])
    data = report_data(
        client_id=str(uuid.uuid4()), promise_date=day.today.isoformat(), next_step="none"
    )
    first = agent.post(f"/api/v1/visits/{visit.pk}/report/", data)

    # The answer was lost; the phone sends it again tomorrow, when the promise date is past.
    tomorrow = dt.datetime.combine(day.today + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)
    with time_machine.travel(tomorrow):
        again = client_for(day.users["agent_a1"]).post(f"/api/v1/visits/{visit.pk}/report/", data)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert VisitReport.objects.count() == 1
