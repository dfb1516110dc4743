"""Borrowers look like real people: valid ID numbers matching birth date, sex and district;
valid mobile numbers; names from Faker zh_CN."""

from __future__ import annotations

from datetime import date

import polars as pl

from fieldvisit.demo import geography as geo
from fieldvisit.demo.people import id_check_character

from .conftest import AS_OF

MOBILE = r"^1[3-9]\d{9}$"


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_id_numbers_have_18_characters_a_valid_check_digit_and_are_unique(book_20k):
    ids = book_20k.table("borrowers")["id_number"].to_list()

    assert all(len(number) == 18 and number[:17].isdigit() for number in ids)
    assert all(number[17] == id_check_character(number[:17]) for number in ids)
    assert len(set(ids)) == len(ids)


def test_the_check_character_follows_gb_11643():
    # the standard's worked example: 11010519491231002X
    assert id_check_character("11010519491231002") == "X"
    # Σ wᵢ·dᵢ = 28 + 36 + 15 + 16 + 2 + 9 + 54 + 9 + 5 + 2 = 176 ≡ 0 (mod 11) → "1"
    assert id_check_character("44030419900101001") == "1"


def test_id_numbers_carry_the_birth_date_the_sex_and_the_home_district(book_20k):
    borrowers = book_20k.table("borrowers")
    codes = {d.name: str(d.area_code) for d in geo.DISTRICTS}

    for number, birth, gender, district in borrowers.select(
        "id_number", "birth_date", "gender", "home_district"
    ).iter_rows():
        assert number[6:14] == birth.strftime("%Y%m%d")
        assert int(number[16]) % 2 == (1 if gender == "M" else 0)
        assert number[:6] == codes[district]


def test_borrowers_are_adults_of_working_or_early_retirement_age(book_20k):
    ages = [_age(b, AS_OF) for b in book_20k.table("borrowers")["birth_date"]]

    assert min(ages) >= 20
    assert max(ages) <= 65


def test_mobile_numbers_are_valid_and_distinct(book_20k):
    for table in ("borrowers", "agents", "managers"):
        mobiles = book_20k.table(table)["mobile"]
        assert mobiles.str.contains(MOBILE).all(), table
        assert mobiles.n_unique() == mobiles.len(), table


def test_names_are_chinese_names_of_two_to_four_characters(book_20k):
    names = book_20k.table("borrowers")["name"]

    assert names.str.len_chars().is_between(2, 4).all()
    assert names.str.contains(r"^[\u4e00-\u9fff]+$").all()
    assert names.n_unique() > 1_000


def test_some_borrowers_have_preferred_visit_times_inside_the_legal_hours(book_20k):
    borrowers = book_20k.table("borrowers")
    with_window = borrowers.filter(pl.col("preferred_visit_from").is_not_null())

    assert 0.10 < with_window.height / borrowers.height < 0.20
    assert (with_window["preferred_visit_from"] >= "08:00").all()
    assert (with_window["preferred_visit_to"] <= "21:00").all()
    assert (with_window["preferred_visit_from"] < with_window["preferred_visit_to"]).all()
