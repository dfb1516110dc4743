"""A new field agent walks a day on a phone (360 × 740): the route, a brief, check-in near the
address and once 2 km away, a report with a promise and a hardship cause sent after the
connection comes back, a double-tapped submission that files one report, the case updated."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.visits.models import PromiseToPay, Visit, VisitReport, VisitStatus
from tests.apps.visits.conftest import FAR, HOME, make_case
from tests.apps.visits.factories import PlanFactory, RouteFactory, StopFactory
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD, AgentFactory, BranchFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def field_day():
    """An approved plan for today: team 外访1组 (the new agent 小王 and 老李), three stops."""
    today = business_date()
    branch = BranchFactory(code="FT", name="福田分行")
    team = TeamFactory(code="FT1", name="外访1组", branch=branch)
    agent = AgentFactory(username="xiaowang", display_name="小王", team=team)
    partner = AgentFactory(username="laoli", display_name="老李", team=team)
    route = RouteFactory(
        plan=PlanFactory(date=today, branch=branch), team=team, members=[agent, partner]
    )
    cases = [make_case(branch, team, agent) for _ in range(3)]
    for order, case in enumerate(cases, start=1):
        StopFactory(route=route, order=order, case=case)
    return {"today": today, "agent": agent, "cases": cases}


def at(page, lat_lng, accuracy=8.0):
    page.context.set_geolocation(
        {"latitude": lat_lng[0], "longitude": lat_lng[1], "accuracy": accuracy}
    )


def test_a_new_agent_walks_a_day_on_a_phone(browser_page, live_server, field_day):
    page = browser_page(
        viewport=PHONE,
        locale="en-US",
        permissions=["geolocation"],
        geolocation={"latitude": HOME[0], "longitude": HOME[1], "accuracy": 8},
    )
    log_in(page, live_server, "xiaowang", PASSWORD)

    # The route: three stops in order, windows, links to the phone's map app, a map, progress.
    page.click("[data-testid=nav-today]")
    page.wait_for_selector("[data-testid=route-title]")
    assert page.locator("[data-testid=stop]").count() == 3
    assert page.inner_text("[data-testid=progress]").strip().endswith("0 of 3 visits done")
    assert page.get_attribute("[data-testid=geo-link] >> nth=0", "href").startswith(
        "geo:22.543100,114.057900"
    )
    assert "uri.amap.com/marker?position=114.057900%2C22.543100" in page.get_attribute(
        "[data-testid=amap-link] >> nth=0", "href"
    )
    page.wait_for_selector("#route-map.leaflet-container")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "visit-route-phone")

    # The brief of the first stop: why, what is owed today, the guide.
    page.click("[data-testid=stop-link] >> nth=0")
    page.wait_for_selector("[data-testid=brief]")
    assert "three calls unanswered" in page.inner_text("[data-testid=why]")
    assert page.inner_text("[data-testid=total-due]").startswith("¥")
    assert page.locator("[data-testid=guide]").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "visit-brief-phone")

    # Check in at the door: the server measures 0 m and records its own time.
    page.click("[data-testid=check-in]")
    page.wait_for_selector("[data-testid=checked-in]")
    assert "0 m from the address" in page.inner_text("[data-testid=checked-in]")
    first = Visit.objects.get(plan_stop__order=1)
    assert first.status == VisitStatus.CHECKED_IN

    # The report: a promise and a hardship cause; the disposable income follows the typing.
    page.click("[data-testid=report-link]")
    page.wait_for_selector("[data-testid=report-title]")
    page.check("input[name=causes][value=illness]")
    page.fill("#income_wages", "3000")
    page.fill("#fixed_home", "1200")
    page.fill("#flex_food", "800.50")
    assert page.inner_text("[data-testid=disposable]") == "999.50"
    promise_day = (field_day["today"] + dt.timedelta(days=7)).isoformat()
    page.fill("#promise_amount", "600")
    page.fill("#promise_date", promise_day)
    page.fill("#borrower_words", "My husband was in hospital; I can pay 600 next week.")

    # A reload keeps the draft.
    page.reload()
    page.wait_for_selector("[data-testid=report-title]")
    assert page.input_value("#promise_amount") == "600"
    assert page.is_checked("input[name=causes][value=illness]")
    assert page.inner_text("[data-testid=disposable]") == "999.50"

    # The connection drops before submitting: the report waits on the phone, and says so.
    page.context.set_offline(True)
    page.click("[data-testid=submit-report]")
    page.wait_for_selector("[data-testid=report-status].queued")
    assert "No connection" in page.inner_text("[data-testid=report-status]")
    assert not VisitReport.objects.exists()
    screenshot(page, "visit-report-queued-phone")

    # The connection returns: the queued report is sent once, and the page shows it.
    page.context.set_offline(False)
    page.wait_for_url(re.compile(r"/visits/reports/\d+/$"))
    page.wait_for_selector("[data-testid=report-heading]")
    report = VisitReport.objects.get()
    assert report.visit_id == first.pk
    assert report.causes == ["illness"]
    assert str(report.disposable_income) == "999.50"
    promise = PromiseToPay.objects.get()
    assert (str(promise.amount), promise.due_on.isoformat()) == ("600.00", promise_day)

    # The second stop, 2 km away: the server asks for a reason, then records it.
    at(page, FAR)
    second = Visit.objects.get(plan_stop__order=2)
    page.goto(f"{live_server.url}/visits/{second.pk}/")
    page.click("[data-testid=check-in]")
    page.wait_for_selector("[data-testid=check-in-problem]:not(:empty)")
    assert "2002 m from the address" in page.inner_text("[data-testid=check-in-problem]")
    assert Visit.objects.get(pk=second.pk).status == VisitStatus.PLANNED
    page.fill("#reason", "The borrower asked to meet at her shop")
    page.click("[data-testid=check-in]")
    page.wait_for_selector("[data-testid=checked-in]")
    assert "2002 m" in page.inner_text("[data-testid=checked-in]")

    # A double tap on submit files exactly one report.
    page.click("[data-testid=report-link]")
    page.wait_for_selector("[data-testid=report-title]")
    page.check("input[name=outcome][value=met_borrower]")
    page.check("input[name=causes][value=job_loss]")
    page.dblclick("[data-testid=submit-report]")
    page.wait_for_url(re.compile(r"/visits/reports/\d+/$"))
    assert VisitReport.objects.filter(visit=second).count() == 1
    assert VisitReport.objects.count() == 2

    # The case is updated, and the route shows the progress.
    case = CollectionCase.objects.get(pk=first.case_id)
    assert case.status == CaseStatus.PROMISE_TO_PAY
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.inner_text("[data-testid=case-status]") == "Promise to pay"
    page.goto(f"{live_server.url}/visits/today/")
    assert page.inner_text("[data-testid=progress]").strip().endswith("2 of 3 visits done")
    screenshot(page, "visit-route-done-phone")
