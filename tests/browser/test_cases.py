"""A new manager works the case list; then the agent sees exactly the case assigned, masked.

The data is seeded with factories (the import's upload step joins this story later).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.models import AuditEvent
from tests.apps.cases.factories import BorrowerFactory, CaseFactory, LoanFactory, schedule
from tests.browser.conftest import PHONE, screenshot
from tests.factories import PASSWORD, AgentFactory, BranchFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=home-title]")


@pytest.fixture
def portfolio(db):
    cache.clear()
    branch = BranchFactory(code="SZ-NS", name="南山支行")
    team = TeamFactory(code="NS1", name="南山一组", branch=branch)
    manager = UserFactory(username="new_manager", role=Role.MANAGER, branch=branch)
    agent = AgentFactory(username="field_agent", display_name="李外访", team=team)

    def case(district, dpd, bucket, due):
        loan = LoanFactory(branch=branch, borrower=BorrowerFactory(home_district=district))
        schedule(loan)
        return CaseFactory(loan=loan, dpd=dpd, bucket=bucket, amount_due=Decimal(due))

    target = case("福田区", 45, "M2", "2300.00")
    others = [
        case("福田区", 15, "M1", "1120.00"),
        case("福田区", 75, "M3", "3400.00"),
        case("南山区", 40, "M2", "2240.00"),
        case("南山区", 50, "M2", "2260.00"),
    ]
    return {"manager": manager, "agent": agent, "target": target, "others": others}


def test_manager_filters_reveals_and_assigns_then_the_agent_sees_that_case_masked(
    browser_page, live_server, portfolio
):
    target = portfolio["target"]
    borrower = target.loan.borrower
    page = browser_page()
    log_in(page, live_server, "new_manager")

    # The case list, filtered to M2 in 福田区: exactly one case.
    page.click("[data-testid=nav-cases]")
    page.wait_for_selector("[data-testid=cases-title]")
    page.click("details summary")
    page.select_option("#id_bucket", ["M2"])
    page.fill("#id_district", "福田区")
    page.click("[data-testid=apply-filters]")
    page.wait_for_url(re.compile(r"bucket=M2"))
    rows = page.locator("[data-testid=case-row]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-case-id") == str(target.pk)
    screenshot(page, "cases-list-m2-futian")

    # The case page: borrower masked.
    page.click("[data-testid=case-link]")
    page.wait_for_selector("[data-testid=case-title]")
    assert (
        page.inner_text("[data-testid=borrower-phone]")
        == borrower.phone[:3] + "****" + borrower.phone[-4:]
    )
    assert borrower.phone not in page.content()

    # Reveal the phone with a reason: shown once, audited.
    page.select_option("#reveal-field", "phone")
    page.fill("#reveal-reason", "借款人要求回电")
    page.click("[data-testid=reveal-submit]")
    page.wait_for_selector("[data-testid=revealed-value]")
    assert page.inner_text("[data-testid=revealed-value]") == borrower.phone
    screenshot(page, "case-revealed-phone")
    reveal = AuditEvent.objects.get(action="pii.reveal")
    assert (reveal.username, reveal.reason, reveal.fields) == (
        "new_manager",
        "借款人要求回电",
        ["phone"],
    )

    # Assign the case to the agent.
    page.select_option("[data-testid=assign] select[name=agent]", str(portfolio["agent"].pk))
    page.fill("[data-testid=assign] input[name=reason]", "福田区M2")
    page.click("[data-testid=assign-submit]")
    page.wait_for_selector("[data-testid=case-title]")
    assert page.inner_text("[data-testid=case-agent]") == "李外访"

    # The agent logs in on a phone and sees exactly that case, masked.
    phone = browser_page(viewport=PHONE)
    log_in(phone, live_server, "field_agent")
    phone.click("[data-testid=nav-cases]")
    phone.wait_for_selector("[data-testid=cases-title]")
    rows = phone.locator("[data-testid=case-row]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-case-id") == str(target.pk)
    phone.click("[data-testid=case-link]")
    phone.wait_for_selector("[data-testid=case-title]")
    assert (
        phone.inner_text("[data-testid=borrower-phone]")
        == borrower.phone[:3] + "****" + borrower.phone[-4:]
    )
    assert borrower.phone not in phone.content()
    assert borrower.id_number not in phone.content()
    assert phone.locator("[data-testid=reveal-form]").count() == 0
    screenshot(phone, "case-agent-masked-phone")

    # Another case of the branch is not found for the agent.
    response = phone.goto(f"{live_server.url}/cases/{portfolio['others'][0].pk}/")
    assert response.status == 404
