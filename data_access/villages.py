"""Areas: counties, townships and villages (grids), and villages by class (一类/二类)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.frames import frame
from data_access.memo import per_extract
from data_access.relations import Db
from data_access.schema import county, township, village
from data_access.scope import Scope, where

VILLAGE_CLASSES = (1, 2)


@per_extract
def counties(engine: Db) -> pd.DataFrame:
    """All counties (county_code, name, prefecture), by code."""
    query = sa.select(county.c.county_code, county.c.name, county.c.prefecture).order_by(
        county.c.county_code
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["county_code", "name", "prefecture"])


@per_extract
def townships(engine: Db, county_code: str | None = None) -> pd.DataFrame:
    """Townships (of one county, or all), by code."""
    query = sa.select(
        township.c.township_code, township.c.county_code, township.c.name, township.c.health_center
    ).order_by(township.c.township_code)
    if county_code is not None:
        query = query.where(township.c.county_code == county_code)
    with engine.connect() as conn:
        return frame(
            conn.execute(query),
            ["township_code", "county_code", "name", "health_center"],
        )


@per_extract
def village_class_summary(engine: Db, scope: Scope) -> pd.DataFrame:
    """Villages, Σ population and Σ key population per village class in scope."""
    v = village.c
    query = where(
        sa.select(
            v.village_class,
            sa.func.count().label("villages"),
            sa.func.coalesce(sa.func.sum(v.population), 0).label("population"),
            sa.func.coalesce(sa.func.sum(v.key_population), 0).label("key_population"),
        )
        .group_by(v.village_class)
        .order_by(v.village_class),
        scope.township_condition(v.township_code),
    )
    with engine.connect() as conn:
        df = frame(
            conn.execute(query), ["village_class", "villages", "population", "key_population"]
        )
    return df.astype(int)
