"""The remedy policy: defaults, validation naming the field, mapping and TOML loading."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fieldvisit.engines.delinquency import InvalidField, Method
from fieldvisit.engines.restructuring import Remedy, RemedyPolicy, Treatment

D = Decimal


def test_defaults_offer_every_remedy_with_the_documented_limits() -> None:
    policy = RemedyPolicy()

    assert policy.allowed_remedies == tuple(Remedy)
    assert policy.affordable_share == D("0.5")
    assert policy.cap_annual_rate == D("0.24")
    assert policy.max_holiday_months == 3
    assert policy.interest_treatment is Treatment.CARRY
    assert policy.charges_treatment is Treatment.WAIVE
    assert policy.hardship_charges_treatment is Treatment.WAIVE  # a holiday waives the charges
    assert policy.referral_hold_months == 3
    assert policy.reamortise_method is Method.EQUAL_INSTALLMENT


def test_from_mapping_converts_names_and_strings_exactly() -> None:
    policy = RemedyPolicy.from_mapping(
        {
            "allowed_remedies": ["term_extension", "settlement"],
            "affordable_share": "0.4",
            "rate_cuts": ["0.01"],
            "interest_treatment": "capitalise",
            "reamortise_method": "keep",
            "legal_cost": "1500.00",
            "holiday_interest_only": False,
        }
    )

    assert policy.allowed_remedies == (Remedy.TERM_EXTENSION, Remedy.SETTLEMENT)
    assert policy.affordable_share == D("0.4")
    assert policy.rate_cuts == (D("0.01"),)
    assert policy.interest_treatment is Treatment.CAPITALISE
    assert policy.reamortise_method is None
    assert policy.legal_cost == D("1500.00")
    assert policy.holiday_interest_only is False


def test_from_toml_reads_floats_as_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        "[remedies]\naffordable_share = 0.45\ncatch_up_months = [2, 4]\n"
        'charges_treatment = "carry"\n',
        encoding="utf-8",
    )

    policy = RemedyPolicy.from_toml(path, table="remedies")

    assert policy.affordable_share == D("0.45")
    assert policy.catch_up_months == (2, 4)
    assert policy.charges_treatment is Treatment.CARRY


def test_from_toml_names_a_missing_table(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("affordable_share = 0.45\n", encoding="utf-8")

    with pytest.raises(InvalidField, match=r"^remedies: no \[remedies\] table"):
        RemedyPolicy.from_toml(path, table="remedies")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"afordable_share": "0.5"}, r"^afordable_share: unknown policy field"),
        ({"affordable_share": 0.5}, r"^affordable_share: expected str, int or Decimal"),
        ({"affordable_share": "1.5"}, r"^affordable_share: must be a Decimal share"),
        ({"affordable_share": "0"}, r"^affordable_share: must be above 0"),
        ({"max_holiday_months": 13}, r"^max_holiday_months: must be between 1 and 12"),
        ({"referral_hold_months": 0}, r"^referral_hold_months: must be between 1 and 12"),
        ({"hardship_charges_treatment": "keep"}, r"^hardship_charges_treatment: must be one of"),
        ({"catch_up_months": []}, r"^catch_up_months: must be a non-empty tuple"),
        ({"catch_up_months": [0]}, r"^catch_up_months: must be between 1 and 600"),
        ({"allowed_remedies": ["moratorium"]}, r"^allowed_remedies: remedies are"),
        ({"allowed_remedies": ["waiver", "waiver"]}, r"^allowed_remedies: .*at most once"),
        ({"interest_treatment": "forget"}, r"^interest_treatment: must be one of"),
        ({"reamortise_method": "balloon"}, r"^reamortise_method: must be keep or one of"),
        ({"rate_cuts": ["0"]}, r"^rate_cuts: a cut must be above 0"),
        ({"legal_cost": "10.001"}, r"^legal_cost: must be a Decimal of whole cents"),
        ({"success_margin_slope": "-1"}, r"^success_margin_slope: must not be negative"),
        ({"holiday_interest_only": "yes"}, r"^holiday_interest_only: must be true or false"),
        ({"legal_months": True}, r"^legal_months: must be an integer"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(values: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidField, match=message):
        RemedyPolicy.from_mapping(values)
