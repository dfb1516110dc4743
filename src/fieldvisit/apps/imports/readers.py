"""Read one import file into a table of text columns: CSV, XLSX or Parquet.

Every value arrives as text (or null), whatever the file type, so one set of vectorised checks
(:mod:`.validation`) applies to all of them. Encodings: a UTF-8 byte-order mark means UTF-8;
otherwise strict UTF-8 is tried, then GB18030; anything else is refused with a clear reason.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from fieldvisit.apps.imports.errors import FileProblem

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
_CHUNK = 1 << 24


@dataclass
class Table:
    """A file's rows as text columns; ``first_line`` is the line (or row) number of row 0."""

    frame: pl.DataFrame
    first_line: int
    problems: list[FileProblem] = field(default_factory=list)


def file_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def read_table(path: Path) -> Table:
    """Read ``path`` by its suffix. Raises :class:`FileProblem` when the file cannot be read."""
    kind = file_format(path)
    if kind == "csv":
        return _read_csv(path)
    if kind == "xlsx":
        return _read_xlsx(path)
    if kind == "parquet":
        return _read_parquet(path)
    raise FileProblem("unsupported_format")


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` or ``gb18030``; raises ``FileProblem("bad_encoding")``.

    Strict decoding in chunks, so a big file is checked without holding its text in memory.
    """
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig" if _decodes(path, "utf-8-sig") else _refuse()
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    return _refuse()


def _refuse() -> str:
    raise FileProblem("bad_encoding")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(path: Path) -> Table:
    encoding = detect_encoding(path)
    if encoding == "gb18030":
        data = path.read_bytes().decode("gb18030").encode("utf-8")
    else:
        data = path.read_bytes()
        if encoding == "utf-8-sig":
            data = data[len(codecs.BOM_UTF8) :]
    if not data.strip():
        raise FileProblem("empty")
    header = next(csv.reader(io.StringIO(data[: data.find(b"\n") + 1 or None].decode())), [])
    _check_header(header)
    try:
        frame = pl.read_csv(
            data, infer_schema=False, has_header=True, raise_if_empty=True, quote_char='"'
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        problem = _locate_csv_problem(data, len(header))
        raise problem or FileProblem("unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    table = Table(frame=_strip(frame), first_line=2)
    if not data.endswith(b"\n") and frame.height:
        # A row cut short fills its missing fields with nulls; say why rather than "required".
        last = data[data.rfind(b"\n") + 1 :].decode()
        fields = next(csv.reader(io.StringIO(last)), [])
        if len(fields) != len(header):
            table.problems.append(FileProblem("truncated", line=frame.height + 1))
    return table


def _locate_csv_problem(data: bytes, expected: int) -> FileProblem | None:
    """Find the first malformed row with the slow, exact reader (only when the fast one failed)."""
    csv.field_size_limit(1 << 30)
    reader = csv.reader(io.StringIO(data.decode()), strict=True)
    try:
        for fields in reader:
            if reader.line_num > 1 and len(fields) != expected:
                return FileProblem(
                    "bad_row_shape", line=reader.line_num, found=len(fields), expected=expected
                )
    except csv.Error:
        return FileProblem("truncated", line=reader.line_num)
    return None


def _check_header(header: list[str]) -> None:
    names = [name.strip() for name in header]
    if not any(names):
        raise FileProblem("empty")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise FileProblem("duplicate_column", column=name)
        seen.add(name)


def _strip(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim names and values; an empty cell is null (missing)."""
    frame = frame.rename({name: name.strip() for name in frame.columns})
    return frame.with_columns(
        pl.col(name).cast(pl.String).str.strip_chars().replace("", None) for name in frame.columns
    )


def _read_parquet(path: Path) -> Table:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # pyarrow and polars raise many kinds for a damaged file
        raise FileProblem("unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    _check_header(frame.columns)
    return Table(frame=_strip(frame.with_columns(_as_text(frame))), first_line=1)


def _as_text(frame: pl.DataFrame) -> list[pl.Expr]:
    exprs = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Date:
            exprs.append(column.dt.to_string("%Y-%m-%d"))
        elif dtype == pl.Time:
            exprs.append(column.dt.to_string("%H:%M:%S"))
        elif dtype == pl.Boolean:
            exprs.append(column.cast(pl.String).str.to_lowercase())
        else:
            exprs.append(column.cast(pl.String))
    return exprs


def _read_xlsx(path: Path) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own errors for a damaged workbook
        raise FileProblem("unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    if not rows:
        raise FileProblem("empty")
    header = [_cell_text(cell) or "" for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    _check_header(header)
    width = len(header)
    body = [[_cell_text(cell) for cell in row[:width]] for row in rows[1:]]
    while body and all(cell is None for cell in body[-1]):
        body.pop()
    columns = {
        name: [row[i] if i < len(row) else None for row in body] for i, name in enumerate(header)
    }
    frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    return Table(frame=_strip(frame), first_line=2)


def _cell_text(cell: Any) -> str | None:
    """Excel cells as the text a CSV would hold: 12.0 → "12", dates ISO, empty → None."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time(0) else cell.isoformat(" ")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell)
