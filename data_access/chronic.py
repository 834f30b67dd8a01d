"""Chronic-disease three-colour management (绿黄红): snapshots, trend, transitions, mismatches.

Counts are rows of `chronic_status`: one per patient and disease, so with all diseases
together a patient with two diseases counts twice (人次, by disease).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.figures import share
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.periods import Period
from data_access.relations import Db, Store, chronic_rows, rows_count
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
    """推送不到位, the one definition (DATA_CONTRACT.md, Counting): true for rows (columns `c`)
    whose managing level differs from their colour's level — a missing level, or a colour
    outside the three, differs too. Every count of it, in SQL or after it in memory, sums
    rows this condition marked (chronic_levels.managed_levels' `mismatched`)."""
    expected = _expected_level(c)
    return sa.or_(expected.is_(None), c.managed_level.is_(None), c.managed_level != expected)


def scope_conditions(scope: Scope, disease: str | None = None, c=cs):
    conditions = [scope.village_condition(c.village_code)]
    if disease:
        conditions.append(c.disease == disease)
    return conditions


def has_rows(conn, rows: sa.FromClause, month: str, scope: Scope, disease: str | None) -> bool:
    """Whether `month` has `rows` (chronic_rows) in scope: one indexed/zone-mapped probe, no
    full scan."""
    c = rows.c
    query = where(
        sa.select(sa.literal_column("1")).where(c.month == month),
        *scope_conditions(scope, disease, c),
    ).limit(1)
    return conn.execute(query).first() is not None


@per_extract
def snapshot_month(
    engine: Db, scope: Scope, period: Period, disease: str | None = None
) -> str | None:
    """The period's last month that has chronic_status rows in scope (None if none)."""
    # Probing month by month from the end reads one month's rows at most, where max(month)
    # over the period reads all of them.
    with engine.connect() as conn:
        for month in reversed(period.months):
            if has_rows(conn, chronic_rows(engine), month, scope, disease):
                return month
    return None


@per_extract
def month_before(
    engine: Db, scope: Scope, before_month: str, disease: str | None = None
) -> str | None:
    """The last month before `before_month` that has rows in scope (None if none)."""
    # Probe the recent months one by one (each probe is cheap on a month-ordered file or a
    # month index); only a gap of more than MONTH_BEFORE_WINDOW months needs max() over all.
    month = Period.parse(before_month)
    with engine.connect() as conn:
        for _ in range(MONTH_BEFORE_WINDOW):
            month = month.previous()
            if has_rows(conn, chronic_rows(engine), month.key, scope, disease):
                return month.key
        c = chronic_rows(engine).c
        query = where(
            sa.select(sa.func.max(c.month)).where(c.month < month.key),
            *scope_conditions(scope, disease, c),
        )
        return conn.execute(query).scalar()


@per_extract
def color_distribution(
    engine: Db, scope: Scope, month: str, disease: str | None = None
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


def color_distribution_by(
    engine: Db, scope: Scope, month: str, by: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by colour at one month, split by `township` or `village_class`."""
    if by not in ("township", "village_class"):
        raise KeyError(by)
    rows = village_colors(engine, scope, month, disease)
    return sum_rows(rows, [by, "color"])[[by, "color", "patients"]]


def sum_rows(df: pd.DataFrame, keys: list[str], values: tuple[str, ...] = ()) -> pd.DataFrame:
    """Σ patients (and the `values` columns) per `keys`, ordered by the keys as SQL would."""
    return df.groupby(keys, as_index=False, sort=True)[["patients", *values]].sum()


@per_extract
def village_names(engine: Db) -> pd.DataFrame:
    """Every village's code, name, class, township (code; name None where the township is
    unknown) and county (the township's county_code; name None where the county is unknown)."""
    query = sa.select(
        village.c.village_code,
        village.c.name,
        village.c.village_class,
        village.c.township_code,
        township.c.name,
        township.c.county_code,
        county.c.name,
    ).select_from(
        village.outerjoin(township, township.c.township_code == village.c.township_code).outerjoin(
            county, county.c.county_code == township.c.county_code
        )
    )
    columns = ["village_code", "village_name", "village_class", "township_code"]
    columns += ["township_name", "county_code", "county_name"]
    with engine.connect() as conn:
        return frame(conn.execute(query), columns)


@per_extract
def village_colors(
    engine: Db, scope: Scope, month: str, disease: str | None = None
) -> pd.DataFrame:
    """Per village in `village` and colour at one month: patients, mismatched (rows not yet
    pushed: managed at another level than the colour's), red, and the village's names, class,
    township and county. The figures by class, area and village are grouped from it.

    On the analytics store the whole month is read once and scoped in memory, so every
    scope's figures of that month come from one query; a source is asked for the scope only.
    """
    read_for = Scope() if isinstance(engine, Store) else scope
    df = _village_color_counts(engine, month, read_for, disease)
    df = df.merge(village_names(engine), on="village_code", how="inner")
    mask = scope.mask(df)
    return df if bool(mask.all()) else df.loc[mask].reset_index(drop=True)


@per_extract
def _village_color_counts(
    engine: Db, month: str, scope: Scope, disease: str | None
) -> pd.DataFrame:
    rows = chronic_rows(engine)
    c = rows.c
    query = where(
        sa.select(
            c.village_code,
            c.color,
            rows_count(rows),
            rows_count(rows, mismatch_condition(c)),
            rows_count(rows, c.color == "red"),
        )
        .where(c.month == month)
        .group_by(c.village_code, c.color),
        *scope_conditions(scope, disease, c),
    )
    columns = ["village_code", "color", "patients", "mismatched", "red"]
    with engine.connect() as conn:
        df = frame(conn.execute(query), columns)
    return df.astype({k: "int64" for k in columns[2:]}) if df.empty else df


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


def by_area(villages: pd.DataFrame, level: str) -> pd.DataFrame:
    """village_colors of the areas known at `level` (county or township), with area_code and
    area_name: villages whose township or county is missing from the tables are left out."""
    if level not in AREA_LEVELS:
        raise ValueError(f"area level must be one of {AREA_LEVELS}: {level!r}")
    known = villages.dropna(subset=[f"{level}_name"])
    return known.rename(columns={f"{level}_code": "area_code", f"{level}_name": "area_name"})


def colors_by_area(
    engine: Db, scope: Scope, month: str, level: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by county or township (`level`) and colour at one month."""
    rows = by_area(village_colors(engine, scope, month, disease), level)
    return sum_rows(rows, ["area_code", "area_name", "color"])


VILLAGE_KEYS = ["village_code", "village_name", "township_name", "county_name", "village_class"]


def per_village(
    engine: Db, scope: Scope, month: str, disease: str | None, values: tuple[str, ...]
) -> pd.DataFrame:
    """Per village of a known township at one month: code, name, township and county name, class,
    Σ patients and Σ each of `values` (columns of village_colors)."""
    villages = village_colors(engine, scope, month, disease).dropna(subset=["township_name"])
    # a township whose county is missing from the tables: its villages stay, county blank
    villages["county_name"] = villages["county_name"].fillna("")
    return sum_rows(villages, VILLAGE_KEYS, values)


@per_extract
def color_trend(
    engine: Db, scope: Scope, months: tuple[str, ...], disease: str | None = None
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
    """Patients per colour and their share (0..1) of the `by` group, or of the whole frame;
    ordered by group, then green, yellow, red (rows with a missing key are left out)."""
    # Plain lists: a view shapes a dozen small frames, where pandas' groupby costs ~1 ms each.
    groups = df[by].tolist() if by else [None] * len(df)
    sums: dict[tuple, int] = {}
    for group, color, patients in zip(
        groups, df["color"].tolist(), df["patients"].tolist(), strict=True
    ):
        if (by and pd.isna(group)) or pd.isna(color):
            continue
        sums[(group, color)] = sums.get((group, color), 0) + patients
    whole: dict = {}
    for (group, _color), patients in sums.items():
        whole[group] = whole.get(group, 0) + patients
    unranked = len(COLOR_RANK)
    order = sorted(sums, key=lambda k: (k[0], COLOR_RANK.get(k[1], unranked), k[1]))
    records = [(g, c, sums[(g, c)], share(sums[(g, c)], whole[g])) for g, c in order]
    out = pd.DataFrame(records, columns=["_group", "color", "patients", "share"])
    if not by:
        return out.drop(columns="_group")
    out = out.rename(columns={"_group": by})
    same = not len(out) or out[by].dtype == df[by].dtype
    return out if same else out.astype({by: df[by].dtype})


def red_share_villages(
    engine: Db,
    scope: Scope,
    month: str,
    disease: str | None = None,
    min_patients: int = MIN_PATIENTS_FOR_RED_SHARE,
    limit: int = RED_VILLAGES_MAX,
) -> pd.DataFrame:
    """Villages with the highest red share at one month, among those with ≥ min_patients."""
    df = per_village(engine, scope, month, disease, ("red",))
    df = df[(df["patients"] >= min_patients) & (df["red"] > 0)]
    df = df.assign(_share=df["red"] / df["patients"])
    df = df.sort_values(["_share", "red", "village_code"], ascending=[False, False, True])
    df = df.head(limit).drop(columns="_share").reset_index(drop=True)
    df["red"] = df["red"].astype(int)
    df["red_share"] = [share(r, p) for r, p in zip(df["red"], df["patients"], strict=True)]
    return df
