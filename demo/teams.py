"""Family-doctor teams, their members and villages, monthly services and quarterly re-checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demo import names
from demo.areas import Areas

SERVICE_TYPES = pd.DataFrame(
    {
        "service_type": [
            "sign",
            "follow_up",
            "health_check",
            "health_education",
            "consultation",
            "referral",
        ],
        "name": ["签约", "随访", "体检", "健康教育", "诊疗", "转诊"],
        "points": [2.0, 1.5, 3.0, 1.0, 0.5, 2.0],
    }
)
LEVELS = np.array(["county", "township", "village", "other"])
TEAM_SIZES = (1, 2, 3, 4)  # villages per team
TEAM_SIZE_P = (0.2, 0.35, 0.3, 0.15)
COUNTY_SPECIALTIES = ["心血管内科", "内分泌科", "呼吸内科", "精神科", "感染科", "全科医学科"]
OTHER_ROLES = ["健康管理师", "药师", "心理咨询师", "康复治疗师", "中医师", "营养师"]
LOW_QUALITY_SHARE = 0.04  # high volume, 55–75 % re-check pass rate: the red flag the page looks for
NEVER_CHECKED_SHARE = 0.03
QUIET_TEAM_MONTH_SHARE = 0.015  # team-months with no reported service at all

# Per service type (SERVICE_TYPES order): county specialists' share (mostly consultations and
# referrals), the village doctors' share as a multiple of the team's own village share, and
# X's (other) part of what township staff and X do between them.
LEVEL_PATTERN = np.array(
    [
        [0.0, 1.0, 0.05],  # sign
        [0.03, 1.0, 0.2],  # follow_up
        [0.0, 0.7, 0.05],  # health_check
        [0.05, 1.0, 0.25],  # health_education
        [0.08, 1.0, 0.0],  # consultation
        [0.25, 0.6, 0.0],  # referral
    ]
)
# Services per resident per year (health_education: sessions per village per year).
ANNUAL_RATE = np.array([0.45, 0.6, 0.15, 24.0, 1.2, 0.025])
# Month-of-year profile per service type (Jan … Dec): signing in Q1, checks Apr–Sep,
# quarterly follow-up peaks, and a Spring Festival dip in February for everything.
SEASON = np.array(
    [
        [2.8, 1.5, 2.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.6],
        [1.0, 0.6, 1.2, 1.0, 1.0, 1.2, 1.0, 1.0, 1.2, 1.0, 1.0, 1.2],
        [0.3, 0.15, 0.4, 1.6, 1.8, 1.8, 1.7, 1.6, 1.6, 0.5, 0.3, 0.3],
        [1.0, 0.5, 1.1, 1.1, 1.0, 1.0, 0.9, 0.9, 1.0, 1.1, 1.1, 1.0],
        [1.25, 0.8, 1.1, 1.0, 0.95, 0.9, 0.9, 0.9, 0.95, 1.0, 1.1, 1.2],
        [1.1, 0.7, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1],
    ]
)
SEASON = SEASON / SEASON.mean(axis=1, keepdims=True)


@dataclass(frozen=True)
class Teams:
    team: pd.DataFrame
    member: pd.DataFrame
    team_village: pd.DataFrame
    village_team: np.ndarray  # team row of each village
    levels_present: np.ndarray  # (teams, 4) bool, in LEVELS order
    low_quality: np.ndarray
    never_checked: np.ndarray
    silent_last_month: int  # team row that reports nothing in the last month


def build_teams(rng: np.random.Generator, areas: Areas) -> Teams:
    """Group each township's neighbouring villages (1–4) into one team with 4–9 members."""
    village = areas.village
    lonlat = village[["lon", "lat"]].to_numpy()
    village_team = np.full(len(village), -1)
    teams: list[dict] = []
    for t, township_code in enumerate(areas.township["township_code"]):
        members = np.flatnonzero(areas.village_township == t)  # nearest the center first
        sizes_p = (0.5, 0.5, 0, 0) if areas.township_is_street[t] else TEAM_SIZE_P
        free = list(members)
        seq = 0
        while free:
            anchor = free.pop(0)
            size = int(rng.choice(TEAM_SIZES, p=sizes_p))
            if free and size > 1:
                near = np.argsort(np.hypot(*(lonlat[free] - lonlat[anchor]).T))[: size - 1]
                chosen = [free[i] for i in near]
                free = [v for v in free if v not in chosen]
            else:
                chosen = []
            village_team[[anchor, *chosen]] = len(teams)
            seq += 1
            teams.append(
                dict(
                    team_id=f"T{township_code}{seq:02d}",
                    township_code=township_code,
                    name=village["name"].iat[anchor] + "医防融合团队",
                    villages=1 + len(chosen),
                )
            )
    team = pd.DataFrame(teams)
    quoted = len(team) // 2
    anchor_name = team.at[quoted, "name"].removesuffix("医防融合团队")
    team.at[quoted, "name"] = names.QUOTED_TEAM_NAME_TEMPLATE.format(village=anchor_name)

    member, leaders, levels_present = _members(rng, team)
    team["leader"] = leaders
    n = len(team)
    flagged = rng.permutation(n)
    low_count = max(1, round(LOW_QUALITY_SHARE * n))
    unchecked_count = max(1, round(NEVER_CHECKED_SHARE * n))
    low_quality = np.zeros(n, dtype=bool)
    low_quality[flagged[:low_count]] = True
    never_checked = np.zeros(n, dtype=bool)
    never_checked[flagged[low_count : low_count + unchecked_count]] = True
    return Teams(
        team=team[["team_id", "township_code", "name", "leader"]],
        member=member,
        team_village=pd.DataFrame(
            {
                "team_id": team["team_id"].to_numpy()[village_team],
                "village_code": village["village_code"],
            }
        ),
        village_team=village_team,
        levels_present=levels_present,
        low_quality=low_quality,
        never_checked=never_checked,
        silent_last_month=int(flagged[low_count + unchecked_count]),
    )


def _members(rng, team: pd.DataFrame) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """Members of every team: village doctors, township staff, a county specialist, maybe X."""
    rows: list[tuple[str, str, str, str]] = []
    leaders: list[str] = []
    present = np.zeros((len(team), len(LEVELS)), dtype=bool)
    for i, (team_id, villages) in enumerate(zip(team["team_id"], team["villages"], strict=True)):
        roster = [("village", "乡村医生")] * (villages + int(rng.random() < 0.3))
        roster = [("township", "全科医生")] + roster
        roster += [("township", "护士")] * int(rng.random() < 0.7)
        roster += [("township", "公卫人员")] * int(rng.random() < 0.6)
        specialist = ("county", "县级专科医生（" + str(rng.choice(COUNTY_SPECIALTIES)) + "）")
        roster += [specialist] * (1 + int(rng.random() < 0.15))
        roster += [
            ("other", str(r)) for r in rng.choice(OTHER_ROLES, rng.choice(3, p=[0.35, 0.5, 0.15]))
        ]
        while len(roster) < 4:
            roster.append(("township", "公卫人员"))
        if len(roster) > 9:  # keep the GP, the first specialist and one village doctor
            roster = roster[:9]
        people = names.person_names(rng, len(roster))
        for j, ((level, role), person) in enumerate(zip(roster, people, strict=True)):
            rows.append((f"{team_id}-{j + 1:02d}", team_id, person, level, role))
            present[i, np.flatnonzero(LEVELS == level)] = True
        village_doctor = next(
            p for (lv, _), p in zip(roster, people, strict=True) if lv == "village"
        )
        leaders.append(people[0] if rng.random() < 0.8 else village_doctor)
    member = pd.DataFrame(rows, columns=["member_id", "team_id", "name", "level", "role"])
    return member, leaders, present


def team_services(
    rng: np.random.Generator, areas: Areas, teams: Teams, months: list[str]
) -> pd.DataFrame:
    """Monthly services per team, type and member level, in month order (rows with 0 omitted)."""
    village = areas.village
    n_teams, n_months, n_types = len(teams.team), len(months), len(SERVICE_TYPES)
    pop = np.bincount(teams.village_team, weights=village["population"], minlength=n_teams)
    class2_pop = np.bincount(
        teams.village_team,
        weights=village["population"] * (village["village_class"] == 2),
        minlength=n_teams,
    )
    villages = np.bincount(teams.village_team, minlength=n_teams)
    county = areas.village_county[np.unique(teams.village_team, return_index=True)[1]]
    # Remote teams reach fewer residents per head, except in counties that push them harder.
    county_push = rng.uniform(-0.1, 0.35, len(areas.county))
    factor = rng.lognormal(0, 0.2, n_teams) * (1 + (county_push[county] - 0.15) * class2_pop / pop)
    factor *= np.where(teams.low_quality, 1.6, 1.0)
    base = np.where(np.arange(n_types) == 3, villages[:, None], pop[:, None]) * ANNUAL_RATE / 12
    month_no = np.array([int(m[5:]) - 1 for m in months])
    trend = 1 + 0.008 * np.arange(n_months)
    expected = (
        (base * factor[:, None])[:, None, :] * SEASON.T[month_no][None] * trend[None, :, None]
    )
    totals = rng.poisson(expected * rng.gamma(25, 1 / 25, expected.shape))
    totals[rng.random((n_teams, n_months)) < QUIET_TEAM_MONTH_SHARE] = 0
    totals[teams.silent_last_month, -1] = 0

    shares = _level_shares(rng, teams.levels_present)  # (teams, types, levels)
    pvals = np.broadcast_to(shares[:, None], (n_teams, n_months, n_types, len(LEVELS)))
    counts = rng.multinomial(totals, pvals)  # (teams, months, types, levels)
    t, m, s, lv = np.nonzero(counts)
    order = np.lexsort((lv, s, t, m))
    t, m, s, lv = t[order], m[order], s[order], lv[order]
    return pd.DataFrame(
        {
            "team_id": teams.team["team_id"].to_numpy()[t],
            "month": np.asarray(months)[m],
            "service_type": SERVICE_TYPES["service_type"].to_numpy()[s],
            "member_level": LEVELS[lv],
            "services": counts[t, m, s, lv].astype(np.int64),
        }
    )


def _level_shares(rng, present: np.ndarray) -> np.ndarray:
    """Who delivers each service type: the village-doctor share varies by team (25–70 %)."""
    v = rng.uniform(0.25, 0.70, len(present))[:, None]
    county, village_factor, other_of_rest = LEVEL_PATTERN.T
    village = village_factor * v
    rest = 1 - village
    shares = np.stack(
        [
            np.broadcast_to(county, village.shape),
            rest * (1 - other_of_rest),
            village,
            rest * other_of_rest,
        ],
        axis=2,
    )  # (teams, types, levels) in LEVELS order
    shares = shares * present[:, None, :]
    return shares / shares.sum(axis=2, keepdims=True)


def sample_checks(
    rng: np.random.Generator, teams: Teams, services: pd.DataFrame, months: list[str]
) -> pd.DataFrame:
    """Quarter-end re-checks of ≈5 % of the quarter's services, passed at a team's own rate."""
    n = len(teams.team)
    pass_rate = np.where(teams.low_quality, rng.uniform(0.55, 0.75, n), rng.uniform(0.85, 0.98, n))
    team_row = pd.Series(np.arange(n), index=teams.team["team_id"])
    rows = []
    for end in (m for m in months if int(m[5:]) % 3 == 0):
        year, last = int(end[:4]), int(end[5:])
        quarter = [f"{year:04d}-{mm:02d}" for mm in range(last - 2, last + 1)]
        in_quarter = services[services["month"].isin(quarter)]
        totals = np.bincount(
            team_row[in_quarter["team_id"]].to_numpy(), weights=in_quarter["services"], minlength=n
        )
        checked = np.minimum(
            np.maximum(np.round(0.05 * totals * rng.uniform(0.8, 1.2, n)), 3), totals
        ).astype(int)
        passed = rng.binomial(checked, pass_rate)
        keep = (checked > 0) & ~teams.never_checked
        rows.append(
            pd.DataFrame(
                {
                    "team_id": teams.team["team_id"].to_numpy()[keep],
                    "month": end,
                    "checked": checked[keep],
                    "passed": passed[keep],
                }
            )
        )
    columns = ["team_id", "month", "checked", "passed"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
