"""Chronic-disease three-colour management (绿黄红): snapshots, trend, transitions, mismatches.

Counts are rows of `chronic_status`: one per patient and disease, so with all diseases
together a patient with two diseases counts twice (人次, by disease).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.figures import share
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import chronic_rows, rows_count
from data_access.schema import chronic_status, county, township, village
from data_access.scope import Scope, where

COLORS = ("green", "yellow", "red")
# Severity order: a move to a later colour is an escalation (病情加重), to an earlier one an improvement.
COLOR_RANK = {color: rank for rank, color in enumerate(COLORS)}
DISEASES = ("hypertension", "diabetes", "hepatitis", "severe_mental", "tuberculosis")
# Months month_before looks back before scanning everything earlier: a year covers any
# reporting gap seen in practice.
MONTH_BEFORE_WINDOW = 12
# The level a colour should be managed at (green → village clinic, …, red → county hospital).
EXPECTED_LEVEL = {"green": "village", "yellow": "township", "red": "county"}

cs = chronic_status.c


def _expected_level(c):
    return sa.case(
        *((c.color == color, level) for color, level in EXPECTED_LEVEL.items()),
        else_=None,
    )


def mismatch_condition(c):
    """True for rows (columns `c`) whose managing level differs from their colour's level."""
    expected = _expected_level(c)
    return sa.or_(expected.is_(None), c.managed_level != expected)


def scope_conditions(scope: Scope, disease: str | None = None, c=cs):
    conditions = [scope.village_condition(c.village_code)]
    if disease:
        conditions.append(c.disease == disease)
    return conditions


def has_rows(conn, month: str, scope: Scope, disease: str | None) -> bool:
    """Whether `month` has rows in scope: one indexed/zone-mapped probe, no full scan."""
    c = chronic_rows(conn).c
    query = where(
        sa.select(sa.literal_column("1")).where(c.month == month),
        *scope_conditions(scope, disease, c),
    ).limit(1)
    return conn.execute(query).first() is not None


@per_extract
def snapshot_month(
    engine: Engine, scope: Scope, period: Period, disease: str | None = None
) -> str | None:
    """The period's last month that has chronic_status rows in scope (None if none)."""
    # Probing month by month from the end reads one month's rows at most, where max(month)
    # over the period reads all of them.
    with engine.connect() as conn:
        for month in reversed(period.months):
            if has_rows(conn, month, scope, disease):
                return month
    return None


@per_extract
def month_before(
    engine: Engine, scope: Scope, before_month: str, disease: str | None = None
) -> str | None:
    """The last month before `before_month` that has rows in scope (None if none)."""
    # Probe the recent months one by one (each probe is cheap on a month-ordered file or a
    # month index); only a gap of more than MONTH_BEFORE_WINDOW months needs max() over all.
    month = Period.parse(before_month)
    with engine.connect() as conn:
        for _ in range(MONTH_BEFORE_WINDOW):
            month = month.previous()
            if has_rows(conn, month.key, scope, disease):
                return month.key
        c = chronic_rows(conn).c
        query = where(
            sa.select(sa.func.max(c.month)).where(c.month < month.key),
            *scope_conditions(scope, disease, c),
        )
        return conn.execute(query).scalar()


@per_extract
def color_distribution(
    engine: Engine, scope: Scope, month: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by disease and colour at one month (a stock)."""
    rows = chronic_rows(engine)
    c = rows.c
    query = where(
        sa.select(c.disease, c.color, rows_count(rows).label("patients"))
        .where(c.month == month)
        .group_by(c.disease, c.color)
        .order_by(c.disease, c.color),
        *scope_conditions(scope, disease, c),
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["disease", "color", "patients"])


@per_extract
def color_distribution_by(
    engine: Engine, scope: Scope, month: str, by: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by colour at one month, split by `township` or `village_class`."""
    key = {"township": village.c.township_code, "village_class": village.c.village_class}[by]
    rows = chronic_rows(engine)
    c = rows.c
    query = where(
        sa.select(key.label(by), c.color, rows_count(rows).label("patients"))
        .select_from(rows.join(village, village.c.village_code == c.village_code))
        .where(c.month == month)
        .group_by(key, c.color),
        *scope_conditions(scope, disease, c),
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), [by, "color", "patients"])


def colors_at_both_ends(from_month: str, to_month: str, *conditions):
    """Subquery: per patient and disease with a row in either month, the colour at each end
    (None where absent) and the village at `to_month`.

    One grouped scan of the two months, with no self-join: SQLite and MySQL would run the
    self-join as an index lookup per row, quadratic in the patients of a month.
    """
    at = {month: (cs.month == month) for month in (from_month, to_month)}
    return where(
        sa.select(
            cs.patient_id,
            cs.disease,
            sa.func.max(sa.case((at[from_month], cs.color))).label("from_color"),
            sa.func.max(sa.case((at[to_month], cs.color))).label("to_color"),
            sa.func.max(sa.case((at[to_month], cs.village_code))).label("to_village"),
        )
        .where(cs.month.in_((from_month, to_month)))
        .group_by(cs.patient_id, cs.disease),
        *conditions,
    ).subquery("ends")


# --- the page's views: distribution by area, trend, villages with most red ------------------

AREA_LEVELS = ("county", "township")
# Villages with fewer patients are left out of the red-share list: 2 red of 3 is 67% but says little.
MIN_PATIENTS_FOR_RED_SHARE = 20
# A top list a room can read; the map shows every village.
RED_VILLAGES_MAX = 15


def area_grouping(level: str, rows: sa.FromClause):
    """(code column, name column, from-clause) grouping chronic `rows` by county or township."""
    joined = rows.join(village, village.c.village_code == rows.c.village_code).join(
        township, township.c.township_code == village.c.township_code
    )
    if level == "county":
        joined = joined.join(county, county.c.county_code == township.c.county_code)
        return county.c.county_code, county.c.name, joined
    if level == "township":
        return township.c.township_code, township.c.name, joined
    raise ValueError(f"area level must be one of {AREA_LEVELS}: {level!r}")


def joined_scope_conditions(scope: Scope, disease: str | None, c):
    """Scope conditions for a query that already joins `village` (no semi-join needed)."""
    return scope.township_condition(village.c.township_code), (
        c.disease == disease if disease else None
    )


def villages_at(month: str, rows: sa.FromClause, *aggregates) -> sa.Select:
    """Per village at one month: code, name, township name, class, then the aggregates."""
    return (
        sa.select(
            village.c.village_code,
            village.c.name,
            township.c.name,
            village.c.village_class,
            *aggregates,
        )
        .select_from(
            rows.join(village, village.c.village_code == rows.c.village_code).join(
                township, township.c.township_code == village.c.township_code
            )
        )
        .where(rows.c.month == month)
        .group_by(village.c.village_code, village.c.name, township.c.name, village.c.village_class)
    )


@per_extract
def colors_by_area(
    engine: Engine, scope: Scope, month: str, level: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by county or township (`level`) and colour at one month."""
    rows = chronic_rows(engine)
    c = rows.c
    code, name, joined = area_grouping(level, rows)
    query = where(
        sa.select(code, name, c.color, rows_count(rows))
        .select_from(joined)
        .where(c.month == month)
        .group_by(code, name, c.color)
        .order_by(code, c.color),
        *joined_scope_conditions(scope, disease, c),
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["area_code", "area_name", "color", "patients"])


@per_extract
def color_trend(
    engine: Engine, scope: Scope, months: tuple[str, ...], disease: str | None = None
) -> pd.DataFrame:
    """Patients by month and colour over `months`; a month without rows is absent."""
    rows = chronic_rows(engine)
    c = rows.c
    query = where(
        sa.select(c.month, c.color, rows_count(rows))
        .where(c.month.in_(months))
        .group_by(c.month, c.color)
        .order_by(c.month, c.color),
        *scope_conditions(scope, disease, c),
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["month", "color", "patients"])


def color_shares(df: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Patients per colour and their share (0..1) of the `by` group, or of the whole frame."""
    keys = [by] if by else []
    sums = df.groupby([*keys, "color"], as_index=False)["patients"].sum()
    if keys:
        whole = sums.groupby(keys)["patients"].transform("sum")
    else:
        whole = pd.Series(sums["patients"].sum(), index=sums.index)
    sums["share"] = [share(p, w) for p, w in zip(sums["patients"], whole, strict=True)]
    sums["rank"] = sums["color"].map(COLOR_RANK)
    return sums.sort_values([*keys, "rank"]).drop(columns="rank").reset_index(drop=True)


@per_extract
def red_share_villages(
    engine: Engine,
    scope: Scope,
    month: str,
    disease: str | None = None,
    min_patients: int = MIN_PATIENTS_FOR_RED_SHARE,
    limit: int = RED_VILLAGES_MAX,
) -> pd.DataFrame:
    """Villages with the highest red share at one month, among those with ≥ min_patients."""
    rows = chronic_rows(engine)
    red = rows_count(rows, rows.c.color == "red")
    patients = rows_count(rows)
    query = where(
        villages_at(month, rows, patients, red)
        .having(patients >= min_patients, red > 0)
        # × 1.0: integer division on SQLite/PostgreSQL would make every share 0
        .order_by(
            (red * sa.literal_column("1.0") / patients).desc(), red.desc(), village.c.village_code
        )
        .limit(limit),
        *joined_scope_conditions(scope, disease, rows.c),
    )
    columns = ["village_code", "village_name", "township_name", "village_class", "patients"]
    with engine.connect() as conn:
        df = frame(conn.execute(query), [*columns, "red"])
    df["red"] = df["red"].astype(int)
    df["red_share"] = [share(r, p) for r, p in zip(df["red"], df["patients"], strict=True)]
    return df
