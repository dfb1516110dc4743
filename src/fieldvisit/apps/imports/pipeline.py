"""One import, all or nothing: read → check every cell → check references → write, per file.

Steps (:func:`import_files`):

1. Name each file's kind (from ``--kind`` or its name) and sort the files so that what a row
   refers to comes first (:data:`~.specs.KIND_ORDER`).
2. In one transaction, per file: read it as text columns; check every cell (:mod:`.validation`);
   check its references against the files before it and the database; write it if nothing so
   far was wrong. A file that was refused still lends its keys to the files after it, so one bad
   borrower row does not drown the report in "unknown borrower" lines.
3. Any error anywhere rolls the whole transaction back; the caller records the outcome.

Schedules missing from the import are built from the loan terms
(:func:`fieldvisit.engines.delinquency.vectorised_schedule.build_schedules`) for the loans that
have none yet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import Model

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_create
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.imports.errors import FileProblem
from fieldvisit.apps.imports.masking import mask_errors
from fieldvisit.apps.imports.readers import file_format, read_table
from fieldvisit.apps.imports.specs import AGENT_ROLES, KIND_ORDER, NOT_IMPORTED, SPECS, kind_of
from fieldvisit.apps.imports.validation import ERROR_SCHEMA, ROW, Checked, validate
from fieldvisit.apps.imports.writers import Counts, insert, is_postgres, lookup, timestamp, upsert
from fieldvisit.apps.loans.models import Borrower, Installment, Loan, Payment, Product
from fieldvisit.apps.organisation.models import AgentProfile, Branch, Team
from fieldvisit.apps.training.models import Certification, Course
from fieldvisit.engines.delinquency.vectorised_schedule import METHOD_CODES, build_schedules

MAX_ERRORS = 10_000  # errors kept for the report; the count covers all of them
BUILT_SCHEDULES = "schedules (built from loan terms)"
_LOCK_ID = 0x46564950  # "FVIP": one import at a time on PostgreSQL

Progress = Callable[[str, str, int], None]

#: Where the natural key of each kind lives in the database (table model, key column).
KEY_COLUMNS: dict[str, tuple[type[Model], str]] = {
    "branches": (Branch, "code"),
    "managers": (User, "employee_no"),
    "teams": (Team, "code"),
    "agents": (User, "employee_no"),
    "certifications": (Certification, "number"),
    "products": (Product, "code"),
    "borrowers": (Borrower, "borrower_no"),
    "loans": (Loan, "loan_no"),
    "payments": (Payment, "reference"),
}


@dataclass(frozen=True)
class Source:
    """A file to import: its path, the name shown in the report, and its kind if given."""

    path: Path
    name: str
    kind: str | None = None


@dataclass
class FileResult:
    name: str
    kind: str
    rows: int = 0
    counts: Counts = field(default_factory=Counts)
    errors: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "rows": self.rows,
            "created": self.counts.created,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "errors": self.errors,
        }


@dataclass
class Outcome:
    files: list[FileResult]
    errors: pl.DataFrame  # file, line, column, value, code, params — the first MAX_ERRORS
    error_count: int
    skipped: list[str] = field(default_factory=list)
    #: Existing people the files would move to another role or branch: not applied, reported
    #: for an administrator to apply (:func:`_write_people`).
    staff_changes: list[dict[str, object]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _Run:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress or (lambda _phase, _name, _rows: None)
        self.errors: list[pl.DataFrame] = []
        self.error_count = 0
        self.keys: dict[str, list[pl.Series]] = {}
        self.broken: set[str] = set()
        self.deferred: list[tuple[FileResult, Checked, str]] = []
        self.loans: pl.DataFrame | None = None
        self.kinds_seen: set[str] = set()
        self.teams: pl.DataFrame | None = None
        self.agents: pl.DataFrame | None = None
        self.staff_changes: list[dict[str, object]] = []
        self.stamp = timestamp(now())

    def add_errors(self, result: FileResult, errors: pl.DataFrame) -> None:
        if errors.is_empty():
            return
        result.errors += errors.height
        self.error_count += errors.height
        kept = sum(frame.height for frame in self.errors)
        if kept < MAX_ERRORS:
            frame = errors.sort("line", nulls_last=False).head(MAX_ERRORS - kept)
            frame = mask_errors(result.kind, frame)
            self.errors.append(frame.with_columns(pl.lit(result.name).alias("file")))

    def add_problem(self, result: FileResult, problem: FileProblem) -> None:
        self.add_errors(
            result,
            pl.DataFrame(
                [
                    {
                        "line": problem.line,
                        "column": problem.column,
                        "value": "",
                        "code": problem.code,
                        "params": json.dumps(problem.params, ensure_ascii=False),
                    }
                ],
                schema=ERROR_SCHEMA,
            ),
        )


def import_files(
    sources: list[Source],
    *,
    progress: Progress | None = None,
    before_commit: Callable[[Outcome], None] | None = None,
    may_import: Callable[[str], bool] | None = None,
) -> Outcome:
    """Import ``sources`` in one transaction; nothing is written unless every row is valid.

    ``before_commit`` is called with the outcome of an accepted import inside its transaction
    (the audit row of the change commits, or not, with the change itself). ``may_import`` says
    whether the importing user may import a kind (:data:`~.specs.KIND_PERMISSIONS`); a file of
    a kind they may not is refused, and with it the whole import. ``None``: every kind (the
    command line, run by the server's operator).
    """
    run = _Run(progress)
    results: list[FileResult] = []
    planned: list[tuple[int, str, Source, FileResult]] = []
    skipped: list[str] = []
    for source in sources:
        kind = source.kind or kind_of(source.path.stem)
        if kind in NOT_IMPORTED:
            skipped.append(source.name)
            continue
        result = FileResult(name=source.name, kind=kind or "")
        results.append(result)
        if kind is None or kind not in SPECS:
            run.add_problem(result, FileProblem("unknown_kind"))
        elif may_import is not None and not may_import(kind):
            run.broken.add(kind)  # said once here, not again as unknown references to it
            run.add_problem(result, FileProblem("kind_not_permitted"))
        elif file_format(source.path) is None:
            run.add_problem(result, FileProblem("unsupported_format"))
        else:
            planned.append((KIND_ORDER.index(kind), source.name, source, result))
    planned.sort(key=lambda item: (item[0], item[1]))

    with transaction.atomic():
        if is_postgres():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
                # The commit's flush to disk need not be waited for: a crash before it loses
                # the import as a whole (as a kill does), never half of it. Index builds and
                # the foreign-key checks of a big load sort and hash in memory.
                cursor.execute("SET LOCAL synchronous_commit = off")
                # Foreign keys are checked at the end of each statement, not queued for the
                # commit: a big load sets a table's keys aside (``writers._bulk_load``), which
                # PostgreSQL refuses while checks on the tables involved are still pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL work_mem = '256MB'")
        for _order, _name, source, result in planned:
            _import_one(run, source, result)
        for result, checked, column in run.deferred:
            run.add_errors(result, _reference_errors(run, checked, result.kind, column))
        if run.error_count == 0:
            _link_team_leads(run)
            if "loans" in run.kinds_seen and "schedules" not in run.kinds_seen:
                built = FileResult(name=BUILT_SCHEDULES, kind="schedules")
                built.counts = _build_missing_schedules(run)
                built.rows = built.counts.created
                results.append(built)
            outcome = _outcome(run, results, skipped)
            if before_commit is not None:
                before_commit(outcome)
            run.progress("commit", "", 0)
            return outcome
        transaction.set_rollback(True)
        for result in results:
            result.counts = Counts()
    return _outcome(run, results, skipped)


def _outcome(run: _Run, results: list[FileResult], skipped: list[str]) -> Outcome:
    errors = (
        pl.concat(run.errors).select("file", *ERROR_SCHEMA)
        if run.errors
        else pl.DataFrame(schema={"file": pl.String, **ERROR_SCHEMA})
    )
    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    results.sort(key=lambda r: order.get(r.kind, -1))
    return Outcome(
        files=results,
        errors=errors,
        error_count=run.error_count,
        skipped=skipped,
        staff_changes=run.staff_changes if run.error_count == 0 else [],
    )


def _import_one(run: _Run, source: Source, result: FileResult) -> None:
    kind = result.kind
    spec = SPECS[kind]
    run.kinds_seen.add(kind)
    run.progress("read", source.name, 0)
    try:
        table = read_table(source.path)
        run.progress("check", source.name, table.frame.height)
        checked = validate(table.frame, spec, first_line=table.first_line)
    except FileProblem as problem:
        run.broken.add(kind)
        run.add_problem(result, problem)
        return
    problems = table.problems
    del table  # frees the text columns (gigabytes for 20 million rows); ``checked`` has the rows
    for found in problems:
        run.add_problem(result, found)
    result.rows = checked.rows.height
    run.progress("refer", source.name, result.rows)
    run.add_errors(result, checked.errors)
    if kind in _REFERENCED:
        for name in spec.key[:1]:
            run.keys.setdefault(kind, []).append(checked.rows[name].drop_nulls())
    for column in spec.columns:
        if column.references is None:
            continue
        if KIND_ORDER.index(column.references) > KIND_ORDER.index(kind):
            run.deferred.append((result, checked, column.name))
        else:
            run.add_errors(result, _reference_errors(run, checked, kind, column.name))
    if kind == "borrowers":
        run.add_errors(result, _id_number_errors(checked))
    if kind in ("managers", "agents"):
        run.add_errors(result, _username_errors(checked, spec.key[0]))
    if run.error_count:
        return
    run.progress("write", source.name, result.rows)
    rows = checked.rows.drop(ROW)
    result.counts = WRITERS[kind](run, rows)


#: Kinds whose keys other kinds refer to (the others' keys need not be kept for the checks).
_REFERENCED = frozenset(
    c.references for spec in SPECS.values() for c in spec.columns if c.references
)


def _reference_errors(run: _Run, checked: Checked, kind: str, name: str) -> pl.DataFrame:
    """Rows whose ``name`` names no row of the target kind, in this import or the database."""
    target = SPECS[kind].column(name).references
    assert target is not None
    if target in run.broken:
        return pl.DataFrame(schema=ERROR_SCHEMA)  # its file was unreadable; said once already
    values = checked.rows.select(ROW, pl.col(name).alias("key")).drop_nulls("key")
    known = run.keys.get(target, [])
    if known:
        values = values.join(pl.concat(known).to_frame("key").unique(), on="key", how="anti")
    if values.is_empty():
        return pl.DataFrame(schema=ERROR_SCHEMA)
    model, column = KEY_COLUMNS[target]
    in_db = lookup(model._meta.db_table, column, values["key"])
    missing = values.join(in_db.select(pl.col(column).alias("key")), on="key", how="anti")
    params = json.dumps({"target": SPECS[target].target})
    return missing.select(
        checked.line(pl.col(ROW)).alias("line"),
        pl.lit(name).alias("column"),
        pl.col("key").str.slice(0, 100).alias("value"),
        pl.lit("unknown_ref").alias("code"),
        pl.lit(params).alias("params"),
    )


def _id_number_errors(checked: Checked) -> pl.DataFrame:
    """An ID number already held by another borrower in the database (it is unique there)."""
    rows = checked.rows.select(ROW, "borrower_number", "id_number").drop_nulls()
    held = lookup(Borrower._meta.db_table, "id_number", rows["id_number"], value="borrower_no")
    clash = rows.join(held, on="id_number").filter(
        pl.col("borrower_no") != pl.col("borrower_number")
    )
    return clash.select(
        checked.line(pl.col(ROW)).alias("line"),
        pl.lit("id_number").alias("column"),
        pl.col("id_number").alias("value"),
        pl.lit("id_number_taken").alias("code"),
        pl.format('{{"other": "{}"}}', pl.col("borrower_no")).alias("params"),
    )


def _username_errors(checked: Checked, key: str) -> pl.DataFrame:
    """A login named like the employee number but belonging to someone else."""
    codes = checked.rows[key].drop_nulls().unique().to_list()
    taken = dict(
        User.objects.filter(username__in=codes)
        .exclude(employee_no__in=codes)
        .values_list("username", "username")
    )
    clash = checked.rows.filter(pl.col(key).is_in(list(taken)))
    return clash.select(
        checked.line(pl.col(ROW)).alias("line"),
        pl.lit(key).alias("column"),
        pl.col(key).alias("value"),
        pl.lit("username_taken").alias("code"),
        pl.format('{{"other": "{}"}}', pl.col(key)).alias("params"),
    )


# Writers: one per kind, rows already valid, column names as in the file.


def _db_frame(kind: str, rows: pl.DataFrame) -> pl.DataFrame:
    spec = SPECS[kind]
    return rows.select(pl.col(c.name).alias(c.db) for c in spec.columns if c.references is None)


def _with_ids(frame: pl.DataFrame, rows: pl.DataFrame, refs: dict[str, str]) -> pl.DataFrame:
    """Add ``<fk>_id`` columns resolved from the natural keys in ``rows`` (same row order)."""
    for name, fk in refs.items():
        model, column = KEY_COLUMNS[_REF_TARGET[name]]
        ids = lookup(model._meta.db_table, column, rows[name])
        resolved = (
            rows.select(pl.col(name).alias(column))
            .join(ids, on=column, how="left", maintain_order="left")
            .get_column("id")
        )
        frame = frame.with_columns(resolved.alias(fk))
    return frame


_REF_TARGET = {
    "branch_code": "branches",
    "team_code": "teams",
    "product_code": "products",
    "borrower_number": "borrowers",
    "loan_number": "loans",
    "team_lead_agent_code": "agents",
    "agent_code": "agents",
}


def _bulk(
    run: _Run, model: type[Model], frame: pl.DataFrame, key: str, *, stamped: bool = True
) -> Counts:
    """Insert rows whose key is new, upsert the others (see :mod:`.writers`)."""
    table = model._meta.db_table
    frame = _with_defaults(model, frame)
    if stamped:
        frame = frame.with_columns(
            pl.lit(run.stamp).alias("created_at"), pl.lit(run.stamp).alias("updated_at")
        )
    existing = lookup(table, key, frame[key])
    new = frame.join(existing.select(key), on=key, how="anti")
    old = frame.join(existing.select(key), on=key, how="semi")
    with connection.cursor() as cursor:
        created = insert(cursor, table, new)
        counts = upsert(
            cursor,
            table,
            old,
            key=[key],
            insert_only=["created_at"] if stamped else [],
            touch=["updated_at"] if stamped else [],
        )
    return Counts(created=created) + counts


def _with_defaults(model: type[Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Columns the file does not fill get the model's default (SQL bypasses Django's)."""
    missing = []
    for f in model._meta.concrete_fields:
        column = str(f.column)
        if f.primary_key or column in frame.columns or column in ("created_at", "updated_at"):
            continue
        if f.has_default():
            missing.append(pl.lit(f.get_default()).alias(column))
        elif f.null:
            missing.append(pl.lit(None).alias(column))
        else:
            missing.append(pl.lit("").alias(column))
    return frame.with_columns(missing)


def _write_branches(run: _Run, rows: pl.DataFrame) -> Counts:
    frame = _db_frame("branches", rows).with_columns(
        pl.col("city", "subdistrict", "address").fill_null("")
    )
    return _bulk(run, Branch, frame, "code")


def _write_teams(run: _Run, rows: pl.DataFrame) -> Counts:
    frame = _db_frame("teams", rows)
    # Leads are agents, imported after the teams: a lead already known is set here, a new one
    # is linked once the agents are in (:func:`_link_team_leads`).
    refs = {"branch_code": "branch_id", "team_lead_agent_code": "lead_id"}
    frame = _with_ids(frame, rows, refs)
    run.teams = rows.select("team_code", "team_lead_agent_code")
    defaults = {"travel_mode": Team._meta.get_field("travel_mode").default, "max_visits_per_day": 8}
    frame = frame.with_columns(pl.col(c).fill_null(v) for c, v in defaults.items())
    return _bulk(run, Team, frame, "code")


def _write_products(run: _Run, rows: pl.DataFrame) -> Counts:
    frame = _db_frame("products", rows).with_columns(
        pl.col("name_en", "terms_months", "repayment_methods", "channels").fill_null(""),
        pl.col("secured").fill_null(False),
        pl.lit("").alias("method"),
    )
    return _bulk(run, Product, frame, "code")


def _write_borrowers(run: _Run, rows: pl.DataFrame) -> Counts:
    blank = ["employer", "city", "home_subdistrict", "work_district", "work_subdistrict"]
    frame = _db_frame("borrowers", rows).with_columns(pl.col(*blank, "work_address").fill_null(""))
    return _bulk(run, Borrower, frame, "borrower_no")


def _write_loans(run: _Run, rows: pl.DataFrame) -> Counts:
    frame = _db_frame("loans", rows).with_columns(
        pl.col("currency").fill_null("CNY"),
        pl.col("status").fill_null("active"),
        pl.lit(1, dtype=pl.Int64).alias("schedule_version"),
    )
    refs = {"borrower_number": "borrower_id", "product_code": "product_id"}
    frame = _with_ids(frame, rows, {**refs, "branch_code": "branch_id"})
    # The schedule version is this system's (restructurings add versions): never overwritten.
    existing = lookup(Loan._meta.db_table, "loan_no", frame["loan_no"])
    run.loans = rows.select(
        "loan_number", "principal", "annual_rate", "term_months", "repayment_method",
        "first_due_date",
    )  # fmt: skip
    table = Loan._meta.db_table
    frame = frame.with_columns(
        pl.lit(run.stamp).alias("created_at"), pl.lit(run.stamp).alias("updated_at")
    )
    new = frame.join(existing.select("loan_no"), on="loan_no", how="anti")
    old = frame.join(existing.select("loan_no"), on="loan_no", how="semi")
    with connection.cursor() as cursor:
        created = insert(cursor, table, new)
        counts = upsert(
            cursor,
            table,
            old,
            key=["loan_no"],
            insert_only=["created_at", "schedule_version"],
            touch=["updated_at"],
        )
    return Counts(created=created) + counts


def _write_schedules(run: _Run, rows: pl.DataFrame) -> Counts:
    frame = _db_frame("schedules", rows)
    frame = _with_ids(frame, rows, {"loan_number": "loan_id"})
    frame = frame.with_columns(pl.lit(1, dtype=pl.Int64).alias("version"))
    return _instalments(frame)


def _instalments(frame: pl.DataFrame) -> Counts:
    """Instalments of loans with none yet go straight in; the others are upserted by
    (loan, version, number)."""
    table = Installment._meta.db_table
    frame = frame.select("loan_id", "version", "number", "due_date", "principal", "interest")
    scheduled = _loans_with_instalments(frame["loan_id"])
    new = frame.join(scheduled, on="loan_id", how="anti")
    old = frame.join(scheduled, on="loan_id", how="semi")
    with connection.cursor() as cursor:
        created = insert(cursor, table, new)
        counts = upsert(cursor, table, old, key=["loan_id", "version", "number"])
    return Counts(created=created) + counts


def _loans_with_instalments(loan_ids: pl.Series) -> pl.DataFrame:
    wanted = loan_ids.unique()
    table = Installment._meta.db_table
    with connection.cursor() as cursor:
        if wanted.len() > 20_000:
            cursor.execute(f'SELECT DISTINCT loan_id FROM "{table}"')  # noqa: S608
            found = [row[0] for row in cursor.fetchall()]
        else:
            found = []
            items = wanted.to_list()
            for start in range(0, len(items), 500):
                chunk = items[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f'SELECT DISTINCT loan_id FROM "{table}" WHERE loan_id IN ({marks})',  # noqa: S608
                    chunk,
                )
                found.extend(row[0] for row in cursor.fetchall())
    return pl.DataFrame({"loan_id": found}, schema={"loan_id": pl.Int64})


def _build_missing_schedules(run: _Run) -> Counts:
    """Schedules from the loan terms, for this import's loans that have no instalments yet."""
    if run.loans is None or run.loans.is_empty():
        return Counts()
    loans = _with_ids(run.loans, run.loans, {"loan_number": "loan_id"})
    loans = loans.join(_loans_with_instalments(loans["loan_id"]), on="loan_id", how="anti").select(
        "loan_id",
        (pl.col("principal").cast(pl.Decimal(18, 2)) * 100).cast(pl.Int64).alias("cents"),
        (pl.col("annual_rate").cast(pl.Decimal(18, 6)) * 1_000_000).cast(pl.Int64).alias("ppm"),
        "term_months",
        "first_due_date",
        pl.col("repayment_method")
        .replace_strict({m.value: c for m, c in METHOD_CODES.items()}, return_dtype=pl.Int64)
        .alias("method"),
    )
    if loans.is_empty():
        return Counts()
    run.progress("write", BUILT_SCHEDULES, loans.height)
    built = build_schedules(
        loans["cents"].to_numpy(),
        loans["ppm"].to_numpy(),
        loans["term_months"].to_numpy(),
        loans["first_due_date"].to_numpy(),
        loans["method"].to_numpy(),
    )
    frame = pl.DataFrame(
        {
            "loan_id": loans["loan_id"].to_numpy()[built.loan_index],
            "version": np.ones(built.loan_index.size, dtype=np.int64),
            "number": built.instalment_number.astype(np.int64),
            "due_date": built.due_date,
            "principal": _cents_text(built.principal_cents),
            "interest": _cents_text(built.interest_cents),
        }
    )
    return _instalments(frame)


def _cents_text(cents: np.ndarray) -> pl.Series:
    """Whole cents as yuan text, exactly: 123450 → "1234.50"."""
    value = pl.lit(pl.Series(cents))
    return pl.select(
        pl.format("{}.{}", value // 100, (value % 100).cast(pl.String).str.zfill(2))
    ).to_series()


def _write_payments(run: _Run, rows: pl.DataFrame) -> Counts:
    frame = _db_frame("payments", rows).with_columns(pl.col("channel").fill_null(""))
    frame = _with_ids(frame, rows, {"loan_number": "loan_id"})
    return _bulk(run, Payment, frame, "reference", stamped=False)


# People: few rows, written through the account services so roles and groups stay right.


def _write_people(run: _Run, rows: pl.DataFrame, *, managers: bool) -> Counts:
    """Create new people in their role; update the details of existing ones.

    An existing person's role and branch are never changed by a file: a difference is kept in
    ``run.staff_changes`` (with the team, which belongs to the branch) for an administrator to
    apply (``imports.services.import_staff_change_apply``). A team change within the person's
    branch is applied.
    """
    key = "manager_code" if managers else "agent_code"
    branches = dict(Branch.objects.values_list("code", "id"))
    teams = {t.code: t for t in Team.objects.all()}
    users = {
        u.employee_no: u
        for u in User.objects.select_related("branch", "team").filter(
            employee_no__in=rows[key].to_list()
        )
    }
    created = updated = unchanged = 0
    for row in rows.iter_rows(named=True):
        role = Role.MANAGER if managers else Role(AGENT_ROLES[row["role"]])
        team = None if managers else teams.get(row["team_code"])
        details = {"display_name": row["name"], "phone": row["mobile"] or ""}
        user = users.get(row[key])
        if user is None:
            user = user_create(
                username=row[key],
                password=None,
                role=role,
                employee_no=row[key],
                branch_id=branches[row["branch_code"]],
                team_id=team.pk if team is not None else None,
                **details,
            )
            created += 1
            changed = True
        else:
            moved = user.role != role or user.branch_id != branches[row["branch_code"]]
            if moved:
                run.staff_changes.append(_staff_change(user, role, row["branch_code"], team))
            elif user.team_id != (team.pk if team is not None else None):
                details["team"] = team
            changed = any(getattr(user, f) != v for f, v in details.items())
            if changed:
                for name, value in details.items():
                    setattr(user, name, value)
                user.save(update_fields=list(details))
                updated += 1
        # The role the person has (a reported move is not applied) decides on a field profile.
        profile_changed = False if managers else _agent_profile(user, row, Role(user.role))
        if not changed:
            if profile_changed:
                updated += 1
            else:
                unchanged += 1
    if not managers:
        run.agents = rows.select("agent_code", "team_code", "is_team_lead")
    return Counts(created, updated, unchanged)


def _staff_change(user: User, role: Role, branch_code: str, team: Team | None) -> dict[str, object]:
    """What the file says of a person that differs from who they are: ``[current, in file]``."""
    current_branch = user.branch.code if user.branch is not None else None
    current_team = user.team.code if user.team is not None else None
    wanted_team = team.code if team is not None else None
    return {
        "employee_no": user.employee_no,
        "role": [user.role, str(role)] if user.role != role else None,
        "branch": [current_branch, branch_code] if current_branch != branch_code else None,
        "team": [current_team, wanted_team] if current_team != wanted_team else None,
    }


def _agent_profile(user: User, row: dict[str, object], role: Role) -> bool:
    if role != Role.AGENT or row["home_lat"] is None:
        return False
    wanted = {
        "home_latitude": row["home_lat"],
        "home_longitude": row["home_lng"],
        "home_district": row["home_district"] or "",
        "travel_mode": row["travel_mode"] or AgentProfile._meta.get_field("travel_mode").default,
        "hired_on": row["hired_on"],
    }
    for name in ("shift_start", "shift_end"):
        if row[name] is not None:
            wanted[name] = row[name]
    profile = AgentProfile.objects.filter(user=user).first()
    if profile is None:
        AgentProfile.objects.create(user=user, **wanted)
        return True
    if all(getattr(profile, f) == v for f, v in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(profile, name, value)
    profile.save()
    return True


def _link_team_leads(run: _Run) -> None:
    """Team leads from the teams file, or else from the agents' ``is_team_lead`` flag.

    Only a person of the team's branch leads it: an agent whose move to another branch was
    reported, not applied, does not lead a team there.
    """
    if run.teams is not None:
        pairs = run.teams.drop_nulls().rows()
    elif run.agents is not None:
        leads = run.agents.filter(pl.col("is_team_lead").fill_null(False)).drop_nulls("team_code")
        pairs = leads.select("team_code", "agent_code").rows()
    else:
        return
    users = {
        employee_no: (pk, branch_id)
        for employee_no, pk, branch_id in User.objects.filter(
            employee_no__in=[a for _t, a in pairs]
        ).values_list("employee_no", "id", "branch_id")
    }
    for team_code, agent_code in pairs:
        lead_id, branch_id = users[agent_code]
        Team.objects.filter(code=team_code, branch_id=branch_id).exclude(lead_id=lead_id).update(
            lead_id=lead_id
        )


def _write_certifications(run: _Run, rows: pl.DataFrame) -> Counts:
    courses = {c.code: c for c in Course.objects.all()}
    for code, name in rows.select("course_code", "course_name").unique("course_code").rows():
        course = courses.get(code)
        if course is None:
            courses[code] = Course.objects.create(code=code, name=name or code)
        elif name and course.name != name:
            course.name = name
            course.save(update_fields=["name", "updated_at"])
    agents = dict(
        User.objects.filter(employee_no__in=rows["agent_code"].unique().to_list()).values_list(
            "employee_no", "id"
        )
    )
    frame = rows.select(
        pl.col("certificate_number").alias("number"),
        pl.col("agent_code").replace_strict(agents, return_dtype=pl.Int64).alias("agent_id"),
        pl.col("course_code")
        .replace_strict({c: v.pk for c, v in courses.items()}, return_dtype=pl.Int64)
        .alias("course_id"),
        "passed_on",
        "expires_on",
    )
    return _bulk(run, Certification, frame, "number")


WRITERS: dict[str, Callable[[_Run, pl.DataFrame], Counts]] = {
    "branches": _write_branches,
    "managers": lambda run, rows: _write_people(run, rows, managers=True),
    "teams": _write_teams,
    "agents": lambda run, rows: _write_people(run, rows, managers=False),
    "certifications": _write_certifications,
    "products": _write_products,
    "borrowers": _write_borrowers,
    "loans": _write_loans,
    "schedules": _write_schedules,
    "payments": _write_payments,
}
