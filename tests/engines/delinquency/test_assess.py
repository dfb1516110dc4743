"""The assessment of one loan: golden cases worked by hand, then the rules one by one.

The loan most cases use: 12,000.00 at 12 % a year over 12 months, 等额本金, first due 2024-01-15.
Instalment k: principal 1,000.00, interest (12,000 − 1,000 (k − 1)) × 0.12 / 12 = 120.00, 110.00, …
Penalty rate = 0.12 × (1 + 0.5) = 0.18 a year (below the 0.24 cap) = 0.0005 a day (0.18 / 360).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fieldvisit.engines.delinquency import (
    AllocationPart,
    Component,
    DelinquencyPolicy,
    InvalidField,
    Loan,
    LoanClass,
    LoanTerms,
    Method,
    Payment,
    assess,
    build_schedule,
)

D = Decimal
PEN, CPD, INT, PRI = Component.PENALTY, Component.COMPOUND, Component.INTEREST, Component.PRINCIPAL

SCHEDULE = build_schedule(
    LoanTerms(D("12000.00"), D("0.12"), 12, Method.EQUAL_PRINCIPAL, date(2024, 1, 15))
)


def loan(*payments: tuple[str, str], restructured_on: date | None = None) -> Loan:
    return Loan(
        annual_rate=D("0.12"),
        installments=SCHEDULE,
        payments=tuple(Payment(date.fromisoformat(day), D(amount)) for day, amount in payments),
        restructured_on=restructured_on,
    )


def test_late_partial_payment_pays_penalty_compound_interest_then_principal() -> None:
    # Instalment 1 (1,000.00 + 120.00) is due 2024-01-15 and nothing is paid until 2024-02-04.
    # Accrual days 01-16 … 02-04 = 20 days, each on the full amounts unpaid the day before:
    #   penalty  = 1,000.00 × 20 × 0.0005 = 10.00
    #   compound =   120.00 × 20 × 0.0005 =  1.20
    # 500.00 on 02-04 pays 10.00 + 1.20 + 120.00 and 500.00 − 131.20 = 368.80 of principal.
    result = assess(loan(("2024-02-04", "500.00")), date(2024, 2, 14))

    (allocation,) = result.allocations
    assert allocation.parts == (
        AllocationPart(1, PEN, D("10.00")),
        AllocationPart(1, CPD, D("1.20")),
        AllocationPart(1, INT, D("120.00")),
        AllocationPart(1, PRI, D("368.80")),
    )
    assert allocation.overpayment == D("0.00")
    # At 2024-02-14: 1,000.00 − 368.80 = 631.20 unpaid since 02-04, 10 more days (02-05 … 02-14):
    #   penalty accrued = (1,000.00 × 20 + 631.20 × 10) × 0.0005 = 26,312.00 × 0.0005 = 13.156
    #   → 13.16, of which 10.00 was paid: 3.16 unpaid. No interest is unpaid: compound stays 1.20.
    # DPD = 02-14 − 01-15 = 30 → M1, 关注. Instalment 2 is due 02-15, not yet.
    assert result.dpd == 30
    assert result.bucket == "M1"
    assert result.classification is LoanClass.SPECIAL_MENTION
    assert result.overdue_principal == D("631.20")
    assert result.overdue_interest == D("0.00")
    assert result.penalty_interest == D("3.16")
    assert result.compound_interest == D("0.00")
    assert result.total_due == D("634.36")  # 631.20 + 3.16
    assert result.outstanding_principal == D("11631.20")  # 12,000.00 − 368.80
    assert result.overpayment == D("0.00")


def test_two_overdue_instalments_with_compound_interest_rounding_half_up() -> None:
    # Same loan and payment, assessed at 2024-03-01 (2024 is a leap year).
    # Instalment 1: 631.20 unpaid for 02-05 … 03-01 = 25 + 1 = 26 days:
    #   penalty = (1,000.00 × 20 + 631.20 × 26) × 0.0005 = 36,411.20 × 0.0005 = 18.2056 → 18.21
    #   unpaid = 18.21 − 10.00 = 8.21
    # Instalment 2 (1,000.00 + 110.00, due 02-15): 02-16 … 03-01 = 15 days:
    #   penalty  = 1,000.00 × 15 × 0.0005 = 7.50
    #   compound =   110.00 × 15 × 0.0005 = 0.825 → 0.83 (a tie: half-up, not banker's 0.82)
    # DPD = 03-01 − 01-15 = 46 → M2.
    result = assess(loan(("2024-02-04", "500.00")), date(2024, 3, 1))

    assert result.dpd == 46
    assert result.bucket == "M2"
    assert [(p.unpaid_penalty, p.unpaid_compound) for p in result.installments[:3]] == [
        (D("8.21"), D("0.00")),
        (D("7.50"), D("0.83")),
        (D("0.00"), D("0.00")),
    ]
    assert result.penalty_interest == D("15.71")
    assert result.compound_interest == D("0.83")
    assert result.overdue_principal == D("1631.20")
    assert result.overdue_interest == D("110.00")
    assert result.total_due == D("1757.74")  # 1,631.20 + 110.00 + 15.71 + 0.83


def test_paying_the_total_due_clears_the_arrears_and_leftover_prepays_the_next_instalment() -> None:
    # On 2024-03-01 the borrower pays 2,000.00: 1,757.74 clears instalments 1 and 2 (see above),
    # the other 242.26 goes to instalment 3 (due 03-15): its interest 100.00, then 142.26 principal.
    result = assess(loan(("2024-02-04", "500.00"), ("2024-03-01", "2000.00")), date(2024, 3, 1))

    assert result.allocations[1].parts == (
        AllocationPart(1, PEN, D("8.21")),
        AllocationPart(1, PRI, D("631.20")),
        AllocationPart(2, PEN, D("7.50")),
        AllocationPart(2, CPD, D("0.83")),
        AllocationPart(2, INT, D("110.00")),
        AllocationPart(2, PRI, D("1000.00")),
        AllocationPart(3, INT, D("100.00")),
        AllocationPart(3, PRI, D("142.26")),
    )
    assert (result.dpd, result.bucket, result.classification) == (0, "M0", LoanClass.NORMAL)
    assert result.total_due == D("0.00")
    assert result.installments[2].unpaid_principal == D("857.74")


def test_a_payment_stops_accrual_on_what_it_pays_from_the_next_day() -> None:
    # Paying all of instalment 1 on 2024-01-20 (5 days late): accrual for 01-16 … 01-20 uses what
    # was unpaid at the end of the day before, so the payment day still accrues on the full amount.
    #   penalty = 1,000.00 × 5 × 0.0005 = 2.50; compound = 120.00 × 5 × 0.0005 = 0.30
    result = assess(loan(("2024-01-20", "1122.80")), date(2024, 2, 10))

    assert result.allocations[0].parts[:2] == (
        AllocationPart(1, PEN, D("2.50")),
        AllocationPart(1, CPD, D("0.30")),
    )
    assert result.allocations[0].parts[-1] == AllocationPart(1, PRI, D("1000.00"))
    assert (result.dpd, result.penalty_interest, result.compound_interest) == (0, 0, 0)


def test_an_instalment_paid_before_its_due_date_never_becomes_overdue() -> None:
    # 1,120.00 paid on 2024-01-10 settles instalment 1 five days early; at 01-31 nothing is overdue.
    result = assess(loan(("2024-01-10", "1120.00")), date(2024, 1, 31))

    assert result.allocations[0].parts == (
        AllocationPart(1, INT, D("120.00")),
        AllocationPart(1, PRI, D("1000.00")),
    )
    assert (result.dpd, result.penalty_interest, result.total_due) == (0, 0, 0)
    assert result.installments[0].settled_on == date(2024, 1, 10)


def test_paying_on_the_due_date_is_on_time() -> None:
    result = assess(loan(("2024-01-15", "1120.00")), date(2024, 3, 14))

    assert result.installments[0].unpaid_penalty == D("0.00")
    # instalment 2 (due 02-15) is unpaid: DPD = 03-14 − 02-15 = 28
    assert result.dpd == 28


def test_unpaid_instalment_due_today_is_not_overdue_yet() -> None:
    result = assess(loan(), date(2024, 1, 15))

    assert (result.dpd, result.overdue_principal, result.total_due) == (0, 0, 0)
    assert result.outstanding_principal == D("12000.00")


def test_money_beyond_the_whole_loan_is_an_overpayment_never_lost() -> None:
    # The whole loan paid on 2024-01-01 costs 12,000.00 + 780.00 interest; 100.00 more is overpaid,
    # and a later payment, with nothing left to pay, is overpayment in full.
    result = assess(loan(("2024-01-01", "12880.00"), ("2024-02-01", "5.00")), date(2024, 6, 1))

    first, second = result.allocations
    assert sum(part.amount for part in first.parts) == D("12780.00")
    assert first.overpayment == D("100.00")
    assert (second.parts, second.overpayment) == ((), D("5.00"))
    assert result.overpayment == D("105.00")
    assert result.outstanding_principal == D("0.00")


def test_payments_after_as_of_are_ignored() -> None:
    result = assess(loan(("2024-02-04", "500.00")), date(2024, 2, 3))

    assert result.allocations == ()
    # 01-16 … 02-03 = 19 days: 1,000.00 × 19 × 0.0005 = 9.50; 120.00 × 19 × 0.0005 = 1.14
    assert (result.penalty_interest, result.compound_interest) == (D("9.50"), D("1.14"))


def test_same_day_payments_are_allocated_in_input_order_as_if_one() -> None:
    split = assess(loan(("2024-02-04", "100.00"), ("2024-02-04", "400.00")), date(2024, 2, 14))
    whole = assess(loan(("2024-02-04", "500.00")), date(2024, 2, 14))

    assert [a.amount for a in split.allocations] == [D("100.00"), D("400.00")]
    assert split.allocations[0].parts == (
        AllocationPart(1, PEN, D("10.00")),
        AllocationPart(1, CPD, D("1.20")),
        AllocationPart(1, INT, D("88.80")),
    )
    assert split.penalty_interest == whole.penalty_interest
    assert split.installments == whole.installments


def test_penalty_rate_is_capped() -> None:
    # 20 % × 1.5 = 30 % a year, capped at 24 %: 1,000.00 of principal for 30 days
    # penalty = 1,000.00 × 30 × 0.24 / 360 = 20.00 (uncapped it would be 25.00)
    terms = LoanTerms(D("1000.00"), D("0.20"), 1, Method.INTEREST_ONLY, date(2024, 1, 15))
    capped = Loan(D("0.20"), build_schedule(terms))

    result = assess(capped, date(2024, 2, 14))

    assert DelinquencyPolicy().penalty_rate(D("0.20")) == D("0.24")
    assert result.penalty_interest == D("20.00")


def test_allocation_order_is_configurable_and_penalty_left_does_not_count_for_dpd() -> None:
    # Principal and interest first: 1,120.00 on 02-04 clears them; 10.00 + 1.20 of accrual stays.
    policy = DelinquencyPolicy(allocation_order=(PRI, INT, PEN, CPD))

    result = assess(loan(("2024-02-04", "1120.00")), date(2024, 2, 10), policy)

    assert result.allocations[0].parts == (
        AllocationPart(1, PRI, D("1000.00")),
        AllocationPart(1, INT, D("120.00")),
    )
    assert result.dpd == 0
    assert (result.penalty_interest, result.compound_interest) == (D("10.00"), D("1.20"))
    assert result.total_due == D("11.20")


@pytest.mark.parametrize(
    ("as_of", "dpd", "bucket", "loan_class"),
    [
        ("2024-01-16", 1, "M1", LoanClass.SPECIAL_MENTION),
        ("2024-02-14", 30, "M1", LoanClass.SPECIAL_MENTION),
        ("2024-02-15", 31, "M2", LoanClass.SPECIAL_MENTION),
        ("2024-04-14", 90, "M3", LoanClass.SPECIAL_MENTION),
        ("2024-04-15", 91, "M4", LoanClass.SUBSTANDARD),
        ("2024-07-13", 180, "M6", LoanClass.SUBSTANDARD),
        ("2024-07-14", 181, "M7+", LoanClass.SUBSTANDARD),
        ("2024-10-11", 270, "M7+", LoanClass.SUBSTANDARD),
        ("2024-10-12", 271, "M7+", LoanClass.DOUBTFUL),
        ("2025-01-09", 360, "M7+", LoanClass.DOUBTFUL),
        ("2025-01-10", 361, "M7+", LoanClass.LOSS),
    ],
)
def test_buckets_and_classes_by_days_past_due(
    as_of: str, dpd: int, bucket: str, loan_class: LoanClass
) -> None:
    result = assess(loan(), date.fromisoformat(as_of))

    assert (result.dpd, result.bucket, result.classification) == (dpd, bucket, loan_class)


def test_bad_loan_input_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidField, match=r"^payments\.amount: must be positive"):
        Payment(date(2024, 1, 1), D("0.00"))
    with pytest.raises(InvalidField, match=r"^payments\.amount: must be a Decimal of whole cents"):
        Payment(date(2024, 1, 1), D("1.001"))
    with pytest.raises(InvalidField, match=r"^installments: due dates must increase strictly"):
        Loan(D("0.1"), (SCHEDULE[1], SCHEDULE[0]))
    with pytest.raises(InvalidField, match=r"^annual_rate: must not be negative"):
        Loan(D("-0.1"), SCHEDULE)


class TestRestructuredObservation:
    """A restructured loan is at least 关注 until ≥ 1 year has passed and 2 instalments in a row
    were paid on time (both due on or after the restructuring)."""

    RESTRUCTURED = date(2024, 1, 10)
    # 24 monthly instalments of the new schedule, due on the 10th from 2024-02-10.
    NEW_SCHEDULE = build_schedule(
        LoanTerms(D("24000.00"), D("0.06"), 24, Method.EQUAL_PRINCIPAL, date(2024, 2, 10))
    )

    def restructured(self, late: dict[int, int] | None = None) -> Loan:
        """Each instalment paid in full on its due date, or ``late[k]`` days after it with 10.00
        more, enough for its few days of penalty (the rest prepays the next instalment)."""
        late = late or {}
        payments = []
        for i in self.NEW_SCHEDULE:
            if i.number in late:
                paid_on = i.due_date + timedelta(days=late[i.number])
                payments.append(Payment(paid_on, i.payment + D("10.00")))
            else:
                payments.append(Payment(i.due_date, i.payment))
        return Loan(D("0.06"), self.NEW_SCHEDULE, tuple(payments), self.RESTRUCTURED)

    def test_a_loan_paid_on_time_stays_special_mention_for_the_first_year(self) -> None:
        result = assess(self.restructured(), date(2025, 1, 9))

        assert result.dpd == 0
        assert result.in_observation is True
        assert result.classification is LoanClass.SPECIAL_MENTION

    def test_after_a_year_and_two_on_time_periods_it_is_normal(self) -> None:
        # 2025-01-10 is one year on; instalments due 2024-12-10 and 2025-01-10 were both on time.
        result = assess(self.restructured(), date(2025, 1, 10))

        assert result.in_observation is False
        assert result.classification is LoanClass.NORMAL

    def test_a_late_period_restarts_the_count_of_two(self) -> None:
        # Instalment 12 (due 2025-01-10) paid 3 days late: at the one-year mark the last two
        # periods are not both on time; instalment 13 (due 02-10) on time makes one; 14 makes two.
        loan = self.restructured(late={12: 3})

        assert assess(loan, date(2025, 2, 10)).in_observation is True
        assert assess(loan, date(2025, 3, 9)).classification is LoanClass.SPECIAL_MENTION
        assert assess(loan, date(2025, 3, 10)).classification is LoanClass.NORMAL

    def test_observation_does_not_hide_a_worse_class(self) -> None:
        result = assess(Loan(D("0.06"), self.NEW_SCHEDULE, (), self.RESTRUCTURED), date(2024, 6, 1))

        # DPD = 06-01 − 02-10 = 112 → 次级, worse than the 关注 floor
        assert (result.dpd, result.classification) == (112, LoanClass.SUBSTANDARD)
        assert result.in_observation is True

    def test_on_the_day_it_is_agreed_before_it_takes_effect_it_is_special_mention(self) -> None:
        # Applied on 2024-01-09, the day its options were computed: the new schedule takes effect
        # the next day, and nothing of it is due yet (DPD 0). The class is still 关注, not 正常.
        result = assess(self.restructured(), date(2024, 1, 9))

        assert (result.dpd, result.in_observation) == (0, True)
        assert result.classification is LoanClass.SPECIAL_MENTION

    def test_a_loan_never_restructured_has_no_observation(self) -> None:
        result = assess(Loan(D("0.06"), self.NEW_SCHEDULE), date(2024, 2, 1))

        assert (result.in_observation, result.classification) == (False, LoanClass.NORMAL)
