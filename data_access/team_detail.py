"""One family-doctor team up close, and services month by month (by type and member level)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access import names
from data_access.frames import frame
from data_access.relations import Db
from data_access.schema import (
    team,
    team_member,
    team_service,
    team_village,
    township,
    village,
)
from data_access.scope import Scope
from data_access.teams import MEMBER_LEVELS, service_sums

INFO_COLUMNS = ["team_id", "name", "leader", "township_code", "township_name", "county_code"]
MEMBER_COLUMNS = ["member_id", "name", "level", "role"]
VILLAGE_COLUMNS = [
    "village_code",
    "name",
    "village_class",
    "population",
    "key_population",
    "distance_km",
    "road",
]
MONTHLY_COLUMNS = ["month", "service_type", "member_level", "services", "points"]


def team_info(engine: Db, team_id: str) -> dict | None:
    """The team's name, leader, township and county, or None for an unknown team_id."""
    query = (
        sa.select(
            team.c.team_id,
            team.c.name,
            team.c.leader,
            team.c.township_code,
            township.c.name.label("township_name"),
            township.c.county_code,
        )
        .select_from(team.join(township, township.c.township_code == team.c.township_code))
        .where(team.c.team_id == team_id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else names.clean_record(dict(zip(INFO_COLUMNS, row, strict=True)))


def team_members(engine: Db, team_id: str) -> pd.DataFrame:
    """Members of one team, county level first (county, township, village, other), then by id."""
    tm = team_member.c
    query = sa.select(tm.member_id, tm.name, tm.level, tm.role).where(tm.team_id == team_id)
    with engine.connect() as conn:
        df = frame(conn.execute(query), MEMBER_COLUMNS)
    order = {level: i for i, level in enumerate(MEMBER_LEVELS)}
    df["_order"] = [
        (order.get(lv, len(order)), m) for lv, m in zip(df["level"], df["member_id"], strict=True)
    ]
    return df.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def team_villages(engine: Db, team_id: str) -> pd.DataFrame:
    """The villages (grids) one team serves, with class, population, distance and road."""
    v = village.c
    query = (
        sa.select(*(v[c] for c in VILLAGE_COLUMNS))
        .select_from(team_village.join(village, v.village_code == team_village.c.village_code))
        .where(team_village.c.team_id == team_id)
        .order_by(v.village_code)
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), VILLAGE_COLUMNS)


def monthly_services(
    engine: Db, scope: Scope, months: tuple[str, ...], team_id: str | None = None
) -> pd.DataFrame:
    """Services and points per month, service type and member level, for the teams in scope
    (or one team), over the given months (YYYY-MM)."""
    ts = team_service.c
    query = service_sums([ts.month, ts.service_type, ts.member_level], months, scope, team_id)
    with engine.connect() as conn:
        df = frame(conn.execute(query), MONTHLY_COLUMNS)
    return df.astype({"services": int, "points": float})
