"""What each import file holds: its columns, types and limits, natural key and references.

The format is the demo generator's output (``docs/import-format.md``). A file's kind comes from its
name (``loans.csv``, ``payments-2026-01-31.parquet``) or from ``--kind``. Files are imported in
:data:`KIND_ORDER`, so a loan may refer to a borrower in the same import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from fieldvisit.apps.loans.models import (
    EmploymentType,
    IncomeBand,
    LoanStatus,
    RepaymentMethod,
    SalesChannel,
)
from fieldvisit.apps.organisation.models import TravelMode


class Pii(StrEnum):
    """Personal data in a column: how its value is masked in the error report (:mod:`.masking`)."""

    NONE = ""
    ID_NUMBER = "id_number"  # 110101********1234
    PHONE = "phone"  # 138****5678
    NAME = "name"  # 张**
    ADDRESS = "address"  # 广东省*****
    PLACE = "place"  # coordinates of a home or workplace: 22.****
    BIRTH_DATE = "birth_date"  # 1990-**-** (the middle of an ID number, which its mask hides)


class T(StrEnum):
    """Column types; each has one parser and one set of checks in :mod:`.validation`."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    MONEY = "money"  # yuan, ≥ 0, at most 2 decimals
    RATE = "rate"  # a fraction per year, at most 6 decimals
    DATE = "date"
    TIME = "time"
    BOOL = "bool"
    CHOICE = "choice"
    CHOICE_LIST = "choice_list"  # comma-separated values of ``choices``
    INT_LIST = "int_list"  # comma-separated whole numbers
    ID_NUMBER = "id_number"  # GB 11643 resident ID, 18 characters with check digit
    MOBILE = "mobile"  # mainland mobile number, 11 digits starting 1[3-9]


@dataclass(frozen=True)
class Column:
    """A column of an import file; ``field`` is the database column it fills (default: ``name``)."""

    name: str
    type: T = T.TEXT
    required: bool = False
    max_length: int = 100
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    references: str | None = None  # the kind whose natural key this column holds
    field: str = ""
    pii: Pii = Pii.NONE

    @property
    def db(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class KindSpec:
    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    target: str  # what a reference to this kind is called in error messages
    unique: tuple[str, ...] = field(default=())  # other columns unique within the file

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _choices(enum: object) -> tuple[str, ...]:
    return tuple(value for value, _label in enum.choices)  # type: ignore[attr-defined]


def _lat(name: str, **kwargs: object) -> Column:
    return Column(name, T.FLOAT, minimum=-90.0, maximum=90.0, **kwargs)  # type: ignore[arg-type]


def _lng(name: str, **kwargs: object) -> Column:
    return Column(name, T.FLOAT, minimum=-180.0, maximum=180.0, **kwargs)  # type: ignore[arg-type]


def _place(name: str, **kwargs: object) -> Column:
    """A coordinate of where a person lives or works."""
    make = _lat if name.endswith("lat") else _lng
    return make(name, pii=Pii.PLACE, **kwargs)


#: Agent roles in the file → the user's role (a team lead is a field agent who leads a team).
AGENT_ROLES = {"field_agent": "agent", "team_lead": "agent", "trainer": "trainer"}
METHODS = _choices(RepaymentMethod)

SPECS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            "branches",
            (
                Column("branch_code", required=True, max_length=32, field="code"),
                Column("name", required=True),
                Column("city", max_length=50),
                Column("district", required=True, max_length=50),
                Column("subdistrict", max_length=50),
                Column("address", max_length=200),
                _lat("lat", required=True, field="latitude"),
                _lng("lng", required=True, field="longitude"),
            ),
            key=("branch_code",),
            target="branch",
        ),
        KindSpec(
            "managers",
            (
                Column("manager_code", required=True, max_length=32, field="employee_no"),
                Column("name", required=True, field="display_name", pii=Pii.NAME),
                Column("mobile", T.MOBILE, field="phone", pii=Pii.PHONE),
                Column("branch_code", required=True, max_length=32, references="branches"),
            ),
            key=("manager_code",),
            target="manager",
        ),
        KindSpec(
            "teams",
            (
                Column("team_code", required=True, max_length=32, field="code"),
                Column("branch_code", required=True, max_length=32, references="branches"),
                Column("name", required=True),
                Column("team_lead_agent_code", max_length=32, references="agents"),
                Column("travel_mode", T.CHOICE, choices=_choices(TravelMode)),
                Column("max_visits_per_day", T.INT, minimum=1, maximum=100),
            ),
            key=("team_code",),
            target="team",
        ),
        KindSpec(
            "agents",
            (
                Column("agent_code", required=True, max_length=32, field="employee_no"),
                Column("name", required=True, field="display_name", pii=Pii.NAME),
                Column("mobile", T.MOBILE, field="phone", pii=Pii.PHONE),
                Column("branch_code", required=True, max_length=32, references="branches"),
                Column("team_code", max_length=32, references="teams"),
                Column("role", T.CHOICE, required=True, choices=tuple(AGENT_ROLES)),
                Column("is_team_lead", T.BOOL),
                Column("home_district", max_length=50),
                _place("home_lat", field="home_latitude"),
                _place("home_lng", field="home_longitude"),
                Column("shift", max_length=20),
                Column("shift_start", T.TIME),
                Column("shift_end", T.TIME),
                Column("travel_mode", T.CHOICE, choices=_choices(TravelMode)),
                Column("hired_on", T.DATE),
            ),
            key=("agent_code",),
            target="agent",
        ),
        KindSpec(
            "certifications",
            (
                Column("certificate_number", required=True, max_length=32, field="number"),
                Column("agent_code", required=True, max_length=32, references="agents"),
                Column("course_code", required=True, max_length=32),
                Column("course_name", max_length=100),
                Column("passed_on", T.DATE, required=True),
                Column("expires_on", T.DATE, required=True),
            ),
            key=("certificate_number",),
            target="certification",
        ),
        KindSpec(
            "products",
            (
                Column("product_code", required=True, max_length=32, field="code"),
                Column("name_zh", required=True, field="name"),
                Column("name_en"),
                Column("min_amount", T.MONEY),
                Column("max_amount", T.MONEY),
                Column("min_annual_rate", T.RATE, minimum=0.0, maximum=1.0),
                Column("max_annual_rate", T.RATE, minimum=0.0, maximum=1.0),
                Column("terms_months", T.INT_LIST, minimum=1, maximum=600),
                Column("repayment_methods", T.CHOICE_LIST, choices=METHODS),
                Column("channels", T.CHOICE_LIST, choices=_choices(SalesChannel)),
                Column("secured", T.BOOL),
            ),
            key=("product_code",),
            target="product",
        ),
        KindSpec(
            "borrowers",
            (
                Column("borrower_number", required=True, max_length=32, field="borrower_no"),
                Column("name", required=True, pii=Pii.NAME),
                Column("gender", T.CHOICE, required=True, choices=("M", "F")),
                Column("birth_date", T.DATE, required=True, pii=Pii.BIRTH_DATE),
                Column("id_number", T.ID_NUMBER, required=True, max_length=18, pii=Pii.ID_NUMBER),
                Column(
                    "mobile", T.MOBILE, required=True, max_length=20, field="phone", pii=Pii.PHONE
                ),
                Column(
                    "employment_type", T.CHOICE, required=True, choices=_choices(EmploymentType)
                ),
                Column("employer"),
                Column("income_band", T.CHOICE, required=True, choices=_choices(IncomeBand)),
                Column("city", max_length=50),
                Column("home_district", required=True, max_length=50),
                Column("home_subdistrict", max_length=50),
                Column("home_address", required=True, max_length=200, pii=Pii.ADDRESS),
                _place("home_lat", field="home_latitude"),
                _place("home_lng", field="home_longitude"),
                Column("work_district", max_length=50),
                Column("work_subdistrict", max_length=50),
                Column("work_address", max_length=200, pii=Pii.ADDRESS),
                _place("work_lat", field="work_latitude"),
                _place("work_lng", field="work_longitude"),
                Column("preferred_visit_from", T.TIME, field="preferred_visit_start"),
                Column("preferred_visit_to", T.TIME, field="preferred_visit_end"),
            ),
            key=("borrower_number",),
            target="borrower",
            unique=("id_number",),
        ),
        KindSpec(
            "loans",
            (
                Column("loan_number", required=True, max_length=32, field="loan_no"),
                Column("borrower_number", required=True, max_length=32, references="borrowers"),
                Column("product_code", required=True, max_length=32, references="products"),
                Column(
                    "channel",
                    T.CHOICE,
                    required=True,
                    choices=_choices(SalesChannel),
                    field="sales_channel",
                ),
                Column("branch_code", required=True, max_length=32, references="branches"),
                Column("principal", T.MONEY, required=True, positive=True),
                Column("annual_rate", T.RATE, required=True, minimum=0.0, maximum=1.0),
                Column("term_months", T.INT, required=True, minimum=1, maximum=600),
                Column(
                    "repayment_method", T.CHOICE, required=True, choices=METHODS, field="method"
                ),
                Column("disbursed_on", T.DATE, required=True),
                Column("first_due_date", T.DATE, required=True),
                Column("maturity_date", T.DATE),
                Column("currency", T.CHOICE, choices=("CNY",)),
                Column("status", T.CHOICE, choices=_choices(LoanStatus)),
                Column("restructured_on", T.DATE),
            ),
            key=("loan_number",),
            target="loan",
        ),
        KindSpec(
            "schedules",
            (
                Column("loan_number", required=True, max_length=32, references="loans"),
                Column(
                    "instalment_number",
                    T.INT,
                    required=True,
                    minimum=1,
                    maximum=600,
                    field="number",
                ),
                Column("due_date", T.DATE, required=True),
                Column("principal", T.MONEY, required=True),
                Column("interest", T.MONEY, required=True),
            ),
            key=("loan_number", "instalment_number"),
            target="instalment",
        ),
        KindSpec(
            "payments",
            (
                Column("payment_reference", required=True, max_length=40, field="reference"),
                Column("loan_number", required=True, max_length=32, references="loans"),
                Column("paid_on", T.DATE, required=True),
                Column("amount", T.MONEY, required=True, positive=True),
                Column("method", max_length=20, field="channel"),
            ),
            key=("payment_reference",),
            target="payment",
        ),
    )
}

#: The order files are imported in: what a row refers to comes before it (team leads, which are
#: agents, are linked once the agents are in).
KIND_ORDER: tuple[str, ...] = (
    "branches",
    "managers",
    "teams",
    "agents",
    "certifications",
    "products",
    "borrowers",
    "loans",
    "schedules",
    "payments",
)

#: Every import needs ``accounts.import_portfolio``; these kinds need one more permission. Who
#: works where, in which role, and who is certified to visit is not a branch manager's to change
#: by a file (a managers file could otherwise move a manager or promote an agent).
KIND_PERMISSIONS: dict[str, str] = {
    "managers": "accounts.manage_users",
    "teams": "accounts.manage_users",
    "agents": "accounts.manage_users",
    "certifications": "accounts.manage_training",
}

#: Files the generator writes that are not for import (the hidden causes of delinquency).
NOT_IMPORTED = frozenset({"ground_truth"})

#: File-name stems that name a kind (``schedule.csv``, ``repayments.csv`` …), besides the kind.
ALIASES: dict[str, str] = {
    "branch": "branches",
    "manager": "managers",
    "team": "teams",
    "agent": "agents",
    "certification": "certifications",
    "product": "products",
    "borrower": "borrowers",
    "loan": "loans",
    "schedule": "schedules",
    "installments": "schedules",
    "instalments": "schedules",
    "payment": "payments",
    "repayments": "payments",
}

#: Checks across two columns: (kind, earlier, later) — ``later`` must be after ``earlier``.
ORDERED_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("loans", "disbursed_on", "first_due_date"),
    ("borrowers", "preferred_visit_from", "preferred_visit_to"),
    ("agents", "shift_start", "shift_end"),
    ("certifications", "passed_on", "expires_on"),
)

#: Columns that come as a pair: both or neither.
PAIRS: tuple[tuple[str, str, str], ...] = (
    ("borrowers", "home_lat", "home_lng"),
    ("borrowers", "work_lat", "work_lng"),
    ("borrowers", "preferred_visit_from", "preferred_visit_to"),
    ("agents", "home_lat", "home_lng"),
)


def kind_of(stem: str) -> str | None:
    """The kind a file name stem names: ``loans``, ``payments-2026-01-31`` → ``payments``."""
    word = stem.lower().split(".")[0]
    if word in NOT_IMPORTED:
        return word
    for separator in ("-", "_", " "):
        candidate = word.split(separator)[0]
        if candidate in SPECS:
            return candidate
        if candidate in ALIASES:
            return ALIASES[candidate]
    return None
