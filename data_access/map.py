"""The grid map's figures: villages with their facts, boundaries and thematic values, the
comparison of village classes, and villages whose factors disagree with their class.

Services are recorded per team, not per village. A village is credited with its team's
services in proportion to its share of the residents of all the team's villages
(SERVICE_ALLOCATION_RULE); services per 1,000 residents is therefore the team's figure.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.chronic import snapshot_month
from data_access.figures import PERCENT_UNIT, ratio
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import Db, chronic_rows, rows_count
from data_access.schema import (
    county,
    indicator,
    indicator_value,
    team,
    team_service,
    team_village,
    township,
    village,
    village_boundary,
    village_funding,
)
from data_access.scope import Scope, where
from data_access.teams import PER_RESIDENTS

# The indicator behind the signing-rate layer (家庭医生签约率); no layer value without it.
SIGNING_INDICATOR = "fd_sign"
SERVICE_ALLOCATION_RULE = "population_share"

# 一类 means 集中、路况好: a clinic this far from its health center on a poor road is served
# like a 二类 village (about an hour each way on mountain roads).
REMOTE_DISTANCE_KM = 10.0
# 二类 means 偏远、交通不便: this close on a good road a village is easy to reach.
NEAR_DISTANCE_KM = 5.0
REMOTE_ROAD, NEAR_ROAD = "poor", "good"

FACT_COLUMNS = [
    "village_code",
    "name",
    "township_code",
    "township_name",
    "county_code",
    "county_name",
    "village_class",
    "population",
    "key_population",
    "area_km2",
    "distance_km",
    "road",
    "lon",
    "lat",
    "team_id",
    "team_name",
]


def _read(engine: Db, query, columns: list[str]) -> pd.DataFrame:
    with engine.connect() as conn:
        return frame(conn.execute(query), columns)


def _scoped(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    return df if bool(mask.all()) else df.loc[mask].reset_index(drop=True)


def village_facts(engine: Db, scope: Scope, village_code: str | None = None) -> pd.DataFrame:
    """Villages in scope (or one village) with township, county and their team, by code."""
    df = _all_village_facts(engine)
    mask = scope.mask(df)
    if village_code is not None:
        mask &= df["village_code"] == village_code
    return _scoped(df, mask)


def village_record(facts: pd.DataFrame) -> dict:
    """The first village of `facts` as a dict; a missing text (no team) is None, as the
    database has it, where the whole table's text columns hold NaN."""
    row = facts.iloc[0]
    return {
        k: None if not pd.api.types.is_float_dtype(facts[k].dtype) and pd.isna(v) else v
        for k, v in row.items()
    }


@per_extract
def _all_village_facts(engine: Db) -> pd.DataFrame:
    """Every village with its township, county and team: read once, scoped in memory (a scope
    filter in SQL costs more than the 2,000–7,000 rows it leaves out)."""
    v = village.c
    # The contract gives every village one team; the first by id guards against duplicates.
    first_team = (
        sa.select(team_village.c.village_code, sa.func.min(team_village.c.team_id).label("team_id"))
        .group_by(team_village.c.village_code)
        .subquery("first_team")
    )
    query = (
        sa.select(
            v.village_code,
            v.name,
            v.township_code,
            township.c.name,
            township.c.county_code,
            county.c.name,
            v.village_class,
            v.population,
            v.key_population,
            v.area_km2,
            v.distance_km,
            v.road,
            v.lon,
            v.lat,
            team.c.team_id,
            team.c.name,
        )
        .select_from(
            village.join(township, township.c.township_code == v.township_code)
            .join(county, county.c.county_code == township.c.county_code)
            .outerjoin(first_team, first_team.c.village_code == v.village_code)
            .outerjoin(team, team.c.team_id == first_team.c.team_id)
        )
        .order_by(v.village_code)
    )
    df = _read(engine, query, FACT_COLUMNS)
    for col in ("area_km2", "distance_km", "lon", "lat"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["village_class"] = df["village_class"].astype(int)
    return df


def village_boundaries(engine: Db, scope: Scope) -> pd.DataFrame:
    """(village_code, geojson) of the villages in scope that have a boundary row."""
    b = village_boundary.c
    query = where(
        sa.select(b.village_code, b.geojson)
        .select_from(village_boundary.join(village, village.c.village_code == b.village_code))
        .order_by(b.village_code),
        scope.township_condition(village.c.township_code),
    )
    return _read(engine, query, ["village_code", "geojson"])


@per_extract
def _chronic_counts(engine: Db, month: str | None) -> pd.DataFrame:
    """Per village at `month`: chronic rows (patient × disease) and red rows."""
    columns = ["village_code", "patients", "red"]
    if month is None:
        return pd.DataFrame(columns=columns)
    rows = chronic_rows(engine)
    c = rows.c
    query = (
        sa.select(
            c.village_code,
            rows_count(rows).label("patients"),
            rows_count(rows, c.color == "red").label("red"),
        )
        .where(c.month == month)
        .group_by(c.village_code)
    )
    return _read(engine, query, columns)


@per_extract
def _all_team_totals(engine: Db, period: Period) -> pd.DataFrame:
    """Per team: its township and county, services in the period (None without rows) and
    residents of all its villages."""
    ts = team_service.c
    services = (
        sa.select(ts.team_id, sa.func.sum(ts.services).label("services"))
        .where(ts.month.in_(period.months))
        .group_by(ts.team_id)
        .subquery("services")
    )
    residents = (
        sa.select(team_village.c.team_id, sa.func.sum(village.c.population).label("residents"))
        .select_from(
            team_village.join(village, village.c.village_code == team_village.c.village_code)
        )
        .group_by(team_village.c.team_id)
        .subquery("residents")
    )
    query = sa.select(
        team.c.team_id,
        team.c.township_code,
        township.c.county_code,
        services.c.services,
        sa.func.coalesce(residents.c.residents, 0),
    ).select_from(
        team.outerjoin(township, township.c.township_code == team.c.township_code)
        .outerjoin(services, services.c.team_id == team.c.team_id)
        .outerjoin(residents, residents.c.team_id == team.c.team_id)
    )
    columns = ["team_id", "township_code", "county_code", "team_services", "team_residents"]
    df = _read(engine, query, columns)
    df["team_services"] = pd.to_numeric(df["team_services"]).astype(float)
    return df


def _team_totals(engine: Db, scope: Scope, period: Period) -> pd.DataFrame:
    """Per team in scope: services in the period and residents of all its villages.

    Services are 0 for a team without rows while other teams in scope have some, and None
    for all when the scope has no service rows in the period (missing data, not zero work).
    """
    teams = _all_team_totals(engine, period)
    df = teams.loc[scope.mask(teams), ["team_id", "team_services", "team_residents"]]
    if df["team_services"].notna().any():
        df = df.assign(team_services=df["team_services"].fillna(0.0))
    return df


@per_extract
def _funding(engine: Db, year: int) -> pd.DataFrame:
    """Per village: funds allocated for the year (villages without a row are absent)."""
    f = village_funding.c
    query = (
        sa.select(f.village_code, sa.func.sum(f.amount).label("funding"))
        .where(f.year == year)
        .group_by(f.village_code)
    )
    return _read(engine, query, ["village_code", "funding"])


def indicator_sums(
    engine: Db,
    scope: Scope,
    period: Period,
    codes: tuple[str, ...] | None = None,
    village_code: str | None = None,
) -> pd.DataFrame:
    """Per village and indicator (village-level rows only): Σ numerator and Σ denominator over
    the period — the village's last month with data for `last` indicators, every month for
    `sum` ones (DATA_CONTRACT.md)."""
    iv = indicator_value.c
    rows = where(
        sa.select(iv.indicator_code, iv.area_code, iv.month, iv.numerator, iv.denominator).where(
            iv.month.in_(period.months), iv.area_level == "village"
        ),
        scope.area_code_condition(iv.area_code, iv.area_level),
        None if codes is None else iv.indicator_code.in_(codes),
        None if village_code is None else iv.area_code == village_code,
    ).cte("village_rows")
    last = (
        sa.select(rows.c.indicator_code, rows.c.area_code, sa.func.max(rows.c.month).label("m"))
        .group_by(rows.c.indicator_code, rows.c.area_code)
        .cte("village_last_month")
    )
    query = (
        sa.select(
            rows.c.area_code,
            rows.c.indicator_code,
            sa.func.sum(rows.c.numerator),
            sa.func.sum(rows.c.denominator),
        )
        .select_from(
            rows.join(
                last,
                sa.and_(
                    last.c.indicator_code == rows.c.indicator_code,
                    last.c.area_code == rows.c.area_code,
                ),
            ).join(indicator, indicator.c.indicator_code == rows.c.indicator_code)
        )
        .where(sa.or_(indicator.c.period_agg == "sum", rows.c.month == last.c.m))
        .group_by(rows.c.area_code, rows.c.indicator_code)
    )
    df = _read(engine, query, ["village_code", "indicator_code", "numerator", "denominator"])
    return df.astype({"numerator": float, "denominator": float})


@per_extract
def village_figures(
    engine: Db, scope: Scope, period: Period, village_code: str | None = None
) -> pd.DataFrame:
    """village_facts plus the map's thematic sums and values per village for the period
    (or for one village of the scope: the same figures, read for it alone).

    red_share = red / patients (chronic rows at the period's last month with data; 0–1);
    services = team services × the village's share of the team's residents;
    services_per_1000 = 1,000 × services / population; sign_rate = Σnum / Σden of
    SIGNING_INDICATOR in %; funding_per_capita = funds of the period's year / population
    (yuan). Every value is None when its denominator is 0 or missing.
    """
    df = village_facts(engine, scope, village_code)
    # The scope's end month even for one village: its red share is the one the map shows.
    month = snapshot_month(engine, scope, period)
    df = df.merge(_chronic_counts(engine, month), on="village_code", how="left")
    df["patients"] = df["patients"].fillna(0).astype(int)
    df["red"] = df["red"].fillna(0).astype(int)
    df["chronic_month"] = month

    df = df.merge(_team_totals(engine, scope, period), on="team_id", how="left")
    population = pd.to_numeric(df["population"]).fillna(0).astype(float)
    df["services"] = [
        None if pd.isna(s) or not r else float(s) * p / float(r)
        for s, r, p in zip(df["team_services"], df["team_residents"], population, strict=True)
    ]
    df["services_per_1000"] = [
        ratio(PER_RESIDENTS * s, p) if s is not None else None
        for s, p in zip(df["services"], population, strict=True)
    ]
    df["red_share"] = [ratio(r, n) for r, n in zip(df["red"], df["patients"], strict=True)]

    sign = _signing_sums(engine, period)  # indicator rows are scoped by code, as in SQL
    df = df.merge(sign.loc[scope.code_mask(sign["village_code"])], on="village_code", how="left")
    df["sign_rate"] = [
        ratio(n, d, PERCENT_UNIT) for n, d in zip(df["sign_num"], df["sign_den"], strict=True)
    ]

    df = df.merge(_funding(engine, period.year), on="village_code", how="left")
    df["funding"] = pd.to_numeric(df["funding"]).astype(float)
    df["funding_per_capita"] = [ratio(f, p) for f, p in zip(df["funding"], population, strict=True)]
    return df.drop(columns=["team_services", "team_residents"])


@per_extract
def _signing_sums(engine: Db, period: Period) -> pd.DataFrame:
    """village_code, sign_num, sign_den: SIGNING_INDICATOR per village over the period."""
    sums = indicator_sums(engine, Scope(), period, (SIGNING_INDICATOR,))
    return sums.drop(columns="indicator_code").rename(
        columns={"numerator": "sign_num", "denominator": "sign_den"}
    )


def _sum(values: pd.Series) -> float | None:
    """Σ over the values that exist; None when none does."""
    present = pd.to_numeric(values, errors="coerce").dropna()
    return float(present.sum()) if len(present) else None


def class_comparison(figures: pd.DataFrame) -> pd.DataFrame:
    """Per village class and in total (village_class 0): villages, population and each ratio
    formed from its sums (Σ numerator / Σ denominator over the class's villages).

    Funding per capita counts only villages with a funding row (a missing row is missing
    data, not zero funds), as the overview does.
    """
    groups = [(c, g) for c, g in figures.groupby("village_class", sort=True)]
    return pd.DataFrame(
        [{"village_class": int(cls), **_sums(group)} for cls, group in [*groups, (0, figures)]]
    )


def county_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Per county (county_code, county_name): the figures class_comparison forms per class,
    from the same sums, and class2_share, the share of its villages that are 二类 (0–1)."""
    records = []
    for (code, name), group in figures.groupby(["county_code", "county_name"], sort=True):
        row = {"county_code": code, "county_name": name, **_sums(group)}
        row["class2_share"] = ratio(int((group["village_class"] == 2).sum()), len(group))
        records.append(row)
    return pd.DataFrame(records)


def _sums(group: pd.DataFrame) -> dict:
    """Villages, population and each ratio formed from the group's sums."""
    population = pd.to_numeric(group["population"]).fillna(0)
    funded = group["funding"].notna()
    served = group["services"].notna()
    return {
        "villages": len(group),
        "population": int(population.sum()),
        "funding": _sum(group["funding"]),
        "funding_per_capita": ratio(_sum(group["funding"]), population[funded].sum()),
        "services": _sum(group["services"]),
        "services_per_1000": ratio(
            None if _sum(group["services"]) is None else PER_RESIDENTS * _sum(group["services"]),
            population[served].sum(),
        ),
        "patients": int(group["patients"].sum()),
        "red": int(group["red"].sum()),
        "red_share": ratio(group["red"].sum(), group["patients"].sum()),
        "sign_num": _sum(group["sign_num"]),
        "sign_den": _sum(group["sign_den"]),
        "sign_rate": ratio(_sum(group["sign_num"]), _sum(group["sign_den"]), PERCENT_UNIT),
    }


def class_mismatches(figures: pd.DataFrame) -> pd.DataFrame:
    """Villages whose distance and road disagree with their class, with the reason code:
    `remote_class1` (一类 but ≥ REMOTE_DISTANCE_KM on a poor road) or `near_class2`
    (二类 but ≤ NEAR_DISTANCE_KM on a good road); farthest first."""
    distance = pd.to_numeric(figures["distance_km"], errors="coerce")
    remote = (figures["village_class"] == 1) & (distance >= REMOTE_DISTANCE_KM)
    remote &= figures["road"] == REMOTE_ROAD
    near = (figures["village_class"] == 2) & (distance <= NEAR_DISTANCE_KM)
    near &= figures["road"] == NEAR_ROAD
    out = figures[remote | near].copy()
    out["reason"] = ["remote_class1" if r else "near_class2" for r in remote[remote | near]]
    order = ["reason", "distance_km", "village_code"]
    return out.sort_values(order, ascending=[False, False, True]).reset_index(drop=True)
