"""The collections organisation: branches, managers, teams of field agents, trainers, certificates.

Sized from the book: about one team of 2–4 field agents per 6 700 loans (150 teams for a million
loans, four for a 2 000-loan demo), one branch per district for big books (at least three), one
manager and one trainer per branch. One agent of each team is its lead. Certificates are valid
for 12 months; some have lapsed by the as-of date, as they do in real teams.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from fieldvisit.demo import geography as geo
from fieldvisit.demo.columns import ascii_series, dates, digits, labels, literal
from fieldvisit.demo.people import Pools, full_names, mobile_numbers, mobile_series
from fieldvisit.engines.delinquency.vectorised_schedule import monthly_due_dates

I64 = npt.NDArray[np.int64]

LOANS_PER_TEAM = 6_667
LOANS_PER_BRANCH = 100_000
#: Order in which districts get a branch as the book grows.
BRANCH_DISTRICTS = ("福田区", "南山区", "宝安区", "龙岗区", "罗湖区", "龙华区", "光明区", "坪山区",
                    "盐田区", "大鹏新区")  # fmt: skip
ROLES = ("field_agent", "team_lead", "trainer")
SHIFTS = (("early", "08:00", "17:00"), ("day", "09:00", "18:00"), ("late", "12:00", "21:00"))
SHIFT_WEIGHTS = (0.25, 0.55, 0.20)
TRAVEL_MODES = ("car", "ebike", "transit", "walk")
TRAVEL_WEIGHTS = (0.40, 0.35, 0.20, 0.05)
#: The training app's five standard courses (code, 中文, English): the codes are the certification
#: names the visit strategy asks for, so a valid certificate counts for planning as it stands.
COURSES = (
    ("conduct_law", "催收法规与行为规范", "Collection law and conduct"),
    ("communication", "沟通与冲突化解", "Communication and de-escalation"),
    ("counselling", "心理疏导与脆弱性识别", "Psychological counselling and spotting vulnerability"),
    ("pipl", "个人信息保护", "Personal information protection"),
    ("field_safety", "外访安全", "Field safety"),
)
#: The first three are what every field visit needs: every agent takes them at each annual round.
CORE_COURSES = 3
#: Chance that an agent also holds each of the other courses.
OPTIONAL_COURSE_CHANCE = 0.7
#: Share of agents who missed their latest annual round: their certificates lapsed in the last
#: four months (a team with one of them cannot be planned until they retrain).
LAPSED_SHARE = 0.12
_TEAM_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Organisation:
    """The organisation's tables, and for each district the branch (row) that serves it."""

    branches: pl.DataFrame
    managers: pl.DataFrame
    teams: pl.DataFrame
    agents: pl.DataFrame
    certifications: pl.DataFrame
    branch_of_district: I64


def branch_count(n_loans: int) -> int:
    """Branches for a book of ``n_loans``: one per 100 000 loans, at least 3, at most 10."""
    return min(len(BRANCH_DISTRICTS), max(3, math.ceil(n_loans / LOANS_PER_BRANCH)))


def team_count(n_loans: int) -> int:
    """Teams for a book of ``n_loans``: one per ~6 700 loans, at least one more than branches."""
    return max(branch_count(n_loans) + 1, math.ceil(n_loans / LOANS_PER_TEAM))


def build_organisation(
    rng: np.random.Generator,
    pools: Pools,
    n_loans: int,
    loans_per_district: I64,
    as_of: np.datetime64,
) -> Organisation:
    """Build the organisation for a book with ``loans_per_district`` loans by home district.

    Steps:
      1. branches in the first :func:`branch_count` districts of BRANCH_DISTRICTS; each district
         is served by the nearest branch;
      2. teams shared out to branches in proportion to the loans they serve (at least one each);
      3. 2–4 field agents per team, the first its lead; one trainer and one manager per branch;
      4. certificates for agents and trainers.
    """
    n_branches = branch_count(n_loans)
    branch_district = np.array(
        [geo.DISTRICT_INDEX[name] for name in BRANCH_DISTRICTS[:n_branches]], dtype=np.int64
    )
    centre_lat = np.bincount(geo.SUBDISTRICT_DISTRICT, geo.SUBDISTRICT_LAT) / np.bincount(
        geo.SUBDISTRICT_DISTRICT
    )
    centre_lng = np.bincount(geo.SUBDISTRICT_DISTRICT, geo.SUBDISTRICT_LNG) / np.bincount(
        geo.SUBDISTRICT_DISTRICT
    )
    distance = np.hypot(
        centre_lat[:, None] - centre_lat[branch_district][None, :],
        centre_lng[:, None] - centre_lng[branch_district][None, :],
    )
    branch_of_district = distance.argmin(axis=1).astype(np.int64)

    branch_codes = [f"SZ{i + 1:02d}" for i in range(n_branches)]
    office = np.array([_first_subdistrict(int(d)) for d in branch_district], dtype=np.int64)
    office_lat, office_lng = geo.jittered_points(rng, office)
    district_names = [geo.DISTRICTS[int(d)].name for d in branch_district]
    branches = pl.DataFrame(
        {
            "branch_code": branch_codes,
            "name": [f"深圳{name.removesuffix('新区').removesuffix('区')}外访中心"
                     for name in district_names],
            "district": district_names,
            "subdistrict": [geo.SUBDISTRICTS[int(s)].name for s in office],
            "address": [
                f"{geo.CITY}{geo.DISTRICTS[int(d)].name}{geo.SUBDISTRICTS[int(s)].name}"
                f"{geo.ROADS[geo.DISTRICTS[int(d)].name][0]}{18 + 7 * i}号"
                for i, (d, s) in enumerate(zip(branch_district, office, strict=True))
            ],
            "lat": office_lat,
            "lng": office_lng,
        }
    )  # fmt: skip

    served = np.bincount(
        branch_of_district, weights=loans_per_district, minlength=n_branches
    ).astype(np.float64)
    n_teams = team_count(n_loans)
    teams_per_branch = _share(n_teams, served)
    team_branch = np.repeat(np.arange(n_branches), teams_per_branch)
    team_number = np.concatenate([np.arange(k) for k in teams_per_branch]) + 1
    team_codes = [
        f"{branch_codes[b]}-T{t:03d}" for b, t in zip(team_branch, team_number, strict=True)
    ]
    team_size = rng.choice([2, 3, 4], size=n_teams, p=[0.3, 0.5, 0.2])

    # Agents: the field agents of every team (first one leads it), then one trainer per branch.
    agent_team = np.repeat(np.arange(n_teams), team_size)
    first_of_team = np.concatenate([[0], np.cumsum(team_size)[:-1]])
    is_lead = np.zeros(agent_team.size, dtype=bool)
    is_lead[first_of_team] = True
    n_field = agent_team.size
    n_agents = n_field + n_branches
    agent_branch = np.concatenate([team_branch[agent_team], np.arange(n_branches)])
    role = np.concatenate([np.where(is_lead, 1, 0), np.full(n_branches, 2)])
    agent_codes = ascii_series(
        "agent_code", literal("A", n_agents), digits(np.arange(n_agents) + 1, 5)
    )

    home = _home_subdistricts(rng, branch_district[agent_branch])
    home_lat, home_lng = geo.jittered_points(rng, home)
    male = rng.random(n_agents) < 0.7
    shift = rng.choice(len(SHIFTS), size=n_agents, p=SHIFT_WEIGHTS)
    travel = rng.choice(len(TRAVEL_MODES), size=n_agents, p=TRAVEL_WEIGHTS)
    hired_months = rng.integers(3, 120, n_agents)
    hired_on = monthly_due_dates(np.full(n_agents, as_of), -hired_months)
    agent_team_code = [team_codes[t] for t in agent_team] + [None] * n_branches

    agents = pl.DataFrame(
        [
            agent_codes,
            full_names(rng, pools, male),
            mobile_series("mobile", mobile_numbers(rng, pools, n_agents)),
            pl.Series("branch_code", [branch_codes[b] for b in agent_branch]),
            pl.Series("team_code", agent_team_code, dtype=pl.String),
            labels("role", ROLES, role),
            pl.Series("is_team_lead", role == 1),
            labels(
                "home_district", [d.name for d in geo.DISTRICTS], geo.SUBDISTRICT_DISTRICT[home]
            ),
            pl.Series("home_lat", home_lat),
            pl.Series("home_lng", home_lng),
            labels("shift", [s[0] for s in SHIFTS], shift),
            labels("shift_start", [s[1] for s in SHIFTS], shift),
            labels("shift_end", [s[2] for s in SHIFTS], shift),
            labels("travel_mode", TRAVEL_MODES, travel),
            dates("hired_on", hired_on),
        ]
    )
    teams = pl.DataFrame(
        {
            "team_code": team_codes,
            "branch_code": [branch_codes[b] for b in team_branch],
            "name": [
                f"{district_names[b].removesuffix('新区').removesuffix('区')}外访{_numeral(t)}组"
                for b, t in zip(team_branch, team_number, strict=True)
            ],
            "team_lead_agent_code": agent_codes.gather(first_of_team).to_list(),
        }
    )
    managers = pl.DataFrame(
        [
            ascii_series(
                "manager_code", literal("M", n_branches), digits(np.arange(n_branches) + 1, 3)
            ),
            full_names(rng, pools, rng.random(n_branches) < 0.6),
            mobile_series("mobile", mobile_numbers(rng, pools, n_branches)),
            pl.Series("branch_code", branch_codes),
        ]
    )
    return Organisation(
        branches=branches,
        managers=managers,
        teams=teams,
        agents=agents,
        certifications=_certifications(rng, agent_codes, as_of),
        branch_of_district=branch_of_district,
    )


def _certifications(
    rng: np.random.Generator, agent_codes: pl.Series, as_of: np.datetime64
) -> pl.DataFrame:
    """Two annual rounds of certificates per agent, each valid for 12 months.

    Every agent passes the three core courses (and each optional course with a 70 % chance) at
    an annual round R within the last year, and held the same certificates from the round a year
    before (which expired on R), so that every past day of the last year is covered. About 12 %
    of agents missed their latest round: their newest certificates expired in the last four
    months, so their teams cannot be planned on ``as_of``.
    """
    n_agents = agent_codes.len()
    lapsed = rng.random(n_agents) < LAPSED_SHARE
    # The round that renews (or, for lapsed agents, should have renewed) the certificates.
    renew_days = np.where(lapsed, rng.integers(1, 121, n_agents), rng.integers(0, 365, n_agents))
    renewal = as_of - renew_days.astype("timedelta64[D]")
    held = rng.random((n_agents, len(COURSES))) < OPTIONAL_COURSE_CHANCE
    held[:, :CORE_COURSES] = True
    agent, course = np.nonzero(held)
    # Last year's round: valid until this year's round (renewal), whether or not it took place.
    previous_passed = monthly_due_dates(renewal[agent], np.full(agent.size, -12))
    previous_expires = renewal[agent]
    renewed = np.flatnonzero(~lapsed[agent])
    current_passed = renewal[agent[renewed]]
    current_expires = monthly_due_dates(current_passed, np.full(renewed.size, 12))
    agent = np.concatenate([agent, agent[renewed]])
    course = np.concatenate([course, course[renewed]])
    passed_on = np.concatenate([previous_passed, current_passed])
    expires_on = np.concatenate([previous_expires, current_expires])
    order = np.lexsort((passed_on, course, agent))
    agent, course, passed_on, expires_on = (
        agent[order],
        course[order],
        passed_on[order],
        expires_on[order],
    )
    return pl.DataFrame(
        [
            ascii_series(
                "certificate_number",
                literal("CERT", agent.size),
                digits(np.arange(agent.size) + 1, 7),
            ),
            agent_codes.gather(agent).alias("agent_code"),
            labels("course_code", [c[0] for c in COURSES], course),
            labels("course_name", [c[1] for c in COURSES], course),
            dates("passed_on", passed_on),
            dates("expires_on", expires_on),
        ]
    )


def _home_subdistricts(rng: np.random.Generator, district: I64) -> I64:
    """Agents mostly live in their branch's district (80 %), else anywhere people live."""
    weights = geo.residence_weights()
    anywhere = rng.choice(weights.size, size=district.size, p=weights)
    local = np.empty(district.size, dtype=np.int64)
    for d in np.unique(district):
        rows = np.flatnonzero(district == d)
        choices = np.flatnonzero(d == geo.SUBDISTRICT_DISTRICT)
        local[rows] = rng.choice(choices, size=rows.size)
    result: I64 = np.where(rng.random(district.size) < 0.8, local, anywhere)
    return result


def _first_subdistrict(district: int) -> int:
    return int(np.flatnonzero(district == geo.SUBDISTRICT_DISTRICT)[0])


def _share(total: int, weights: npt.NDArray[np.float64]) -> I64:
    """Split ``total`` into integer parts proportional to ``weights``, every part at least 1."""
    parts = np.ones(weights.size, dtype=np.int64)
    rest = total - weights.size
    if rest > 0 and weights.sum() > 0:
        exact = rest * weights / weights.sum()
        floor = np.floor(exact).astype(np.int64)
        order = np.argsort(-(exact - floor), kind="stable")
        floor[order[: rest - int(floor.sum())]] += 1
        parts += floor
    return parts


def _numeral(number: int) -> str:
    if number <= 10:
        return _TEAM_NUMERALS[number - 1]
    return str(number)
