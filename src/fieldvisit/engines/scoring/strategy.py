"""The visit strategy as data: who is eligible and why, who is excluded, what each purpose needs,
and the priority weights. Versioned, validated, and round-tripped through plain mappings.

Build one with :meth:`VisitStrategy.from_mapping` (database rows, a TOML table),
:meth:`VisitStrategy.from_toml` or :func:`default_strategy` (``default_strategy.toml`` beside this
file). :meth:`VisitStrategy.to_mapping` gives the mapping back:
``from_mapping(to_mapping(s)) == s``.
Every validation error is an :class:`InvalidStrategy` naming the field by its path, such as
``eligibility[2].min_dpd`` or ``priority.lift.M3.remedy_signing``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import time
from decimal import Decimal
from enum import Enum, StrEnum
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from fieldvisit.engines.money import to_money
from fieldvisit.engines.scoring.facts import PastOutcome

NOT_ELIGIBLE = "not_eligible"
"""The rule id of the :class:`~fieldvisit.engines.scoring.evaluate.Exclusion` given to a case no
eligibility rule matched; reserved, no rule may use it."""


class InvalidStrategy(ValueError):
    """A strategy value is missing, of the wrong type or out of range; ``field`` is its path."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def within(self, prefix: str) -> InvalidStrategy:
        """The same error with ``prefix`` put in front of the field path."""
        return InvalidStrategy(_join(prefix, self.field), self.reason)


class Purpose(StrEnum):
    """Why a visit is made; each has a :class:`PurposeSpec` in the strategy."""

    FIRST_CONTACT = "first_contact"
    """First contact and situation check."""
    HARDSHIP_ASSESSMENT = "hardship_assessment"
    PROMISE_FOLLOW_UP = "promise_follow_up"
    REMEDY_SIGNING = "remedy_signing"
    PRE_LEGAL_NOTICE = "pre_legal_notice"


class ExclusionKind(StrEnum):
    """What an exclusion rule tests."""

    RECENT_VISIT = "recent_visit"
    """Visited less than ``days`` days before the visit day (unless the borrower asked)."""
    VULNERABLE = "vulnerable"
    HARDSHIP_HOLD = "hardship_hold"
    LEGAL_STAGE = "legal_stage"
    ESCALATION_RECOMMENDED = "escalation_recommended"
    """Escalation to legal is recommended and awaits a manager's decision: the case is on its
    way to legal, so collectors' (pre-legal) visits stop from that moment."""
    COMPLAINT_OPEN = "complaint_open"
    ADDRESS_UNKNOWN = "address_unknown"


REQUIRED_EXCLUSIONS = (
    ExclusionKind.RECENT_VISIT,
    ExclusionKind.VULNERABLE,
    ExclusionKind.HARDSHIP_HOLD,
    ExclusionKind.ADDRESS_UNKNOWN,
)
"""Exclusions every strategy must have. The first three mirror compliance rules FV-VISIT-7D and
FV-VULN-01, so a plan built without them would fail the compliance check at approval; without an
address there is nowhere to go (that one cannot be overridden)."""


@dataclass(frozen=True, slots=True)
class PurposeSpec:
    """What a visit for ``purpose`` needs: minutes on site and the team's certifications."""

    purpose: Purpose
    label_zh: str
    label_en: str
    service_minutes: int
    required_certifications: frozenset[str]

    def __post_init__(self) -> None:
        _require_labels(self, ("label_zh", "label_en"))
        _require_int("service_minutes", self.service_minutes, minimum=1)
        if not all(isinstance(c, str) and c for c in self.required_certifications):
            raise InvalidStrategy("required_certifications", "must be non-empty strings")


@dataclass(frozen=True, slots=True)
class EligibilityRule:
    """A reason to visit: the rule matches when **every** condition it sets holds.

    Conditions (``None``, ``False`` or empty: not tested; at least one must be set):
        min_dpd: DPD ≥ min_dpd.
        buckets: the case's bucket is one of these.
        min_amount_due: total due ≥ this many yuan.
        min_failed_contacts: at least this many remote attempts not reached on the days
            ``[as_of − failed_within_days, as_of]``.
        borrower_asked: the borrower asked for a visit.
        never_visited: the case has no visit on record.
        promise_follow_up_days (D): an open promise due within D days either side of ``as_of``,
            or a promise broken in the last D days.
        remedy_follow_up_days (D): the same test on the remedy (its signing deadline or next
            instalment).
        past_outcome_in: the past contact outcome is one of these (``refused``,
            ``never_reached`` …).
    """

    id: str
    purpose: Purpose
    label_zh: str
    label_en: str
    min_dpd: int | None = None
    buckets: frozenset[str] = frozenset()
    min_amount_due: Decimal | None = None
    min_failed_contacts: int | None = None
    failed_within_days: int = 14
    borrower_asked: bool = False
    never_visited: bool = False
    promise_follow_up_days: int | None = None
    remedy_follow_up_days: int | None = None
    past_outcome_in: frozenset[PastOutcome] = frozenset()

    def __post_init__(self) -> None:
        _require_labels(self, ("id", "label_zh", "label_en"))
        for name in ("min_dpd", "min_failed_contacts"):
            _require_int(name, getattr(self, name), minimum=0, optional=True)
        for name in ("promise_follow_up_days", "remedy_follow_up_days"):
            _require_int(name, getattr(self, name), minimum=0, optional=True)
        _require_int("failed_within_days", self.failed_within_days, minimum=1)
        if self.min_amount_due is not None:
            _require_decimal("min_amount_due", self.min_amount_due, minimum=Decimal(0))
        conditions = (
            self.min_dpd is not None,
            bool(self.buckets),
            self.min_amount_due is not None,
            self.min_failed_contacts is not None,
            self.borrower_asked,
            self.never_visited,
            self.promise_follow_up_days is not None,
            self.remedy_follow_up_days is not None,
            bool(self.past_outcome_in),
        )
        if not any(conditions):
            raise InvalidStrategy("id", f"rule {self.id!r} sets no condition (it would match all)")


@dataclass(frozen=True, slots=True)
class ExclusionRule:
    """A reason not to visit, tested before eligibility.

    ``explain_zh`` / ``explain_en`` are ``str.format`` templates over ``days``. ``days`` and
    ``unless_borrower_asked`` apply to ``recent_visit`` only: excluded when the last visit was
    fewer than ``days`` days before the visit day, unless the borrower asked and
    ``unless_borrower_asked``. ``overridable``: a manager's override (``CaseFacts.overrides``)
    lifts it.
    """

    id: str
    kind: ExclusionKind
    label_zh: str
    label_en: str
    explain_zh: str
    explain_en: str
    days: int | None = None
    unless_borrower_asked: bool = True
    overridable: bool = False

    def __post_init__(self) -> None:
        _require_labels(self, ("id", "label_zh", "label_en", "explain_zh", "explain_en"))
        if self.kind is ExclusionKind.RECENT_VISIT:
            _require_int("days", self.days, minimum=1)
        elif self.days is not None:
            raise InvalidStrategy("days", f"applies to recent_visit only, not to {self.kind}")
        if self.kind is ExclusionKind.ADDRESS_UNKNOWN and self.overridable:
            raise InvalidStrategy("overridable", "a visit needs an address: cannot be overridden")
        for name in ("explain_zh", "explain_en"):
            try:
                getattr(self, name).format(days=self.days)
            except (KeyError, IndexError, ValueError) as exc:
                raise InvalidStrategy(name, f"bad template: {exc}") from None

    def explain(self) -> tuple[str, str]:
        """The explanation in Chinese and English, with the parameters filled in."""
        return self.explain_zh.format(days=self.days), self.explain_en.format(days=self.days)


LiftTable = Mapping[str, Mapping[Purpose, Decimal]]


@dataclass(frozen=True, slots=True)
class PriorityWeights:
    """Weights of :func:`~fieldvisit.engines.scoring.priority.expected_benefit`.

    Attributes:
        due_weight, principal_weight, dpd_weight, random_weight: amount at risk (yuan) =
            due_weight × total due + principal_weight × outstanding principal
            + dpd_weight × days past due + random_weight × u, with u in [0, 1) drawn from the
            case and its days past due (a fresh draw each day, the same on every machine).
            The last two let a strategy rank by age ("oldest first") or at random without code.
        lift: bucket → purpose → estimated rise in the probability of cure from the visit, a
            fraction in [0, 1] (0.12 = 12 percentage points). The row ``"*"`` (required) serves
            buckets without a row of their own.
        outcome_factors: past contact outcome → multiplier of the lift, ≥ 0.
        borrower_asked_factor: multiplier of the lift when the borrower asked for the visit, ≥ 0.
        prize_unit_yuan: yuan per routing prize unit (0.01: the prize is in fen, the routing
            engine's unit), > 0.
    """

    lift: LiftTable
    outcome_factors: Mapping[PastOutcome, Decimal]
    due_weight: Decimal = Decimal(1)
    principal_weight: Decimal = Decimal(0)
    borrower_asked_factor: Decimal = Decimal(1)
    prize_unit_yuan: Decimal = Decimal("0.01")
    dpd_weight: Decimal = Decimal(0)
    random_weight: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in (
            "due_weight",
            "principal_weight",
            "borrower_asked_factor",
            "dpd_weight",
            "random_weight",
        ):
            _require_decimal(name, getattr(self, name), minimum=Decimal(0))
        _require_decimal("prize_unit_yuan", self.prize_unit_yuan, minimum=Decimal(0))
        if self.prize_unit_yuan == 0:
            raise InvalidStrategy("prize_unit_yuan", "must be greater than 0")
        if "*" not in self.lift:
            raise InvalidStrategy("lift.*", "the fallback row '*' is required")
        for bucket, row in self.lift.items():
            for purpose in Purpose:
                if purpose not in row:
                    raise InvalidStrategy(_join("lift", bucket, purpose), "missing")
                path = _join("lift", bucket, purpose)
                _require_decimal(path, row[purpose], minimum=Decimal(0), maximum=Decimal(1))
        for outcome in PastOutcome:
            if outcome not in self.outcome_factors:
                raise InvalidStrategy(_join("outcome_factors", outcome), "missing")
            path = _join("outcome_factors", outcome)
            _require_decimal(path, self.outcome_factors[outcome], minimum=Decimal(0))
        # Frozen means frozen: callers' dicts are copied behind read-only views.
        lift = {b: MappingProxyType(dict(row)) for b, row in self.lift.items()}
        object.__setattr__(self, "lift", MappingProxyType(lift))
        object.__setattr__(self, "outcome_factors", MappingProxyType(dict(self.outcome_factors)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Read-only views cannot be pickled; rebuild from plain dicts (worker processes).
        lift = {bucket: dict(row) for bucket, row in self.lift.items()}
        rest = (self.due_weight, self.principal_weight, self.borrower_asked_factor)
        tail = (self.prize_unit_yuan, self.dpd_weight, self.random_weight)
        return (PriorityWeights, (lift, dict(self.outcome_factors), *rest, *tail))

    def base_lift(self, bucket: str, purpose: Purpose) -> Decimal:
        """The table's lift for ``bucket`` (or the ``"*"`` row) and ``purpose``."""
        return self.lift.get(bucket, self.lift["*"])[purpose]


@dataclass(frozen=True, slots=True)
class VisitStrategy:
    """A versioned visit strategy.

    Attributes:
        name, version: identity; a changed strategy is a new version (≥ 1).
        visit_from, visit_until: the compliance window, local time: every visit starts and ends
            inside it (design.md default 08:00–21:00).
        purposes: one :class:`PurposeSpec` per :class:`Purpose`.
        eligibility: rules in priority order: the first that matches gives the purpose. No
            rule at all is a strategy of remote contact only: nobody is eligible for a visit.
        exclusions: tested in order before eligibility; must include :data:`REQUIRED_EXCLUSIONS`.
        priority: the weights of the expected benefit.
    """

    name: str
    version: int
    purposes: Mapping[Purpose, PurposeSpec]
    eligibility: tuple[EligibilityRule, ...]
    exclusions: tuple[ExclusionRule, ...]
    priority: PriorityWeights
    visit_from: time = time(8, 0)
    visit_until: time = time(21, 0)

    def __post_init__(self) -> None:
        _require_labels(self, ("name",))
        _require_int("version", self.version, minimum=1)
        if not self.visit_from < self.visit_until:
            raise InvalidStrategy("visit_until", "must be later than visit_from")
        window_minutes = (_seconds(self.visit_until) - _seconds(self.visit_from)) // 60
        for purpose in Purpose:
            spec = self.purposes.get(purpose)
            if spec is None:
                raise InvalidStrategy(_join("purposes", purpose), "missing")
            if spec.purpose is not purpose:
                raise InvalidStrategy(_join("purposes", purpose, "purpose"), "does not match key")
            if spec.service_minutes > window_minutes:
                path = _join("purposes", purpose, "service_minutes")
                raise InvalidStrategy(path, f"longer than the {window_minutes}-minute window")
        seen: set[str] = set()
        rules: list[tuple[str, str]] = [
            (f"eligibility[{i}]", r.id) for i, r in enumerate(self.eligibility)
        ]
        rules += [(f"exclusions[{i}]", r.id) for i, r in enumerate(self.exclusions)]
        for where, rule_id in rules:
            if rule_id == NOT_ELIGIBLE or rule_id in seen:
                raise InvalidStrategy(f"{where}.id", f"{rule_id!r} is reserved or used twice")
            seen.add(rule_id)
        kinds = [r.kind for r in self.exclusions]
        for index, kind in enumerate(kinds):
            if kind in kinds[:index]:
                raise InvalidStrategy(f"exclusions[{index}].kind", f"{kind} appears twice")
        for kind in REQUIRED_EXCLUSIONS:
            if kind not in kinds:
                raise InvalidStrategy("exclusions", f"the {kind} exclusion is required")
        object.__setattr__(self, "purposes", MappingProxyType(dict(self.purposes)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Read-only views cannot be pickled; rebuild from plain values (worker processes).
        return (VisitStrategy.from_mapping, (self.to_mapping(),))

    @property
    def window_seconds(self) -> tuple[int, int]:
        """The compliance window in seconds since midnight: ``(start, end)``."""
        return _seconds(self.visit_from), _seconds(self.visit_until)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> VisitStrategy:
        """A strategy from plain values (database rows, a TOML document).

        Times are ``"HH:MM"``; money and weights are str, int or Decimal (never float); sets are
        lists; enums are their values. Unknown keys are refused, so a misspelt setting is never
        silently ignored. ``purposes`` is a table keyed by purpose; ``priority.lift`` a table of
        tables keyed by bucket, then purpose.
        """
        values = _table(data, "")
        _refuse_unknown(values, "", _STRATEGY_KEYS)
        purposes_raw = _table(_required(values, "", "purposes"), "purposes")
        purposes: dict[Purpose, PurposeSpec] = {}
        for key, raw in purposes_raw.items():
            purpose = _enum(Purpose)(_join("purposes", key), key)
            body = {"purpose": purpose.value, **_table(raw, _join("purposes", key))}
            purposes[purpose] = _build(PurposeSpec, body, _PURPOSE_FIELDS, _join("purposes", key))
        eligibility = tuple(
            _build(EligibilityRule, raw, _RULE_FIELDS, f"eligibility[{i}]")
            for i, raw in enumerate(_list(_required(values, "", "eligibility"), "eligibility"))
        )
        exclusions = tuple(
            _build(ExclusionRule, raw, _EXCLUSION_FIELDS, f"exclusions[{i}]")
            for i, raw in enumerate(_list(_required(values, "", "exclusions"), "exclusions"))
        )
        priority = _priority_from(_table(_required(values, "", "priority"), "priority"))
        kwargs: dict[str, Any] = {
            "name": _str("name", _required(values, "", "name")),
            "version": _int("version", _required(values, "", "version")),
            "purposes": purposes,
            "eligibility": eligibility,
            "exclusions": exclusions,
            "priority": priority,
        }
        for name in ("visit_from", "visit_until"):
            if name in values:
                kwargs[name] = _time(name, values[name])
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path) -> VisitStrategy:
        """Load a strategy from a TOML file (floats read as exact ``Decimal``)."""
        return cls.from_toml_text(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def from_toml_text(cls, text: str) -> VisitStrategy:
        """Load a strategy from TOML text (floats read as exact ``Decimal``)."""
        try:
            document = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidStrategy("toml", str(exc)) from None
        return cls.from_mapping(document)

    def to_mapping(self) -> dict[str, Any]:
        """Plain values (str, int, bool, lists, dicts) that :meth:`from_mapping` reads back equal.

        Decimals become strings, times ``"HH:MM"``, sets sorted lists; ``None`` is left out.
        """
        priority = _emit(self.priority, skip=("lift", "outcome_factors"))
        priority["outcome_factors"] = {
            k.value: str(v) for k, v in self.priority.outcome_factors.items()
        }
        priority["lift"] = {
            bucket: {p.value: str(v) for p, v in row.items()}
            for bucket, row in self.priority.lift.items()
        }
        return {
            "name": self.name,
            "version": self.version,
            "visit_from": self.visit_from.strftime("%H:%M"),
            "visit_until": self.visit_until.strftime("%H:%M"),
            "purposes": {
                p.value: _emit(spec, skip=("purpose",)) for p, spec in self.purposes.items()
            },
            "eligibility": [_emit(rule) for rule in self.eligibility],
            "exclusions": [_emit(rule) for rule in self.exclusions],
            "priority": priority,
        }


def default_strategy() -> VisitStrategy:
    """The shipped default strategy, read from ``default_strategy.toml`` beside this module."""
    text = resources.files(__package__).joinpath("default_strategy.toml").read_text("utf-8")
    return VisitStrategy.from_toml_text(text)


SHIPPED_STRATEGIES = ("default", "balance_first", "dpd_first", "random", "calls_only")
"""The strategies shipped as data: ``default`` (``default_strategy.toml``) and the strategy lab's
comparisons (``strategies/<name>.toml``)."""


def shipped_strategy(name: str) -> VisitStrategy:
    """A shipped strategy by name (:data:`SHIPPED_STRATEGIES`).

    The lab's strategies are overlays of the default: each top-level key of
    ``strategies/<name>.toml`` replaces the default's, and the keys of its ``[priority]`` table
    replace the default's priority keys (a sub-table such as ``lift`` is replaced whole).
    """
    if name not in SHIPPED_STRATEGIES:
        raise InvalidStrategy("name", f"no shipped strategy {name!r}; known: {SHIPPED_STRATEGIES}")
    if name == "default":
        return default_strategy()
    folder = resources.files(__package__).joinpath("strategies")
    try:
        overlay = tomllib.loads(
            folder.joinpath(f"{name}.toml").read_text("utf-8"), parse_float=Decimal
        )
    except tomllib.TOMLDecodeError as exc:
        raise InvalidStrategy("toml", f"{name}.toml: {exc}") from None
    mapping = default_strategy().to_mapping()
    priority = {**mapping["priority"], **overlay.pop("priority", {})}
    return VisitStrategy.from_mapping({**mapping, **overlay, "priority": priority})


# --- reading plain values -------------------------------------------------------------------

_T = TypeVar("_T")
_E = TypeVar("_E", bound=Enum)
Converter = Callable[[str, Any], Any]


def _join(*parts: str) -> str:
    return ".".join(str(p) for p in parts if p != "")


def _table(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise InvalidStrategy(where or "strategy", f"must be a table, got {type(raw).__name__}")
    return raw


def _list(raw: object, where: str) -> list[Any]:
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, list | tuple):
        raise InvalidStrategy(where, f"must be a list, got {type(raw).__name__}")
    return list(raw)


def _required(values: Mapping[str, Any], where: str, key: str) -> Any:
    if key not in values:
        raise InvalidStrategy(_join(where, key), "is required")
    return values[key]


def _refuse_unknown(values: Mapping[str, Any], where: str, known: frozenset[str]) -> None:
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidStrategy(_join(where, unknown[0]), "unknown field")


def _str(name: str, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidStrategy(name, f"must be a string, got {raw!r}")
    return raw


def _int(name: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidStrategy(name, f"must be a whole number, got {raw!r}")
    return raw


def _bool(name: str, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise InvalidStrategy(name, f"must be true or false, got {raw!r}")
    return raw


def _decimal(name: str, raw: Any) -> Decimal:
    try:
        return to_money(raw)
    except (TypeError, ValueError) as exc:
        raise InvalidStrategy(name, str(exc)) from None


def _time(name: str, raw: Any) -> time:
    try:
        hours, minutes = _str(name, raw).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise InvalidStrategy(name, f"must be a time as HH:MM, got {raw!r}") from None


def _enum(kind: type[_E]) -> Callable[[str, Any], _E]:
    def convert(name: str, raw: Any) -> _E:
        try:
            return kind(raw)
        except ValueError:
            allowed = ", ".join(str(member.value) for member in kind)
            raise InvalidStrategy(name, f"must be one of {allowed}; got {raw!r}") from None

    return convert


def _set_of(item: Converter) -> Converter:
    def convert(name: str, raw: Any) -> frozenset[Any]:
        return frozenset(item(name, value) for value in _list(raw, name))

    return convert


_STRATEGY_KEYS = frozenset(
    {
        "name",
        "version",
        "visit_from",
        "visit_until",
        "purposes",
        "eligibility",
        "exclusions",
        "priority",
    }
)
_PURPOSE_FIELDS: dict[str, Converter] = {
    "purpose": _enum(Purpose),
    "label_zh": _str,
    "label_en": _str,
    "service_minutes": _int,
    "required_certifications": _set_of(_str),
}
_RULE_FIELDS: dict[str, Converter] = {
    "id": _str,
    "purpose": _enum(Purpose),
    "label_zh": _str,
    "label_en": _str,
    "min_dpd": _int,
    "buckets": _set_of(_str),
    "min_amount_due": _decimal,
    "min_failed_contacts": _int,
    "failed_within_days": _int,
    "borrower_asked": _bool,
    "never_visited": _bool,
    "promise_follow_up_days": _int,
    "remedy_follow_up_days": _int,
    "past_outcome_in": _set_of(_enum(PastOutcome)),
}
_EXCLUSION_FIELDS: dict[str, Converter] = {
    "id": _str,
    "kind": _enum(ExclusionKind),
    "label_zh": _str,
    "label_en": _str,
    "explain_zh": _str,
    "explain_en": _str,
    "days": _int,
    "unless_borrower_asked": _bool,
    "overridable": _bool,
}
_WEIGHT_FIELDS: dict[str, Converter] = {
    "due_weight": _decimal,
    "principal_weight": _decimal,
    "borrower_asked_factor": _decimal,
    "prize_unit_yuan": _decimal,
    "dpd_weight": _decimal,
    "random_weight": _decimal,
}


def _build(
    cls: Callable[..., _T], raw: object, converters: Mapping[str, Converter], where: str
) -> _T:
    values = _table(raw, where)
    _refuse_unknown(values, where, frozenset(converters))
    required = [
        f.name
        for f in fields(cls)  # type: ignore[arg-type]
        if f.default is MISSING and f.default_factory is MISSING
    ]
    for name in required:
        _required(values, where, name)
    kwargs = {key: converters[key](_join(where, key), value) for key, value in values.items()}
    try:
        return cls(**kwargs)
    except InvalidStrategy as exc:
        raise exc.within(where) from None


def _priority_from(values: Mapping[str, Any]) -> PriorityWeights:
    _refuse_unknown(values, "priority", frozenset(_WEIGHT_FIELDS) | {"lift", "outcome_factors"})
    lift_raw = _table(_required(values, "priority", "lift"), "priority.lift")
    lift: dict[str, dict[Purpose, Decimal]] = {}
    for bucket, row_raw in lift_raw.items():
        where = _join("priority.lift", bucket)
        row = _table(row_raw, where)
        lift[bucket] = {
            _enum(Purpose)(_join(where, key), key): _decimal(_join(where, key), value)
            for key, value in row.items()
        }
    factors_raw = _table(
        _required(values, "priority", "outcome_factors"), "priority.outcome_factors"
    )
    factors = {
        _enum(PastOutcome)(_join("priority.outcome_factors", k), k): _decimal(
            _join("priority.outcome_factors", k), v
        )
        for k, v in factors_raw.items()
    }
    kwargs = {
        k: _WEIGHT_FIELDS[k](_join("priority", k), v)
        for k, v in values.items()
        if k in _WEIGHT_FIELDS
    }
    try:
        return PriorityWeights(lift=lift, outcome_factors=factors, **kwargs)
    except InvalidStrategy as exc:
        raise exc.within("priority") from None


# --- validating and writing values ----------------------------------------------------------


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _require_labels(obj: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidStrategy(name, "must be a non-empty string")


def _require_int(name: str, value: object, *, minimum: int, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidStrategy(name, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise InvalidStrategy(name, f"must be at least {minimum}, got {value}")


def _require_decimal(
    name: str, value: object, *, minimum: Decimal, maximum: Decimal | None = None
) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidStrategy(name, f"must be a finite Decimal, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"≥ {minimum}"
        raise InvalidStrategy(name, f"must be {bounds}, got {value}")


def _emit(obj: object, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if f.name in skip or value is None:
            continue
        out[f.name] = _plain(value)
    return out


def _plain(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset):
        return sorted(_plain(item) for item in value)
    return value
