"""The visit strategy as data: the shipped default, round trips, and validation errors that name
the field (no database, no Django)."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fieldvisit.engines.scoring import (
    REQUIRED_EXCLUSIONS,
    SHIPPED_STRATEGIES,
    InvalidStrategy,
    Purpose,
    VisitStrategy,
    default_strategy,
    shipped_strategy,
)

DEFAULT_TOML = resources.files("fieldvisit.engines.scoring").joinpath("default_strategy.toml")


def default_mapping() -> dict[str, Any]:
    return copy.deepcopy(default_strategy().to_mapping())


def test_the_default_strategy_has_every_purpose_with_its_minutes_and_certifications() -> None:
    strategy = default_strategy()

    minutes = {p: spec.service_minutes for p, spec in strategy.purposes.items()}
    certifications = {p: spec.required_certifications for p, spec in strategy.purposes.items()}

    assert minutes == {
        Purpose.FIRST_CONTACT: 30,
        Purpose.HARDSHIP_ASSESSMENT: 45,
        Purpose.PROMISE_FOLLOW_UP: 30,
        Purpose.REMEDY_SIGNING: 45,
        Purpose.PRE_LEGAL_NOTICE: 30,
    }
    basic = frozenset({"conduct_law", "communication"})
    assert certifications == {
        Purpose.FIRST_CONTACT: basic,
        Purpose.HARDSHIP_ASSESSMENT: basic | {"counselling"},
        Purpose.PROMISE_FOLLOW_UP: basic,
        Purpose.REMEDY_SIGNING: basic | {"counselling"},
        Purpose.PRE_LEGAL_NOTICE: basic,
    }
    assert strategy.window_seconds == (8 * 3600, 21 * 3600)
    assert (strategy.name, strategy.version) == ("default", 1)


def test_the_default_strategy_lists_its_rules_in_priority_order() -> None:
    strategy = default_strategy()

    assert [r.id for r in strategy.eligibility] == [
        "EL-ASKED",
        "EL-REMEDY",
        "EL-PROMISE",
        "EL-FIRST-CONTACT",
        "EL-PRE-LEGAL",
        "EL-LARGE-M2",
    ]
    assert [(r.id, r.kind.value, r.overridable) for r in strategy.exclusions] == [
        ("FV-VISIT-7D", "recent_visit", True),
        ("FV-VULN-01", "vulnerable", True),
        ("FV-HOLD-01", "hardship_hold", True),
        ("EX-LEGAL", "legal_stage", False),
        ("EX-ESCALATION", "escalation_recommended", True),
        ("EX-COMPLAINT", "complaint_open", False),
        ("EX-NO-ADDRESS", "address_unknown", False),
    ]


def test_to_mapping_and_from_mapping_round_trip_through_plain_json() -> None:
    strategy = default_strategy()

    plain = json.loads(json.dumps(strategy.to_mapping()))

    assert VisitStrategy.from_mapping(plain) == strategy
    assert plain["priority"]["lift"]["M3"]["remedy_signing"] == "0.20"
    assert plain["visit_until"] == "21:00"
    assert plain["purposes"]["remedy_signing"]["required_certifications"] == [
        "communication",
        "conduct_law",
        "counselling",
    ]
    assert "min_dpd" not in plain["eligibility"][0]  # None is left out, not written as null


def test_a_strategy_survives_pickling_for_worker_processes() -> None:
    strategy = default_strategy()

    copied = pickle.loads(pickle.dumps(strategy))  # noqa: S301 (our own bytes)

    assert copied == strategy
    assert pickle.loads(pickle.dumps(strategy.priority)) == strategy.priority  # noqa: S301


def test_from_toml_reads_a_file_equal_to_the_default(tmp_path: Path) -> None:
    path = tmp_path / "strategy.toml"
    path.write_text(DEFAULT_TOML.read_text("utf-8"), encoding="utf-8")

    assert VisitStrategy.from_toml(path) == default_strategy()


def test_toml_floats_are_read_as_exact_decimals() -> None:
    text = DEFAULT_TOML.read_text("utf-8").replace(
        'remedy_signing = "0.20"', "remedy_signing = 0.20"
    )

    strategy = VisitStrategy.from_toml_text(text)

    assert strategy.priority.lift["M3"][Purpose.REMEDY_SIGNING] == Decimal("0.20")


def test_the_strategy_cannot_be_changed_in_place() -> None:
    strategy = default_strategy()

    with pytest.raises(TypeError):
        strategy.priority.lift["M3"][Purpose.REMEDY_SIGNING] = Decimal(1)
    with pytest.raises(TypeError):
        strategy.purposes[Purpose.FIRST_CONTACT] = strategy.purposes[Purpose.REMEDY_SIGNING]


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(mapping: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = mapping
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(mapping: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target: Any = mapping
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[int(last) if last.isdigit() else last]

    return mutate


def _conditionless_rule(mapping: dict[str, Any]) -> None:
    mapping["eligibility"][0] = {
        "id": "EL-ALL",
        "purpose": "first_contact",
        "label_zh": "全部",
        "label_en": "Everyone",
    }


def _duplicate_rule(mapping: dict[str, Any]) -> None:
    mapping["eligibility"][1]["id"] = mapping["eligibility"][0]["id"]


def _drop_vulnerable(mapping: dict[str, Any]) -> None:
    mapping["exclusions"] = [e for e in mapping["exclusions"] if e["kind"] != "vulnerable"]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (_set("colour", "red"), "colour"),
        (_delete("name"), "name"),
        (_set("version", 0), "version"),
        (_set("visit_until", "9pm"), "visit_until"),
        (_set("visit_until", "07:30"), "visit_until"),
        (_delete("purposes/remedy_signing"), "purposes.remedy_signing"),
        (_set("purposes/chat", {}), "purposes.chat"),
        (
            _set("purposes/first_contact/service_minutes", 0),
            "purposes.first_contact.service_minutes",
        ),
        (
            _set("purposes/first_contact/service_minutes", 800),
            "purposes.first_contact.service_minutes",
        ),
        (
            _set("purposes/first_contact/required_certifications", "conduct_law"),
            "purposes.first_contact.required_certifications",
        ),
        (_set("eligibility/0/minimum_dpd", 3), "eligibility[0].minimum_dpd"),
        (_set("eligibility/3/min_dpd", -1), "eligibility[3].min_dpd"),
        (_set("eligibility/1/purpose", "chat"), "eligibility[1].purpose"),
        (_set("eligibility/5/min_amount_due", "lots"), "eligibility[5].min_amount_due"),
        (_set("eligibility/5/min_amount_due", 20000.0), "eligibility[5].min_amount_due"),
        (_set("eligibility/3/failed_within_days", 0), "eligibility[3].failed_within_days"),
        (_set("eligibility/4/past_outcome_in", ["angry"]), "eligibility[4].past_outcome_in"),
        (_set("eligibility/0/borrower_asked", "yes"), "eligibility[0].borrower_asked"),
        (_delete("eligibility/2/label_en"), "eligibility[2].label_en"),
        (_conditionless_rule, "eligibility[0].id"),
        (_duplicate_rule, "eligibility[1].id"),
        (_set("eligibility/0/id", "not_eligible"), "eligibility[0].id"),
        (_drop_vulnerable, "exclusions"),
        (_set("exclusions/1/days", 7), "exclusions[1].days"),
        (_set("exclusions/0/days", 0), "exclusions[0].days"),
        (_set("exclusions/0/explain_en", "Visited in {weeks} weeks"), "exclusions[0].explain_en"),
        (_set("exclusions/6/overridable", True), "exclusions[6].overridable"),
        (_set("exclusions/4/kind", "legal_stage"), "exclusions[4].kind"),
        (_set("priority/lift/M3/remedy_signing", "1.5"), "priority.lift.M3.remedy_signing"),
        (_delete("priority/lift/M3/pre_legal_notice"), "priority.lift.M3.pre_legal_notice"),
        (_delete("priority/lift/*"), "priority.lift.*"),
        (_set("priority/outcome_factors/refused", 0.7), "priority.outcome_factors.refused"),
        (_set("priority/outcome_factors/refused", "-0.1"), "priority.outcome_factors.refused"),
        (_delete("priority/outcome_factors/promised"), "priority.outcome_factors.promised"),
        (_set("priority/prize_unit_yuan", "0"), "priority.prize_unit_yuan"),
        (_set("priority/due_weight", "-1"), "priority.due_weight"),
        (_set("priority/weight", "1"), "priority.weight"),
    ],
)
def test_a_bad_strategy_is_refused_naming_the_field(mutate: Mutation, field: str) -> None:
    mapping = default_mapping()
    mutate(mapping)

    with pytest.raises(InvalidStrategy) as raised:
        VisitStrategy.from_mapping(mapping)

    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


def test_every_required_exclusion_is_required() -> None:
    for kind in REQUIRED_EXCLUSIONS:
        mapping = default_mapping()
        mapping["exclusions"] = [e for e in mapping["exclusions"] if e["kind"] != kind.value]

        with pytest.raises(InvalidStrategy, match=f"the {kind.value} exclusion is required"):
            VisitStrategy.from_mapping(mapping)


def test_unparsable_toml_is_refused_as_such() -> None:
    with pytest.raises(InvalidStrategy) as raised:
        VisitStrategy.from_toml_text("name = ")

    assert raised.value.field == "toml"


def test_a_strategy_without_eligibility_rules_is_remote_contact_only() -> None:
    # given the default strategy with every eligibility rule removed
    mapping = default_strategy().to_mapping()
    mapping["eligibility"] = []
    # when it is read back
    strategy = VisitStrategy.from_mapping(mapping)
    # then it is valid, and round-trips with no rule
    assert strategy.eligibility == ()
    assert VisitStrategy.from_mapping(strategy.to_mapping()) == strategy


@pytest.mark.parametrize("name", SHIPPED_STRATEGIES)
def test_every_shipped_strategy_loads_and_keeps_the_compliance_exclusions(name: str) -> None:
    strategy = shipped_strategy(name)
    assert strategy.name == name
    kinds = {rule.kind for rule in strategy.exclusions}
    # the lab's strategies may rank and choose differently, never visit whom nobody may visit
    assert {"recent_visit", "vulnerable", "hardship_hold", "legal_stage", "complaint_open"} <= kinds


def test_the_lab_strategies_rank_by_what_their_names_say() -> None:
    assert shipped_strategy("balance_first").priority.due_weight == Decimal(1)
    assert shipped_strategy("dpd_first").priority.due_weight == Decimal(0)
    assert shipped_strategy("dpd_first").priority.dpd_weight == Decimal(100)
    assert shipped_strategy("random").priority.random_weight == Decimal(10000)
    assert shipped_strategy("calls_only").eligibility == ()
    assert [r.id for r in shipped_strategy("balance_first").eligibility] == ["EL-BALANCE"]


def test_an_unknown_shipped_strategy_is_refused() -> None:
    with pytest.raises(InvalidStrategy, match="no shipped strategy"):
        shipped_strategy("cheapest_first")
