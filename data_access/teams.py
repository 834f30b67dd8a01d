"""Family-doctor teams: services, points, composition and 抽查 (sample checks) over a period."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.figures import ratio, share
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import Db
from data_access.schema import (
    sample_check,
    service_type,
    team,
    team_member,
    team_service,
    team_village,
    township,
    village,
)
from data_access.scope import COUNTY_CODE_LEN, Scope, where

MEMBER_LEVELS = ("county", "township", "village", "other")
# The contract's service types in the order the UI lists them; other codes follow by code.
SERVICE_TYPES = (
    "sign",
    "follow_up",
    "health_check",
    "health_education",
    "consultation",
    "referral",
)
# Residents per "per 1,000 residents" figure.
PER_RESIDENTS = 1000

# High volume (a secondary marker, never the flag): at least the upper quartile of services
# among ALL the database's teams that served in the period, so that the reference does not
# move with the scope a team is seen through.
HIGH_VOLUME_QUANTILE = 0.75
# A team whose re-checked services are under 80% genuine is flagged: the usual assessment red
# line for 抽查 (below it, the points a team earned are in doubt).
LOW_PASS_RATE = 0.8
# With fewer re-checks a pass rate says little; such teams are never flagged.
MIN_CHECKED_FOR_PASS_RATE = 10

WORKLOAD_COLUMNS = [
    "team_id",
    "name",
    "township_code",
    "township_name",
    "services",
    "points",
    "village_services",
    "members",
    "villages",
    "population",
    "checked",
    "passed",
]


@per_extract
def team_workload(engine: Db, scope: Scope, period: Period) -> pd.DataFrame:
    """Per team of the townships in scope: services, points, members, served population, 抽查.

    Adds village_doctor_share (village-level services / all services) and pass_rate
    (passed / checked), each None when its denominator is 0.
    """
    ts = team_service.c
    services = (
        sa.select(
            ts.team_id,
            sa.func.sum(ts.services).label("services"),
            sa.func.sum(ts.services * service_type.c.points).label("points"),
            sa.func.sum(sa.case((ts.member_level == "village", ts.services), else_=0)).label(
                "village_services"
            ),
        )
        .select_from(
            team_service.join(service_type, service_type.c.service_type == ts.service_type)
        )
        .where(ts.month.in_(period.months))
        .group_by(ts.team_id)
        .subquery("services")
    )
    members = (
        sa.select(team_member.c.team_id, sa.func.count().label("members"))
        .group_by(team_member.c.team_id)
        .subquery("members")
    )
    served = (
        sa.select(
            team_village.c.team_id,
            sa.func.count().label("villages"),
            sa.func.sum(village.c.population).label("population"),
        )
        .select_from(
            team_village.join(village, village.c.village_code == team_village.c.village_code)
        )
        .group_by(team_village.c.team_id)
        .subquery("served")
    )
    sc = sample_check.c
    checks = (
        sa.select(
            sc.team_id,
            sa.func.sum(sc.checked).label("checked"),
            sa.func.sum(sc.passed).label("passed"),
        )
        .where(sc.month.in_(period.months))
        .group_by(sc.team_id)
        .subquery("checks")
    )
    zero = sa.literal_column("0")
    query = where(
        sa.select(
            team.c.team_id,
            team.c.name,
            team.c.township_code,
            township.c.name.label("township_name"),
            sa.func.coalesce(services.c.services, zero).label("services"),
            sa.func.coalesce(services.c.points, zero).label("points"),
            sa.func.coalesce(services.c.village_services, zero).label("village_services"),
            sa.func.coalesce(members.c.members, zero).label("members"),
            sa.func.coalesce(served.c.villages, zero).label("villages"),
            sa.func.coalesce(served.c.population, zero).label("population"),
            sa.func.coalesce(checks.c.checked, zero).label("checked"),
            sa.func.coalesce(checks.c.passed, zero).label("passed"),
        )
        .select_from(
            team.join(township, township.c.township_code == team.c.township_code)
            .outerjoin(services, services.c.team_id == team.c.team_id)
            .outerjoin(members, members.c.team_id == team.c.team_id)
            .outerjoin(served, served.c.team_id == team.c.team_id)
            .outerjoin(checks, checks.c.team_id == team.c.team_id)
        )
        .order_by(team.c.township_code, team.c.team_id),
        scope.township_condition(team.c.township_code),
    )
    with engine.connect() as conn:
        df = frame(conn.execute(query), WORKLOAD_COLUMNS)
    for col in (
        "services",
        "village_services",
        "members",
        "villages",
        "population",
        "checked",
        "passed",
    ):
        df[col] = df[col].astype(int)
    df["points"] = df["points"].astype(float)
    df["village_doctor_share"] = [
        share(v, s) for v, s in zip(df["village_services"], df["services"], strict=True)
    ]
    df["pass_rate"] = [share(p, c) for p, c in zip(df["passed"], df["checked"], strict=True)]
    return df


def member_composition(engine: Db, scope: Scope) -> pd.DataFrame:
    """Members by level for the teams in scope."""
    query = where(
        sa.select(team_member.c.level, sa.func.count().label("members"))
        .select_from(team_member.join(team, team.c.team_id == team_member.c.team_id))
        .group_by(team_member.c.level),
        scope.township_condition(team.c.township_code),
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["level", "members"])


@per_extract
def service_types(engine: Db) -> pd.DataFrame:
    """The service types (service_type, name, points) in the UI's order."""
    st_ = service_type.c
    with engine.connect() as conn:
        df = frame(
            conn.execute(sa.select(st_.service_type, st_.name, st_.points)),
            ["service_type", "name", "points"],
        )
    df["points"] = df["points"].astype(float)
    order = {code: i for i, code in enumerate(SERVICE_TYPES)}
    df["_order"] = [(order.get(c, len(order)), c) for c in df["service_type"]]
    return df.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def service_sums(
    keys: list, months: tuple[str, ...], scope: Scope, team_id: str | None = None
) -> sa.Select:
    """Σ services and Σ points grouped (and ordered) by `keys`, for the teams in scope (or one
    team) over `months`; the shared query of the by-type and monthly breakdowns."""
    ts = team_service.c
    return where(
        sa.select(
            *keys,
            sa.func.sum(ts.services).label("services"),
            sa.func.sum(ts.services * service_type.c.points).label("points"),
        )
        .select_from(
            team_service.join(service_type, service_type.c.service_type == ts.service_type).join(
                team, team.c.team_id == ts.team_id
            )
        )
        .where(ts.month.in_(months))
        .group_by(*keys)
        .order_by(*keys),
        scope.township_condition(team.c.township_code),
        None if team_id is None else ts.team_id == team_id,
    )


def services_by_type(
    engine: Db, scope: Scope, period: Period, team_id: str | None = None
) -> pd.DataFrame:
    """Per team and service type in scope (or of one team): services and points in the period."""
    ts = team_service.c
    query = service_sums([ts.team_id, ts.service_type], period.months, scope, team_id)
    with engine.connect() as conn:
        df = frame(conn.execute(query), ["team_id", "service_type", "services", "points"])
    return df.astype({"services": int, "points": float})


@per_extract
def members_by_level(engine: Db, scope: Scope) -> pd.DataFrame:
    """Members per team and level for the teams in scope (levels without members are absent)."""
    tm = team_member.c
    query = where(
        sa.select(tm.team_id, tm.level, sa.func.count().label("members"))
        .select_from(team_member.join(team, team.c.team_id == tm.team_id))
        .group_by(tm.team_id, tm.level)
        .order_by(tm.team_id, tm.level),
        scope.township_condition(team.c.township_code),
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["team_id", "level", "members"]).astype({"members": int})


def team_summary(engine: Db, scope: Scope, period: Period) -> pd.DataFrame:
    """team_workload plus county_code, services_<type> per service type, members_<level>,
    services_per_member and services_per_1000 (per 1,000 residents of the villages served).

    Ratios are None when their denominator is 0 (no members, no residents served).
    """
    df = team_workload(engine, scope, period)
    df.insert(3, "county_code", df["township_code"].str[:COUNTY_CODE_LEN])
    by_type = services_by_type(engine, scope, period).pivot(
        index="team_id", columns="service_type", values="services"
    )
    for code in service_types(engine)["service_type"]:
        found = by_type[code] if code in by_type.columns else pd.Series(dtype=float)
        df[f"services_{code}"] = df["team_id"].map(found).fillna(0).astype(int)
    levels = members_by_level(engine, scope).pivot(
        index="team_id", columns="level", values="members"
    )
    for level in MEMBER_LEVELS:
        found = levels[level] if level in levels.columns else pd.Series(dtype=float)
        df[f"members_{level}"] = df["team_id"].map(found).fillna(0).astype(int)
    df["services_per_member"] = [
        ratio(s, m) for s, m in zip(df["services"], df["members"], strict=True)
    ]
    df["services_per_1000"] = [
        ratio(PER_RESIDENTS * s, p) for s, p in zip(df["services"], df["population"], strict=True)
    ]
    return df


# Workload columns that are counts: all but the identifiers and the fractional points.
COUNT_COLUMNS = tuple(c for c in WORKLOAD_COLUMNS[4:] if c != "points")


def scope_totals(summary: pd.DataFrame) -> dict:
    """Σ over the teams of a team_summary, with the scope's ratios formed from those sums."""
    counts = [c for c in summary.columns if c in COUNT_COLUMNS or c.startswith("members_")]
    sums = {col: int(summary[col].sum()) for col in counts}
    sums["points"] = float(summary["points"].sum())
    sums["teams"] = len(summary)
    sums["village_doctor_share"] = share(sums["village_services"], sums["services"])
    sums["pass_rate"] = share(sums["passed"], sums["checked"])
    sums["services_per_member"] = ratio(sums["services"], sums["members"])
    sums["services_per_1000"] = ratio(PER_RESIDENTS * sums["services"], sums["population"])
    return sums


def low_pass_rate(workload: pd.DataFrame) -> pd.Series:
    """True for teams whose own 抽查 pass rate is under LOW_PASS_RATE on enough re-checks.

    Depends on the team's figures only, so a team is flagged alike in any scope it is seen in.
    """
    rate = pd.to_numeric(workload["pass_rate"], errors="coerce")
    return ((workload["checked"] >= MIN_CHECKED_FOR_PASS_RATE) & (rate < LOW_PASS_RATE)).fillna(
        False
    )


def high_volume_threshold(summary: pd.DataFrame) -> float | None:
    """Services from which a team counts as high volume: the upper quartile of the teams in
    `summary` that served (pass all the database's teams: the reference must not follow the
    scope)."""
    served = summary.loc[summary["services"] > 0, "services"].astype(float)
    return float(served.quantile(HIGH_VOLUME_QUANTILE)) if len(served) else None


def high_volume_reference(engine: Db, period: Period) -> float | None:
    """high_volume_threshold over every team of the database in the period (in services)."""
    return high_volume_threshold(team_workload(engine, Scope(), period))


@per_extract
def last_check_month(engine: Db, scope: Scope, through: str) -> str | None:
    """The latest month up to `through` (YYYY-MM) with 抽查 rows of the teams in scope."""
    sc = sample_check.c
    query = where(
        sa.select(sa.func.max(sc.month))
        .select_from(sample_check.join(team, team.c.team_id == sc.team_id))
        .where(sc.month <= through, sc.checked > 0),
        scope.township_condition(team.c.township_code),
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def village_share_medians(engine: Db, scope: Scope, period: Period) -> pd.DataFrame:
    """Per county touched by the scope (whole county, whatever townships are chosen): the
    median of its teams' village-doctor shares, over the teams that delivered services."""
    wide = Scope(scope.county_code) if scope.county_code else Scope()
    df = team_workload(engine, wide, period)
    df = df.assign(
        county_code=df["township_code"].str[:COUNTY_CODE_LEN],
        share=pd.to_numeric(df["village_doctor_share"]),
    )
    df = df[df["services"] > 0]
    grouped = df.groupby("county_code")["share"].agg(teams="count", median="median")
    return grouped.reset_index()
