"""Seed a dedicated PostgreSQL database with a year of analytics history, by COPY (benchmark).

What it writes, for ``n`` loans (8 products, 10 branches with 5 teams of 4 agents, 10
districts), over the 13 month ends ``END − 12 months … END``:

* borrowers and loans (no schedules: the dashboards never read them);
* the delinquency snapshot *as the nightly batch stores it*: every loan at each month end, and
  on every other day the loans delinquent then (a monthly Markov chain of buckets; DPD grows by
  a day a day between month ends) — about 13 × n + 0.08 × 352 × n rows;
* ``SnapshotRun`` rows (month ends are full writes);
* a case per delinquency spell (opened when the loan turns delinquent, closed cured when it is
  back in M0), visits to 10 % of open cases a month (two agents each, a check-in, a report with
  causes and the borrower's words, a promise for 30 %), remedies for 1 %.

QA reviews, plans and contact attempts are not seeded: the dashboards read them per month and
they are small. Refuses a database holding loans it did not create.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid
from collections.abc import Callable

import numpy as np
import polars as pl
from django.db import connection, models, transaction

from fieldvisit.apps.delinquency.models import DelinquencySnapshot, SnapshotRun
from fieldvisit.apps.delinquency.synthetic_load import NotABenchDatabase, _with_defaults

PREFIX = "AB"
END = dt.date(2025, 6, 30)
PRODUCTS = 8
BRANCHES = 10
TEAMS_PER_BRANCH = 5
AGENTS_PER_TEAM = 4
DISTRICTS = (
    "福田区",
    "罗湖区",
    "南山区",
    "盐田区",
    "宝安区",
    "龙岗区",
    "龙华区",
    "坪山区",
    "光明区",
    "大鹏新区",
)
BUCKET_NAMES = ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+")
PURPOSES = ("first_contact", "hardship_assessment", "promise_follow_up", "remedy_signing")
CAUSES = ("job_loss", "illness", "business_failure", "over_indebted", "money_management", "missold")
UNDERSTOOD = ("yes", "partly", "no")
PROMISES = ("kept", "broken", "open")
WORDS = (
    "我失业了，三月份以后没有工资收入",
    "生病住院，家里开销很大",
    "利率没有说清楚，以为是免息",
    "生意不好，店铺关门了",
    "下个月发工资就还",
    "The rate was never explained to me.",
)


def month_ends(end: dt.date = END, months: int = 13) -> list[dt.date]:
    ends = [end]
    while len(ends) < months:
        ends.append(ends[-1].replace(day=1) - dt.timedelta(days=1))
    return sorted(ends)


def bench_loans() -> int:
    """Loans in the database, after checking they are all this benchmark's."""
    from fieldvisit.apps.loans.models import Loan

    foreign = Loan.objects.exclude(loan_no__startswith=PREFIX).count()
    if foreign:
        raise NotABenchDatabase(
            f"the database holds {foreign} loans the benchmark did not create; "
            "point DATABASE_URL at a dedicated database"
        )
    return Loan.objects.count()


def _dpd_of(bucket: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.where(bucket == 0, 0, (bucket - 1) * 30 + rng.integers(1, 31, bucket.size))
    return np.where(bucket >= 7, 181 + rng.integers(0, 200, bucket.size), base)


def _classification(dpd: np.ndarray) -> np.ndarray:
    codes = np.searchsorted(np.array([0, 90, 270, 360]), dpd, side="left")
    return np.array(["normal", "special_mention", "substandard", "doubtful", "loss"])[codes]


def _chain(n: int, rng: np.random.Generator, months: int) -> np.ndarray:
    """Bucket codes (0 … 7) per month end and loan: a monthly Markov chain."""
    state = np.where(rng.random(n) < 0.93, 0, rng.integers(1, 8, n))
    states = [state]
    for _ in range(months - 1):
        u = rng.random(n)
        cure = np.where(state >= 7, 0.02, 0.28)
        nxt = np.where(
            state == 0,
            np.where(u < 0.03, 1, 0),
            np.where(u < cure, 0, np.where(u < cure + 0.22, state, np.minimum(state + 1, 7))),
        )
        state = nxt
        states.append(state)
    return np.stack(states)


def seed(n: int, *, seed: int = 0, daily: bool = True, log: Callable[[str], None] = print) -> None:
    """Empty the tables and write the whole history (see the module docstring)."""
    from fieldvisit.apps.accounts.models import User
    from fieldvisit.apps.accounts.roles import Role
    from fieldvisit.apps.cases.models import CollectionCase
    from fieldvisit.apps.loans.models import Borrower, Loan, Product
    from fieldvisit.apps.organisation.models import Branch, Team
    from fieldvisit.apps.visits.models import CheckIn, PromiseToPay, Visit, VisitReport

    if connection.vendor != "postgresql":
        raise NotABenchDatabase("the analytics benchmark needs PostgreSQL (DATABASE_URL)")
    bench_loans()
    rng = np.random.default_rng(seed)
    started = time.perf_counter()

    def step(what: str) -> None:
        log(f"{what} ({time.perf_counter() - started:.0f} s)")

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE loans_borrower, loans_loan, loans_product, delinquency_delinquencysnapshot, "
            "delinquency_snapshotrun, cases_collectioncase, visits_visit, visits_visitreport, "
            "visits_checkin, visits_promisetopay, analytics_portfoliomonth, analytics_rollmonth, "
            "analytics_vintagemonth, analytics_effectcell, organisation_team, "
            "organisation_branch, remedies_remedyproposal RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'ab-%%'")
    stamp = dt.datetime(2025, 7, 1, tzinfo=dt.UTC).isoformat()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        branches = Branch.objects.bulk_create(
            Branch(
                code=f"AB{b}",
                name=f"基准分行{b}",
                district=DISTRICTS[b % len(DISTRICTS)],
                latitude=22.5,
                longitude=114.0,
            )
            for b in range(BRANCHES)
        )
        teams = Team.objects.bulk_create(
            Team(code=f"AB{b}-{t}", name=f"基准{b}-{t}组", branch=branches[b])
            for b in range(BRANCHES)
            for t in range(TEAMS_PER_BRANCH)
        )
        agents = User.objects.bulk_create(
            User(
                username=f"ab-{team.code}-{a}",
                display_name=f"外访{team.code}-{a}",
                role=Role.AGENT,
                team=team,
                branch=team.branch,
                password="!",  # noqa: S106 - unusable
            )
            for team in teams
            for a in range(AGENTS_PER_TEAM)
        )
        products = Product.objects.bulk_create(
            Product(code=f"AB{p}", name=f"基准贷{p}", method="equal_installment")
            for p in range(PRODUCTS)
        )
        n_borrowers = max(1, int(n * 0.93))
        district_of_borrower = rng.integers(0, len(DISTRICTS), n_borrowers)
        _copy(
            Borrower,
            pl.DataFrame(
                {
                    "id": np.arange(1, n_borrowers + 1),
                    "home_district": np.array(DISTRICTS)[district_of_borrower],
                }
            ).select(
                "id",
                pl.lit(stamp).alias("created_at"),
                pl.lit(stamp).alias("updated_at"),
                pl.format("ABB{}", "id").alias("borrower_no"),
                pl.lit("基准").alias("name"),
                pl.format("AB{}", "id").alias("id_number"),
                pl.lit("13900000000").alias("phone"),
                pl.lit("M").alias("gender"),
                pl.lit("1990-01-01").alias("birth_date"),
                "home_district",
                pl.lit("深南大道").alias("home_address"),
                pl.lit("salaried").alias("employment_type"),
                pl.Series(
                    "income_band",
                    np.array(["lt_5k", "5k_10k", "10k_20k", "20k_50k"])[
                        rng.integers(0, 4, n_borrowers)
                    ],
                ),
            ),
        )
        step(f"borrowers {n_borrowers:,}")
        loan_ids = np.arange(1, n + 1)
        borrower = np.concatenate(
            [np.arange(1, n_borrowers + 1), rng.integers(1, n_borrowers + 1, n - n_borrowers)]
        )
        product = np.array([p.pk for p in products])[rng.integers(0, PRODUCTS, n)]
        loan_district = district_of_borrower[borrower - 1]
        branch = np.array([b.pk for b in branches])[loan_district % BRANCHES]
        disbursed = (
            np.datetime64(END) - rng.integers(30, 36 * 30, n).astype("timedelta64[D]")
        ).astype("datetime64[D]")
        principal = rng.integers(5_000, 200_000, n)
        _copy(
            Loan,
            pl.DataFrame(
                {
                    "id": loan_ids,
                    "borrower_id": borrower,
                    "product_id": product,
                    "branch_id": branch,
                    "principal": principal,
                    "disbursed_on": disbursed,
                }
            ).select(
                "id",
                pl.lit(stamp).alias("created_at"),
                pl.lit(stamp).alias("updated_at"),
                pl.format("AB{}", "id").alias("loan_no"),
                "borrower_id",
                "product_id",
                "branch_id",
                pl.col("principal").cast(pl.String),
                pl.lit("0.12").alias("annual_rate"),
                pl.lit(24).alias("term_months"),
                pl.lit("equal_installment").alias("method"),
                "disbursed_on",
                (pl.col("disbursed_on") + pl.duration(days=30)).alias("first_due_date"),
                pl.Series(
                    "sales_channel",
                    np.array(["branch", "online", "agent", "partner"])[rng.integers(0, 4, n)],
                ),
                pl.lit("active").alias("status"),
                pl.lit(1).alias("schedule_version"),
            ),
        )
        step(f"loans {n:,}")

        ends = month_ends()
        buckets = _chain(n, rng, len(ends))
        money_rows = rng.integers(200_00, 5_000_00, n)  # an instalment, in cents
        runs = []
        for m, day in enumerate(ends):
            dpd = _dpd_of(buckets[m], rng)
            _copy_snapshot(day, loan_ids, dpd, principal, money_rows)
            runs.append(SnapshotRun(as_of=day, status="done", full_write=True, loans_assessed=n))
            if daily and m + 1 < len(ends):
                late = np.flatnonzero(dpd > 0)
                for k in range(1, (ends[m + 1] - day).days):
                    other = day + dt.timedelta(days=k)
                    _copy_snapshot(
                        other, loan_ids[late], dpd[late] + k, principal[late], money_rows[late]
                    )
                    runs.append(SnapshotRun(as_of=other, status="done", loans_assessed=n))
            step(f"snapshot {day}")
        SnapshotRun.objects.bulk_create(runs)

        # Cases: one per spell of delinquency at month ends.
        case_rows: list[list[object]] = []
        visits_rows = []
        case_id = 0
        open_case = np.zeros(n, dtype=np.int64)
        for m, day in enumerate(ends):
            state = buckets[m]
            opening = np.flatnonzero((state > 0) & (open_case == 0))
            closing = np.flatnonzero((state == 0) & (open_case > 0))
            for idx in closing:
                case_rows[open_case[idx] - 1][5] = day
                case_rows[open_case[idx] - 1][4] = "cured"
            open_case[closing] = 0
            for idx in opening:
                case_id += 1
                open_case[idx] = case_id
                case_rows.append(
                    [case_id, idx + 1, branch[idx], DISTRICTS[loan_district[idx]], "new", None, day]
                )
            if m + 1 < len(ends):
                open_ids = open_case[open_case > 0]
                chosen = open_ids[rng.random(open_ids.size) < 0.10]
                for cid in chosen:
                    visits_rows.append((cid, day + dt.timedelta(days=int(rng.integers(1, 31)))))
        cases = pl.DataFrame(
            case_rows,
            schema=["id", "loan_id", "branch_id", "district", "status", "closed_on", "opened_on"],
            orient="row",
        )
        _copy(
            CollectionCase,
            cases.select(
                "id",
                pl.lit(stamp).alias("created_at"),
                pl.lit(stamp).alias("updated_at"),
                "loan_id",
                "branch_id",
                "status",
                "opened_on",
                "closed_on",
                pl.col("opened_on").alias("snapshot_as_of"),
                "district",
            ),
        )
        step(f"cases {cases.height:,}")

        nv = len(visits_rows)
        visit_case = np.array([v[0] for v in visits_rows], dtype=np.int64)
        visit_day = np.array([v[1] for v in visits_rows], dtype="datetime64[D]")
        case_branch = cases["branch_id"].to_numpy()[visit_case - 1]
        branch_index = {b.pk: k for k, b in enumerate(branches)}
        team_k = np.array([branch_index[b] for b in case_branch]) * TEAMS_PER_BRANCH + (
            rng.integers(0, TEAMS_PER_BRANCH, nv)
        )
        team_ids = np.array([t.pk for t in teams])[team_k]
        # 01:00–11:00 UTC: 09:00–19:00 in Shenzhen, inside the allowed hours.
        at = pl.Series(
            visit_day.astype("datetime64[ms]")
            + np.timedelta64(3600, "s").astype("timedelta64[ms]")
            + (rng.integers(0, 10 * 3600, nv) * 1000).astype("timedelta64[ms]")
        )
        at_text = at.dt.replace_time_zone("UTC").dt.to_string("%Y-%m-%dT%H:%M:%S+00:00")
        visit_ids = np.arange(1, nv + 1)
        _copy(
            Visit,
            pl.DataFrame(
                {
                    "id": visit_ids,
                    "case_id": visit_case,
                    "team_id": team_ids,
                    "date": visit_day,
                    "travel_metres": rng.integers(500, 15_000, nv),
                }
            ).select(
                "id",
                pl.lit(stamp).alias("created_at"),
                pl.lit(stamp).alias("updated_at"),
                "case_id",
                "team_id",
                "date",
                at_text.alias("window_start"),
                at_text.alias("window_end"),
                pl.lit(22.5).alias("latitude"),
                pl.lit(114.0).alias("longitude"),
                "travel_metres",
                pl.Series("purpose", np.array(PURPOSES)[rng.integers(0, len(PURPOSES), nv)]),
                pl.lit("reported").alias("status"),
            ),
        )
        agent_ids = np.array([a.pk for a in agents]).reshape(len(teams), AGENTS_PER_TEAM)
        first = agent_ids[team_k, 0]
        second = agent_ids[team_k, 1]
        _copy(
            Visit.agents.through,
            pl.DataFrame(
                {
                    "visit_id": np.concatenate([visit_ids, visit_ids]),
                    "user_id": np.concatenate([first, second]),
                }
            ),
        )
        _copy(
            CheckIn,
            pl.DataFrame({"id": visit_ids, "visit_id": visit_ids, "user_id": first}).with_columns(
                at_text.alias("at")
            ),
        )
        outcomes = np.where(rng.random(nv) < 0.7, "met_borrower", "nobody_home")
        cause = np.array(CAUSES)[rng.integers(0, len(CAUSES), nv)]
        _copy(
            VisitReport,
            pl.DataFrame(
                {
                    "id": visit_ids,
                    "visit_id": visit_ids,
                    "submitted_by_id": first,
                    "outcome": outcomes,
                    "cause": cause,
                }
            ).select(
                "id",
                "visit_id",
                pl.Series("client_generated_id", [str(uuid.UUID(int=int(i))) for i in visit_ids]),
                "submitted_by_id",
                at_text.alias("submitted_at"),
                "outcome",
                pl.format('["{}"]', "cause").alias("causes"),
                pl.Series(
                    "understood_terms", np.array(["yes", "partly", "no"])[rng.integers(0, 3, nv)]
                ),
                pl.Series("rating_clarity", rng.integers(1, 6, nv)),
                pl.Series("rating_fairness", rng.integers(1, 6, nv)),
                pl.Series("rating_service", rng.integers(1, 6, nv)),
                pl.Series("borrower_words", np.array(WORDS)[rng.integers(0, len(WORDS), nv)]),
                pl.lit(True).alias("conduct_two_staff"),
            ),
        )
        promised = np.flatnonzero(rng.random(nv) < 0.3)
        _copy(
            PromiseToPay,
            pl.DataFrame(
                {
                    "id": np.arange(1, promised.size + 1),
                    "case_id": visit_case[promised],
                    "report_id": visit_ids[promised],
                    "due_on": visit_day[promised] + np.timedelta64(10, "D"),
                }
            ).select(
                "id",
                pl.lit(stamp).alias("created_at"),
                pl.lit(stamp).alias("updated_at"),
                "case_id",
                "report_id",
                pl.lit("500.00").alias("amount"),
                "due_on",
                pl.Series(
                    "status",
                    np.array(["kept", "broken", "open"])[rng.integers(0, 3, promised.size)],
                ),
            ),
        )
        step(f"visits {nv:,} with reports, check-ins, {promised.size:,} promises")
        with connection.cursor() as cursor:
            for model in (
                Borrower,
                Loan,
                CollectionCase,
                Visit,
                VisitReport,
                CheckIn,
                PromiseToPay,
            ):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    step("analyzed")


def _copy_snapshot(
    day: dt.date, loans: np.ndarray, dpd: np.ndarray, principal: np.ndarray, inst: np.ndarray
) -> None:
    rng_bucket = np.searchsorted(np.array([0, 30, 60, 90, 120, 150, 180]), dpd, side="left")
    months_due = np.ceil(dpd / 30).astype(np.int64)
    overdue = inst * months_due
    penalty = (overdue * dpd * 18 // 36000).astype(np.int64)

    def yuan(cents: np.ndarray) -> pl.Expr:
        s = pl.Series(cents)
        return pl.concat_str(
            (s // 100).cast(pl.String), pl.lit("."), (s % 100).cast(pl.String).str.zfill(2)
        )

    frame = pl.DataFrame(
        {
            "loan_id": loans,
            "dpd": dpd,
            "bucket": np.array(BUCKET_NAMES)[rng_bucket],
            "classification": _classification(dpd),
        }
    ).select(
        pl.lit(day.isoformat()).alias("as_of"),
        "loan_id",
        "dpd",
        "bucket",
        "classification",
        pl.lit(False).alias("in_observation"),
        yuan(overdue * 8 // 10).alias("overdue_principal"),
        yuan(overdue - overdue * 8 // 10).alias("overdue_interest"),
        yuan(penalty).alias("penalty_interest"),
        yuan(penalty // 10).alias("compound_interest"),
        yuan(principal * 100).alias("outstanding_principal"),
        yuan(overdue + penalty + penalty // 10).alias("total_due"),
    )
    _copy(DelinquencySnapshot, frame)


def _copy(model: type[models.Model], frame: pl.DataFrame) -> None:
    """COPY ``frame`` into ``model``'s table, other NOT NULL columns at their defaults (column
    names quoted: the visit's ``order`` is a reserved word)."""
    frame = _with_defaults(model, frame)
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN (FORMAT csv)"
    for start in range(0, frame.height, 2_000_000):
        buffer = io.BytesIO()
        frame.slice(start, 2_000_000).write_csv(buffer, include_header=False)
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            copy.write(buffer.getbuffer())
