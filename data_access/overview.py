"""Figures behind the 总览 alerts: villages without service and funding by village class."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.figures import ratio
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import Db
from data_access.schema import (
    county,
    team,
    team_service,
    team_village,
    township,
    village,
    village_funding,
)
from data_access.scope import Scope, where


@per_extract
def villages_without_service(engine: Db, scope: Scope, period: Period) -> pd.DataFrame:
    """Villages in scope whose team delivered no service in the period (or that have no team)."""
    ts = team_service.c
    delivered = (
        sa.select(ts.team_id, sa.func.sum(ts.services).label("services"))
        .where(ts.month.in_(period.months))
        .group_by(ts.team_id)
        .subquery("delivered")
    )
    query = where(
        sa.select(
            village.c.village_code,
            village.c.name,
            village.c.village_class,
            village.c.township_code,
            township.c.name.label("township_name"),
            county.c.name.label("county_name"),
            team_village.c.team_id,
            team.c.name.label("team_name"),
        )
        .select_from(
            village.join(township, township.c.township_code == village.c.township_code)
            .outerjoin(county, county.c.county_code == township.c.county_code)
            .outerjoin(team_village, team_village.c.village_code == village.c.village_code)
            .outerjoin(team, team.c.team_id == team_village.c.team_id)
            .outerjoin(delivered, delivered.c.team_id == team_village.c.team_id)
        )
        .where(sa.func.coalesce(delivered.c.services, 0) == 0)
        .order_by(village.c.village_code),
        scope.township_condition(village.c.township_code),
    )
    columns = [
        "village_code",
        "name",
        "village_class",
        "township_code",
        "township_name",
        "county_name",
        "team_id",
        "team_name",
    ]
    with engine.connect() as conn:
        return frame(conn.execute(query), columns)


@per_extract
def funding_by_class(engine: Db, scope: Scope, year: int) -> pd.DataFrame:
    """Per county and village class: funds of the year, population and per-capita yuan.

    Only villages with a funding row for the year count (a missing row is missing data,
    not zero funds).
    """
    query = where(
        sa.select(
            township.c.county_code,
            county.c.name.label("county_name"),
            village.c.village_class,
            sa.func.count().label("villages"),
            sa.func.sum(village_funding.c.amount).label("amount"),
            sa.func.sum(village.c.population).label("population"),
        )
        .select_from(
            village_funding.join(village, village.c.village_code == village_funding.c.village_code)
            .join(township, township.c.township_code == village.c.township_code)
            .join(county, county.c.county_code == township.c.county_code)
        )
        .where(village_funding.c.year == year)
        .group_by(township.c.county_code, county.c.name, village.c.village_class)
        .order_by(township.c.county_code, village.c.village_class),
        scope.township_condition(village.c.township_code),
    )
    columns = ["county_code", "county_name", "village_class", "villages", "amount", "population"]
    with engine.connect() as conn:
        df = frame(conn.execute(query), columns)
    df["per_capita"] = [ratio(a, p) for a, p in zip(df["amount"], df["population"], strict=True)]
    return df


def funding_not_tilted(funding: pd.DataFrame) -> pd.DataFrame:
    """Counties where 二类 villages get less per capita than 一类 ones (policy says more)."""
    columns = ["county_code", "county_name", "class1", "class2"]
    per_class: dict[tuple, dict[int, float]] = {}
    for code, name, cls, value in zip(
        funding["county_code"],
        funding["county_name"],
        funding["village_class"],
        funding["per_capita"],
        strict=True,
    ):
        if value is not None and not pd.isna(value):
            per_class.setdefault((code, name), {})[int(cls)] = float(value)
    if not any(1 in v for v in per_class.values()) or not any(2 in v for v in per_class.values()):
        return pd.DataFrame(columns=columns)
    nan = float("nan")
    wide = pd.DataFrame(
        [(c, n, v.get(1, nan), v.get(2, nan)) for (c, n), v in sorted(per_class.items())],
        columns=columns,
    )
    return wide.loc[wide["class2"] < wide["class1"], columns]
