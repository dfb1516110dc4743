"""Issue 4's story from the start: a new manager imports the demo files, the nightly batch opens
the cases, the branch manager filters the list to M2 in one district, opens a case, reveals a
phone number with a reason and assigns the case to an agent; the agent then sees exactly that
case, masked."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.cases.models import CollectionCase
from fieldvisit.apps.delinquency.services import snapshot_run
from fieldvisit.apps.demo.services import DEMO_PASSWORD
from fieldvisit.apps.imports.specs import KIND_PERMISSIONS, kind_of
from fieldvisit.demo.generator import GenerateParams
from fieldvisit.demo.writer import write_book
from tests.browser.conftest import PHONE, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = dt.date(2026, 11, 28)


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def test_a_new_manager_imports_the_demo_files_and_works_an_m2_case_to_an_agent(
    browser_page, live_server, personas, tmp_path, monkeypatch
):
    monkeypatch.setenv("FIELDVISIT_AS_OF", AS_OF.isoformat())
    book = tmp_path / "book"
    write_book(GenerateParams(loans=400, as_of=AS_OF, seed=11), book, ("csv",))
    files = sorted(p for p in book.glob("*.csv") if p.stem != "ground_truth")
    organisation = {"branches", *KIND_PERMISSIONS}
    staff = [str(p) for p in files if kind_of(p.stem) in organisation]
    portfolio = [str(p) for p in files if kind_of(p.stem) not in organisation]

    # The administrator imports the branches, staff, teams and certifications (a manager may not
    # import the people), then the manager uploads the core system's portfolio export.
    for username, upload in (("admin", staff), ("manager", portfolio)):
        page = browser_page(locale="en-US")
        log_in(page, live_server, username, DEMO_PASSWORD)
        page.click("[data-testid=nav-import]")
        page.set_input_files("input[type=file]", upload)
        page.click("[data-testid=upload-form] button[type=submit]")
        page.wait_for_selector("[data-testid=job-status]")
        assert page.get_attribute("[data-testid=job-status]", "data-status") == "succeeded"
    screenshot(page, "story-import-succeeded")

    # The nightly batch opens a case for every delinquent loan.
    snapshot_run(AS_OF)
    target = (
        CollectionCase.objects.filter(bucket="M2", closed_on__isnull=True)
        .select_related("loan__borrower", "branch")
        .order_by("pk")
        .first()
    )
    assert target is not None, "the demo book has M2 cases"
    same_filter = CollectionCase.objects.filter(
        branch=target.branch, bucket="M2", district=target.district, closed_on__isnull=True
    )
    borrower = target.loan.borrower
    branch_manager = User.objects.get(role=Role.MANAGER, branch=target.branch)
    agent = User.objects.filter(role=Role.AGENT, team__branch=target.branch).order_by("pk").first()
    for user in (branch_manager, agent):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])

    # The branch manager filters the case list to M2 in the target's district.
    manager = browser_page()
    log_in(manager, live_server, branch_manager.username, DEMO_PASSWORD)
    manager.click("[data-testid=nav-cases]")
    manager.wait_for_selector("[data-testid=cases-title]")
    manager.click("details summary")
    manager.select_option("#id_bucket", ["M2"])
    manager.fill("#id_district", target.district)
    manager.click("[data-testid=apply-filters]")
    manager.wait_for_url("**bucket=M2**")
    rows = manager.locator("[data-testid=case-row]")
    assert sorted(int(r.get_attribute("data-case-id")) for r in rows.all()) == sorted(
        same_filter.values_list("pk", flat=True)
    )
    screenshot(manager, "story-cases-m2")

    # Opens the case: masked; reveals the phone with a reason (audited).
    manager.click(f"[data-case-id='{target.pk}'] [data-testid=case-link]")
    manager.wait_for_selector("[data-testid=case-title]")
    assert manager.inner_text("[data-testid=borrower-phone]") == masked_phone(borrower.phone)
    manager.select_option("#reveal-field", "phone")
    manager.fill("#reveal-reason", "借款人要求回电")
    manager.click("[data-testid=reveal-submit]")
    manager.wait_for_selector("[data-testid=revealed-value]")
    assert manager.inner_text("[data-testid=revealed-value]") == borrower.phone
    assert AuditEvent.objects.filter(
        action="pii.reveal", username=branch_manager.username, reason="借款人要求回电"
    ).exists()

    # Assigns it to the agent.
    manager.select_option("[data-testid=assign] select[name=agent]", str(agent.pk))
    manager.fill("[data-testid=assign] input[name=reason]", "M2 外访")
    manager.click("[data-testid=assign-submit]")
    manager.wait_for_selector("[data-testid=case-title]")
    target.refresh_from_db()
    assert target.agent_id == agent.pk

    # The agent, on a phone, sees exactly that case, masked.
    phone = browser_page(viewport=PHONE)
    log_in(phone, live_server, agent.username, DEMO_PASSWORD)
    phone.click("[data-testid=nav-cases]")
    phone.wait_for_selector("[data-testid=cases-title]")
    rows = phone.locator("[data-testid=case-row]")
    assert [r.get_attribute("data-case-id") for r in rows.all()] == [str(target.pk)]
    phone.click("[data-testid=case-link]")
    phone.wait_for_selector("[data-testid=case-title]")
    assert phone.inner_text("[data-testid=borrower-phone]") == masked_phone(borrower.phone)
    assert borrower.phone not in phone.content()
    assert borrower.id_number not in phone.content()
    screenshot(phone, "story-agent-case-masked")
