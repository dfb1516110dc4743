"""What the planner reads from the database, mapped once into the engines' frozen inputs.

* :func:`case_facts` — cases + latest snapshot + contact attempts + last visit → ``CaseFacts``;
* :func:`team_specs` — teams + members' profiles + valid certifications → ``TeamSpec``;
* :func:`prior_visits` — visits made or planned (approved plans), per borrower.

A few scoring facts have no source yet: promises, remedies, complaints and the borrower's request
for a visit arrive with the visits issue; until then they read as absent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

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
from fieldvisit.apps.organisation.models import Team
from fieldvisit.apps.planning.models import DepotChoice, PlanStatus, PlanStop
from fieldvisit.apps.planning.problem import DEFAULT_SPEEDS_KMH, TeamSpec, time_seconds, zone
from fieldvisit.apps.training.models import Certification
from fieldvisit.apps.training.selectors import certified_agents, suspended_agents
from fieldvisit.engines.routing import GeoPoint
from fieldvisit.engines.scoring import (
    CaseFacts,
    ContactResult,
    PreferredWindow,
    RemoteContact,
    VisitStrategy,
)

# Remote attempts older than this do not count for any default rule (14 days) or the outcome.
CONTACT_LOOKBACK_DAYS = 60
VISIT_LOOKBACK_DAYS = 400


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
    to ``day``. Nothing dated after ``day`` is read (the engine refuses facts from the future).
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
                vulnerable=case.vulnerable,
                hardship_hold=case.hardship_hold,
                legal_stage=case.status == CaseStatus.LEGAL,
                preferred_window=preferred,
            )
        )
    return out


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
