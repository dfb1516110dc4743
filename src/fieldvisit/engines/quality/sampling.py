"""Drawing the month's visit reports for quality review: a reproducible, per-agent quota sample.

Quota per (agent, month), with ``n`` reports submitted by the agent that month and ``s`` the
agent's share (:func:`agent_share`)::

    quota = min(n, max(ceil(s × n), min_per_agent))      (0 when n = 0)

Which reports: the agent's report ids for the month, sorted ascending, sampled without
replacement by a :class:`random.Random` seeded with the text ``"{seed}:{agent_id}:{YYYY-MM}"``
(string seeds are hashed with SHA-512, so the draw does not depend on ``PYTHONHASHSEED``, the
input order or the other agents' reports). The same reports, policy and seed always give the same
sample.
"""

from __future__ import annotations

import math
import random
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import Any


class InvalidPolicy(ValueError):
    """A sampling policy value is missing, of the wrong type or out of range."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


_SHARES = ("base_share", "new_agent_share", "complaint_share")
_COUNTS = ("new_agent_days", "min_per_agent")


@dataclass(frozen=True, slots=True)
class SamplingPolicy:
    """Shares are fractions in [0, 1] of an agent's reports in a calendar month.

    ``new_agent_days``: an agent hired fewer than this many days before the month's last day is
    new. ``min_per_agent``: reviews drawn at least, for an agent with any report that month.
    """

    base_share: Decimal = Decimal("0.10")
    new_agent_share: Decimal = Decimal("0.30")
    complaint_share: Decimal = Decimal("0.50")
    new_agent_days: int = 90
    min_per_agent: int = 1

    def __post_init__(self) -> None:
        for name in _SHARES:
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite():
                raise InvalidPolicy(name, "must be a decimal number")
            if not Decimal(0) <= value <= Decimal(1):
                raise InvalidPolicy(name, "must be between 0 and 1")
        for name in _COUNTS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidPolicy(name, "must be a whole number, 0 or more")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SamplingPolicy:
        """A policy from plain values (numbers or numeric strings); missing keys keep defaults."""
        unknown = sorted(set(data) - set(_SHARES) - set(_COUNTS))
        if unknown:
            raise InvalidPolicy(unknown[0], "is not a policy setting")
        values: dict[str, Any] = {}
        for name in _SHARES:
            if name in data:
                raw = data[name]
                if isinstance(raw, bool) or not isinstance(raw, (int, str, Decimal, float)):
                    raise InvalidPolicy(name, "must be a decimal number")
                try:
                    values[name] = Decimal(str(raw))
                except ArithmeticError:
                    raise InvalidPolicy(name, "must be a decimal number") from None
        for name in _COUNTS:
            if name in data:
                values[name] = data[name]
        return cls(**values)

    def to_mapping(self) -> dict[str, str | int]:
        """Plain values :meth:`from_mapping` reads back equal (shares as strings)."""
        return {
            "base_share": str(self.base_share),
            "new_agent_share": str(self.new_agent_share),
            "complaint_share": str(self.complaint_share),
            "new_agent_days": self.new_agent_days,
            "min_per_agent": self.min_per_agent,
        }


def default_policy() -> SamplingPolicy:
    """The shipped policy, read from ``default_policy.toml`` beside this module."""
    text = resources.files(__package__).joinpath("default_policy.toml").read_text("utf-8")
    return SamplingPolicy.from_mapping(tomllib.loads(text, parse_float=Decimal))


@dataclass(frozen=True, slots=True)
class SubmittedReport:
    """A visit report as the sampler needs it; ``agent_id`` is who is accountable for it."""

    report_id: int
    agent_id: int
    submitted_on: date


@dataclass(frozen=True, slots=True)
class AgentStanding:
    """What raises an agent's share: when they were hired, and complaints against them in the
    caller's look-back window (a count; the caller chooses the window)."""

    agent_id: int
    hired_on: date | None = None
    complaints: int = 0


class ShareReason(StrEnum):
    BASE = "base"
    NEW_AGENT = "new_agent"
    COMPLAINTS = "complaints"


@dataclass(frozen=True, slots=True)
class AgentQuota:
    """One agent's month: reports submitted, the share applied and why, reports drawn."""

    agent_id: int
    month: date  # the first day of the calendar month
    reports: int
    share: Decimal
    reason: ShareReason
    drawn: int


@dataclass(frozen=True, slots=True)
class Pick:
    report_id: int
    agent_id: int
    month: date


@dataclass(frozen=True, slots=True)
class QualitySample:
    """The draw: picks sorted by (month, agent, report); quotas sorted by (month, agent)."""

    seed: int
    policy: SamplingPolicy
    quotas: tuple[AgentQuota, ...]
    picks: tuple[Pick, ...]

    @property
    def report_ids(self) -> frozenset[int]:
        return frozenset(p.report_id for p in self.picks)


def month_of(day: date) -> date:
    """The first day of ``day``'s calendar month."""
    return day.replace(day=1)


def month_end(month: date) -> date:
    """The last day of the calendar month starting ``month``."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def agent_share(
    standing: AgentStanding, month: date, policy: SamplingPolicy
) -> tuple[Decimal, ShareReason]:
    """The share of ``standing``'s reports drawn in ``month`` (a first-of-month date).

    1. base: ``policy.base_share``;
    2. new: hired on or before the month's last day and ``(last day − hired_on) <
       new_agent_days`` → ``new_agent_share``;
    3. complaints ≥ 1 → ``complaint_share``.
    The largest applicable share wins; on a tie the later reason in that list is named.
    """
    options = [(policy.base_share, ShareReason.BASE)]
    last = month_end(month)
    hired = standing.hired_on
    if hired is not None and hired <= last and (last - hired).days < policy.new_agent_days:
        options.append((policy.new_agent_share, ShareReason.NEW_AGENT))
    if standing.complaints > 0:
        options.append((policy.complaint_share, ShareReason.COMPLAINTS))
    best = options[0]
    for option in options[1:]:
        if option[0] >= best[0]:
            best = option
    return best


def quota(reports: int, share: Decimal, policy: SamplingPolicy) -> int:
    """Reviews to draw from ``reports`` reports: ``min(n, max(ceil(share × n), min_per_agent))``,
    and 0 for no reports. ``share × n`` is exact (Decimal), so 10 % of 30 is 3, not 4."""
    if reports <= 0:
        return 0
    return min(reports, max(math.ceil(share * reports), policy.min_per_agent))


def draw_sample(
    reports: Iterable[SubmittedReport],
    standings: Iterable[AgentStanding],
    policy: SamplingPolicy,
    seed: int,
) -> QualitySample:
    """Draw the reports to review, per agent and calendar month (see the module docstring).

    Steps: 1. group reports by (agent, month of ``submitted_on``), ids de-duplicated and sorted;
    2. per group, the share (:func:`agent_share`; an agent without a standing gets the base share)
    and the quota (:func:`quota`); 3. ``random.Random(f"{seed}:{agent}:{YYYY-MM}").sample`` of
    that many ids. Report ids must be unique across agents.
    """
    by_agent = {s.agent_id: s for s in standings}
    groups: dict[tuple[date, int], set[int]] = defaultdict(set)
    owner: dict[int, int] = {}
    for report in reports:
        previous = owner.setdefault(report.report_id, report.agent_id)
        if previous != report.agent_id:
            raise ValueError(f"report {report.report_id} is given for two agents")
        groups[(month_of(report.submitted_on), report.agent_id)].add(report.report_id)
    quotas: list[AgentQuota] = []
    picks: list[Pick] = []
    for (month, agent_id), ids in sorted(groups.items()):
        standing = by_agent.get(agent_id, AgentStanding(agent_id=agent_id))
        share, reason = agent_share(standing, month, policy)
        count = quota(len(ids), share, policy)
        rng = random.Random(f"{seed}:{agent_id}:{month:%Y-%m}")
        chosen = sorted(rng.sample(sorted(ids), count))
        quotas.append(AgentQuota(agent_id, month, len(ids), share, reason, count))
        picks.extend(Pick(report_id, agent_id, month) for report_id in chosen)
    return QualitySample(seed=seed, policy=policy, quotas=tuple(quotas), picks=tuple(picks))
