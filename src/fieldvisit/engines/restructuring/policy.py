"""The institution's remedy policy: which remedies, their limits, the cost cap, value parameters.

One frozen, validated dataclass. Build it directly, from a mapping (a database policy row) with
:meth:`RemedyPolicy.from_mapping`, or from a TOML file with :meth:`RemedyPolicy.from_toml`. Every
validation error is an :class:`~fieldvisit.engines.delinquency.errors.InvalidField` naming the
field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.delinquency.schedule import MAX_MONTHS, Method
from fieldvisit.engines.money import is_cents, to_money, to_rate

#: The longest payment holiday (and referral hold) a policy may set, months.
MAX_HOLIDAY_MONTHS = 12


class Remedy(StrEnum):
    """A remedy the engine can compute, in the order options are listed."""

    CATCH_UP = "catch_up"  # 补还计划: arrears spread over k months on top of the instalment
    TERM_EXTENSION = "term_extension"  # 延长期限: re-amortised over a longer term
    # 还款假期: months of nothing due (or interest only, when the policy says so and it fits),
    # then a term extension sized to what the borrower can pay once their income recovers.
    PAYMENT_HOLIDAY = "payment_holiday"
    RATE_REDUCTION = "rate_reduction"  # 降低利率: re-amortised at a lower rate
    WAIVER = "waiver"  # 减免罚息复利: penalty and compound interest waived, in full or part
    SETTLEMENT = "settlement"  # 折扣结清: one lump sum at a discount closes the loan
    # 转介帮扶: nothing fits the borrower's means; refer them to hardship support (debt advice,
    # social or medical assistance) and pause collection for a while, then review. Offered only
    # when no other option is affordable and within the cap.
    REFERRAL = "referral"


class Treatment(StrEnum):
    """What a re-amortisation does with unpaid interest, or with penalty and compound interest."""

    CAPITALISE = "capitalise"  # added to the principal of the new schedule, bears interest
    WAIVE = "waive"  # forgiven
    CARRY = "carry"  # kept apart, interest-free, repaid in equal parts with the new instalments


@dataclass(frozen=True, slots=True)
class RemedyPolicy:
    """Parameters of the restructuring engine. Rates are fractions per year, shares fractions.

    Attributes:
        allowed_remedies: the remedies the institution offers; each at most once.
        affordable_share: an option is affordable when its largest monthly payment is at most this
            share of the borrower's disposable income. Default 0.5: half of what is left after
            essential costs and other debts goes to this loan, half stays as a buffer against the
            next shock (a plan that takes all of it is the plan that breaks).
        catch_up_months: the catch-up plans offered, each spreading the arrears over k months.
        max_extension_months: a term extension adds at most this many months to the remaining term;
            a payment holiday's months count against it too.
        extension_step_months: term extensions are offered in steps of this many months (and at the
            maximum, and at the shortest extension that fits the borrower's limit).
        max_holiday_months: payment holidays of 1 … this many months are offered (1 … 12), and
            one as long as the borrower's expected recovery when that is within this maximum.
        holiday_interest_only: during a holiday the borrower pays the interest (True), when that
            interest fits what they can pay in those months; otherwise, or when False, nothing is
            due and the holiday's interest is deferred, interest-free, over the instalments after
            it. A holiday is never a month of full payments.
        hardship_charges_treatment: what a payment holiday does with penalty and compound
            interest: waived by default, since a holiday is for a borrower in hardship and the
            charges only deepen the hole.
        referral_hold_months: when nothing fits, the referral pauses collection this many months
            (1 … 12) before the case is reviewed.
        rate_cuts: rate reductions offered, as annual points off the contract rate (0.02 = −2 %).
        min_rate: a reduced rate never goes below this.
        penalty_waiver_max_share: the largest share of penalty and compound interest a waiver may
            forgive (1 = in full); waivers are offered at half this share and at this share.
        waiver_cure_months: a waiver is conditional on paying the remaining arrears over this many
            months on top of the instalments.
        settlement_max_discount: the largest discount on the whole claim a settlement may give.
        cap_annual_rate: the all-in annual cost (interest, penalty, compound) of an option never
            exceeds this; 0.24 following the 2017 SPC opinion for financial institutions.
        interest_treatment: what a re-amortisation does with unpaid contract interest.
        charges_treatment: what a re-amortisation does with penalty and compound interest.
        reamortise_method: the repayment method of re-amortised schedules (``None``: the loan's).
            Default 等额本息, since an interest-only re-amortisation leaves the whole principal to
            one last payment.
        cost_of_funds: the lender's annual (effective) discount rate for present values.
        success_intercept, success_margin_slope, success_term_slope: the chance that a plan is kept
            is 1 / (1 + e^−z), z = intercept + margin_slope × margin + term_slope × plan years.
        legal_recovery_rate: the share of the claim the legal route recovers.
        legal_cost: what the legal route costs the lender, yuan, paid when it starts.
        legal_months: months from the start of the legal route to the recovery.
    """

    allowed_remedies: tuple[Remedy, ...] = tuple(Remedy)
    affordable_share: Decimal = Decimal("0.5")
    catch_up_months: tuple[int, ...] = (3, 6, 12)
    max_extension_months: int = 36
    extension_step_months: int = 12
    max_holiday_months: int = 3
    holiday_interest_only: bool = True
    hardship_charges_treatment: Treatment = Treatment.WAIVE
    referral_hold_months: int = 3
    rate_cuts: tuple[Decimal, ...] = (Decimal("0.02"), Decimal("0.04"))
    min_rate: Decimal = Decimal("0.04")
    penalty_waiver_max_share: Decimal = Decimal("1")
    waiver_cure_months: int = 1
    settlement_max_discount: Decimal = Decimal("0.2")
    cap_annual_rate: Decimal = Decimal("0.24")
    interest_treatment: Treatment = Treatment.CARRY
    charges_treatment: Treatment = Treatment.WAIVE
    reamortise_method: Method | None = Method.EQUAL_INSTALLMENT
    cost_of_funds: Decimal = Decimal("0.03")
    success_intercept: Decimal = Decimal("0.5")
    success_margin_slope: Decimal = Decimal("4")
    success_term_slope: Decimal = Decimal("-0.1")
    legal_recovery_rate: Decimal = Decimal("0.45")
    legal_cost: Decimal = Decimal("3000.00")
    legal_months: int = 18

    def __post_init__(self) -> None:
        remedies = self.allowed_remedies
        if not isinstance(remedies, tuple) or not all(isinstance(r, Remedy) for r in remedies):
            raise InvalidField("allowed_remedies", "must be a tuple of Remedy")
        if len(set(remedies)) != len(remedies):
            raise InvalidField("allowed_remedies", "must name each remedy at most once")
        _share("affordable_share", self.affordable_share)
        if self.affordable_share == 0:
            raise InvalidField("affordable_share", "must be above 0")
        if not isinstance(self.catch_up_months, tuple) or not self.catch_up_months:
            raise InvalidField("catch_up_months", "must be a non-empty tuple of integers")
        for months in self.catch_up_months:
            _months("catch_up_months", months, 1, MAX_MONTHS)
        _months("max_extension_months", self.max_extension_months, 0, MAX_MONTHS)
        _months("extension_step_months", self.extension_step_months, 1, MAX_MONTHS)
        _months("max_holiday_months", self.max_holiday_months, 1, MAX_HOLIDAY_MONTHS)
        _months("referral_hold_months", self.referral_hold_months, 1, MAX_HOLIDAY_MONTHS)
        if not isinstance(self.holiday_interest_only, bool):
            raise InvalidField("holiday_interest_only", "must be true or false")
        if not isinstance(self.rate_cuts, tuple):
            raise InvalidField("rate_cuts", "must be a tuple of rates")
        for cut in self.rate_cuts:
            _rate_value("rate_cuts", cut)
            if cut == 0:
                raise InvalidField("rate_cuts", "a cut must be above 0")
        _rate_value("min_rate", self.min_rate)
        _share("penalty_waiver_max_share", self.penalty_waiver_max_share)
        _months("waiver_cure_months", self.waiver_cure_months, 1, MAX_MONTHS)
        _share("settlement_max_discount", self.settlement_max_discount)
        _rate_value("cap_annual_rate", self.cap_annual_rate)
        for name in ("interest_treatment", "charges_treatment", "hardship_charges_treatment"):
            if not isinstance(getattr(self, name), Treatment):
                raise InvalidField(name, "must be a Treatment")
        if self.reamortise_method is not None and not isinstance(self.reamortise_method, Method):
            raise InvalidField("reamortise_method", "must be a Method or None")
        _rate_value("cost_of_funds", self.cost_of_funds)
        for name in ("success_intercept", "success_margin_slope", "success_term_slope"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise InvalidField(name, "must be a finite Decimal")
        if self.success_margin_slope < 0:
            raise InvalidField(
                "success_margin_slope", "must not be negative: more headroom never lowers success"
            )
        _share("legal_recovery_rate", self.legal_recovery_rate)
        if (
            not isinstance(self.legal_cost, Decimal)
            or not is_cents(self.legal_cost)
            or self.legal_cost < 0
        ):
            raise InvalidField("legal_cost", "must be a Decimal of whole cents, not negative")
        _months("legal_months", self.legal_months, 0, MAX_MONTHS)

    def allows(self, remedy: Remedy) -> bool:
        """True when the institution offers ``remedy``."""
        return remedy in self.allowed_remedies

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RemedyPolicy:
        """Build a policy from a mapping such as a database policy row; missing keys keep defaults.

        Rates, shares and money are str, int or Decimal (never float); remedies, treatments and the
        method are their names (``"term_extension"``, ``"carry"``, ``"equal_installment"``; the
        method may be ``"keep"`` for the loan's own). An unknown key is an error, so that a misspelt
        setting is never ignored.
        """
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, raw in values.items():
            if key not in known:
                raise InvalidField(key, "unknown policy field")
            kwargs[key] = _CONVERTERS[key](key, raw)
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path, table: str | None = None) -> RemedyPolicy:
        """Load a policy from a TOML file: its top level, or the named ``[table]`` when given.

        TOML floats are read as exact ``Decimal`` (``affordable_share = 0.5`` is
        ``Decimal("0.5")``).
        """
        with Path(path).open("rb") as handle:
            document = tomllib.load(handle, parse_float=Decimal)
        if table is not None:
            if not isinstance(document.get(table), dict):
                raise InvalidField(table, f"no [{table}] table in {path}")
            document = document[table]
        return cls.from_mapping(document)


def _share(name: str, value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= 1:
        raise InvalidField(name, f"must be a Decimal share between 0 and 1, got {value!r}")


def _rate_value(name: str, value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value < 10:
        raise InvalidField(name, f"must be a Decimal annual rate in [0, 10), got {value!r}")


def _months(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(name, f"must be an integer, got {value!r}")
    if not low <= value <= high:
        raise InvalidField(name, f"must be between {low} and {high}, got {value}")


def _decimal(name: str, raw: Any) -> Decimal:
    try:
        return to_rate(raw)
    except (TypeError, ValueError) as exc:
        raise InvalidField(name, str(exc)) from None


def _money(name: str, raw: Any) -> Decimal:
    try:
        return to_money(raw)
    except (TypeError, ValueError) as exc:
        raise InvalidField(name, str(exc)) from None


def _int(name: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidField(name, f"must be an integer, got {raw!r}")
    return raw


def _bool(name: str, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise InvalidField(name, f"must be true or false, got {raw!r}")
    return raw


def _sequence(name: str, raw: Any) -> list[Any]:
    if isinstance(raw, str | bytes) or not hasattr(raw, "__iter__"):
        raise InvalidField(name, f"must be a list, got {raw!r}")
    return list(raw)


def _int_tuple(name: str, raw: Any) -> tuple[int, ...]:
    return tuple(_int(name, item) for item in _sequence(name, raw))


def _decimal_tuple(name: str, raw: Any) -> tuple[Decimal, ...]:
    return tuple(_decimal(name, item) for item in _sequence(name, raw))


def _remedies(name: str, raw: Any) -> tuple[Remedy, ...]:
    items = _sequence(name, raw)
    try:
        return tuple(Remedy(item) for item in items)
    except ValueError:
        names = ", ".join(r.value for r in Remedy)
        raise InvalidField(name, f"remedies are {names}; got {items}") from None


def _treatment(name: str, raw: Any) -> Treatment:
    try:
        return Treatment(raw)
    except ValueError:
        names = ", ".join(t.value for t in Treatment)
        raise InvalidField(name, f"must be one of {names}; got {raw!r}") from None


def _method(name: str, raw: Any) -> Method | None:
    if raw == "keep":
        return None
    try:
        return Method(raw)
    except ValueError:
        names = ", ".join(m.value for m in Method)
        raise InvalidField(name, f"must be keep or one of {names}; got {raw!r}") from None


_CONVERTERS: dict[str, Callable[[str, Any], Any]] = {
    "allowed_remedies": _remedies,
    "affordable_share": _decimal,
    "catch_up_months": _int_tuple,
    "max_extension_months": _int,
    "extension_step_months": _int,
    "max_holiday_months": _int,
    "holiday_interest_only": _bool,
    "hardship_charges_treatment": _treatment,
    "referral_hold_months": _int,
    "rate_cuts": _decimal_tuple,
    "min_rate": _decimal,
    "penalty_waiver_max_share": _decimal,
    "waiver_cure_months": _int,
    "settlement_max_discount": _decimal,
    "cap_annual_rate": _decimal,
    "interest_treatment": _treatment,
    "charges_treatment": _treatment,
    "reamortise_method": _method,
    "cost_of_funds": _decimal,
    "success_intercept": _decimal,
    "success_margin_slope": _decimal,
    "success_term_slope": _decimal,
    "legal_recovery_rate": _decimal,
    "legal_cost": _money,
    "legal_months": _int,
}

DEFAULT_POLICY = RemedyPolicy()
