"""What the planner reads from the database, mapped once into the engines' frozen inputs.

* :func:`case_facts` — cases + latest snapshot + contact attempts + last visit + promise +
  remedy + open complaint + pending escalation + the borrower's request → ``CaseFacts``;
* :func:`visit_requests` — the borrower's latest request for a visit not yet met, and the record
  it comes from (a contact attempt or a visit report);
* :func:`team_specs` — teams + members' profiles + valid certifications → ``TeamSpec``;
* :func:`prior_visits` — visits made or planned (approved plans), per borrower.

Every source is read for all the cases at once (a query or two each), never per case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import (
    CaseStatus,
    CollectionCase,
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
)
from fieldvisit.apps.delinquency.models import DelinquencySnapshot
from fieldvisit.apps.followup.services import promise_grace_days
from fieldvisit.apps.legal.models import LegalCase, LegalStatus
from fieldvisit.apps.loans.models import Product
from fieldvisit.apps.organisation.models import Team
from fieldvisit.apps.planning.models import DepotChoice, PlanStatus, PlanStop
from fieldvisit.apps.planning.problem import DEFAULT_SPEEDS_KMH, TeamSpec, time_seconds, zone
from fieldvisit.apps.remedies.models import RemedyProposal, RemedyStatus
from fieldvisit.apps.remedies.tracking import remedy_accept_days
from fieldvisit.apps.training.models import Certification, Complaint, ComplaintStatus
from fieldvisit.apps.training.selectors import certified_agents, suspended_agents
from fieldvisit.apps.visits.models import PromiseStatus, PromiseToPay, VisitReport
from fieldvisit.engines.routing import GeoPoint
from fieldvisit.engines.scoring import (
    CaseFacts,
    ContactResult,
    FollowUp,
    FollowUpStatus,
    PreferredWindow,
    RemoteContact,
    VisitStrategy,
)

# Remote attempts older than this do not count for any default rule (14 days) or the outcome.
CONTACT_LOOKBACK_DAYS = 60
VISIT_LOOKBACK_DAYS = 400
# A request for a visit older than this, and not met, has gone stale: the planner stops reading it.
REQUEST_LOOKBACK_DAYS = 30


class RequestSource(StrEnum):
    """Where the borrower's request for a visit is recorded."""

    CONTACT = "contact"
    """A contact attempt (a call, SMS or visit attempt) marked "the borrower asked for a visit"."""
    REPORT = "report"
    """A visit report marked "the borrower asked us to come back"."""


@dataclass(frozen=True)
class VisitRequest:
    """The borrower's latest request for a visit that no visit has met yet."""

    at: dt.datetime
    source: RequestSource
    record_id: int
    channel: str
    """For a contact attempt its channel (``call``, ``sms``, ``visit``); ``visit`` for a report."""


def _result(outcome: str) -> ContactResult:
    if outcome == ContactOutcome.CONNECTED:
        return ContactResult.REACHED
    if outcome == ContactOutcome.REFUSED:
        return ContactResult.REFUSED
    return ContactResult.NOT_REACHED


def prior_visits(
    borrower_ids: Iterable[int], around: dt.date, days: int, *, exclude_plan: int | None = None
) -> dict[int, list[dt.datetime]]:
    """Visit times per borrower within ``days`` days either side of ``around``: visit attempts
    on record and the stops of approved plans (a planned visit counts as a visit)."""
    ids = list(set(borrower_ids))
    since = dt.datetime.combine(around - dt.timedelta(days=days), dt.time(0), tzinfo=zone())
    until = dt.datetime.combine(around + dt.timedelta(days=days + 1), dt.time(0), tzinfo=zone())
    out: dict[int, list[dt.datetime]] = defaultdict(list)
    attempts = ContactAttempt.objects.filter(
        borrower_id__in=ids,
        channel=ContactChannel.VISIT,
        attempted_at__gte=since,
        attempted_at__lt=until,
    ).values_list("borrower_id", "attempted_at")
    for borrower_id, moment in attempts:
        out[borrower_id].append(moment)
    stops = PlanStop.objects.filter(
        case__loan__borrower_id__in=ids,
        route__plan__status=PlanStatus.APPROVED,
        start__gte=since,
        start__lt=until,
    )
    if exclude_plan is not None:
        stops = stops.exclude(route__plan_id=exclude_plan)
    for borrower_id, moment in stops.values_list("case__loan__borrower_id", "start"):
        out[borrower_id].append(moment)
    return out


def case_facts(
    cases: Sequence[CollectionCase],
    day: dt.date,
    *,
    lookback_visits: int = VISIT_LOOKBACK_DAYS,
    exclude_plan: int | None = None,
) -> list[CaseFacts]:
    """``CaseFacts`` for ``cases`` (with ``loan__borrower`` loaded) on the visit day ``day``.

    DPD, bucket and amounts come from the case's latest snapshot (the nightly batch of the day
    before); remote contacts from the borrower's calls and SMS of the last
    :data:`CONTACT_LOOKBACK_DAYS` days; the last visit from visit attempts and approved plans up
    to ``day``; the promise (followup), the remedy (remedies, per loan), an open complaint
    (training), a recommended escalation awaiting a decision (legal), the borrower's pending
    request for a visit (:func:`visit_requests`) and the product. Nothing dated after ``day`` is
    read (the engine refuses facts from the future). Twelve queries or so, whatever the number.
    """
    local = zone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=local)
    borrower_ids = {c.loan.borrower_id for c in cases}
    snapshots: dict[int, DelinquencySnapshot] = {}
    if cases:
        earliest = min(c.snapshot_as_of for c in cases)
        rows = DelinquencySnapshot.objects.filter(
            loan_id__in=[c.loan_id for c in cases], as_of__gte=earliest, as_of__lte=day
        ).order_by("loan_id", "-as_of")
        for row in rows:
            snapshots.setdefault(row.loan_id, row)
    contacts: dict[int, list[RemoteContact]] = defaultdict(list)
    since = end - dt.timedelta(days=CONTACT_LOOKBACK_DAYS + 1)
    attempts = ContactAttempt.objects.filter(
        borrower_id__in=borrower_ids,
        channel__in=[ContactChannel.CALL, ContactChannel.SMS],
        attempted_at__gte=since,
        attempted_at__lt=end,
    ).values_list("borrower_id", "attempted_at", "channel", "outcome")
    for borrower_id, moment, channel, outcome in attempts:
        contacts[borrower_id].append(
            RemoteContact(moment.astimezone(local).date(), channel, _result(outcome))
        )
    visits = prior_visits(borrower_ids, day, lookback_visits, exclude_plan=exclude_plan)
    products = _product_codes(cases)
    promises = _promises(cases, day, end)
    remedies = _remedies(cases, day)
    complaints = _open_complaints(borrower_ids, day)
    escalating = set(
        LegalCase.objects.filter(
            case_id__in=[c.pk for c in cases], status=LegalStatus.RECOMMENDED
        ).values_list("case_id", flat=True)
    )
    requests = visit_requests(cases, day, exclude_plan=exclude_plan)
    out: list[CaseFacts] = []
    for case in cases:
        borrower = case.loan.borrower
        snapshot = snapshots.get(case.loan_id)
        seen = [m.astimezone(local).date() for m in visits.get(borrower.pk, [])]
        last_visit = max((d for d in seen if d <= day), default=None)
        location = None
        if borrower.home_latitude is not None and borrower.home_longitude is not None:
            location = GeoPoint(borrower.home_latitude, borrower.home_longitude)
        preferred = None
        if borrower.preferred_visit_start and borrower.preferred_visit_end:
            preferred = PreferredWindow(
                borrower.preferred_visit_start, borrower.preferred_visit_end
            )
        out.append(
            CaseFacts(
                case_id=str(case.pk),
                loan_id=str(case.loan_id),
                dpd=snapshot.dpd if snapshot else case.dpd,
                bucket=(snapshot.bucket if snapshot else case.bucket) or "M0",
                total_due=Decimal(snapshot.total_due if snapshot else case.amount_due),
                outstanding_principal=Decimal(snapshot.outstanding_principal)
                if snapshot
                else Decimal(0),
                district=borrower.home_district,
                location=location,
                last_visit_on=last_visit,
                remote_contacts=tuple(contacts.get(borrower.pk, ())),
                promise=promises.get(case.pk),
                remedy=remedies.get(case.loan_id),
                product=products.get(case.loan.product_id, ""),
                vulnerable=case.vulnerable,
                hardship_hold=case.hardship_hold,
                legal_stage=case.status == CaseStatus.LEGAL,
                complaint_open=borrower.pk in complaints,
                escalation_recommended=case.pk in escalating,
                borrower_asked_visit=case.pk in requests,
                preferred_window=preferred,
            )
        )
    return out


def _product_codes(cases: Sequence[CollectionCase]) -> dict[int, str]:
    ids = {c.loan.product_id for c in cases}
    return dict(Product.objects.filter(pk__in=ids).values_list("pk", "code"))


def _promises(
    cases: Sequence[CollectionCase], day: dt.date, end: dt.datetime
) -> dict[int, FollowUp]:
    """Per case, the promise to follow up: the open promise due first; else the latest decided.

    A broken or partly kept promise was decided at the end of its grace days (the nightly batch
    marks it then), so that is the day it was broken.
    """
    grace = dt.timedelta(days=promise_grace_days())
    rows = (
        PromiseToPay.objects.filter(case_id__in=[c.pk for c in cases], report__submitted_at__lt=end)
        .order_by("case_id", "due_on", "id")
        .values_list("case_id", "due_on", "status")
    )
    open_: dict[int, FollowUp] = {}
    decided: dict[int, FollowUp] = {}
    for case_id, due_on, status in rows:
        if status == PromiseStatus.OPEN:
            open_.setdefault(case_id, FollowUp(due_on, FollowUpStatus.OPEN))
        elif status == PromiseStatus.KEPT:
            decided[case_id] = FollowUp(due_on, FollowUpStatus.KEPT)
        else:  # broken, partly kept
            broken_on = min(due_on + grace, day)
            decided[case_id] = FollowUp(due_on, FollowUpStatus.BROKEN, broken_on)
    return {**decided, **open_}


def _remedies(cases: Sequence[CollectionCase], day: dt.date) -> dict[int, FollowUp]:
    """Per loan, the remedy to follow up (remedies belong to the loan: a broken one may be
    recorded on the case before the loan's current one).

    - approved, waiting for the borrower's signature → open, due on the signing deadline: the
      acceptance days after the approval, and before the new schedule's first due date;
    - broken (an instalment of the new schedule went unpaid) → broken on the day it was marked;
    - applied and kept → kept: collection pauses while the borrower keeps to it (no visit).
    A proposal still waiting for a checker is not the borrower's to sign yet.
    """
    accept = dt.timedelta(days=remedy_accept_days())
    local = zone()
    rows = RemedyProposal.objects.filter(
        loan_id__in={c.loan_id for c in cases},
        status__in=[RemedyStatus.APPROVED, RemedyStatus.APPLIED, RemedyStatus.BROKEN],
    ).order_by("loan_id", "created_at", "id")
    out: dict[int, FollowUp] = {}
    for proposal in rows:
        if proposal.status == RemedyStatus.APPROVED and proposal.decided_at is not None:
            deadline = proposal.decided_at.astimezone(local).date() + accept
            option = proposal.chosen
            if option and option.get("first_due"):
                first_due = dt.date.fromisoformat(str(option["first_due"]))
                deadline = min(deadline, first_due - dt.timedelta(days=1))
            out[proposal.loan_id] = FollowUp(deadline, FollowUpStatus.OPEN)
        elif proposal.status == RemedyStatus.BROKEN and proposal.tracked_on is not None:
            broken_on = min(proposal.tracked_on, day)
            out[proposal.loan_id] = FollowUp(proposal.tracked_on, FollowUpStatus.BROKEN, broken_on)
        elif proposal.status == RemedyStatus.APPLIED:
            # Kept so far: nothing falls due for a visit (the day is when it took effect).
            out[proposal.loan_id] = FollowUp(proposal.applied_on or day, FollowUpStatus.KEPT)
    return out


def _open_complaints(borrower_ids: Iterable[int], day: dt.date) -> set[int]:
    """Borrowers with a complaint received on or before ``day`` and not resolved, whether it
    names their case or a visit to it."""
    ids = list(borrower_ids)
    complaints = Complaint.objects.filter(status=ComplaintStatus.OPEN, received_on__lte=day)
    on_case = complaints.filter(case__loan__borrower_id__in=ids).values_list(
        "case__loan__borrower_id", flat=True
    )
    on_visit = complaints.filter(visit__case__loan__borrower_id__in=ids).values_list(
        "visit__case__loan__borrower_id", flat=True
    )
    return set(on_case) | set(on_visit)


def visit_requests(
    cases: Sequence[CollectionCase], day: dt.date, *, exclude_plan: int | None = None
) -> dict[int, VisitRequest]:
    """Per case, the borrower's latest request for a visit, if no visit met it yet.

    A request is a contact attempt marked "the borrower asked for a visit" or a visit report
    marked "asked us to come back", made in the :data:`REQUEST_LOOKBACK_DAYS` days up to the end
    of ``day``. It is met by a later visit: a visit attempt recorded after it, or a stop of an
    approved plan (other than ``exclude_plan``) on a later day (a stop of the same day was
    planned before the borrower asked). A visit attempt made at the borrower's request is the
    request and its visit at once: it asks for nothing more.
    """
    local = zone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=local)
    since = end - dt.timedelta(days=REQUEST_LOOKBACK_DAYS + 1)
    ids = [c.pk for c in cases]
    asked = ContactAttempt.objects.filter(
        case_id__in=ids, borrower_asked_visit=True, attempted_at__gte=since, attempted_at__lt=end
    ).exclude(channel=ContactChannel.VISIT)
    reports = VisitReport.objects.filter(
        visit__case_id__in=ids,
        borrower_asked_visit=True,
        submitted_at__gte=since,
        submitted_at__lt=end,
    )
    found: dict[int, VisitRequest] = {}
    rows = [
        (case_id, VisitRequest(at, RequestSource.CONTACT, pk, channel))
        for case_id, at, pk, channel in asked.values_list(
            "case_id", "attempted_at", "pk", "channel"
        )
    ]
    rows += [
        (case_id, VisitRequest(at, RequestSource.REPORT, pk, ContactChannel.VISIT.value))
        for case_id, at, pk in reports.values_list("visit__case_id", "submitted_at", "pk")
    ]
    for case_id, request in rows:
        if case_id not in found or request.at > found[case_id].at:
            found[case_id] = request
    if not found:
        return {}
    borrower_of = {c.pk: c.loan.borrower_id for c in cases}
    earliest = min(r.at for r in found.values())
    met: dict[int, list[dt.datetime]] = defaultdict(list)
    visited = ContactAttempt.objects.filter(
        borrower_id__in=[borrower_of[pk] for pk in found],
        channel=ContactChannel.VISIT,
        attempted_at__gt=earliest,
    ).values_list("borrower_id", "attempted_at")
    for borrower_id, moment in visited:
        met[borrower_id].append(moment)
    stops = PlanStop.objects.filter(
        case__loan__borrower_id__in=[borrower_of[pk] for pk in found],
        route__plan__status=PlanStatus.APPROVED,
        route__plan__date__gt=earliest.astimezone(local).date(),
    )
    if exclude_plan is not None:
        stops = stops.exclude(route__plan_id=exclude_plan)
    for borrower_id, plan_day in stops.values_list("case__loan__borrower_id", "route__plan__date"):
        # A later day's stop meets the request: count it as that day's first moment.
        met[borrower_id].append(dt.datetime.combine(plan_day, dt.time(0), tzinfo=local))
    return {
        case_id: request
        for case_id, request in found.items()
        if not any(moment > request.at for moment in met.get(borrower_of[case_id], []))
    }


def skills_on(
    member_ids: Iterable[int], day: dt.date, courses: dict[str, list[str]]
) -> tuple[dict[int, set[str]], dict[tuple[int, str], dt.date]]:
    """Per member, the certification names valid on ``day`` (passed on or before, expiring after);
    and, per (member, name), the latest expiry of a lapsed one, for the notes."""
    grants: dict[str, set[str]] = defaultdict(set)
    for name, codes in courses.items():
        for code in [*codes, name]:
            grants[code].add(name)
    valid: dict[int, set[str]] = {m: set() for m in member_ids}
    for agent_id, held_codes in certified_agents(day, list(valid)).items():
        for code in held_codes:
            valid[agent_id] |= grants.get(code, {code})
    lapsed: dict[tuple[int, str], dt.date] = {}
    rows = Certification.objects.filter(agent_id__in=list(valid), expires_on__lte=day).values_list(
        "agent_id", "course__code", "expires_on"
    )
    for agent_id, code, expires_on in rows:
        for name in grants.get(code, {code}):
            if expires_on > lapsed.get((agent_id, name), dt.date.min):
                lapsed[(agent_id, name)] = expires_on
    return valid, lapsed


def team_specs(
    branch_ids: Iterable[int],
    day: dt.date,
    strategy: VisitStrategy,
    courses: dict[str, list[str]],
    *,
    min_visitors: int = 2,
) -> list[TeamSpec]:
    """Every active team of these branches as the planner sees it on ``day``.

    Members are the team's active field agents, less any suspended that day (a serious
    complaint not yet cleared; the notes say so). The team's shift is the intersection of their
    shifts; its skills are the certifications **every** member holds on the day (expiry
    respected); it starts and ends at the branch, or at a member's home when its planning settings
    say so. A team is *unavailable* (given to the solver as no vehicle) with fewer than
    ``min_visitors`` members, a member without an agent profile, an empty shift, or skills that
    cover no purpose of the strategy; ``notes_*`` say why, naming each member's missing or lapsed
    certificate.
    """
    teams = list(
        Team.objects.filter(branch_id__in=list(branch_ids), active=True)
        .select_related("branch", "planning_settings")
        .order_by("branch_id", "code")
    )
    members_of: dict[int | None, list[User]] = defaultdict(list)
    members = (
        User.objects.filter(team__in=teams, is_active=True, role=Role.AGENT)
        .select_related("agent_profile")
        .order_by("pk")
    )
    for member in members:
        members_of[member.team_id].append(member)
    # A suspended agent (a serious complaint not yet cleared) is left out of the team that day.
    suspended = suspended_agents(day, [m.pk for m in members])
    valid, lapsed = skills_on([m.pk for m in members], day, courses)
    needed = {purpose: spec.required_certifications for purpose, spec in strategy.purposes.items()}
    all_needed = set().union(*needed.values())
    specs: list[TeamSpec] = []
    for team in teams:
        notes_zh: list[str] = []
        notes_en: list[str] = []
        people: list[User] = []
        for member in members_of.get(team.pk, []):
            if member.pk in suspended:
                since = suspended[member.pk].started_on
                notes_zh.append(f"{member}自 {since} 起停止外访（严重投诉，待主管解除）。")
                notes_en.append(f"{member} is suspended from field visits since {since}.")
            else:
                people.append(member)
        profiles = [getattr(m, "agent_profile", None) for m in people]
        skills = set(all_needed)
        for member in people:
            held = valid[member.pk]
            skills &= held
            for name in sorted(all_needed - held):
                expired = lapsed.get((member.pk, name))
                if expired:
                    notes_zh.append(f"{member}的「{name}」证书已于 {expired} 过期。")
                    notes_en.append(f"{member}'s {name} certificate expired on {expired}.")
                else:
                    notes_zh.append(f"{member}没有「{name}」证书。")
                    notes_en.append(f"{member} holds no {name} certificate.")
        if not people:
            skills = set()
        available = True
        if len(people) < min_visitors:
            available = False
            notes_zh.insert(0, f"只有 {len(people)} 名外访员，外访须至少 {min_visitors} 人。")
            notes_en.insert(
                0, f"Only {len(people)} field agent(s); a visit needs at least {min_visitors}."
            )
        missing_profile = [m for m, p in zip(people, profiles, strict=True) if p is None]
        for member in missing_profile:
            available = False
            notes_zh.append(f"{member}没有外访员资料（住址、班次）。")
            notes_en.append(f"{member} has no agent profile (home, shift).")
        shift = (0, 0)
        present = [p for p in profiles if p is not None]
        if people and not missing_profile:
            shift = (
                max(time_seconds(p.shift_start) for p in present),
                min(time_seconds(p.shift_end) for p in present),
            )
            if shift[0] >= shift[1]:
                available = False
                notes_zh.append("成员的班次没有重叠。")
                notes_en.append("The members' shifts do not overlap.")
        if not any(required <= skills for required in needed.values()):
            available = False
            notes_zh.append("全组共同持有的证书不足以承担任何外访目的，今日不安排外访。")
            notes_en.append(
                "The certificates every member holds cover no visit purpose: no visits today."
            )
        settings_row = getattr(team, "planning_settings", None)
        start = GeoPoint(team.branch.latitude, team.branch.longitude)
        label = team.branch.name
        if settings_row is not None and settings_row.depot == DepotChoice.MEMBER_HOME:
            home = next(
                (
                    p
                    for m, p in zip(people, profiles, strict=True)
                    if p is not None and m.pk == settings_row.depot_member_id
                ),
                None,
            )
            if home is not None:
                start = GeoPoint(home.home_latitude, home.home_longitude)
                label = str(home.user)
        speed = DEFAULT_SPEEDS_KMH.get(team.travel_mode, Decimal(30))
        lunch = None
        if settings_row is not None:
            if settings_row.speed_kmh:
                speed = Decimal(settings_row.speed_kmh)
            if settings_row.lunch_from and settings_row.lunch_until and settings_row.lunch_minutes:
                lunch = (
                    time_seconds(settings_row.lunch_from),
                    time_seconds(settings_row.lunch_until),
                    settings_row.lunch_minutes * 60,
                )
        specs.append(
            TeamSpec(
                team_id=team.pk,
                branch_id=team.branch_id,
                members=tuple(m.pk for m in people),
                member_skills={str(m.pk): tuple(sorted(valid[m.pk])) for m in people},
                skills=frozenset(skills),
                shift=shift,
                start=start,
                end=start,
                depot_label=label,
                travel_mode=team.travel_mode,
                speed_kmh=speed.quantize(Decimal("0.1")),
                max_visits=team.max_visits_per_day,
                lunch=lunch,
                available=available,
                notes_zh=" ".join(notes_zh),
                notes_en=" ".join(notes_en),
            )
        )
    return specs
