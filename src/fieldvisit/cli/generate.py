"""``fieldvisit generate``: write a realistic demo portfolio in the import format.

Only parses and checks arguments, then calls :func:`fieldvisit.demo.writer.write_book`; the
format of the files is documented in ``docs/import-format.md``.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import click

from fieldvisit.cli.support import echo_json, fail, json_option, stderr_is_tty

FORMAT_CHOICES = ("csv", "parquet", "both")


def _parse_int(field: str, raw: str, low: int, high: int) -> int:
    text = raw.strip().replace("_", "").replace(",", "")
    if not text.isdigit():
        fail(f"{field}: not a whole number ≥ 0: {raw!r}")
    value = int(text)
    if not low <= value <= high:
        fail(f"{field}: must be between {low:,} and {high:,}, got {value:,}")
    return value


def _parse_as_of(raw: str | None) -> date:
    if raw is None:
        # A CLI default only: engines never read the clock. Pass --as-of for reproducible files.
        return date.today()  # noqa: DTZ011
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fail(f"--as-of: not a date in YYYY-MM-DD form: {raw!r}")


@click.command("generate")
@click.option("--loans", default="2000", show_default=True, help="Number of loans (1 … 5,000,000).")
@click.option("--city", default="shenzhen", show_default=True, help="City (only shenzhen so far).")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="As-of date, YYYY-MM-DD (default: today; pass it for reproducible files).",
)
@click.option("--seed", default="1", show_default=True, help="Random seed: same seed, same bytes.")
@click.option(
    "--out", default="var/demo", show_default=True, help="Output directory (created if missing)."
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="csv, parquet or both. Default: both for up to 50,000 loans, parquet only above.",
)
@json_option
def command(
    loans: str, city: str, as_of: str | None, seed: str, out: str, fmt: str | None, as_json: bool
) -> None:
    """Generate a demo portfolio in the import format (docs/import-format.md).

    Writes products, branches, managers, teams, agents, certifications, borrowers, loans, schedules
    and payments, a hidden ground_truth file (the cause of each borrower's trouble, never shown to
    users) and manifest.json, then prints the bucket mix of active loans on the as-of date.
    """
    from fieldvisit.demo.generator import CITIES, MAX_LOANS, GenerateParams
    from fieldvisit.demo.writer import FORMATS, default_formats, write_book

    n_loans = _parse_int("--loans", loans, 1, MAX_LOANS)
    if city.strip().lower() not in CITIES:
        fail(f"--city: unknown city {city!r}; available: {', '.join(CITIES)}")
    day = _parse_as_of(as_of)
    seed_value = _parse_int("--seed", seed, 0, 2**63 - 1)
    if fmt is None:
        formats = default_formats(n_loans)
    elif fmt in FORMAT_CHOICES:
        formats = FORMATS if fmt == "both" else (fmt,)
    else:
        fail(f"--format: must be one of {', '.join(FORMAT_CHOICES)}, got {fmt!r}")
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"--out: {out} exists and is not a directory")
    try:
        params = GenerateParams(
            loans=n_loans, as_of=day, seed=seed_value, city=city.strip().lower()
        )
    except ValueError as exc:
        fail(str(exc))

    started = time.perf_counter()
    summary = _run(write_book, params, out_dir, formats, show_progress=not as_json)
    elapsed = time.perf_counter() - started

    result: dict[str, Any] = {
        "out": str(out_dir),
        "as_of": day.isoformat(),
        "seed": seed_value,
        "formats": list(formats),
        "rows": summary.rows,
        "seconds": round(elapsed, 2),
        "active_loans": summary.active_loans,
        "delinquent_loans": summary.delinquent_loans,
        "delinquent_share": round(summary.delinquent_share, 6),
        "bucket_mix": [
            {"bucket": b.bucket, "loans": b.loans, "share": round(b.share, 6)}
            for b in summary.bucket_mix
        ],
    }
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"wrote {', '.join(formats)} to {out_dir} in {elapsed:.1f} s "
        f"(as of {day}, seed {seed_value})"
    )
    for name, count in summary.rows.items():
        click.echo(f"  {name:<15} {count:>12,} rows")
    click.echo(print_bucket_mix(result))


def print_bucket_mix(result: dict[str, Any]) -> str:
    """The bucket mix as a small table (shared with ``fieldvisit bench generate``)."""
    lines = [
        f"bucket mix of {result['active_loans']:,} active loans on {result['as_of']} "
        f"(DPD per design.md; delinquent {result['delinquent_share']:.2%}):"
    ]
    for row in result["bucket_mix"]:
        lines.append(f"  {row['bucket']:<4} {row['loans']:>10,}  {row['share']:>7.2%}")
    return "\n".join(lines)


def _run(
    write_book: Any, params: Any, out_dir: Path, formats: tuple[str, ...], *, show_progress: bool
) -> Any:
    if not (show_progress and stderr_is_tty()):
        return write_book(params, out_dir, formats)
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("generating …") as status:
        return write_book(
            params, out_dir, formats, on_step=lambda name: status.update(f"generating {name} …")
        )
