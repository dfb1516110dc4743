"""Hooks called with the rows of each day's snapshot, inside the run's transaction.

Apps register in their ``AppConfig.ready``::

    from fieldvisit.apps.delinquency.hooks import register_snapshot_hook

    class CasesConfig(AppConfig):
        def ready(self) -> None:
            register_snapshot_hook(cases_sync_from_snapshot)

A hook is ``hook(as_of, rows)`` with ``rows`` a :class:`SnapshotRows`: the rows written for that
day (delinquent loans, loans whose figures changed, every loan at month end).

Why inside the transaction: what a hook writes (cases opened and closed) must agree with the
stored snapshot. If the hook fails, the day's rows roll back with it and the run fails, so there is
never a stored day whose cases were not synced; if the run dies, neither is kept. The price:
a hook must be quick, must not call other systems (schedule that with
``transaction.on_commit``), and must be idempotent, because re-running a day calls it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from fieldvisit.engines.delinquency.policy import DelinquencyPolicy, LoanClass

#: The money columns of :attr:`SnapshotRows.frame`, in int64 cents.
MONEY_COLUMNS: tuple[str, ...] = (
    "overdue_principal",
    "overdue_interest",
    "penalty_interest",
    "compound_interest",
    "outstanding_principal",
    "total_due",
)


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """One written snapshot row; money in yuan (``Decimal``, two places).

    ``changed`` is False only for a loan written because it is month end while nothing about it
    changed since its previous row.
    """

    loan_id: int
    dpd: int
    bucket: str
    classification: LoanClass
    in_observation: bool
    overdue_principal: Decimal
    overdue_interest: Decimal
    penalty_interest: Decimal
    compound_interest: Decimal
    outstanding_principal: Decimal
    total_due: Decimal
    changed: bool


@dataclass(frozen=True, slots=True)
class SnapshotRows:
    """The rows written for ``as_of`` under ``policy``, as a Polars frame.

    ``frame`` columns: ``loan_id``, ``dpd``, ``bucket``, ``classification``, ``in_observation``,
    the :data:`MONEY_COLUMNS` in int64 **cents**, and ``changed``. Iterating gives
    :class:`SnapshotRow` objects (money in yuan) for hooks that work row by row.
    """

    as_of: date
    policy: DelinquencyPolicy
    frame: pl.DataFrame

    def __len__(self) -> int:
        return self.frame.height

    def __iter__(self) -> Iterator[SnapshotRow]:
        cent = Decimal("0.01")
        for record in self.frame.iter_rows(named=True):
            yield SnapshotRow(
                loan_id=record["loan_id"],
                dpd=record["dpd"],
                bucket=record["bucket"],
                classification=LoanClass(record["classification"]),
                in_observation=record["in_observation"],
                changed=record["changed"],
                **{name: Decimal(record[name]) * cent for name in MONEY_COLUMNS},
            )


SnapshotHook = Callable[[date, SnapshotRows], None]

_hooks: list[SnapshotHook] = []


def register_snapshot_hook(hook: SnapshotHook) -> SnapshotHook:
    """Call ``hook(as_of, rows)`` after each day's rows are written; registering twice is once.

    Returns the hook, so it can be used as a decorator.
    """
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def registered_snapshot_hooks() -> tuple[SnapshotHook, ...]:
    """The hooks a run will call, in order."""
    return tuple(_hooks)


def unregister_snapshot_hook(hook: SnapshotHook) -> None:
    """Stop calling ``hook`` (tests use it to clean up); unknown hooks are ignored."""
    if hook in _hooks:
        _hooks.remove(hook)


def call_snapshot_hooks(as_of: date, rows: SnapshotRows) -> None:
    """Call every registered hook in registration order; an exception propagates (and so rolls
    the run back)."""
    for hook in tuple(_hooks):
        hook(as_of, rows)
