"""The phone pages render what the agent needs: the route, the brief, the report."""

from __future__ import annotations

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
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
