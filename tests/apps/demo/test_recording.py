"""The recording model: what agents hear and write down, drawn from the hidden truth."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest

from fieldvisit.apps.common.clock import clock_replaying
from fieldvisit.apps.demo import recording
from fieldvisit.apps.visits import sfs
from fieldvisit.apps.visits.inputs import ReportInput

DAY = dt.date(2026, 9, 8)


def _person(cause: str, band: str = "5k_10k", employment: str = "salaried") -> recording.Borrower:
    return recording.Borrower(
        cause=cause, severity=0.5, employment_type=employment, income_band=band
    )


def test_the_true_cause_is_ticked_first_about_78_in_100_times():
    rng = random.Random(1)
    firsts = Counter(recording.recorded_causes(rng, "job_loss")[0][0] for _ in range(4000))

    assert 0.75 <= firsts["job_loss"] / 4000 <= 0.81
    assert set(firsts) == {"job_loss", "business_failure", "over_indebted", "illness", "other"}


@pytest.mark.parametrize(
    ("hidden", "recorded"),
    [("wilful_non_payment", "unwilling"), ("mis_selling", "missold"), ("none", "money_management")],
)
def test_hidden_causes_map_to_the_report_codes(hidden, recorded):
    rng = random.Random(2)
    firsts = Counter(recording.recorded_causes(rng, hidden)[0][0] for _ in range(500))

    assert firsts.most_common(1)[0][0] == recorded


def test_a_job_loss_leaves_a_third_of_the_income_or_less_and_over_indebtedness_pays_lenders():
    rng = random.Random(3)
    lost = recording.draw_money(rng, _person("job_loss", "10k_20k"), 1, 0, "owner")
    owing = recording.draw_money(rng, _person("over_indebtedness", "10k_20k"), 1, 0, "owner")

    assert lost.get("income_wages", Decimal(0)) <= Decimal("0.35") * 14_000 * Decimal("1.2")
    assert owing["debts_lenders"] >= Decimal("0.4") * 14_000 * Decimal("0.8") - 10
    assert set(lost) | set(owing) <= set(sfs.KEYS)


def test_mis_sold_borrowers_mostly_did_not_understand_and_rate_clarity_low():
    rng = random.Random(4)
    forms = [
        recording.draw_report(
            rng,
            _person("mis_selling"),
            outcome="met_borrower",
            visit_date=DAY,
            dpd=70,
            instalment=Decimal(1500),
            total_due=Decimal(3200),
            payments_after=[],
        )
        for _ in range(300)
    ]

    understood = Counter(f["understood_terms"] for f in forms)
    assert (understood["no"] + understood["partly"]) / 300 >= 0.75
    assert all(f["rating_clarity"] <= 2 for f in forms)
    assert sum(bool(f["mis_explained"]) for f in forms) / 300 >= 0.75


def test_a_promise_is_the_books_next_payment_when_there_is_one():
    payment = (DAY + dt.timedelta(days=6), Decimal("1534.20"))
    promises = []
    for seed in range(200):
        form = recording.draw_report(
            random.Random(seed),
            _person("weak_money_management"),
            outcome="met_borrower",
            visit_date=DAY,
            dpd=65,
            instalment=Decimal(1500),
            total_due=Decimal(3200),
            payments_after=[payment],
        )
        if "promise_amount" in form:
            promises.append((form["promise_amount"], form["promise_date"]))

    # the weak money manager promises half the time or more; the amount is the payment's,
    # rounded down to the hundred, due the day it is paid
    assert len(promises) >= 100
    assert set(promises) == {("1500", payment[0].isoformat())}


def test_wilful_non_payers_never_promise_and_the_visit_never_makes_them_pay():
    rng = random.Random(5)
    for _ in range(200):
        form = recording.draw_report(
            rng,
            _person("wilful_non_payment"),
            outcome="met_borrower",
            visit_date=DAY,
            dpd=120,
            instalment=Decimal(1500),
            total_due=Decimal(9000),
            payments_after=[],
        )
        assert "promise_amount" not in form
        assert recording.visit_pays(rng, "wilful_non_payment", "met_borrower") is None


@pytest.mark.parametrize("cause", sorted(recording.RECORDED_CAUSE))
@pytest.mark.parametrize("outcome", ["met_borrower", "met_family", "nobody_home", "refused"])
def test_every_drawn_report_passes_the_phone_forms_validation(cause, outcome):
    rng = random.Random(f"{cause}{outcome}")
    for _ in range(20):
        form = recording.draw_report(
            rng,
            _person(cause, employment="business_owner"),
            outcome=outcome,
            visit_date=DAY,
            dpd=95,
            instalment=Decimal(2000),
            total_due=Decimal(6000),
            payments_after=[(DAY + dt.timedelta(days=3), Decimal("80.00"))],
        )
        form["client_id"] = "0b9c1c1e-8f0e-4f7a-9d1e-3c2b1a000000"
        with clock_replaying(dt.datetime.combine(DAY, dt.time(10), tzinfo=dt.UTC)):
            checked = ReportInput(data=form)

            assert checked.is_valid(), checked.errors


def test_the_built_in_visit_effect_is_the_chance_to_talk_times_the_chance_to_pay():
    assert recording.expected_visit_effect(["wilful_non_payment"]) == 0.0
    assert recording.expected_visit_effect(["weak_money_management"]) == pytest.approx(
        (0.55 + 0.13) * 0.45
    )
    assert recording.expected_visit_effect(["illness", "wilful_non_payment"]) == pytest.approx(
        (0.49 + 0.13) * 0.20 / 2
    )
    assert recording.expected_visit_effect([]) == 0.0
