"""The phone pages render what the agent needs: the route, the brief, the report."""

from __future__ import annotations

import datetime as dt

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.visits import services
from fieldvisit.apps.visits.services import Position
from tests.apps.visits.conftest import FAR, HOME
from tests.apps.visits.factories import ReportFactory
from tests.apps.visits.test_api import client_for


def test_the_route_lists_todays_stops_in_order_with_map_links(day):
    page = client_for(day.users["agent_a1"]).get("/visits/today/").content.decode()

    assert page.count('data-testid="stop"') == 2
    first = day.visits["first"]
    assert f'href="/visits/{first.pk}/"' in page
    assert "geo:22.543100,114.057900?q=22.543100,114.057900(Visit%201)" in page
    assert "https://uri.amap.com/marker?position=114.057900%2C22.543100" in page
    assert "0 of 2 visits done" in page
    assert 'id="route-points"' in page
    # The map link leaves for a third party: it names the stop, never the borrower.
    assert (
        first.case.loan.borrower.name
        not in page.split('data-testid="amap-link"')[0].split("uri.amap.com")[-1]
    )


def test_the_brief_says_why_what_is_owed_and_how_to_talk(day):
    visit = day.visits["first"]

    page = client_for(day.users["agent_a1"]).get(f"/visits/{visit.pk}/").content.decode()

    assert "75 days past due, three calls unanswered" in page
    assert "Hardship assessment" in page
    assert 'data-testid="total-due"' in page
    assert "Never tell neighbours, colleagues or anyone else of the debt." in page
    assert "National psychological assistance hotline" in page
    assert visit.case.loan.borrower.home_address in page
    assert (
        AuditEvent.objects.filter(
            action="visit.brief", object_id=str(visit.case.loan.borrower_id)
        ).count()
        == 1
    )


def test_the_brief_is_bilingual(day):
    visit = day.visits["first"]
    client = client_for(day.users["agent_a1"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    page = client.get(f"/visits/{visit.pk}/").content.decode()

    assert "逾期 75 天，三次电话未接通" in page
    assert "不向邻居、同事或其他第三方透露欠款。" in page


def test_a_manager_sees_the_brief_without_the_exact_address(day):
    visit = day.visits["first"]

    page = client_for(day.users["manager_a"]).get(f"/visits/{visit.pk}/").content.decode()

    assert visit.case.loan.borrower.home_address not in page
    assert 'data-testid="check-in"' not in page


def test_a_replanned_day_shows_the_new_plans_stops_only(day):
    from fieldvisit.apps.planning.models import PlanStatus, VisitPlan

    old_plan = day.visits["first"].plan_stop.route.plan
    VisitPlan.objects.filter(pk=old_plan.pk).update(status=PlanStatus.SUPERSEDED)

    page = client_for(day.users["agent_a1"]).get("/visits/today/").content.decode()

    assert page.count('data-testid="stop"') == 0
    assert 'data-testid="no-route"' in page


def test_the_report_page_offers_a_remedy_proposal_from_the_report(day):
    visit = day.visits["first"]
    report = ReportFactory(visit=visit, submitted_by=day.users["agent_a1"])

    page = client_for(day.users["agent_a1"]).get(f"/visits/reports/{report.pk}/").content.decode()

    opening = (
        f'<form method="post" action="/remedies/report/{report.pk}/new/" '
        'data-testid="remedy-from-report">'
    )
    assert opening in page
    assert 'name="csrfmiddlewaretoken"' in page.split(opening)[1].split("</form>")[0]


def test_no_remedy_is_offered_from_the_report_of_a_closed_case(day):
    visit = day.visits["first"]
    report = ReportFactory(visit=visit, submitted_by=day.users["agent_a1"])
    CollectionCase.objects.filter(pk=visit.case_id).update(
        status=CaseStatus.CURED, closed_on=visit.date
    )

    page = client_for(day.users["agent_a1"]).get(f"/visits/reports/{report.pk}/").content.decode()

    assert "remedy-from-report" not in page


def test_the_visit_page_shows_what_the_check_in_proves(day):
    visit = day.visits["first"]
    services.visit_check_in(
        visit=visit,
        user=day.users["agent_a1"],
        position=Position(*HOME, 250.0),
        reason="Signal weak in the stairwell",
    )

    page = client_for(day.users["manager_a"]).get(f"/visits/{visit.pk}/").content.decode()

    assert "0 m from the address · accurate to 250 m" in page
    assert "Not shown to be at the address: Position too vague" in page


def test_a_manager_sees_flagged_check_ins_in_the_feed_and_an_agent_does_not(day):
    agent = day.users["agent_a1"]
    start = services.now() - dt.timedelta(minutes=5)
    services.visit_check_in(
        visit=day.visits["first"],
        user=agent,
        position=Position(*FAR, 5.0),
        reason="Met at her shop",
        device_at=start,
    )
    services.visit_check_in(
        visit=day.visits["second"],
        user=agent,
        position=Position(*HOME, 5.0),
        device_at=start + dt.timedelta(minutes=1),
    )

    manager_page = client_for(day.users["manager_a"]).get("/visits/feed/").content.decode()
    agent_page = client_for(agent).get("/visits/feed/").content.decode()

    assert manager_page.count('data-testid="check-in-item"') == 2
    assert "Implausible movement since the previous check-in" in manager_page
    assert "119.5 km/h from the previous check-in" in manager_page
    assert "Met at her shop" in manager_page
    assert 'data-testid="check-ins-title"' not in agent_page
