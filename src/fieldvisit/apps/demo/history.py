"""The demo's past: weeks of collections work replayed day by day through the real services.

A lender's demo with an empty history shows empty pages, and its planner plans nothing (the
strategy wants failed calls before a first visit). This module replays the weeks before the
business date as the organisation would have lived them, with the clock set to each moment
(:func:`fieldvisit.apps.common.clock.clock_replaying`), so that every record carries the time it
happened and passed the same rules as a live one:

* **Monday 08:30** — each branch manager assigns the new cases to the branch's teams and agents
  (``cases.case_assign``);
* **Monday to Saturday, 09:00–20:30** — the assigned agent calls or texts the borrower at a
  cadence set by the days past due (:data:`CADENCE`); ``cases.contact_attempt_record`` checks
  each attempt against the compliance rules (an attempt the rules refuse is not made);
* **the evening before a visit day (Tuesday, Thursday), 17:30** — each branch manager builds
  the branch's plan (``planning.plan_build``, PyVRP for :data:`PLAN_SECONDS`) and approves it
  (``planning.plan_approve``, which runs the compliance check of the whole plan);
* **the visit day** — each team checks in at the planned arrival near the address
  (``visits.visit_check_in``) and files the report (``visits.visit_report_submit``): outcome,
  causes, situation, income and spending, the product, a promise, a remedy asked for — drawn
  from the generator's hidden truth by :mod:`fieldvisit.apps.demo.recording`;
* **two days after a visit where a remedy was asked for** — the agent computes the options from
  the report's income and spending and proposes the affordable one nearest the request, the
  manager approves, the borrower accepts by phone and the new schedule is applied
  (``remedies.remedy_proposal_create`` … ``remedy_apply``, maker-checker as on the pages);
* **every night, 22:00** — the core system's payment file of the day (the book's payments dated
  that day, and those the visits set off) is imported (``apps.imports``): the book is imported
  up to the first replayed day only, so each day's work sees the money received so far;
* **Sunday and month-end nights, 23:30** — the nightly batch (``delinquency.snapshot_run``),
  whose hooks open and close cases, mark promises kept or broken and refresh analytics.

Draws are keyed by (seed, what, case, day), not taken from one stream, so the same seed gives
the same calls and the same reports; the only thing that can differ between machines is a route's
order where the time-limited solver stops at a different solution.

The visit effect. The generator's payments do not depend on visits (``fieldvisit.demo.behaviour``),
and its bytes for a seed stay as they are. The demo builds in one effect, on top of the book:
after a visit where the team talked with the borrower or their family, the borrower pays all
arrears and the next instalment 3–20 days later with a chance set by the hidden cause
(``recording.VISIT_EFFECT``: 45 % for weak money management, 20 % for a job loss, 0 for wilful
non-payment …). Those payments are written as the core system's daily payment file
(``payments-<day>.csv``, references ``DV<visit id>``) and imported (``apps.imports``) before
that night's batch, which then cures the case. Payments after the business date are not
booked. The size of the effect for a set of visited borrowers is
``recording.expected_visit_effect`` (about 10 points of 30-day cure on the demo's visits, whose
mix leans to business failures, over-indebtedness and wilful non-payment); a matched estimate
should find a positive effect of that order.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

import polars as pl

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import (
    CaseStatus,
    CollectionCase,
    ContactAttempt,
    ContactChannel,
    ContactTarget,
)
from fieldvisit.apps.common.clock import clock_replaying, local_zone
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.demo import recording
from fieldvisit.apps.loans.models import Installment, Payment
from fieldvisit.apps.organisation.models import Branch, Team
from fieldvisit.apps.visits.models import Visit

#: Weeks of daily work replayed before the business date. Sixteen weeks give the analytics
#: visits whose 30- and 60-day outcomes are known by the business date.
HISTORY_WEEKS = 16
#: Solver time per branch plan of a past day (seconds): a day of a few visits per team is solved
#: to optimality in milliseconds.
PLAN_SECONDS = 0.05
#: Visit days (Monday = 0); the plan is built and approved the evening before.
VISIT_WEEKDAYS = frozenset({1, 3})
#: No visits in the last days before the business date: the cases that became eligible since wait
#: for the business date's plan, so the demo's route of the day is a full one.
QUIET_DAYS_BEFORE = 7
#: Remote contact attempts a week and the share of them that are SMS, by days past due
#: (upper bound inclusive). The 61–90 stage pushes hardest: it decides who gets a first visit.
CADENCE: tuple[tuple[int, float, float], ...] = (
    (30, 0.7, 0.7),
    (60, 1.5, 0.3),
    (90, 3.0, 0.25),
    (10**6, 1.0, 0.4),
)
#: No calls while a promise or a remedy runs, on legal cases or during a hardship hold.
QUIET_STATUSES = frozenset(
    {
        CaseStatus.PROMISE_TO_PAY,
        CaseStatus.REMEDY_ACTIVE,
        CaseStatus.REMEDY_PROPOSED,
        CaseStatus.LEGAL,
    }
)
#: The engine's remedy kinds that answer what a borrower asked for (visits.Remedy), best first.
REMEDY_KINDS = {
    "deferral": ("payment_holiday", "term_extension"),
    "lower_instalment": ("term_extension", "rate_reduction", "catch_up"),
    "longer_term": ("term_extension", "catch_up"),
    "interest_waiver": ("waiver", "rate_reduction"),
    "settlement": ("settlement",),
}
#: Days from the visit to the review of the remedy asked for.
REMEDY_REVIEW_DAYS = 2
ASSIGN_AT = dt.time(8, 30)
PLAN_AT = dt.time(17, 30)
APPROVE_AT = dt.time(18, 0)
BATCH_AT = dt.time(23, 30)
#: The core system's payment file of the day is imported before the nightly batch.
PAYMENTS_AT = dt.time(22, 0)
#: Calls and SMS start between these local times (inside the 08:00–21:00 compliance window).
CALL_FROM, CALL_UNTIL = dt.time(9, 0), dt.time(20, 30)


@dataclass(frozen=True)
class Truth:
    """The generator's hidden state of one borrower (ground_truth file)."""

    cause: str
    pattern: str
    severity: float


@dataclass
class HistorySummary:
    start: dt.date
    end: dt.date
    batches: list[dt.date] = field(default_factory=list)
    contacts: int = 0
    contacts_blocked: int = 0
    plans_approved: int = 0
    plans_refused: int = 0
    visits: int = 0
    reports: int = 0
    promises: int = 0
    visit_payments: int = 0
    remedies_applied: int = 0
    remedies_not_applied: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))


def history_exists() -> bool:
    """Whether the database already holds collections work (the history is replayed once)."""
    return ContactAttempt.objects.exists() or Visit.objects.exists()


def truth_load(book_dir: Path) -> dict[str, Truth]:
    """The generator's ground truth by borrower number (Parquet, else CSV); empty when absent."""
    parquet, csv = book_dir / "ground_truth.parquet", book_dir / "ground_truth.csv"
    if parquet.exists():
        frame = pl.read_parquet(parquet)
    elif csv.exists():
        frame = pl.read_csv(csv, infer_schema_length=0)
    else:
        return {}
    return {
        number: Truth(cause, pattern, float(severity))
        for number, cause, pattern, severity in frame.select(
            "borrower_number", "cause", "pattern", pl.col("severity").cast(pl.Float64)
        ).iter_rows()
    }


def history_days(as_of: dt.date, weeks: int = HISTORY_WEEKS) -> tuple[dt.date, dt.date]:
    """The replayed days: from the Monday ``weeks`` weeks before ``as_of`` to the day before."""
    start = as_of - dt.timedelta(days=7 * weeks)
    start -= dt.timedelta(days=start.weekday())
    return start, as_of - dt.timedelta(days=1)


def history_simulate(
    *,
    as_of: dt.date,
    seed: int,
    truth: dict[str, Truth],
    batch_days: Iterable[dt.date] = (),
    weeks: int = HISTORY_WEEKS,
    payments_dir: Path,
    book_payments: pl.DataFrame | None = None,
    say: Callable[[str], None] = lambda _line: None,
) -> HistorySummary:
    """Replay the weeks before ``as_of`` (module docstring) and the nightly batches in between.

    ``batch_days``: extra batch days (the month ends); those before the replayed weeks run first,
    in date order. Batches already stored are not run again. ``book_payments``: the book's
    payments dated from the first replayed day on (``payment_reference``, ``loan_number``,
    ``paid_on``, ``amount``, ``method``), not imported yet: they arrive day by day, in the
    core system's daily payment file (written to ``payments_dir`` and imported at 22:00 with
    the visits' payments), so that each day's work sees only the money received so far.
    Returns what was recorded.
    """
    from fieldvisit.apps.delinquency.models import SnapshotRun, SnapshotRunStatus

    start, end = history_days(as_of, weeks)
    extra = {d for d in batch_days if d < as_of}
    batches = extra | {d for d in _dates(start, end) if d.weekday() == 6}
    done = set(
        SnapshotRun.objects.filter(status=SnapshotRunStatus.DONE).values_list("as_of", flat=True)
    )
    summary = HistorySummary(start=start, end=end)
    sim = _Simulation(
        seed=seed,
        truth=truth,
        summary=summary,
        payments_dir=payments_dir,
        book_payments=book_payments,
    )
    first = min([start, *extra])
    for day in _dates(first, end):
        if day >= start:
            sim.day(day)
        if day in batches and day not in done:
            sim.batch(day)
            summary.batches.append(day)
        if day >= start and day.weekday() == 6:
            say(
                f"history to {day}: {summary.contacts:,} calls and SMS, "
                f"{summary.reports:,} visit reports"
            )
    # The business date's own payments come in before its batch.
    sim.book_due(as_of)
    return summary


def _dates(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=local_zone())


class _Simulation:
    """The organisation's people and the day-by-day steps (see the module docstring)."""

    def __init__(
        self,
        *,
        seed: int,
        truth: dict[str, Truth],
        summary: HistorySummary,
        payments_dir: Path,
        book_payments: pl.DataFrame | None,
    ) -> None:
        self.seed = seed
        self.payments_dir = payments_dir
        # (paid on, loan number, amount, reference, method) of payments not booked yet: the
        # book's, and those the visits set off
        self.pending: list[tuple[dt.date, str, Decimal, str, str]] = []
        # the book's payments to come, per loan number: what the borrower will do
        self.future: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        if book_payments is not None:
            for reference, loan_no, paid_on, amount, method in book_payments.select(
                "payment_reference",
                "loan_number",
                "paid_on",
                pl.col("amount").cast(pl.String),
                pl.col("method").cast(pl.String).fill_null(""),
            ).iter_rows():
                self.pending.append((paid_on, loan_no, Decimal(amount), reference, method))
                self.future[loan_no].append((paid_on, Decimal(amount)))
            for payments in self.future.values():
                payments.sort()
        # (review day, report id, maker id) of the remedies asked for in visits
        self.reviews: list[tuple[dt.date, int, int]] = []
        self.truth = truth
        self.summary = summary
        self.last_visit_day = summary.end - dt.timedelta(days=QUIET_DAYS_BEFORE - 1)
        self.branches = list(Branch.objects.order_by("code"))
        self.managers = {
            b.pk: User.objects.filter(role=Role.MANAGER, branch=b, is_active=True)
            .order_by("pk")
            .first()
            for b in self.branches
        }
        self.teams: dict[int, list[tuple[Team, list[User]]]] = defaultdict(list)
        for team in Team.objects.filter(active=True).order_by("code"):
            members = list(
                User.objects.filter(team=team, role=Role.AGENT, is_active=True).order_by("pk")
            )
            if members:
                self.teams[team.branch_id].append((team, members))

    def rng(self, *key: object) -> random.Random:
        """A generator keyed by what is drawn, so draws do not depend on the order of events."""
        return random.Random(":".join(str(k) for k in (self.seed, *key)))

    # ------------------------------------------------------------------ the day's steps

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.summary.seconds[step] += time.perf_counter() - started

    def day(self, day: dt.date) -> None:
        if day.weekday() == 0 or day == self.summary.start:
            with self.timed("assign"):
                self.assign(day)
        visited: set[int] = set()
        if day.weekday() in VISIT_WEEKDAYS:
            with self.timed("visit"):
                visited = self.visit(day)
        if day.weekday() != 6:
            with self.timed("remedy"):
                self.review_remedies(day)
            with self.timed("contact"):
                self.contact(day, visited)
        tomorrow = day + dt.timedelta(days=1)
        if tomorrow.weekday() in VISIT_WEEKDAYS and tomorrow <= self.last_visit_day:
            with self.timed("plan"):
                self.plan(tomorrow)
        self.book_due(day)

    def batch(self, day: dt.date) -> None:
        from fieldvisit.apps.delinquency.services import snapshot_run

        self.book_due(day)
        with self.timed("batch"), clock_replaying(_at(day, BATCH_AT)):
            snapshot_run(day)

    def book_due(self, day: dt.date) -> None:
        """Book the payments received up to ``day`` (the day's payment file)."""
        due = sorted(p for p in self.pending if p[0] <= day)
        if due:
            with self.timed("payments"), clock_replaying(_at(day, PAYMENTS_AT)):
                self.book(day, due)
            self.pending = [p for p in self.pending if p[0] > day]

    def book(self, day: dt.date, payments: list[tuple[dt.date, str, Decimal, str, str]]) -> None:
        """Import the payments up to ``day`` as the core system's payment file of the day."""
        from fieldvisit.apps.imports.models import ImportSource
        from fieldvisit.apps.imports.services import (
            import_job_create,
            import_job_run,
            import_sources_from_path,
        )

        self.payments_dir.mkdir(parents=True, exist_ok=True)
        path = self.payments_dir / f"payments-{day.isoformat()}.csv"
        pl.DataFrame(
            {
                "payment_reference": [p[3] for p in payments],
                "loan_number": [p[1] for p in payments],
                "paid_on": [p[0] for p in payments],
                "amount": [f"{p[2]:.2f}" for p in payments],
                "method": [p[4] for p in payments],
            }
        ).write_csv(path)
        job = import_job_run(
            job=import_job_create(source=ImportSource.CLI),
            sources=import_sources_from_path(path, kind="payments"),
        )
        if job.error_count:
            raise ApplicationError(
                f"the demo's payments of {day} did not import: {job.error_count} row errors"
            )

    def assign(self, day: dt.date) -> None:
        """Each manager shares the branch's unassigned open cases out to teams and agents."""
        from fieldvisit.apps.cases.services import case_assign

        with clock_replaying(_at(day, ASSIGN_AT)):
            for branch in self.branches:
                manager, teams = self.managers[branch.pk], self.teams.get(branch.pk)
                if manager is None or not teams:
                    continue
                unassigned = list(
                    CollectionCase.objects.filter(
                        branch=branch, closed_on__isnull=True, agent__isnull=True
                    )
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                groups: dict[tuple[int, int], list[int]] = defaultdict(list)
                for index, case_id in enumerate(unassigned):
                    team_index = index % len(teams)
                    members = teams[team_index][1]
                    groups[(team_index, (index // len(teams)) % len(members))].append(case_id)
                for (team_index, member_index), case_ids in sorted(groups.items()):
                    team, members = teams[team_index]
                    case_assign(
                        actor=manager,
                        case_ids=case_ids,
                        team=team,
                        agent=members[member_index],
                        reason="每周分案 / weekly allocation",
                    )

    def contact(self, day: dt.date, visited: set[int]) -> None:
        """The day's calls and SMS, in time order, each checked by the compliance rules."""
        from fieldvisit.apps.cases.services import ComplianceBlocked, contact_attempt_record

        planned: list[tuple[dt.datetime, int, CollectionCase, recording.Call]] = []
        cases = (
            CollectionCase.objects.filter(closed_on__isnull=True, agent__isnull=False)
            .exclude(status__in=sorted(QUIET_STATUSES))
            .exclude(hardship_hold=True)
            .select_related("loan__borrower", "agent")
            .order_by("pk")
        )
        for case in cases:
            if case.pk in visited:
                continue
            rng = self.rng("contact", case.pk, day)
            dpd = case.dpd + (day - case.snapshot_as_of).days
            per_week, sms_share = next((w, s) for top, w, s in CADENCE if dpd <= top)
            if rng.random() >= per_week / 6:
                continue
            cause = self._truth(case).cause
            if rng.random() < sms_share:
                call = recording.Call(ContactChannel.SMS, "message_sent")
            else:
                call = recording.draw_call(rng, cause)
            minutes = rng.randrange(_minutes(CALL_FROM), _minutes(CALL_UNTIL))
            at = _at(day, dt.time(minutes // 60, minutes % 60))
            planned.append((at, case.pk, case, call))
        for at, _pk, case, call in sorted(planned, key=lambda p: (p[0], p[1])):
            with clock_replaying(at + dt.timedelta(minutes=2)):
                try:
                    contact_attempt_record(
                        case=case,
                        user=case.agent,
                        channel=call.channel,
                        target=ContactTarget.BORROWER,
                        outcome=call.outcome,
                        attempted_at=at,
                    )
                except ComplianceBlocked:
                    self.summary.contacts_blocked += 1
                    continue
            self.summary.contacts += 1

    def plan(self, visit_day: dt.date) -> None:
        """Each branch manager builds and approves tomorrow's plan the evening before."""
        from fieldvisit.apps.planning.services import plan_approve, plan_build

        eve = visit_day - dt.timedelta(days=1)
        for branch in self.branches:
            manager = self.managers[branch.pk]
            if manager is None or not self.teams.get(branch.pk):
                continue
            with clock_replaying(_at(eve, PLAN_AT)):
                plan = plan_build(date=visit_day, branch=branch, seconds=PLAN_SECONDS, user=manager)
            if not plan.visits_planned:
                continue
            with clock_replaying(_at(eve, APPROVE_AT)):
                try:
                    plan_approve(plan=plan, user=manager)
                except ApplicationError:
                    self.summary.plans_refused += 1
                    continue
            self.summary.plans_approved += 1

    def visit(self, day: dt.date) -> set[int]:
        """The approved stops of ``day``: check in near the address, file the report."""
        from fieldvisit.apps.planning.models import PlanStatus, PlanStop
        from fieldvisit.apps.visits.services import visit_from_plan_stop

        stops = (
            PlanStop.objects.filter(route__plan__date=day, route__plan__status=PlanStatus.APPROVED)
            .select_related("case__loan__borrower", "route")
            .order_by("arrival", "pk")
        )
        visited: set[int] = set()
        for stop in stops:
            with clock_replaying(_at(day, dt.time(7, 30))):
                visit = visit_from_plan_stop(stop=stop)
            members = list(stop.route.members.order_by("pk"))
            if not members:
                continue
            self._visit(visit, stop, members[0])
            visited.add(stop.case_id)
        return visited

    def _visit(self, visit: Visit, stop: Any, agent: User) -> None:
        from fieldvisit.apps.visits.inputs import ReportInput
        from fieldvisit.apps.visits.services import Position, visit_check_in, visit_report_submit

        case = stop.case
        day = stop.arrival.astimezone(local_zone()).date()
        rng = self.rng("visit", case.pk, day)
        distance, accuracy, reason = recording.check_in_offset(rng)
        latitude, longitude = _offset(rng, stop.latitude, stop.longitude, distance)
        with clock_replaying(stop.arrival):
            visit_check_in(
                visit=visit,
                user=agent,
                position=Position(latitude, longitude, accuracy),
                reason=reason,
            )
        self.summary.visits += 1
        person = self._person(case)
        outcome = recording.draw_outcome(self.rng("outcome", case.pk, day), person.cause)
        loan_no = case.loan.loan_no
        payments = [p for p in self.future.get(loan_no, []) if p[0] > day][:10]
        pays_in = recording.visit_pays(self.rng("effect", case.pk, day), person.cause, outcome)
        if pays_in is not None:
            paid_on = day + dt.timedelta(days=pays_in)
            amount = self._clearing_amount(case, day, paid_on)
            # Payments after the business date have not happened yet: they are not booked.
            if paid_on <= self.summary.end:
                reference = f"DV{visit.pk:08d}"
                self.pending.append((paid_on, loan_no, amount, reference, "bank_transfer"))
                self.summary.visit_payments += 1
            payments = sorted([*payments, (paid_on, amount)])
        form = recording.draw_report(
            rng,
            person,
            outcome=outcome,
            visit_date=day,
            dpd=case.dpd,
            instalment=self._instalment(case.loan_id),
            total_due=Decimal(case.amount_due),
            payments_after=payments,
        )
        form["client_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        finished = stop.end + dt.timedelta(minutes=rng.randint(0, 10))
        with clock_replaying(finished):
            checked = ReportInput(data=form)
            if not checked.is_valid():
                raise ApplicationError(f"demo history drew an invalid report: {checked.errors}")
            data = checked.to_service()
            submitted = visit_report_submit(
                visit=visit,
                user=agent,
                client_id=data["client_id"],
                fields=data["fields"],
                amounts=data["amounts"],
            )
        self.summary.reports += 1
        report = submitted.report
        if report.promise_amount is not None:
            self.summary.promises += 1
        if report.next_step == "remedy_review":
            review = day + dt.timedelta(days=REMEDY_REVIEW_DAYS)
            self.reviews.append((review, report.pk, agent.pk))

    def review_remedies(self, day: dt.date) -> None:
        """The remedies asked for in visits two days ago, through maker-checker to a new schedule.

        The visiting agent computes the options from the report's income and spending (as of
        yesterday) and proposes the affordable one closest to what the borrower asked for; the
        branch manager approves; the borrower accepts by phone (recorded) and the manager puts
        it in force the same day. A case the table cannot move, a loan with payments after the
        proposal's date (the options would be stale) or without an affordable option keeps its
        course (the draft is withdrawn).
        """
        due = [r for r in self.reviews if r[0] <= day]
        self.reviews = [r for r in self.reviews if r[0] > day]
        for _day, report_id, maker_id in due:
            if self._remedy(day, report_id, maker_id):
                self.summary.remedies_applied += 1
            else:
                self.summary.remedies_not_applied += 1

    def _remedy(self, day: dt.date, report_id: int, maker_id: int) -> bool:
        from fieldvisit.apps.cases.transitions import is_allowed
        from fieldvisit.apps.remedies.engine_io import affordability_from_report
        from fieldvisit.apps.remedies.models import AcceptanceChannel
        from fieldvisit.apps.remedies.services import (
            remedy_accept,
            remedy_apply,
            remedy_approve,
            remedy_proposal_create,
            remedy_propose,
            remedy_withdraw,
        )
        from fieldvisit.apps.visits.models import VisitReport

        report = VisitReport.objects.select_related("visit__case__loan").get(pk=report_id)
        case = CollectionCase.objects.select_related("loan").get(pk=report.visit.case_id)
        as_of = day - dt.timedelta(days=1)
        booked_later = Payment.objects.filter(loan_id=case.loan_id, paid_on__gt=as_of).exists()
        # A payment the visit set off is on its way: the options would be stale when it lands.
        pending_later = any(
            p[1] == case.loan.loan_no and p[3].startswith("DV") for p in self.pending
        )
        if (
            not case.is_open
            or not is_allowed(case.status, CaseStatus.REMEDY_PROPOSED)
            or booked_later
            or pending_later
        ):
            return False
        maker = User.objects.get(pk=maker_id)
        checker = self.managers.get(case.branch_id)
        if checker is None:
            return False
        wanted = REMEDY_KINDS.get(report.remedy_requested, ())
        try:
            with clock_replaying(_at(day, dt.time(10, 0))):
                proposal = remedy_proposal_create(
                    case=case,
                    user=maker,
                    as_of=as_of,
                    affordability=affordability_from_report(report),
                    report=report,
                )
                eligible = [o for o in proposal.options if o["affordable"] and o["within_cap"]]
                eligible.sort(
                    key=lambda o: (
                        wanted.index(o["key"].split(":")[0])
                        if o["key"].split(":")[0] in wanted
                        else len(wanted)
                    )
                )
                if not eligible:
                    remedy_withdraw(
                        proposal=proposal,
                        user=maker,
                        reason="无可负担的方案 / no affordable option",
                    )
                    return False
                remedy_propose(proposal=proposal, user=maker, option_key=eligible[0]["key"])
            with clock_replaying(_at(day, dt.time(15, 0))):
                remedy_approve(proposal=proposal, user=checker)
            with clock_replaying(_at(day, dt.time(17, 0))):
                remedy_accept(
                    proposal=proposal,
                    user=maker,
                    accepted_on=day,
                    channel=AcceptanceChannel.PHONE,
                )
            with clock_replaying(_at(day, dt.time(17, 30))):
                remedy_apply(proposal=proposal, user=checker, on=day)
        except ApplicationError:  # refused, or no option at all for this loan (near its end, say)
            return False
        return True

    # ------------------------------------------------------------------ what the demo knows

    def _truth(self, case: CollectionCase) -> Truth:
        return self.truth.get(case.loan.borrower.borrower_no, Truth("none", "none", 0.0))

    def _person(self, case: CollectionCase) -> recording.Borrower:
        truth = self._truth(case)
        borrower = case.loan.borrower
        return recording.Borrower(
            cause=truth.cause,
            severity=truth.severity,
            employment_type=borrower.employment_type,
            income_band=borrower.income_band,
        )

    def _clearing_amount(self, case: CollectionCase, day: dt.date, paid_on: dt.date) -> Decimal:
        """Enough to clear the arrears on ``paid_on`` and the instalments of the month after:
        the last snapshot's total due, the instalments due since, 3 % for the penalty accrued
        meanwhile, rounded up to the yuan. Any excess is a prepayment of the next instalments."""
        from fieldvisit.apps.delinquency.models import DelinquencySnapshot

        snapshot = (
            DelinquencySnapshot.objects.filter(loan_id=case.loan_id, as_of__lte=day)
            .order_by("-as_of")
            .values_list("as_of", "total_due")
            .first()
        )
        since, due = snapshot if snapshot else (case.snapshot_as_of, case.amount_due)
        upcoming = sum(
            (
                principal + interest
                for principal, interest in Installment.objects.filter(
                    loan_id=case.loan_id,
                    version=case.loan.schedule_version,
                    due_date__gt=since,
                    due_date__lte=paid_on + dt.timedelta(days=31),
                ).values_list("principal", "interest")
            ),
            Decimal(0),
        )
        return ((Decimal(due) + upcoming) * Decimal("1.03")).to_integral_value(ROUND_CEILING)

    def _instalment(self, loan_id: int) -> Decimal:
        row = (
            Installment.objects.filter(loan_id=loan_id)
            .order_by("-version", "number")
            .values_list("principal", "interest")
            .first()
        )
        return Decimal(row[0] + row[1]) if row else Decimal(0)


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _offset(
    rng: random.Random, latitude: float, longitude: float, metres: float
) -> tuple[float, float]:
    """A point ``metres`` from (latitude, longitude) in a random direction (small distances)."""
    import math

    bearing = rng.uniform(0, 2 * math.pi)
    north, east = metres * math.cos(bearing), metres * math.sin(bearing)
    return (
        latitude + north / 111_320,
        longitude + east / (111_320 * math.cos(math.radians(latitude))),
    )
