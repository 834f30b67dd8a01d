"""League tables (县区排名): official ranks with change vs the previous period, monthly trend, what-if.

Scores and ranks themselves follow DATA_CONTRACT.md and live in indicators.py; this module
puts them side by side over periods and weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from data_access import indicators
from data_access.frames import frame
from data_access.indicators import RankLevel
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import Db
from data_access.scope import Scope

MOVEMENTS = ("up", "down", "same", "new")


@dataclass(frozen=True)
class League:
    """One level's league for a period: the ranking, the figures behind it, the monthly trend."""

    # area_code, name, score, rank, indicators_scored, previous_score, previous_rank,
    # rank_change (> 0: moved up that many places), movement (MOVEMENTS; missing if unranked)
    table: pd.DataFrame
    # area_code, indicator_code, numerator, denominator, month, value, attainment + definition
    values: pd.DataFrame
    # area_code, indicator_code, month, numerator, denominator, value, attainment + definition
    monthly: pd.DataFrame
    # area_code, month, score, rank: each month scored as a period of its own
    monthly_scores: pd.DataFrame


def rank_movement(rank, previous_rank) -> str | None:
    """up / down / same vs the previous period; new when unranked before; None when unranked now."""
    if rank is None or pd.isna(rank):
        return None
    if previous_rank is None or pd.isna(previous_rank):
        return "new"
    if rank < previous_rank:
        return "up"
    return "down" if rank > previous_rank else "same"


def _with_movement(table: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    before = previous[["area_code", "score", "rank"]].rename(
        columns={"score": "previous_score", "rank": "previous_rank"}
    )
    df = table.merge(before, on="area_code", how="left")
    df["rank_change"] = (df["previous_rank"] - df["rank"]).astype("Int64")
    df["movement"] = [
        rank_movement(r, p) for r, p in zip(df["rank"], df["previous_rank"], strict=True)
    ]
    return df


def _without_movement(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of _with_movement, empty: no like-for-like previous period to compare with."""
    df = table.assign(previous_score=float("nan"), previous_rank=pd.NA)
    df["previous_rank"] = df["previous_rank"].astype("Int64")
    df["rank_change"] = pd.Series(pd.NA, index=df.index, dtype="Int64")
    df["movement"] = None
    return df


def _of_county(df: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The rows of the scope's townships (area codes nest by prefix, DATA_CONTRACT.md)."""
    return df.loc[scope.code_mask(df["area_code"])].reset_index(drop=True)


def _league_values(
    engine: Db, scope: Scope, period: Period, level: RankLevel, defs: pd.DataFrame
) -> pd.DataFrame:
    """values_by_area of a league. A township league takes its county's rows of every
    township's sums, read once per period (kept per extract): a township's figure does not
    depend on which county's league asks for it."""
    if level == "county":
        return indicators.values_by_area(engine, scope, period, level, defs)
    return _of_county(_township_values(engine, period), scope)


@per_extract
def _township_values(engine: Db, period: Period) -> pd.DataFrame:
    defs = indicators.indicator_definitions(engine)
    return indicators.values_by_area(engine, Scope(), period, "township", defs)


def _league_monthly(
    engine: Db, scope: Scope, months: tuple[str, ...], level: RankLevel, defs: pd.DataFrame
) -> pd.DataFrame:
    """_monthly_values of a league; a township league's as _league_values takes its values."""
    if level == "county":
        return _monthly_values(engine, scope, months, level, defs)
    return _of_county(_township_monthly(engine, months), scope)


@per_extract
def _township_monthly(engine: Db, months: tuple[str, ...]) -> pd.DataFrame:
    defs = indicators.indicator_definitions(engine)
    return _monthly_values(engine, Scope(), months, "township", defs)


def _monthly_values(
    engine: Db, scope: Scope, months: tuple[str, ...], level: RankLevel, defs: pd.DataFrame
) -> pd.DataFrame:
    """Per area, indicator and month; within one month `last` and `sum` give the same sums."""
    columns = ["area_code", "indicator_code", "month", "numerator", "denominator"]
    if not months:
        return indicators.with_values(pd.DataFrame(columns=columns).merge(defs, how="inner"))
    rows = indicators.area_rows(scope, months, level).subquery("month_rows")
    query = sa.select(
        rows.c.area,
        rows.c.indicator_code,
        rows.c.month,
        sa.func.sum(rows.c.numerator),
        sa.func.sum(rows.c.denominator),
    ).group_by(rows.c.area, rows.c.indicator_code, rows.c.month)
    with engine.connect() as conn:
        df = frame(conn.execute(query), columns)
    df = indicators.with_values(df.merge(defs, on="indicator_code", how="inner"))
    return df.sort_values(["area_code", "indicator_code", "month"], ignore_index=True)


def _scores_by_month(monthly: pd.DataFrame, defs: pd.DataFrame) -> pd.DataFrame:
    """area_code, month, score, rank: each month scored and ranked on its own."""
    columns = ["area_code", "month", "score", "rank"]
    if monthly.empty:
        return pd.DataFrame(columns=columns)
    return indicators.composite_scores(monthly, defs, by="month")[columns]


@per_extract
def league_table(
    engine: Db,
    period: Period,
    level: RankLevel = "county",
    county_code: str | None = None,
    trend_months: tuple[str, ...] = (),
    compare_with: Period | None = None,
) -> League:
    """Official ranking of every county (or of one county's townships) with change and trend.

    `compare_with` (the same months a period earlier, views.common.Window.previous) is ranked
    by the same method; None when the periods are not comparable: then no area has a
    previous rank or a movement. Each of `trend_months` is scored on its own for the trend.
    """
    defs = indicators.indicator_definitions(engine)
    areas = indicators.ranking_areas(engine, level, county_code)
    scope = indicators.league_scope(level, county_code)
    values = _league_values(engine, scope, period, level, defs)
    table = indicators.ranked(areas, values, defs)
    if compare_with is None:
        table = _without_movement(table)
    else:
        before = _league_values(engine, scope, compare_with, level, defs)
        table = _with_movement(table, indicators.ranked(areas, before, defs))
    monthly = _league_monthly(engine, scope, trend_months, level, defs)
    return League(table, values, monthly, _scores_by_month(monthly, defs))


def what_if_ranking(
    league: League, definitions: pd.DataFrame, weights: Mapping[str, float]
) -> pd.DataFrame:
    """The league re-scored with other weights, beside the official score and rank (not saved).

    rank_change > 0: the area would move up that many places under these weights.
    """
    official = league.table[["area_code", "name", "score", "rank"]].rename(
        columns={"score": "official_score", "rank": "official_rank"}
    )
    other = indicators.ranked(official[["area_code"]], league.values, definitions, weights)
    df = official.merge(other[["area_code", "score", "rank"]], on="area_code", how="left")
    df["rank_change"] = (df["official_rank"] - df["rank"]).astype("Int64")
    df["movement"] = [
        rank_movement(r, p) for r, p in zip(df["rank"], df["official_rank"], strict=True)
    ]
    order = ["rank", "official_rank", "area_code"]
    return df.sort_values(order, na_position="last").reset_index(drop=True)
