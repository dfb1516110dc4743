"""Vectorised checks of one file: every cell of every row, in Polars, no Python loop per row.

:func:`validate` returns the file's rows parsed to their types (dates as dates, integers as
integers, money as exact text) and a frame of errors with one row per bad cell:
``line, column, value, code, params`` (``params`` is JSON for the reason's text).
References to other files and to the database are checked later (:mod:`.references`), because
they need the other files of the import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from fieldvisit.apps.imports.errors import FileProblem
from fieldvisit.apps.imports.specs import ORDERED_PAIRS, PAIRS, Column, KindSpec, T

ROW = "__row"
ERROR_SCHEMA = {
    "line": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "code": pl.String,
    "params": pl.String,
}
VALUE_SHOWN = 100  # characters of a bad value kept in the report
MONEY_INTEGER_DIGITS = 12  # MoneyField: 14 digits, 2 of them decimals
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
DATE_LIMITS: dict[str, object] = {"min": "1900-01-01", "max": "2199-12-31"}
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")
_TRUE = ("true", "1", "yes", "y", "t", "是")
_FALSE = ("false", "0", "no", "n", "f", "否")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass
class Checked:
    """A file after the cell checks: typed rows (with ``__row``) and their errors."""

    rows: pl.DataFrame
    errors: pl.DataFrame
    first_line: int

    def line(self, row: pl.Expr) -> pl.Expr:
        return row.cast(pl.Int64) + self.first_line


def empty_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


def validate(frame: pl.DataFrame, spec: KindSpec, *, first_line: int) -> Checked:
    """Check every cell of ``frame`` (text columns) against ``spec``.

    Raises ``FileProblem("missing_column")`` when a required column is absent; an absent optional
    column reads as empty. Columns the format does not know are ignored.
    """
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        raise FileProblem("missing_column", column=", ".join(missing))
    frame = frame.with_columns(
        pl.lit(None, dtype=pl.String).alias(c.name)
        for c in spec.columns
        if c.name not in frame.columns
    ).select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW),
        *(pl.col(c.name) for c in spec.columns),
    )
    parsed = frame.select(pl.col(ROW), *(_parse(c).alias(c.name) for c in spec.columns))
    both = frame.select(
        pl.col(ROW), *(pl.col(c.name).alias(f"raw:{c.name}") for c in spec.columns)
    ).hstack(parsed.drop(ROW))

    pieces = [_cell_errors(both, column, first_line) for column in spec.columns]
    pieces += _pair_errors(both, spec, first_line)
    pieces += _duplicate_errors(both, spec, first_line)
    errors = pl.concat(pieces, how="vertical") if pieces else empty_errors()
    return Checked(rows=parsed, errors=errors, first_line=first_line)


def _raw(name: str) -> pl.Expr:
    return pl.col(f"raw:{name}")


def _parse(column: Column) -> pl.Expr:
    """The typed value of a cell, or null when it is empty or does not parse."""
    raw = pl.col(column.name)
    match column.type:
        case T.INT:
            return raw.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
        case T.FLOAT:
            value = raw.cast(pl.Float64, strict=False)
            return pl.when(value.is_finite()).then(value)
        case T.MONEY | T.RATE:
            return pl.when(raw.str.contains(r"^\+?\d+(\.\d*)?$")).then(raw.str.strip_prefix("+"))
        case T.DATE:
            return pl.coalesce(raw.str.to_date(f, strict=False) for f in _DATE_FORMATS)
        case T.TIME:
            return pl.coalesce(raw.str.to_time(f, strict=False) for f in _TIME_FORMATS)
        case T.BOOL:
            lower = raw.str.to_lowercase()
            return pl.when(lower.is_in(_TRUE)).then(True).when(lower.is_in(_FALSE)).then(False)
        case T.ID_NUMBER:
            return raw.str.to_uppercase()
        case T.CHOICE_LIST | T.INT_LIST:
            return raw.str.replace_all(r"\s", "").str.replace_all(r"\|", ",")
        case T.MOBILE:
            return raw.str.replace_all(r"[\s-]", "").str.replace(r"^(\+?86)(1\d{10})$", "$2")
        case _:
            return raw


def _fraction_digits(text: pl.Expr) -> pl.Expr:
    """Decimals after the point, trailing zeros not counted ("12.500" has 1)."""
    fraction = text.str.extract(r"\.(\d*)$").str.strip_chars_end("0")
    return fraction.str.len_chars().fill_null(0)


def _id_check_ok(value: pl.Expr) -> pl.Expr:
    """GB 11643: Σ digit_i × weight_i mod 11 indexes the check character "10X98765432"."""
    total = pl.sum_horizontal(
        value.str.slice(i, 1).cast(pl.Int64, strict=False) * weight
        for i, weight in enumerate(_ID_WEIGHTS)
    )
    expected = pl.lit(list(_ID_CHECK)).list.get(total % 11)
    return value.str.slice(17, 1) == expected


def _cell_checks(column: Column) -> list[tuple[str, pl.Expr, dict[str, object]]]:
    """(code, is-bad, params) in order; a cell reports only its first failing check."""
    raw = _raw(column.name)
    value = pl.col(column.name)
    present = raw.is_not_null()
    checks: list[tuple[str, pl.Expr, dict[str, object]]] = []
    if column.required:
        checks.append(("required", raw.is_null(), {}))
    if column.type in (T.TEXT, T.CHOICE, T.CHOICE_LIST, T.INT_LIST, T.ID_NUMBER, T.MOBILE):
        checks.append(
            ("too_long", raw.str.len_chars() > column.max_length, {"max": column.max_length})
        )
    limits: dict[str, object] = {"min": _fmt(column.minimum), "max": _fmt(column.maximum)}
    match column.type:
        case T.INT:
            checks.append(("not_integer", present & value.is_null(), {}))
        case T.FLOAT:
            checks.append(("not_number", present & value.is_null(), {}))
        case T.MONEY:
            negative = raw.str.contains(r"^-\d+(\.\d*)?$")
            checks += [
                ("money_negative", negative, {}),
                ("not_money", present & value.is_null(), {}),
                ("money_decimals", _fraction_digits(value) > 2, {}),
                (
                    "out_of_range",
                    value.str.extract(r"^0*(\d*)").str.len_chars() > MONEY_INTEGER_DIGITS,
                    {"min": "0", "max": "9" * MONEY_INTEGER_DIGITS},
                ),
            ]
            if column.positive:
                checks.append(("not_positive", value.cast(pl.Float64) <= 0, {}))
        case T.RATE:
            checks += [
                ("not_number", present & value.is_null(), {}),
                ("rate_decimals", _fraction_digits(value) > 6, {}),
            ]
        case T.DATE:
            checks += [
                ("not_date", present & value.is_null(), {}),
                ("out_of_range", ~value.dt.year().is_between(1900, 2199), DATE_LIMITS),
            ]
        case T.TIME:
            checks.append(("not_time", present & value.is_null(), {}))
        case T.BOOL:
            checks.append(("not_bool", present & value.is_null(), {}))
        case T.CHOICE:
            checks.append(
                (
                    "unknown_choice",
                    present & ~value.is_in(column.choices),
                    {"choices": ", ".join(column.choices)},
                )
            )
        case T.CHOICE_LIST:
            each_known = value.str.split(",").list.eval(pl.element().is_in(column.choices))
            checks.append(
                (
                    "unknown_choice",
                    present & ~each_known.list.all(),
                    {"choices": ", ".join(column.choices)},
                )
            )
        case T.INT_LIST:
            checks.append(("not_integer", present & ~value.str.contains(r"^\d+(,\d+)*$"), {}))
        case T.ID_NUMBER:
            checks += [
                ("bad_id_number", present & ~value.str.contains(r"^\d{17}[\dX]$"), {}),
                ("bad_id_check", present & ~_id_check_ok(value), {}),
            ]
        case T.MOBILE:
            checks.append(("bad_mobile", present & ~value.str.contains(r"^1[3-9]\d{9}$"), {}))
    if column.minimum is not None and column.type in (T.INT, T.FLOAT, T.RATE):
        number = value.cast(pl.Float64)
        checks.append(("out_of_range", ~number.is_between(column.minimum, column.maximum), limits))
    return checks


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _cell_errors(frame: pl.DataFrame, column: Column, first_line: int) -> pl.DataFrame:
    checks = _cell_checks(column)
    if not checks:
        return empty_errors()
    # Built from the last check back, so the first failing check of a cell names it.
    code = pl.lit(None, dtype=pl.String)
    for name, bad, _params in reversed(checks):
        code = pl.when(bad.fill_null(False)).then(pl.lit(name)).otherwise(code)
    params = {name: json.dumps(p, ensure_ascii=False) for name, _bad, p in reversed(checks)}
    # The code first and the shown value for the bad cells only: on 20 million good rows,
    # formatting every value for a report that quotes none of them is most of the cost.
    failing = frame.select(pl.col(ROW), _raw(column.name), code.alias("code")).filter(
        pl.col("code").is_not_null()
    )
    found = failing.select(
        (pl.col(ROW).cast(pl.Int64) + first_line).alias("line"),
        pl.lit(column.name).alias("column"),
        _shown(_raw(column.name)).alias("value"),
        pl.col("code"),
    )
    return found.with_columns(
        pl.col("code").replace_strict(params, return_dtype=pl.String).alias("params")
    )


def _shown(raw: pl.Expr) -> pl.Expr:
    shown = raw.str.slice(0, VALUE_SHOWN)
    long = raw.str.len_chars() > VALUE_SHOWN
    return pl.when(long).then(shown + "…").otherwise(shown).fill_null("")


def _pair_errors(frame: pl.DataFrame, spec: KindSpec, first_line: int) -> list[pl.DataFrame]:
    pieces = []
    for kind, first, second in PAIRS:
        if kind != spec.kind:
            continue
        one = pl.col(first).is_null() != pl.col(second).is_null()
        params = json.dumps({"first": first, "second": second})
        pieces.append(_rows_where(frame, one, second, "pair_incomplete", params, first_line))
    for kind, earlier, later in ORDERED_PAIRS:
        if kind != spec.kind:
            continue
        bad = (pl.col(later) <= pl.col(earlier)).fill_null(False)
        params = json.dumps({"other": earlier})
        pieces.append(_rows_where(frame, bad, later, "not_after", params, first_line))
    return pieces


def _rows_where(
    frame: pl.DataFrame, bad: pl.Expr, column: str, code: str, params: str, first_line: int
) -> pl.DataFrame:
    return frame.filter(bad).select(
        (pl.col(ROW).cast(pl.Int64) + first_line).alias("line"),
        pl.lit(column).alias("column"),
        _shown(_raw(column)).alias("value"),
        pl.lit(code).alias("code"),
        pl.lit(params).alias("params"),
    )


def _duplicate_errors(frame: pl.DataFrame, spec: KindSpec, first_line: int) -> list[pl.DataFrame]:
    """Every repeat of a key (or of a unique column) after its first line, naming that line."""
    pieces = []
    for key in (spec.key, *((name,) for name in spec.unique)):
        keyed = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
        # Only the rows whose key repeats (usually none) are grouped to name the first line.
        keyed = keyed.filter(pl.struct(list(key)).is_duplicated())
        first = pl.col(ROW).min().over(list(key))
        repeats = keyed.with_columns(first.alias("__first")).filter(
            pl.col(ROW) != pl.col("__first")
        )
        column = key[-1] if len(key) > 1 else key[0]
        pieces.append(
            repeats.select(
                (pl.col(ROW).cast(pl.Int64) + first_line).alias("line"),
                pl.lit(column).alias("column"),
                _shown(pl.concat_str([_raw(k) for k in key], separator=" / ")).alias("value"),
                pl.lit("duplicate").alias("code"),
                pl.format('{{"line": {}}}', pl.col("__first").cast(pl.Int64) + first_line).alias(
                    "params"
                ),
            )
        )
    return pieces
