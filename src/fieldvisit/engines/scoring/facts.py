"""What the scoring engine knows about one case: :class:`CaseFacts`, mapped from the database by
the caller (apps), frozen and validated here.

Dates are calendar dates in the borrower's local time; money is ``Decimal`` yuan (never float).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum

from fieldvisit.engines.routing.model import GeoPoint


class InvalidFacts(ValueError):
    """A case fact is missing, of the wrong type or out of range; ``field`` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ContactResult(StrEnum):
    """The result of one remote contact attempt (call or SMS), as the scoring engine sees it.

    The caller maps the case app's outcomes: connected → ``reached``; refused → ``refused``;
    no answer, busy, invalid number, and an SMS that got no reply → ``not_reached``.
    """

    REACHED = "reached"
    NOT_REACHED = "not_reached"
    REFUSED = "refused"


class PastOutcome(StrEnum):
    """The borrower's past response to remote contact; see :func:`past_outcome`."""

    NOT_TRIED = "not_tried"
    """No remote attempt on record: remote channels come first (AU/UK guidance)."""
    NEVER_REACHED = "never_reached"
    REACHED = "reached"
    REFUSED = "refused"
    PROMISED = "promised"


class FollowUpStatus(StrEnum):
    """Where a promise to pay or a remedy stands."""

    OPEN = "open"
    """Promise: made, not yet due or not yet settled. Remedy: proposed, awaiting signature."""
    KEPT = "kept"
    BROKEN = "broken"


@dataclass(frozen=True, slots=True)
class RemoteContact:
    """One remote contact attempt on day ``on``; ``channel`` is ``"call"`` or ``"sms"``."""

    on: date
    channel: str
    result: ContactResult


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A promise to pay or a remedy: what falls due and when, and whether it was broken.

    ``due_on``: the promised payment date (promise), the signing deadline (proposed remedy) or
    the next instalment of an active remedy. ``broken_on`` is required when ``status`` is
    ``broken`` and must be absent otherwise.
    """

    due_on: date
    status: FollowUpStatus
    broken_on: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.status, FollowUpStatus):
            raise InvalidFacts("status", f"must be a FollowUpStatus, got {self.status!r}")
        if (self.status is FollowUpStatus.BROKEN) != (self.broken_on is not None):
            raise InvalidFacts("broken_on", "is required exactly when the status is broken")


@dataclass(frozen=True, slots=True)
class PreferredWindow:
    """The borrower's preferred visit hours, local time, ``start < end`` on one day.

    An evening preference that runs past midnight is given as its part before midnight.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise InvalidFacts("preferred_window", f"starts at {self.start} but ends at {self.end}")


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything the strategy and the priority look at for one case.

    Attributes:
        case_id, loan_id: identifiers; ``case_id`` becomes the routing visit id.
        dpd: days past due (design.md), ≥ 0. ``bucket``: its bucket name (``"M3"``, ``"M7+"``).
        total_due: everything overdue, in yuan (principal, interest, penalty, compound), ≥ 0.
        outstanding_principal: principal not yet repaid, due or not, in yuan, ≥ 0.
        product, district: for grouping and splitting; not scored.
        location: where the visit would be made; ``None`` when the address is unknown.
        last_visit_on: the day of the last field visit made, if any.
        remote_contacts: calls and SMS, any order.
        promise, remedy: the current promise to pay and remedy, if any.
        vulnerable, hardship_hold, legal_stage, complaint_open: case flags.
        escalation_recommended: escalation to legal is recommended and a manager has not
            decided yet (the case is not in the legal stage yet).
        borrower_asked_visit: the borrower asked to be visited.
        preferred_window: the borrower's preferred hours, if known.
        overrides: exclusion rule ids a manager overrode for this case (the caller audits them);
            only exclusions marked overridable honour them.
    """

    case_id: str
    loan_id: str
    dpd: int
    bucket: str
    total_due: Decimal
    outstanding_principal: Decimal
    product: str = ""
    district: str = ""
    location: GeoPoint | None = None
    last_visit_on: date | None = None
    remote_contacts: tuple[RemoteContact, ...] = ()
    promise: FollowUp | None = None
    remedy: FollowUp | None = None
    vulnerable: bool = False
    hardship_hold: bool = False
    legal_stage: bool = False
    complaint_open: bool = False
    escalation_recommended: bool = False
    borrower_asked_visit: bool = False
    preferred_window: PreferredWindow | None = None
    overrides: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        where = self.case_id if isinstance(self.case_id, str) and self.case_id else "case"
        if not isinstance(self.case_id, str) or not self.case_id:
            raise InvalidFacts("case_id", "must be a non-empty string")
        if not isinstance(self.bucket, str) or not self.bucket:
            raise InvalidFacts(f"{where}.bucket", "must be a non-empty string")
        if isinstance(self.dpd, bool) or not isinstance(self.dpd, int) or self.dpd < 0:
            raise InvalidFacts(f"{where}.dpd", f"must be a whole number ≥ 0, got {self.dpd!r}")
        for name in ("total_due", "outstanding_principal"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise InvalidFacts(f"{where}.{name}", f"must be a Decimal ≥ 0, got {value!r}")
        for contact in self.remote_contacts:
            if contact.channel not in ("call", "sms"):
                raise InvalidFacts(
                    f"{where}.remote_contacts", f"channel must be call or sms: {contact.channel!r}"
                )

    def check_as_of(self, as_of: date) -> None:
        """Refuse facts dated after ``as_of`` (a fact from the future is a mapping error)."""
        dated = [("last_visit_on", self.last_visit_on)]
        dated += [("remote_contacts", c.on) for c in self.remote_contacts]
        dated += [(f"{name}.broken_on", f.broken_on) for name, f in self._follow_ups()]
        for name, day in dated:
            if day is not None and day > as_of:
                raise InvalidFacts(f"{self.case_id}.{name}", f"{day} is after as_of {as_of}")

    def _follow_ups(self) -> list[tuple[str, FollowUp]]:
        return [(n, f) for n, f in (("promise", self.promise), ("remedy", self.remedy)) if f]


def past_outcome(facts: CaseFacts) -> PastOutcome:
    """The borrower's past response to remote contact, for the priority adjustment.

    1. A promise to pay on record (open, kept or broken) → ``promised``: the borrower engaged.
    2. No remote attempt on record → ``not_tried``.
    3. Otherwise the latest attempt that got through decides: ``refused`` or ``reached``.
    4. No attempt got through → ``never_reached``.
    """
    if facts.promise is not None:
        return PastOutcome.PROMISED
    if not facts.remote_contacts:
        return PastOutcome.NOT_TRIED
    through = [c for c in facts.remote_contacts if c.result is not ContactResult.NOT_REACHED]
    if not through:
        return PastOutcome.NEVER_REACHED
    # On the same day a refusal outranks a reach: it is the more cautious reading.
    latest = max(through, key=lambda c: (c.on, c.result is ContactResult.REFUSED))
    if latest.result is ContactResult.REFUSED:
        return PastOutcome.REFUSED
    return PastOutcome.REACHED
