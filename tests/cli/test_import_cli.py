"""``fieldvisit import``: exit 0 with counts, 1 with the error report, 2 on bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fieldvisit.cli import main
from tests.apps.imports.book import rows, write_book

pytestmark = pytest.mark.django_db


def test_import_prints_the_counts_as_json(tmp_path):
    folder = write_book(tmp_path / "book")

    result = CliRunner().invoke(main, ["import", str(folder), "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["status"] == "succeeded"
    assert {f["kind"]: f["created"] for f in report["files"]}["schedules"] == 6


def test_a_rejected_import_exits_1_with_the_row_errors(tmp_path):
    tables = rows()
    tables["loans"][0]["annual_rate"] = "twelve"
    folder = write_book(tmp_path / "book", tables)

    result = CliRunner().invoke(main, ["import", str(folder), "--json"])

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["status"] == "failed"
    assert [(e["file"], e["line"], e["column"], e["code"]) for e in report["errors"]] == [
        ("loans.csv", 2, "annual_rate", "not_number")
    ]


def test_a_single_file_takes_its_kind_from_the_option(tmp_path):
    folder = write_book(tmp_path / "book")
    export = folder / "export-0131.csv"
    (folder / "branches.csv").rename(export)

    result = CliRunner().invoke(main, ["import", str(export), "--kind", "branches", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["kind"] == "branches"


def test_a_missing_path_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["import", str(tmp_path / "nowhere")])

    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: No such file or folder: {tmp_path / 'nowhere'}"
    ]
