"""People: names, mobile numbers and resident ID numbers, for borrowers and staff alike.

Faker (zh_CN) is called a few thousand times, once, to build pools (surnames with their real
frequencies, given names, mobile prefixes, employers); rows then sample the pools with NumPy.
Calling Faker once per row would take minutes for a million borrowers.

Resident ID numbers follow GB 11643-1999: 6-digit area code, 8-digit birth date, 3-digit sequence
(odd for men, even for women), and a check character: with weights w = (7, 9, 10, 5, 8, 4, 2, 1, 6,
3, 7, 9, 10, 5, 8, 4, 2) and s = Σ wᵢ·dᵢ mod 11, the check is ``"10X98765432"[s]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from faker import Faker

from fieldvisit.demo.columns import ascii_series, digits
from fieldvisit.engines.delinquency.vectorised_schedule import monthly_due_dates

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
Rows = npt.NDArray[np.intp]

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")

_POOL_SIZE = 4000


@dataclass(frozen=True)
class Pools:
    """Values drawn once from Faker; rows pick from them by index."""

    surnames: tuple[str, ...]
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]
    mobile_prefixes: tuple[int, ...]
    employers: tuple[str, ...]


def build_pools(seed: int) -> Pools:
    """Draw the pools from a Faker zh_CN seeded with ``seed`` (same seed → same pools).

    Surnames keep Faker's frequency weighting (the pool holds repeats); given names are one or two
    characters; mobile prefixes are the 3-digit prefixes Faker produces that match 1[3-9]x.
    """
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    surnames = tuple(fake.last_name() for _ in range(_POOL_SIZE))

    def given(draw: str) -> tuple[str, ...]:
        method = getattr(fake, draw)
        names = []
        for _ in range(_POOL_SIZE):
            name = method()
            if len(name) == 1 and fake.random.random() < 0.6:
                name = (name + method())[:2]
            names.append(name)
        return tuple(names)

    prefixes = sorted(
        {
            int(number[:3])
            for number in (fake.phone_number() for _ in range(3000))
            if MOBILE_PATTERN.match(number)
        }
    )
    employers = tuple(dict.fromkeys(fake.company() for _ in range(1500)))
    return Pools(
        surnames=surnames,
        male_given=given("first_name_male"),
        female_given=given("first_name_female"),
        mobile_prefixes=tuple(prefixes),
        employers=employers,
    )


def full_names(rng: np.random.Generator, pools: Pools, male: npt.NDArray[np.bool_]) -> pl.Series:
    """Chinese full names (surname + given name) matching each row's sex."""
    n = male.size
    surname = pl.Series(pools.surnames).gather(rng.integers(0, len(pools.surnames), n))
    given_m = pl.Series(pools.male_given).gather(rng.integers(0, len(pools.male_given), n))
    given_f = pl.Series(pools.female_given).gather(rng.integers(0, len(pools.female_given), n))
    given = pl.select(pl.when(pl.Series(male)).then(given_m).otherwise(given_f)).to_series()
    return (surname + given).alias("name")


def mobile_numbers(rng: np.random.Generator, pools: Pools, n: int) -> I64:
    """``n`` distinct 11-digit mobile numbers (1[3-9]x prefix from the pool + 8 random digits)."""
    prefixes = np.array(pools.mobile_prefixes, dtype=np.int64)
    numbers = prefixes[rng.integers(0, prefixes.size, n)] * 10**8 + rng.integers(0, 10**8, n)

    def draw(rows: Rows) -> I64:
        k = rows.size
        drawn: I64 = prefixes[rng.integers(0, prefixes.size, k)] * 10**8 + rng.integers(0, 10**8, k)
        return drawn

    return _distinct(numbers, draw)


def mobile_series(name: str, numbers: I64) -> pl.Series:
    """Mobile numbers as 11-character strings."""
    return ascii_series(name, digits(numbers, 11))


def birth_dates(
    rng: np.random.Generator, age: I64, as_of: np.datetime64
) -> npt.NDArray[np.datetime64]:
    """Birth dates such that each person is exactly ``age`` full years old on ``as_of``.

    Uniform over (as_of − (age + 1) years, as_of − age years].
    """
    latest = monthly_due_dates(np.full(age.size, as_of), -12 * age)
    earliest = monthly_due_dates(np.full(age.size, as_of), -12 * (age + 1)) + np.timedelta64(1, "D")
    span = (latest - earliest).astype(np.int64) + 1
    offset = (rng.random(age.size) * span).astype(np.int64)
    result: npt.NDArray[np.datetime64] = earliest + offset.astype("timedelta64[D]")
    return result


def resident_ids(
    rng: np.random.Generator,
    area_code: I64,
    birth: npt.NDArray[np.datetime64],
    male: npt.NDArray[np.bool_],
) -> U8:
    """18-character resident ID numbers (GB 11643), distinct, as an ASCII matrix (rows × 18).

    Area code and birth date are given; the sequence code is drawn (odd for men, even for women)
    and redrawn wherever two people would share the first 17 digits.
    """
    ymd = _yyyymmdd(birth)
    parity = male.astype(np.int64)
    base = area_code * 10**11 + ymd * 10**3

    def draw(rows: Rows) -> I64:
        drawn: I64 = base[rows] + rng.integers(0, 500, rows.size) * 2 + parity[rows]
        return drawn

    body = _distinct(draw(np.arange(base.size)), draw)
    matrix = np.empty((body.size, 18), dtype=np.uint8)
    matrix[:, :17] = digits(body, 17)
    checksum = ((matrix[:, :17].astype(np.int64) - ord("0")) @ ID_WEIGHTS) % 11
    matrix[:, 17] = ID_CHECK[checksum]
    return matrix


def id_check_character(first_17: str) -> str:
    """The GB 11643 check character of the first 17 digits (for tests and validators)."""
    total = sum(int(d) * int(w) for d, w in zip(first_17, ID_WEIGHTS, strict=True)) % 11
    return "10X98765432"[total]


def _yyyymmdd(days: npt.NDArray[np.datetime64]) -> I64:
    d = days.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    result: I64 = year * 10000 + month * 100 + day
    return result


def _distinct(values: I64, draw: Callable[[Rows], I64]) -> I64:
    """Redraw (with ``draw(rows)``) every value that repeats an earlier one, until all differ."""
    for _ in range(50):
        _, first_index = np.unique(values, return_index=True)
        duplicate = np.ones(values.size, dtype=bool)
        duplicate[first_index] = False
        rows = np.flatnonzero(duplicate)
        if rows.size == 0:
            return values
        values[rows] = draw(rows)
    raise ValueError("could not draw distinct values: the space of values is too small")
