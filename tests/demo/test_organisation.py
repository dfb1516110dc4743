"""The collections organisation: teams of two or more, a lead each, a manager per branch,
trainers, certificates some of which have lapsed, and a field force sized to the book."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from fieldvisit.demo.organisation import branch_count, team_count

from .conftest import AS_OF


@pytest.mark.parametrize(
    ("loans", "branches", "teams"), [(2_000, 3, 4), (20_000, 3, 4), (1_000_000, 10, 150)]
)
def test_the_field_force_scales_with_the_book(loans, branches, teams):
    assert branch_count(loans) == branches
    assert team_count(loans) == teams


def test_every_team_has_two_to_four_field_agents_and_exactly_one_lead(book_20k):
    agents = book_20k.table("agents").filter(pl.col("role") != "trainer")
    per_team = agents.group_by("team_code").agg(
        pl.len().alias("size"), pl.col("is_team_lead").sum().alias("leads")
    )
    teams = book_20k.table("teams")

    assert per_team.height == teams.height
    assert per_team["size"].is_between(2, 4).all()
    assert (per_team["leads"] == 1).all()
    leads = agents.filter(pl.col("is_team_lead")).select("team_code", "agent_code")
    assert teams.join(leads, on="team_code")["team_lead_agent_code"].to_list() == (
        teams.join(leads, on="team_code")["agent_code"].to_list()
    )


def test_each_branch_has_one_manager_and_a_trainer(book_20k):
    branches = book_20k.table("branches")["branch_code"].sort().to_list()
    managers = book_20k.table("managers")
    trainers = book_20k.table("agents").filter(pl.col("role") == "trainer")

    assert managers["branch_code"].sort().to_list() == branches
    assert trainers["branch_code"].sort().to_list() == branches
    assert trainers["team_code"].null_count() == trainers.height


def test_agents_have_a_shift_within_legal_hours_and_a_travel_mode(book_20k):
    agents = book_20k.table("agents")

    assert (agents["shift_start"] >= "08:00").all()
    assert (agents["shift_end"] <= "21:00").all()
    assert set(agents["travel_mode"].unique()) <= {"car", "ebike", "transit", "walk"}


def test_every_agent_holds_the_core_courses_and_about_one_in_eight_has_lapsed(book_20k):
    certificates = book_20k.table("certifications")
    agents = book_20k.table("agents")
    core = certificates.filter(
        pl.col("course_code").is_in(["conduct_law", "communication", "counselling"])
    )
    latest = core.group_by("agent_code", "course_code").agg(pl.col("expires_on").max())
    lapsed_agents = latest.filter(pl.col("expires_on") <= AS_OF)["agent_code"].unique()

    assert set(certificates["course_code"]) <= {
        "conduct_law",
        "communication",
        "counselling",
        "pipl",
        "field_safety",
    }
    assert latest.height == 3 * agents.height
    assert 0 < lapsed_agents.len() < agents.height / 4
    assert (certificates["passed_on"] < certificates["expires_on"]).all()


def test_certificates_cover_every_past_day_of_the_last_year_for_agents_who_renewed(book_20k):
    conduct = book_20k.table("certifications").filter(pl.col("course_code") == "conduct_law")
    per_agent = (
        conduct.sort("passed_on")
        .group_by("agent_code", maintain_order=True)
        .agg(pl.col("passed_on"), pl.col("expires_on"))
    )

    for passed, expires in zip(per_agent["passed_on"], per_agent["expires_on"], strict=True):
        assert passed[0] <= AS_OF - dt.timedelta(days=365)
        # each certificate starts the day the previous one ends: no gap, no overlap
        assert list(passed[1:]) == list(expires[:-1])
