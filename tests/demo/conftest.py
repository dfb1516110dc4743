"""Generated books shared by the generator's tests (built once per session, in temporary dirs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from fieldvisit.demo.generator import GenerateParams, Summary
from fieldvisit.demo.writer import write_book

AS_OF = date(2025, 6, 30)


@dataclass(frozen=True)
class Book:
    """A generated book on disk, its parameters and the generator's summary."""

    directory: Path
    params: GenerateParams
    summary: Summary

    def table(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.directory / f"{name}.parquet")


@pytest.fixture(scope="session")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """The 2 000-loan demo book, in CSV and Parquet."""
    params = GenerateParams(loans=2_000, as_of=AS_OF, seed=11)
    directory = tmp_path_factory.mktemp("small-book")
    return Book(directory, params, write_book(params, directory, ("csv", "parquet")))


@pytest.fixture(scope="session")
def book_20k(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """A 20 000-loan book, Parquet only."""
    params = GenerateParams(loans=20_000, as_of=AS_OF, seed=2)
    directory = tmp_path_factory.mktemp("book-20k")
    return Book(directory, params, write_book(params, directory, ("parquet",)))
