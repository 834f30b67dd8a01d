"""Official indicators: values for an area and period, composite scores and ranks (DATA_CONTRACT.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd
import sqlalchemy as sa

from data_access.figures import ratio
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import Db
from data_access.schema import county, indicator, indicator_value, township
from data_access.scope import COUNTY_CODE_LEN, TOWNSHIP_CODE_LEN, Scope, where

GroupLevel = Literal["total", "county", "township"]
RankLevel = Literal["county", "township"]
# Scores are sums of floats; equal scores must tie whatever order the database added them in.
SCORE_TIE_DECIMALS = 9

DEFINITION_COLUMNS = [
    "indicator_code",
    "name",
    "unit",
    "higher_is_better",
    "period_agg",
    "target",
    "weight",
]


@per_extract
def indicator_definitions(engine: Db) -> pd.DataFrame:
    """All indicators with unit, direction, period aggregation, target and weight."""
    query = sa.select(*(indicator.c[c] for c in DEFINITION_COLUMNS)).order_by(
        indicator.c.weight.desc(), indicator.c.indicator_code
    )
    with engine.connect() as conn:
        df = frame(conn.execute(query), DEFINITION_COLUMNS)
    df["higher_is_better"] = df["higher_is_better"].astype(bool)
    return df


def area_rows(scope: Scope, months: tuple[str, ...], group: GroupLevel) -> sa.Select:
    """indicator_value rows of the months in scope, with the code of the area they count for.

    Grouping happens over this as a subquery: PostgreSQL rejects GROUP BY on a substr() whose
    bound arguments differ from the SELECT's.
    """
    iv = indicator_value.c
    if group == "county":
        area = sa.func.substr(iv.area_code, 1, COUNTY_CODE_LEN)
        level_ok = None
    elif group == "township":
        area = sa.func.substr(iv.area_code, 1, TOWNSHIP_CODE_LEN)
        level_ok = iv.area_level.in_(("village", "township"))
    else:
        area = sa.literal_column("'*'")
        level_ok = None
    return where(
        sa.select(
            iv.indicator_code,
            area.label("area"),
            iv.month,
            iv.numerator,
            iv.denominator,
        ).where(iv.month.in_(months)),
        level_ok,
        scope.area_code_condition(iv.area_code, iv.area_level),
    )


def _period_sums(scope: Scope, months: tuple[str, ...], group: GroupLevel) -> sa.Select:
    """Σ numerator and Σ denominator per indicator and area over the period, `last` or `sum`."""
    rows = area_rows(scope, months, group).cte("period_rows")
    last = (
        sa.select(rows.c.indicator_code, rows.c.area, sa.func.max(rows.c.month).label("last_month"))
        .group_by(rows.c.indicator_code, rows.c.area)
        .cte("last_month_with_data")
    )
    return (
        sa.select(
            rows.c.indicator_code,
            rows.c.area,
            sa.func.sum(rows.c.numerator).label("numerator"),
            sa.func.sum(rows.c.denominator).label("denominator"),
            sa.func.max(last.c.last_month).label("month"),
        )
        .select_from(
            rows.join(
                last,
                sa.and_(rows.c.indicator_code == last.c.indicator_code, rows.c.area == last.c.area),
            ).join(indicator, indicator.c.indicator_code == rows.c.indicator_code)
        )
        .where(sa.or_(indicator.c.period_agg == "sum", rows.c.month == last.c.last_month))
        .group_by(rows.c.indicator_code, rows.c.area)
        .order_by(rows.c.indicator_code, rows.c.area)
    )


def _fetch_sums(engine: Db, scope: Scope, period: Period, group: GroupLevel) -> pd.DataFrame:
    columns = ["indicator_code", "area", "numerator", "denominator", "month"]
    with engine.connect() as conn:
        return frame(conn.execute(_period_sums(scope, period.months, group)), columns)


def with_values(df: pd.DataFrame) -> pd.DataFrame:
    """Add value (Σnum/Σden, × 100 for %) and attainment to sums joined with definitions."""
    df["value"] = [
        ratio(n, d, u)
        for n, d, u in zip(df["numerator"], df["denominator"], df["unit"], strict=True)
    ]
    df["attainment"] = [
        attainment(v, t, h)
        for v, t, h in zip(df["value"], df["target"], df["higher_is_better"], strict=True)
    ]
    return df


@per_extract
def indicator_values(engine: Db, scope: Scope, period: Period) -> pd.DataFrame:
    """One row per indicator: definition, Σnum, Σden, value (None when unavailable), month used."""
    defs = indicator_definitions(engine)
    sums = _fetch_sums(engine, scope, period, "total").drop(columns="area")
    return with_values(defs.merge(sums, on="indicator_code", how="left"))


def values_by_area(
    engine: Db, scope: Scope, period: Period, level: RankLevel, defs: pd.DataFrame
) -> pd.DataFrame:
    """Long table per area (area_code, indicator_code, Σnum, Σden, value, attainment and the
    definition) for the period, at `level`, with the definitions already fetched."""
    sums = _fetch_sums(engine, scope, period, level).rename(columns={"area": "area_code"})
    return with_values(sums.merge(defs, on="indicator_code", how="inner"))


def attainment(value, target, higher_is_better: bool) -> float | None:
    """Share of target reached, capped at 1 (contract: min(v/t,1) or min(t/v,1), 1 when v is 0)."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):  # no value, no score
        return None
    if higher_is_better:
        return 1.0 if target <= 0 else min(value / target, 1.0)
    if value == 0:
        return 1.0
    return min(target / value, 1.0)


def composite_scores(
    values: pd.DataFrame,
    definitions: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Score (0–100) and competition rank per area from a long table of indicator values.

    `weights` overrides the official ones (what-if); indicators with weight 0 or without a
    value are left out of both sums. With `by` (e.g. "month"), areas are scored and ranked
    within each value of that column, which leads the result's columns.
    """
    official = dict(zip(definitions["indicator_code"], definitions["weight"], strict=True))
    weights = {**official, **(weights or {})}
    # Plain lists, not itertuples: a trend scores a dozen months of every area per league.
    groups = values[by].tolist() if by else [None] * len(values)
    totals: dict[tuple, list[float]] = {}
    for group, area, code, reached in zip(
        groups,
        values["area_code"].tolist(),
        values["indicator_code"].tolist(),
        values["attainment"].tolist(),
        strict=True,
    ):
        w = float(weights.get(code) or 0)
        acc = totals.setdefault((group, area), [0.0, 0.0, 0])
        if w > 0 and not pd.isna(reached):
            acc[0] += w * reached
            acc[1] += w
            acc[2] += 1
    columns = ["area_code", "score", "indicators_scored"]
    records = [
        (group, area, 100 * s / w if w > 0 else None, n)
        for (group, area), (s, w, n) in totals.items()
    ]
    if by:
        records.sort(key=lambda r: r[0])  # stable: areas keep their order within a group
    df = pd.DataFrame([r[1:] for r in records], columns=columns)
    if not by:
        df["rank"] = competition_rank(df["score"].tolist())
        return df
    df.insert(0, by, [r[0] for r in records])
    scores, ranks = df["score"].tolist(), [None] * len(df)
    for positions in df.groupby(by, sort=False).indices.values():
        ranked_here = competition_rank([scores[i] for i in positions])
        for position, rank in zip(positions, ranked_here, strict=True):
            ranks[position] = rank
    df["rank"] = ranks
    return df


def competition_rank(scores: list[float | None]) -> list[int | None]:
    """Rank highest first; equal scores share a rank (1, 2, 2, 4); no score, no rank."""
    rounded = [None if s is None or pd.isna(s) else round(s, SCORE_TIE_DECIMALS) for s in scores]
    ranked = sorted((s for s in rounded if s is not None), reverse=True)
    first_position = {}
    for position, s in enumerate(ranked, start=1):
        first_position.setdefault(s, position)
    return [None if s is None else first_position[s] for s in rounded]


@per_extract
def ranking_areas(engine: Db, level: RankLevel, county_code: str | None) -> pd.DataFrame:
    """The areas a league ranks (area_code, name): every county, or one county's townships."""
    if level == "county":
        query = sa.select(county.c.county_code.label("area_code"), county.c.name).order_by(
            county.c.county_code
        )
    else:
        query = (
            sa.select(township.c.township_code.label("area_code"), township.c.name)
            .where(township.c.county_code == county_code)
            .order_by(township.c.township_code)
        )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["area_code", "name"])


def league_scope(level: RankLevel, county_code: str | None) -> Scope:
    """Counties are ranked against all counties, townships within their county."""
    return Scope() if level == "county" else Scope(county_code=county_code)


def ranked(
    areas: pd.DataFrame,
    values: pd.DataFrame,
    definitions: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Areas with score, indicators_scored and rank, best first; unranked areas last."""
    df = areas.merge(composite_scores(values, definitions, weights), on="area_code", how="left")
    df["indicators_scored"] = df["indicators_scored"].fillna(0).astype(int)
    df["rank"] = df["rank"].astype("Int64")
    return df.sort_values(["rank", "area_code"], na_position="last").reset_index(drop=True)


@per_extract
def indicator_trend(engine: Db, scope: Scope, months: tuple[str, ...]) -> pd.DataFrame:
    """Each month as its own period: (indicator_code, month, numerator, denominator, value)."""
    iv = indicator_value.c
    query = where(
        sa.select(
            iv.indicator_code,
            iv.month,
            sa.func.sum(iv.numerator).label("numerator"),
            sa.func.sum(iv.denominator).label("denominator"),
        )
        .where(iv.month.in_(months))
        .group_by(iv.indicator_code, iv.month)
        .order_by(iv.indicator_code, iv.month),
        scope.area_code_condition(iv.area_code, iv.area_level),
    )
    with engine.connect() as conn:
        df = frame(
            conn.execute(query),
            ["indicator_code", "month", "numerator", "denominator"],
        )
    units = indicator_definitions(engine).set_index("indicator_code")["unit"]
    df["value"] = [
        ratio(n, d, units.get(c))
        for c, n, d in zip(df["indicator_code"], df["numerator"], df["denominator"], strict=True)
    ]
    return df


@per_extract
def indicator_levels(engine: Db) -> dict[str, set[str]]:
    """The area levels each indicator has rows at (to explain a missing township value)."""
    query = sa.select(indicator_value.c.indicator_code, indicator_value.c.area_level).distinct()
    levels: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for code, level in conn.execute(query):
            levels.setdefault(code, set()).add(level)
    return levels
