"""DelinquencyPolicy: defaults, validation naming the field, loading from rows and TOML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.engines.delinquency import Component, DelinquencyPolicy, InvalidField, LoanClass

D = Decimal


def test_defaults_are_those_of_design_md() -> None:
    policy = DelinquencyPolicy()

    assert policy.penalty_markup == D("0.5")
    assert policy.cap_annual_rate == D("0.24")
    assert policy.penalty_rate(D("0.049")) == D("0.0735")  # 0.049 × 1.5
    assert [policy.bucket(d) for d in (0, 1, 30, 31, 180, 181, 9999)] == [
        "M0", "M1", "M1", "M2", "M6", "M7+", "M7+",
    ]  # fmt: skip
    assert [policy.classify(d) for d in (0, 1, 90, 91, 270, 271, 360, 361)] == [
        LoanClass.NORMAL,
        LoanClass.SPECIAL_MENTION,
        LoanClass.SPECIAL_MENTION,
        LoanClass.SUBSTANDARD,
        LoanClass.SUBSTANDARD,
        LoanClass.DOUBTFUL,
        LoanClass.DOUBTFUL,
        LoanClass.LOSS,
    ]
    assert (policy.opens_case(0), policy.opens_case(1)) == (False, True)


def test_bucket_edges_are_configurable() -> None:
    policy = DelinquencyPolicy(bucket_edges=(0, 30, 90))

    assert [policy.bucket(d) for d in (0, 30, 31, 90, 91)] == ["M0", "M1", "M2", "M2", "M3+"]


@given(
    rate=st.decimals(min_value=0, max_value=5, places=6),
    markup=st.decimals(min_value=0, max_value=10, places=4),
    cap=st.decimals(min_value=0, max_value=1, places=4),
)
def test_the_penalty_rate_never_exceeds_the_cap(rate: D, markup: D, cap: D) -> None:
    policy = DelinquencyPolicy(penalty_markup=markup, cap_annual_rate=cap)

    assert policy.penalty_rate(rate) == min(rate * (1 + markup), cap)
    assert policy.penalty_rate(rate) <= cap


def test_from_mapping_reads_a_database_row() -> None:
    policy = DelinquencyPolicy.from_mapping(
        {
            "penalty_markup": "0.3",
            "cap_annual_rate": D("0.2"),
            "bucket_edges": [0, 30, 60],
            "allocation_order": ["interest", "principal", "penalty", "compound"],
            "case_open_dpd": 5,
            "classification_edges": (0, 60, 180, 360),
        }
    )

    assert policy == DelinquencyPolicy(
        penalty_markup=D("0.3"),
        cap_annual_rate=D("0.2"),
        bucket_edges=(0, 30, 60),
        allocation_order=(
            Component.INTEREST,
            Component.PRINCIPAL,
            Component.PENALTY,
            Component.COMPOUND,
        ),
        case_open_dpd=5,
        classification_edges=(0, 60, 180, 360),
    )


def test_from_toml_reads_floats_as_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        "[delinquency]\npenalty_markup = 0.3\ncap_annual_rate = 0.18\nbucket_edges = [0, 30]\n",
        encoding="utf-8",
    )

    policy = DelinquencyPolicy.from_toml(path, table="delinquency")

    assert policy.penalty_markup == D("0.3")  # not 0.299999999999999988897769753748…
    assert policy.cap_annual_rate == D("0.18")
    assert policy.bucket_edges == (0, 30)
    assert policy.allocation_order == DelinquencyPolicy().allocation_order


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"penalty_markup": -1}, "penalty_markup: must be at least 0"),
        ({"penalty_markup": 0.5}, "penalty_markup: expected str, int or Decimal, got float"),
        ({"cap_annual_rate": "abc"}, "cap_annual_rate: not a number"),
        ({"bucket_edges": [0, 30, 30]}, "bucket_edges: edges must increase strictly"),
        ({"bucket_edges": []}, "bucket_edges: must be a non-empty tuple"),
        ({"bucket_edges": "0,30"}, "bucket_edges: must be a list of integers"),
        ({"classification_edges": [0, 90, 270]}, "classification_edges: must have exactly 4"),
        ({"allocation_order": ["penalty", "interest"]}, "allocation_order: must name each of"),
        ({"allocation_order": ["fees"]}, "allocation_order: components are"),
        ({"case_open_dpd": 0}, "case_open_dpd: must be at least 1"),
        ({"case_open_dpd": "3"}, "case_open_dpd: must be an integer"),
        ({"penalty_markpu": "0.5"}, "penalty_markpu: unknown policy field"),
    ],
)
def test_bad_values_are_refused_naming_the_field(values: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidField) as raised:
        DelinquencyPolicy.from_mapping(values)

    assert str(raised.value).startswith(message)
    assert raised.value.field == message.split(":")[0]


def test_from_toml_names_a_missing_table(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("penalty_markup = 0.3\n", encoding="utf-8")

    with pytest.raises(InvalidField, match=r"^delinquency: no \[delinquency\] table"):
        DelinquencyPolicy.from_toml(path, table="delinquency")
