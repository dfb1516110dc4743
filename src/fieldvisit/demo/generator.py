"""The demo portfolio generator: a realistic book of loans in Shenzhen, in the import format.

Start at :func:`generate`. It yields the tables one at a time (so that a million-loan book never
holds all of them in memory), in the order of :data:`TABLES`, then :attr:`Generator.summary`
holds the row counts and the bucket mix. The format of every table is documented in
``docs/import-format.md``.

Data flow: pools of names (Faker, once) → borrowers (geography, people) → loans (products) →
schedules (``engines.delinquency.vectorised_schedule``) → hidden state and payments (behaviour) →
organisation sized from the book. Every random draw comes from a NumPy generator seeded from the
seed, each part from its own child stream, so the same seed gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from fieldvisit.demo import behaviour
from fieldvisit.demo import geography as geo
from fieldvisit.demo import products as prod
from fieldvisit.demo.columns import (
    ascii_series,
    dates,
    digits,
    labels,
    literal,
    money_series,
    scaled_decimal_series,
)
from fieldvisit.demo.organisation import build_organisation
from fieldvisit.demo.people import (
    Pools,
    birth_dates,
    build_pools,
    full_names,
    mobile_numbers,
    mobile_series,
    resident_ids,
)
from fieldvisit.engines.delinquency.vectorised_schedule import build_schedules, monthly_due_dates

I64 = npt.NDArray[np.int64]

CITIES = ("shenzhen",)
MAX_LOANS = 5_000_000
#: Tables in the order they are produced; ``ground_truth`` is hidden from the product's users.
TABLES = (
    "products",
    "branches",
    "managers",
    "teams",
    "agents",
    "certifications",
    "borrowers",
    "loans",
    "schedules",
    "payments",
    "ground_truth",
)
#: Bucket upper bounds in days past due (design.md); the last bucket is open-ended.
BUCKETS = (("M0", 0), ("M1", 30), ("M2", 60), ("M3", 90), ("M4", 120), ("M5", 150), ("M6", 180))
LAST_BUCKET = "M7+"
#: Loans per borrower: most have one, some a second.
BORROWERS_PER_LOAN = 0.93
PREFERRED_WINDOWS = (
    ("09:00", "12:00"),
    ("14:00", "17:00"),
    ("18:30", "20:30"),
    ("10:00", "16:00"),
    ("19:00", "21:00"),
)
PREFERRED_SHARE = 0.15
_STREAMS = ("pools", "borrowers", "loans", "hidden", "payments", "organisation")


@dataclass(frozen=True)
class GenerateParams:
    """What to generate: ``loans`` (1 … 5 000 000), ``city``, the ``as_of`` date and ``seed``."""

    loans: int
    as_of: date
    seed: int
    city: str = "shenzhen"

    def __post_init__(self) -> None:
        if isinstance(self.loans, bool) or not isinstance(self.loans, int):
            raise ValueError(f"loans: must be an integer, got {self.loans!r}")
        if not 1 <= self.loans <= MAX_LOANS:
            raise ValueError(f"loans: must be between 1 and {MAX_LOANS:,}, got {self.loans:,}")
        if self.city not in CITIES:
            raise ValueError(f"city: must be one of {', '.join(CITIES)}, got {self.city!r}")
        if not isinstance(self.as_of, date) or not date(2000, 1, 1) <= self.as_of <= date(
            2100, 12, 31
        ):
            raise ValueError(f"as_of: must be a date in 2000 … 2100, got {self.as_of!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed: must be a non-negative integer, got {self.seed!r}")


@dataclass(frozen=True)
class BucketRow:
    """One line of the bucket mix: active loans in the bucket and their share of active loans."""

    bucket: str
    loans: int
    share: float


@dataclass
class Summary:
    """What a run produced: rows per table and the bucket mix of active loans on ``as_of``."""

    rows: dict[str, int] = field(default_factory=dict)
    bucket_mix: list[BucketRow] = field(default_factory=list)
    active_loans: int = 0
    delinquent_loans: int = 0
    #: DPD of every loan on as_of, in loan-number order (0 for settled loans).
    loan_dpd: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def delinquent_share(self) -> float:
        """Delinquent (DPD ≥ 1) active loans / active loans."""
        return self.delinquent_loans / self.active_loans if self.active_loans else 0.0


def bucket_mix(dpd: I64, active: npt.NDArray[np.bool_]) -> list[BucketRow]:
    """Count active loans per bucket (M0 = 0, M1 = 1–30, …, M7+ = 181 and more)."""
    edges = np.array([upper for _, upper in BUCKETS], dtype=np.int64)
    bucket = np.searchsorted(edges, dpd[active], side="left")
    counts = np.bincount(bucket, minlength=len(BUCKETS) + 1)
    total = int(active.sum())
    names = [name for name, _ in BUCKETS] + [LAST_BUCKET]
    return [
        BucketRow(name, int(count), int(count) / total if total else 0.0)
        for name, count in zip(names, counts, strict=True)
    ]


class Generator:
    """One generation run; iterate :meth:`tables` once, then read :attr:`summary`."""

    def __init__(self, params: GenerateParams) -> None:
        self.params = params
        self.summary = Summary()
        streams = np.random.SeedSequence(params.seed).spawn(len(_STREAMS))
        self._rng = {
            name: np.random.default_rng(stream)
            for name, stream in zip(_STREAMS, streams, strict=True)
        }
        self._as_of = np.datetime64(params.as_of, "D")
        self._as_of_days = int(self._as_of.astype(np.int64))

    def tables(
        self, on_step: Callable[[str], None] | None = None
    ) -> Iterator[tuple[str, pl.DataFrame]]:
        """Yield ``(name, frame)`` for every table of :data:`TABLES`, in that order."""
        step = on_step or (lambda _name: None)
        n_loans = self.params.loans
        n_borrowers = max(1, round(n_loans * BORROWERS_PER_LOAN))
        pools = build_pools(self.params.seed)

        step("borrowers")
        rng = self._rng["borrowers"]
        borrower_numbers = ascii_series(
            "borrower_number", literal("C", n_borrowers), digits(np.arange(n_borrowers) + 1, 10)
        )
        borrowers, employment, income_band, home = self._borrowers(rng, pools, borrower_numbers)

        step("loans")
        rng = self._rng["loans"]
        borrower_of_loan = np.concatenate(
            [np.arange(n_borrowers), rng.integers(0, n_borrowers, n_loans - n_borrowers)]
        ).astype(np.int64)
        loan_district = geo.SUBDISTRICT_DISTRICT[home[borrower_of_loan]]
        loans_per_district = np.bincount(loan_district, minlength=len(geo.DISTRICTS))

        organisation = build_organisation(
            self._rng["organisation"], pools, n_loans, loans_per_district, self._as_of
        )
        product = prod.pick_by_row(
            rng, np.array(prod.PRODUCT_BY_EMPLOYMENT), employment[borrower_of_loan]
        )
        amount, rate_ppm, term, method, channel = prod.loan_terms(
            rng, product, income_band[borrower_of_loan]
        )
        age_days = (rng.random(n_loans) * (term + 6) * 30.4375).astype(np.int64) + 1
        disbursed = self._as_of - age_days.astype("timedelta64[D]")
        first_due = monthly_due_dates(disbursed, np.ones(n_loans, dtype=np.int64))
        maturity = monthly_due_dates(first_due, term - 1)
        loan_numbers = ascii_series(
            "loan_number", literal("L", n_loans), digits(np.arange(n_loans) + 1, 10)
        )

        yield "products", _products_frame()
        yield "branches", organisation.branches
        yield "managers", organisation.managers
        yield "teams", organisation.teams
        yield "agents", organisation.agents
        yield "certifications", organisation.certifications
        yield "borrowers", borrowers
        del borrowers

        branch_codes = organisation.branches["branch_code"]
        loans = pl.DataFrame(
            [
                loan_numbers,
                borrower_numbers.gather(borrower_of_loan),
                labels("product_code", [p.code for p in prod.PRODUCTS], product),
                labels("channel", prod.CHANNELS, channel),
                branch_codes.gather(organisation.branch_of_district[loan_district]),
                money_series("principal", amount),
                scaled_decimal_series("annual_rate", rate_ppm // 100, 4),
                pl.Series("term_months", term.astype(np.int16)),
                labels("repayment_method", prod.METHODS, method),
                dates("disbursed_on", disbursed),
                dates("first_due_date", first_due),
                dates("maturity_date", maturity),
                pl.Series("currency", ["CNY"]).gather(np.zeros(n_loans, dtype=np.int64)),
            ]
        )
        yield "loans", loans
        del loans, product, channel, loan_district, maturity

        step("schedules")
        schedule = build_schedules(amount, rate_ppm, term, first_due, method)
        del amount, method
        schedules = pl.DataFrame(
            [
                loan_numbers.gather(schedule.loan_index),
                pl.Series("instalment_number", schedule.instalment_number.astype(np.int16)),
                dates("due_date", schedule.due_date),
                money_series("principal", schedule.principal_cents),
                money_series("interest", schedule.interest_cents),
            ]
        )
        yield "schedules", schedules
        del schedules

        step("payments")
        business = np.isin(
            employment, [prod.EMPLOYMENT_TYPES.index(e) for e in prod.BUSINESS_EMPLOYMENT]
        )
        disbursed_days = disbursed.astype(np.int64)
        state = behaviour.draw_hidden_state(
            self._rng["hidden"],
            business,
            disbursed_days[:n_borrowers],
            term[:n_borrowers],
            self._as_of_days,
        )
        catch_up = behaviour.catch_up_flags(self._rng["hidden"], state)
        histories = behaviour.simulate_payments(
            self._rng["payments"],
            state,
            catch_up,
            borrower_of_loan,
            first_due,
            rate_ppm,
            schedule,
            self._as_of_days,
        )
        del schedule
        self.summary.bucket_mix = bucket_mix(histories.dpd, histories.active)
        self.summary.loan_dpd = histories.dpd
        self.summary.active_loans = int(histories.active.sum())
        self.summary.delinquent_loans = int((histories.active & (histories.dpd > 0)).sum())

        n_payments = histories.pay_loan.size
        first_of_loan = np.searchsorted(histories.pay_loan, histories.pay_loan, side="left")
        sequence = np.arange(n_payments, dtype=np.int64) - first_of_loan + 1
        payments = pl.DataFrame(
            [
                ascii_series(
                    "payment_reference",
                    literal("P", n_payments),
                    digits(histories.pay_loan + 1, 10),
                    literal("-", n_payments),
                    digits(sequence, 3),
                ),
                loan_numbers.gather(histories.pay_loan),
                dates("paid_on", histories.pay_date),
                money_series("amount", histories.pay_amount),
                labels("method", behaviour.PAYMENT_METHODS, histories.pay_method),
            ]
        )
        del histories, first_of_loan, sequence
        yield "payments", payments
        del payments

        yield (
            "ground_truth",
            _ground_truth_frame(borrower_numbers, state, catch_up, self._as_of_days),
        )

    def _borrowers(
        self, rng: np.random.Generator, pools: Pools, numbers: pl.Series
    ) -> tuple[pl.DataFrame, I64, I64, I64]:
        """The borrowers table, and per borrower: employment, income band and home sub-district."""
        n = numbers.len()
        employment = rng.choice(len(prod.EMPLOYMENT_TYPES), size=n, p=prod.EMPLOYMENT_WEIGHTS)
        income_band = prod.pick_by_row(rng, np.array(prod.INCOME_BY_EMPLOYMENT), employment)
        age_range = np.array(prod.AGE_BY_EMPLOYMENT, dtype=np.int64)[employment]
        age = rng.integers(age_range[:, 0], age_range[:, 1] + 1)
        male = rng.random(n) < 0.56
        birth = birth_dates(rng, age, self._as_of)

        home = rng.choice(len(geo.SUBDISTRICTS), size=n, p=geo.residence_weights())
        home_district = geo.SUBDISTRICT_DISTRICT[home]
        same_district = rng.random(n) < 0.45
        local = _random_subdistrict_in(rng, home_district)
        work = np.where(
            same_district, local, rng.choice(len(geo.SUBDISTRICTS), size=n, p=geo.work_weights())
        )
        retired = employment == prod.EMPLOYMENT_TYPES.index("retired")
        home_lat, home_lng = geo.jittered_points(rng, home)
        work_lat, work_lng = geo.jittered_points(rng, work)
        area_code = np.array([d.area_code for d in geo.DISTRICTS], dtype=np.int64)[home_district]
        ids = resident_ids(rng, area_code, birth, male)
        employer = pl.Series(pools.employers).gather(rng.integers(0, len(pools.employers), n))
        preferred = rng.random(n) < PREFERRED_SHARE
        window = rng.integers(0, len(PREFERRED_WINDOWS), n)

        district_names = [d.name for d in geo.DISTRICTS]
        sub_names = [s.name for s in geo.SUBDISTRICTS]
        home_address = _addresses(rng, home, with_flat=True)
        work_address = _addresses(rng, work, with_flat=False)
        not_retired = pl.Series(~retired)
        frame = pl.DataFrame(
            [
                numbers,
                full_names(rng, pools, male),
                labels("gender", ("F", "M"), male.astype(np.int64)),
                dates("birth_date", birth),
                ascii_series("id_number", ids),
                mobile_series("mobile", mobile_numbers(rng, pools, n)),
                labels("employment_type", prod.EMPLOYMENT_TYPES, employment),
                employer.alias("employer"),
                labels("income_band", prod.INCOME_BANDS, income_band),
                labels("home_district", district_names, home_district),
                labels("home_subdistrict", sub_names, home),
                home_address.alias("home_address"),
                pl.Series("home_lat", home_lat),
                pl.Series("home_lng", home_lng),
                labels("work_district", district_names, geo.SUBDISTRICT_DISTRICT[work]),
                labels("work_subdistrict", sub_names, work),
                (work_address + employer).alias("work_address"),
                pl.Series("work_lat", work_lat),
                pl.Series("work_lng", work_lng),
                labels("preferred_visit_from", [w[0] for w in PREFERRED_WINDOWS], window),
                labels("preferred_visit_to", [w[1] for w in PREFERRED_WINDOWS], window),
            ]
        )
        pref = pl.Series(preferred)
        frame = frame.with_columns(
            *(
                pl.when(not_retired).then(pl.col(c)).otherwise(None)
                for c in (
                    "employer",
                    "work_district",
                    "work_subdistrict",
                    "work_address",
                    "work_lat",
                    "work_lng",
                )
            ),
            *(
                pl.when(pref).then(pl.col(c)).otherwise(None)
                for c in ("preferred_visit_from", "preferred_visit_to")
            ),
        )
        return frame, employment.astype(np.int64), income_band, home.astype(np.int64)


def _random_subdistrict_in(rng: np.random.Generator, district: I64) -> I64:
    """A uniformly chosen sub-district of each row's district."""
    counts = np.bincount(geo.SUBDISTRICT_DISTRICT, minlength=len(geo.DISTRICTS))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # SUBDISTRICTS lists each district's sub-districts contiguously, in DISTRICTS order.
    result: I64 = first[district] + (rng.random(district.size) * counts[district]).astype(np.int64)
    return result


def _addresses(rng: np.random.Generator, subdistrict: I64, *, with_flat: bool) -> pl.Series:
    """Street addresses: 深圳市 + district + sub-district + a real road of the district + number,
    and for homes a building and flat (``12栋1503室``)."""
    n = subdistrict.size
    district = geo.SUBDISTRICT_DISTRICT[subdistrict]
    roads = [road for d in geo.DISTRICTS for road in geo.ROADS[d.name]]
    road_count = np.array([len(geo.ROADS[d.name]) for d in geo.DISTRICTS], dtype=np.int64)
    road_first = np.concatenate([[0], np.cumsum(road_count)[:-1]])
    road = road_first[district] + (rng.random(n) * road_count[district]).astype(np.int64)
    parts = [
        pl.lit(geo.CITY),
        labels("d", [d.name for d in geo.DISTRICTS], district),
        labels("s", [s.name for s in geo.SUBDISTRICTS], subdistrict),
        labels("r", roads, road),
        pl.Series(rng.integers(1, 400, n)).cast(pl.String),
        pl.lit("号"),
    ]
    if with_flat:
        floor = rng.integers(1, 33, n)
        parts += [
            pl.Series(rng.integers(1, 20, n)).cast(pl.String),
            pl.lit("栋"),
            pl.Series(floor * 100 + rng.integers(1, 9, n)).cast(pl.String),
            pl.lit("室"),
        ]
    return pl.select(pl.concat_str(parts)).to_series()


def _products_frame() -> pl.DataFrame:
    def rate(bp: int) -> str:
        return f"{bp / 10000:.4f}"

    return pl.DataFrame(
        {
            "product_code": [p.code for p in prod.PRODUCTS],
            "name_zh": [p.name_zh for p in prod.PRODUCTS],
            "name_en": [p.name_en for p in prod.PRODUCTS],
            "min_amount": [f"{p.min_amount}.00" for p in prod.PRODUCTS],
            "max_amount": [f"{p.max_amount}.00" for p in prod.PRODUCTS],
            "min_annual_rate": [rate(p.min_rate_bp) for p in prod.PRODUCTS],
            "max_annual_rate": [rate(p.max_rate_bp) for p in prod.PRODUCTS],
            "terms_months": [",".join(map(str, p.terms)) for p in prod.PRODUCTS],
            "repayment_methods": [
                ",".join(m for m, w in zip(prod.METHODS, p.method_weights, strict=True) if w > 0)
                for p in prod.PRODUCTS
            ],
            "channels": [
                ",".join(c for c, w in zip(prod.CHANNELS, p.channel_weights, strict=True) if w > 0)
                for p in prod.PRODUCTS
            ],
            "secured": [p.secured for p in prod.PRODUCTS],
        }
    ).with_columns(
        pl.col("min_amount", "max_amount").cast(pl.Decimal(18, 2)),
        pl.col("min_annual_rate", "max_annual_rate").cast(pl.Decimal(18, 4)),
    )


def _ground_truth_frame(
    numbers: pl.Series, state: behaviour.HiddenState, catch_up: npt.NDArray[np.bool_], as_of: int
) -> pl.DataFrame:
    """Per borrower: the hidden cause, its pattern, severity, start and recovery months."""

    def month(days: I64, keep: npt.NDArray[np.bool_]) -> pl.Series:
        text = pl.Series(np.where(keep, days, 0).astype("datetime64[D]")).dt.strftime("%Y-%m")
        return pl.select(pl.when(pl.Series(keep)).then(text).otherwise(None)).to_series()

    started = state.start <= as_of
    recovered = state.recovery <= as_of
    return pl.DataFrame(
        [
            numbers,
            labels("cause", behaviour.CAUSES, state.cause),
            labels("pattern", behaviour.PATTERNS, state.pattern),
            scaled_decimal_series("severity", state.severity, 2),
            month(state.start, started).alias("start_month"),
            month(state.recovery, recovered).alias("recovery_month"),
            pl.Series("pays_arrears_on_recovery", catch_up & recovered),
        ]
    )


def generate(
    params: GenerateParams, on_step: Callable[[str], None] | None = None
) -> tuple[Generator, Iterator[tuple[str, pl.DataFrame]]]:
    """Start a run: the generator (its ``summary`` fills in as tables are consumed) and the tables.

    Cost: about a minute and under 4 GB for a million loans on two cores (see ``fieldvisit bench
    generate``).
    """
    generator = Generator(params)
    return generator, generator.tables(on_step)
