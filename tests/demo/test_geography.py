"""Everyone lives and works on Shenzhen's land: not in the sea, not in Hong Kong."""

from __future__ import annotations

import numpy as np
import pytest

from fieldvisit.demo import geography as geo


def _inside(lat, lng) -> np.ndarray:
    return geo.inside_land(np.asarray(lat, dtype=float), np.asarray(lng, dtype=float))


def test_every_subdistrict_centre_is_on_land_and_each_district_has_some():
    assert _inside(geo.SUBDISTRICT_LAT, geo.SUBDISTRICT_LNG).all()
    assert {s.district for s in geo.SUBDISTRICTS} == {d.name for d in geo.DISTRICTS}
    assert len(geo.SUBDISTRICTS) == 74


@pytest.mark.parametrize(
    ("place", "lat", "lng"),
    [
        ("Hong Kong, Mong Kok", 22.319, 114.169),
        ("Hong Kong, Yuen Long", 22.445, 114.022),
        ("Pearl River estuary", 22.600, 113.700),
        ("Shenzhen Bay", 22.495, 113.970),
        ("Dapeng Bay", 22.520, 114.350),
        ("Dongguan", 22.950, 113.900),
        ("Huizhou", 22.800, 114.500),
    ],
)
def test_places_outside_the_city_are_not_on_its_land(place, lat, lng):
    assert not _inside([lat], [lng])[0], place


def test_borrowers_homes_and_workplaces_are_on_land(book_20k):
    borrowers = book_20k.table("borrowers")
    work = borrowers.drop_nulls("work_lat")

    assert _inside(borrowers["home_lat"], borrowers["home_lng"]).all()
    assert _inside(work["work_lat"], work["work_lng"]).all()


def test_agents_homes_and_branches_are_on_land(book_20k):
    agents, branches = book_20k.table("agents"), book_20k.table("branches")

    assert _inside(agents["home_lat"], agents["home_lng"]).all()
    assert _inside(branches["lat"], branches["lng"]).all()


def test_home_addresses_name_the_city_district_and_subdistrict_of_the_row(book_20k):
    borrowers = book_20k.table("borrowers")

    for address, district, subdistrict in (
        borrowers.select("home_address", "home_district", "home_subdistrict").head(500).iter_rows()
    ):
        assert address.startswith(f"深圳市{district}{subdistrict}")


def test_every_district_has_borrowers_roughly_by_population(book_20k):
    counts = dict(book_20k.table("borrowers")["home_district"].value_counts().iter_rows())

    assert set(counts) == {d.name for d in geo.DISTRICTS}
    assert counts["宝安区"] > counts["福田区"] > counts["大鹏新区"]
