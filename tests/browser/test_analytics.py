"""A new analyst opens every dashboard, filters one by product and month, exports it to Excel
and opens the workbook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_create
from fieldvisit.apps.analytics.selectors import DASHBOARDS
from tests.apps.analytics.conftest import book  # noqa: F401 - the fixture: two month ends
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-new-analyst-2025"


def test_a_new_analyst_reads_each_dashboard_filters_one_and_opens_its_export(
    browser_page,
    live_server,
    book,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    user_create(username="zhou", password=PASSWORD, role=Role.ANALYST, display_name="周分析")
    product = book.loans["A"].product
    page = browser_page(locale="en-GB")
    log_in(page, live_server, "zhou", PASSWORD)

    page.click("[data-testid=nav-analytics]")
    page.wait_for_selector("[data-testid=dashboard-title]")
    for key in DASHBOARDS:
        page.click(f"[data-testid=menu-{key}]")
        page.wait_for_selector(f"[data-testid=menu-{key}][aria-current=page]")
        assert page.locator("[data-testid=filters]").count() == 1
        screenshot(page, f"analytics-{key}")

    page.click("[data-testid=menu-portfolio]")
    page.select_option("[data-testid=filter-product]", str(product.pk))
    page.fill("[data-testid=filter-month]", "2025-02")
    page.click("[data-testid=apply-filters]")
    page.wait_for_url("**month=2025-02**")
    assert f"product={product.pk}" in page.url
    # The figure behind a bar is in its <title>, shown on hover.
    bar = page.locator("svg.chart rect title", has_text="2025-02 · M2: 1")
    assert bar.count() == 1
    screenshot(page, "analytics-portfolio-filtered")

    with page.expect_download() as download_info:
        page.click("[data-testid=export-xlsx]")
    download = download_info.value
    assert download.suggested_filename == "fieldvisit-portfolio.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    assert workbook.sheetnames[:4] == ["about", "by_bucket", "expected_loss", "totals"]
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True)}
    assert about["month"] == "2025-02"
    assert about["product"] == str(product.pk)
    rows = list(workbook["by_bucket"].iter_rows(min_row=3, values_only=True))
    february = {row[1]: row[2] for row in rows if str(row[0]).startswith("2025-02")}
    assert february == {"M0": 1, "M1": 1, "M2": 1, "M3": 0, "M4": 0, "M5": 0, "M6": 0, "M7+": 0}
