"""The delinquency policy: penalty rate, buckets, allocation order, case threshold, classification.

One frozen, validated dataclass. Build it directly, from a mapping (a database policy row) with
:meth:`DelinquencyPolicy.from_mapping`, or from a TOML file with
:meth:`DelinquencyPolicy.from_toml`. Every validation error is an
:class:`~fieldvisit.engines.delinquency.errors.InvalidField` naming the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Any

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.money import to_rate


class Component(StrEnum):
    """A part of an instalment that a payment can pay."""

    PENALTY = "penalty"  # 罚息: accrued on unpaid principal after the due date
    COMPOUND = "compound"  # 复利: accrued on unpaid interest after the due date
    INTEREST = "interest"  # scheduled interest
    PRINCIPAL = "principal"  # scheduled principal


class LoanClass(StrEnum):
    """The five-category class (五级分类), best first; :attr:`rank` orders them."""

    NORMAL = "normal"  # 正常
    SPECIAL_MENTION = "special_mention"  # 关注
    SUBSTANDARD = "substandard"  # 次级
    DOUBTFUL = "doubtful"  # 可疑
    LOSS = "loss"  # 损失

    @property
    def rank(self) -> int:
        """0 for normal up to 4 for loss."""
        return _CLASS_ORDER.index(self)


_CLASS_ORDER = tuple(LoanClass)

DEFAULT_ALLOCATION_ORDER = (
    Component.PENALTY,
    Component.COMPOUND,
    Component.INTEREST,
    Component.PRINCIPAL,
)


@dataclass(frozen=True, slots=True)
class DelinquencyPolicy:
    """Parameters of the delinquency engine.

    Attributes:
        penalty_markup: penalty rate = contract annual rate × (1 + markup); a fraction, 0.5 = +50 %.
        cap_annual_rate: the penalty rate never exceeds this annual rate (fraction per year).
        bucket_edges: the highest DPD of each bucket M0, M1, …; a DPD above the last edge falls in
            the open bucket ``M{len(bucket_edges)}+``. Default 0, 30, 60, …, 180 gives M0 … M6, M7+.
        allocation_order: the order in which a payment pays the parts of one instalment (instalments
            are always paid oldest first). Must name every :class:`Component` exactly once.
        case_open_dpd: a collection case opens once DPD reaches this many days.
        classification_edges: the highest DPD of normal, special mention, substandard and doubtful;
            above the last edge the loan is a loss. Default 0, 90, 270, 360 (2023 rules).
    """

    penalty_markup: Decimal = Decimal("0.5")
    cap_annual_rate: Decimal = Decimal("0.24")
    bucket_edges: tuple[int, ...] = (0, 30, 60, 90, 120, 150, 180)
    allocation_order: tuple[Component, ...] = DEFAULT_ALLOCATION_ORDER
    case_open_dpd: int = 1
    classification_edges: tuple[int, ...] = (0, 90, 270, 360)

    def __post_init__(self) -> None:
        _require_decimal("penalty_markup", self.penalty_markup, minimum=Decimal(0))
        _require_decimal("cap_annual_rate", self.cap_annual_rate, minimum=Decimal(0))
        _require_edges("bucket_edges", self.bucket_edges, count=None)
        _require_edges("classification_edges", self.classification_edges, count=4)
        if not isinstance(self.case_open_dpd, int) or isinstance(self.case_open_dpd, bool):
            raise InvalidField("case_open_dpd", "must be an integer")
        if self.case_open_dpd < 1:
            raise InvalidField("case_open_dpd", f"must be at least 1, got {self.case_open_dpd}")
        order = self.allocation_order
        if not isinstance(order, tuple) or not all(isinstance(c, Component) for c in order):
            raise InvalidField("allocation_order", "must be a tuple of Component")
        if sorted(order) != sorted(Component):
            names = ", ".join(c.value for c in Component)
            raise InvalidField("allocation_order", f"must name each of {names} exactly once")

    def penalty_rate(self, annual_rate: Decimal) -> Decimal:
        """Annual penalty rate = min(annual_rate × (1 + penalty_markup), cap_annual_rate), exact."""
        return min(annual_rate * (1 + self.penalty_markup), self.cap_annual_rate)

    def bucket(self, dpd: int) -> str:
        """The bucket of a DPD: ``"M0"`` up to bucket_edges[0], …, ``"M7+"`` above the last edge."""
        for index, edge in enumerate(self.bucket_edges):
            if dpd <= edge:
                return f"M{index}"
        return f"M{len(self.bucket_edges)}+"

    def classify(self, dpd: int) -> LoanClass:
        """The five-category class by DPD alone (0 normal, 1–90 special mention, … by default)."""
        for loan_class, edge in zip(_CLASS_ORDER, self.classification_edges, strict=False):
            if dpd <= edge:
                return loan_class
        return LoanClass.LOSS

    def opens_case(self, dpd: int) -> bool:
        """True when a loan with this DPD needs an open collection case: DPD ≥ case_open_dpd."""
        return dpd >= self.case_open_dpd

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> DelinquencyPolicy:
        """Build a policy from a mapping such as a database policy row; missing keys keep defaults.

        Rates are str, int or Decimal (never float); edges are sequences of int; the allocation
        order is a sequence of component names (``"penalty"``, ``"compound"``, ``"interest"``,
        ``"principal"``). An unknown key is an error, so that a misspelt setting is never ignored.
        """
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, raw in values.items():
            if key not in known:
                raise InvalidField(key, "unknown policy field")
            kwargs[key] = _CONVERTERS[key](key, raw)
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path, table: str | None = None) -> DelinquencyPolicy:
        """Load a policy from a TOML file: its top level, or the named ``[table]`` when given.

        TOML floats are read as exact ``Decimal`` (``penalty_markup = 0.5`` is ``Decimal("0.5")``).
        """
        with Path(path).open("rb") as handle:
            document = tomllib.load(handle, parse_float=Decimal)
        if table is not None:
            if not isinstance(document.get(table), dict):
                raise InvalidField(table, f"no [{table}] table in {path}")
            document = document[table]
        return cls.from_mapping(document)


def _require_decimal(name: str, value: object, *, minimum: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidField(name, "must be a finite Decimal")
    if value < minimum:
        raise InvalidField(name, f"must be at least {minimum}, got {value}")


def _require_edges(name: str, edges: object, *, count: int | None) -> None:
    if not isinstance(edges, tuple) or not edges:
        raise InvalidField(name, "must be a non-empty tuple of integers")
    if count is not None and len(edges) != count:
        raise InvalidField(name, f"must have exactly {count} edges, got {len(edges)}")
    if not all(isinstance(e, int) and not isinstance(e, bool) for e in edges):
        raise InvalidField(name, "must contain integers only")
    if edges[0] < 0:
        raise InvalidField(name, f"edges must not be negative, got {edges[0]}")
    if any(b <= a for a, b in pairwise(edges)):
        raise InvalidField(name, f"edges must increase strictly, got {list(edges)}")


def _rate(name: str, raw: Any) -> Decimal:
    try:
        return to_rate(raw)
    except (TypeError, ValueError) as exc:
        raise InvalidField(name, str(exc)) from None


def _int(name: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidField(name, f"must be an integer, got {raw!r}")
    return raw


def _int_tuple(name: str, raw: Any) -> tuple[int, ...]:
    if isinstance(raw, str | bytes) or not hasattr(raw, "__iter__"):
        raise InvalidField(name, f"must be a list of integers, got {raw!r}")
    return tuple(_int(name, item) for item in raw)


def _components(name: str, raw: Any) -> tuple[Component, ...]:
    if isinstance(raw, str | bytes) or not hasattr(raw, "__iter__"):
        raise InvalidField(name, f"must be a list of component names, got {raw!r}")
    try:
        return tuple(Component(item) for item in raw)
    except ValueError:
        names = ", ".join(c.value for c in Component)
        raise InvalidField(name, f"components are {names}; got {list(raw)}") from None


_CONVERTERS: dict[str, Callable[[str, Any], Any]] = {
    "penalty_markup": _rate,
    "cap_annual_rate": _rate,
    "bucket_edges": _int_tuple,
    "allocation_order": _components,
    "case_open_dpd": _int,
    "classification_edges": _int_tuple,
}

DEFAULT_POLICY = DelinquencyPolicy()
