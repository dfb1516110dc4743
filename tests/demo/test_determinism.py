"""Same seed, same bytes; another seed, another book."""

from __future__ import annotations

from fieldvisit.demo.generator import GenerateParams
from fieldvisit.demo.writer import write_book

from .conftest import AS_OF


def _files(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_the_same_seed_writes_the_same_bytes_in_every_file(small_book, tmp_path):
    # given the session's 2 000-loan book written with seed 11
    # when the same parameters are generated again into another directory
    write_book(small_book.params, tmp_path, ("csv", "parquet"))

    # then every file (CSV, Parquet and the manifest) is byte for byte the same
    first, second = _files(small_book.directory), _files(tmp_path)
    assert sorted(first) == sorted(second)
    assert len(first) == 11 * 2 + 1
    for name, content in first.items():
        assert second[name] == content, name


def test_another_seed_gives_other_borrowers(small_book, tmp_path):
    params = GenerateParams(loans=2_000, as_of=AS_OF, seed=12)

    write_book(params, tmp_path, ("csv",))

    assert (tmp_path / "borrowers.csv").read_bytes() != (
        small_book.directory / "borrowers.csv"
    ).read_bytes()
