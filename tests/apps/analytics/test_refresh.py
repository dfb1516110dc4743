"""The nightly refresh: month-end summaries agree with the stored snapshot, re-runs change
nothing, and the visit-effect units are classified as the design says."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from fieldvisit.apps.analytics.models import PortfolioMonth, RollMonth, UnitKind, VintageMonth
from fieldvisit.apps.analytics.refresh import effect_cells, effect_units
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.apps.delinquency.services import snapshot_run
from tests.apps.analytics.conftest import FEB, JAN


def loans_by_bucket(day):
    return dict(
        PortfolioMonth.objects.filter(as_of=day)
        .values_list("bucket")
        .annotate(n=Sum("loans"))
        .order_by()
    )


def test_month_end_portfolio_counts_every_loan_by_bucket(book):
    assert loans_by_bucket(JAN) == {"M0": 1, "M1": 2}
    assert loans_by_bucket(FEB) == {"M0": 1, "M1": 1, "M2": 1}
    stored = DelinquencySnapshot.objects.filter(as_of=FEB).aggregate(
        out=Sum("outstanding_principal"), pen=Sum("penalty_interest"), comp=Sum("compound_interest")
    )
    summary = PortfolioMonth.objects.filter(as_of=FEB).aggregate(
        out=Sum("outstanding"), pen=Sum("penalty")
    )
    assert summary["out"] == stored["out"]
    assert summary["pen"] == stored["pen"] + stored["comp"]
    assert set(PortfolioMonth.objects.values_list("district", flat=True)) == {"福田区", "南山区"}


def test_rolls_follow_each_loan_from_one_month_end_to_the_next(book):
    rolls = set(
        RollMonth.objects.filter(as_of=FEB).values_list("from_bucket", "to_bucket", "loans")
    )
    assert rolls == {("M1", "M2", 1), ("M0", "M1", 1), ("M1", "M0", 1)}
    assert not RollMonth.objects.filter(as_of=JAN).exists()


def test_vintages_count_loans_30_days_past_due_by_months_on_book(book):
    rows = set(
        VintageMonth.objects.values_list("as_of", "vintage", "months_on_book")
        .annotate(n=Sum("loans"), bad=Sum("bad"))
        .order_by()
    )
    assert rows == {
        (JAN, dt.date(2024, 12, 1), 1, 3, 0),
        (FEB, dt.date(2024, 12, 1), 2, 3, 1),
    }


def test_rerunning_a_month_end_gives_the_same_rows(book):
    before = sorted(PortfolioMonth.objects.filter(as_of=FEB).values_list("bucket", "loans"))
    snapshot_run(FEB)
    after = sorted(PortfolioMonth.objects.filter(as_of=FEB).values_list("bucket", "loans"))
    assert after == before
    assert RollMonth.objects.filter(as_of=FEB).aggregate(n=Sum("loans"))["n"] == 3


def test_cases_open_at_a_month_end_are_comparison_units_until_visited(book):
    # Given the two cases open on 31 January (A and C); C was cured on 28 February.
    open_cases = CollectionCase.objects.filter(opened_on__lte=JAN)
    assert open_cases.count() == 2
    units = effect_units(JAN, as_of=dt.date(2025, 5, 1))
    # Then both are comparison cases, their clock starting on 15 February.
    assert set(units["kind"]) == {UnitKind.CONTROL.value}
    assert set(units["start"]) == {JAN + dt.timedelta(days=15)}
    cured = CollectionCase.objects.get(loan=book.loans["C"])
    assert cured.status == CaseStatus.CURED
    cells = effect_cells(JAN, as_of=dt.date(2025, 5, 1))
    assert (cells["n30"].sum(), cells["cured30"].sum()) == (2, 1)
    assert (cells["n60"].sum(), cells["cured60"].sum()) == (2, 1)
    # And a window that has not ended yet is not counted.
    early = effect_cells(JAN, as_of=dt.date(2025, 3, 1))
    assert early["n30"].sum() == 0
