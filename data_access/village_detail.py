"""One village up close (the grid map's village panel): its services, 绿黄红 mix and indicators."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.figures import ratio, share
from data_access.frames import frame
from data_access.indicators import attainment, indicator_definitions
from data_access.map import indicator_sums, village_facts, village_record
from data_access.periods import Period
from data_access.relations import Db, chronic_rows, rows_count
from data_access.schema import team_village, village
from data_access.scope import Scope
from data_access.teams import services_by_type


def village_info(engine: Db, village_code: str) -> dict | None:
    """The village's facts (as village_facts) or None for an unknown code."""
    df = village_facts(engine, Scope(), village_code)
    return None if df.empty else village_record(df)


def team_residents(engine: Db, team_id: str) -> int:
    """Residents of all the villages a team serves."""
    query = (
        sa.select(sa.func.coalesce(sa.func.sum(village.c.population), 0))
        .select_from(
            team_village.join(village, village.c.village_code == team_village.c.village_code)
        )
        .where(team_village.c.team_id == team_id)
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def village_services(engine: Db, village_code: str, period: Period) -> pd.DataFrame:
    """Per service type: the team's services in the period and the village's part of them
    (team services × village population / residents of the team's villages)."""
    columns = ["service_type", "team_services", "village_share", "services"]
    info = village_info(engine, village_code)
    if info is None or info["team_id"] is None:
        return pd.DataFrame(columns=columns)
    by_type = services_by_type(engine, Scope(), period, team_id=info["team_id"])
    part = share(info["population"] or 0, team_residents(engine, info["team_id"]))
    df = by_type[["service_type", "services"]].rename(columns={"services": "team_services"})
    df["village_share"] = part
    df["services"] = [None if part is None else s * part for s in df["team_services"]]
    return df[columns]


def village_colors(
    engine: Db, village_code: str, period: Period, month: str | None = None
) -> tuple[str | None, pd.DataFrame]:
    """(month, patients by disease and colour, with each colour's share of the disease) at
    `month` (the map passes its scope's end month, so the panel matches the map's red share)
    or else the period's last month with data for the village; (None, empty) without rows."""
    rows = chronic_rows(engine)
    cs = rows.c
    with engine.connect() as conn:
        if month is None:
            month = conn.execute(
                sa.select(sa.func.max(cs.month)).where(
                    cs.village_code == village_code, cs.month.in_(period.months)
                )
            ).scalar()
        if month is None:
            return None, pd.DataFrame(columns=["disease", "color", "patients", "share"])
        found = conn.execute(
            sa.select(cs.disease, cs.color, rows_count(rows))
            .where(cs.village_code == village_code, cs.month == month)
            .group_by(cs.disease, cs.color)
            .order_by(cs.disease, cs.color)
        ).all()
    if not found:
        return None, pd.DataFrame(columns=["disease", "color", "patients", "share"])
    df = frame(found, ["disease", "color", "patients"])
    totals = df.groupby("disease")["patients"].transform("sum")
    df["share"] = [share(n, t) for n, t in zip(df["patients"], totals, strict=True)]
    return month, df


def village_indicators(engine: Db, village_code: str, period: Period) -> pd.DataFrame:
    """Every indicator with its value for the village (None where there is no village row)."""
    defs = indicator_definitions(engine)
    sums = indicator_sums(engine, Scope(), period, village_code=village_code)
    df = defs.merge(sums.drop(columns="village_code"), on="indicator_code", how="left")
    df["value"] = [
        ratio(n, d, u)
        for n, d, u in zip(df["numerator"], df["denominator"], df["unit"], strict=True)
    ]
    df["attainment"] = [
        attainment(v, t, h)
        for v, t, h in zip(df["value"], df["target"], df["higher_is_better"], strict=True)
    ]
    return df
