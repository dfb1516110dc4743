"""A small loan in arrears whose remedies are worked by hand in the engine's README."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fieldvisit.engines.delinquency import LoanTerms, Method, build_schedule
from fieldvisit.engines.restructuring import LoanState

D = Decimal


def small_state(annual_rate: str = "0.12") -> LoanState:
    """3,000.00 outstanding at 12 %: 1,000.00 principal, 100.00 interest, 20.00 penalty and 2.00
    compound in arrears; two instalments of 1,000.00 principal to come, on May 15 and June 15."""
    upcoming = build_schedule(
        LoanTerms(D("2000.00"), D(annual_rate), 2, Method.EQUAL_PRINCIPAL, date(2025, 5, 15))
    )
    return LoanState(
        as_of=date(2025, 5, 1),
        annual_rate=D(annual_rate),
        method=Method.EQUAL_PRINCIPAL,
        arrears_principal=D("1000.00"),
        arrears_interest=D("100.00"),
        penalty=D("20.00"),
        compound=D("2.00"),
        upcoming=upcoming,
        next_due=date(2025, 5, 15),
        due_day=15,
        dpd=47,
    )
