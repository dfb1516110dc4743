"""A new manager imports a small book on the upload page, then a bad file, and reads the errors."""

from __future__ import annotations

import pytest

from fieldvisit.apps.demo.services import DEMO_PASSWORD
from fieldvisit.apps.loans.models import Loan
from tests.apps.imports.book import rows, write_book, write_csv
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_imports_a_book_then_sees_the_errors_of_a_bad_file(
    browser_page, live_server, personas, tmp_path
):
    book = write_book(tmp_path / "book")
    page = browser_page(locale="en-US")
    log_in(page, live_server, "manager", DEMO_PASSWORD)
    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")

    page.click("[data-testid=nav-import]")
    page.set_input_files("input[type=file]", sorted(str(p) for p in book.iterdir()))
    page.click("[data-testid=upload-form] button[type=submit]")

    page.wait_for_selector("[data-testid=job-status]")
    assert page.get_attribute("[data-testid=job-status]", "data-status") == "succeeded"
    assert page.inner_text("[data-testid=job-summary]") == "All files were imported."
    assert page.locator("[data-testid=file-row]").count() == 6
    assert Loan.objects.count() == 2
    screenshot(page, "import-succeeded-en")

    payments = rows()["payments"]
    payments[1]["amount"] = "12.345"
    bad = tmp_path / "bad"
    bad.mkdir()
    write_csv(bad, "payments-2026-03-05.csv", payments)
    page.click("text=Import more files")
    page.set_input_files("input[type=file]", str(bad / "payments-2026-03-05.csv"))
    page.click("[data-testid=upload-form] button[type=submit]")

    page.wait_for_selector("[data-testid=error-row]")
    assert page.get_attribute("[data-testid=job-status]", "data-status") == "failed"
    cells = page.locator("[data-testid=error-row] td").all_inner_texts()
    assert cells == [
        "payments-2026-03-05.csv",
        "3",
        "amount",
        "12.345",
        "Amount has more than 2 decimals.",
    ]
    screenshot(page, "import-rejected-en")
