"""The figures behind the 数据质量 flags: team months, chronic records that move or do not,
patients found in two villages, signed residents.

Most come from tables the analytics store copies (team_service, sample_check, village,
indicator_value). Three need a patient's rows across months or villages, which the store does
not keep: they are counted once per extract into `chronic_quality` (one row per month and
village, no patient identifiers) by `quality_counts`, the same query that runs on the source
when there is no store (DASHBOARD_STORE=off, the export CLI), so both give equal figures.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.frames import frame
from data_access.memo import per_extract
from data_access.relations import Db, Store, chronic_rows, rows_count, store_metadata
from data_access.schema import (
    CODE,
    MONTH,
    chronic_status,
    indicator_value,
    team,
    team_service,
)
from data_access.scope import Scope, where

# The indicator whose numerator is the village's signed residents (家庭医生签约率).
SIGNING_INDICATOR = "fd_sign"
FOLLOW_UP = "follow_up"

# Per month and village, over the (patient, disease) rows there: `paired` rows that have an
# earlier row of the same patient and disease, `changed` of those whose colour differs from
# it, `flips` green after red after green in the last three rows, and `elsewhere` patients
# (persons) who also have a row in another village in the same month.
chronic_quality = sa.Table(
    "chronic_quality",
    store_metadata,
    sa.Column("month", MONTH, nullable=False),
    sa.Column("village_code", CODE, nullable=False),
    sa.Column("paired", sa.BigInteger, nullable=False),
    sa.Column("changed", sa.BigInteger, nullable=False),
    sa.Column("flips", sa.BigInteger, nullable=False),
    sa.Column("elsewhere", sa.BigInteger, nullable=False),
)
QUALITY_COLUMNS = ["month", "village_code", "paired", "changed", "flips", "elsewhere"]


def _flag(condition) -> sa.ColumnElement:
    return sa.case((condition, 1), else_=0)


def quality_counts(rows: sa.FromClause) -> sa.Select:
    """chronic_quality's columns from patient rows (month, patient_id, village_code, disease,
    color): the store's build runs it over its staging rows, the source path over
    chronic_status. A row's "previous" is the same patient and disease's latest earlier row
    (by month, then village code, so that two rows of one month pair in a fixed order)."""
    r = rows.c
    window = {"partition_by": (r.patient_id, r.disease), "order_by": (r.month, r.village_code)}
    lagged = sa.select(
        r.month,
        r.village_code,
        r.color,
        sa.func.lag(r.color, 1).over(**window).label("prev1"),
        sa.func.lag(r.color, 2).over(**window).label("prev2"),
    ).subquery("lagged")
    lg = lagged.c
    zero, one = sa.literal_column("0", sa.Integer), sa.literal_column("1", sa.Integer)
    moves = sa.select(
        lg.month,
        lg.village_code,
        _flag(lg.prev1.is_not(None)).label("paired"),
        _flag(sa.and_(lg.prev1.is_not(None), lg.prev1 != lg.color)).label("changed"),
        _flag(sa.and_(lg.color == "green", lg.prev1 == "red", lg.prev2 == "green")).label("flips"),
        zero.label("elsewhere"),
    )
    twice = (
        sa.select(r.month, r.patient_id)
        .group_by(r.month, r.patient_id)
        .having(sa.func.count(sa.distinct(r.village_code)) > 1)
        .subquery("twice")
    )
    placed = (
        sa.select(r.month, r.village_code, r.patient_id)
        .select_from(
            rows.join(twice, sa.and_(twice.c.month == r.month, twice.c.patient_id == r.patient_id))
        )
        .distinct()
        .subquery("placed")
    )
    found = sa.select(
        placed.c.month, placed.c.village_code, zero, zero, zero, one.label("elsewhere")
    )
    parts = sa.union_all(moves, found).subquery("parts")
    p = parts.c

    def total(column):
        return sa.cast(sa.func.sum(column), sa.BigInteger).label(column.name)

    return sa.select(
        p.month,
        p.village_code,
        total(p.paired),
        total(p.changed),
        total(p.flips),
        total(p.elsewhere),
    ).group_by(p.month, p.village_code)


@per_extract
def chronic_quality_rows(engine: Db, months: tuple[str, ...]) -> pd.DataFrame:
    """chronic_quality for `months`, every village of the database (scoped in memory)."""
    if not months:
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    if isinstance(engine, Store):
        q = chronic_quality.c
        query = sa.select(*(q[c] for c in QUALITY_COLUMNS)).where(q.month.in_(months))
    else:
        cs = chronic_status.c
        # A row's previous rows are earlier, so nothing after the last month is needed.
        rows = (
            sa.select(cs.month, cs.patient_id, cs.village_code, cs.disease, cs.color)
            .where(cs.month <= max(months))
            .subquery("rows")
        )
        counted = quality_counts(rows).subquery("counted")
        query = sa.select(*(counted.c[c] for c in QUALITY_COLUMNS)).where(
            counted.c.month.in_(months)
        )
    with engine.connect() as conn:
        df = frame(conn.execute(query), QUALITY_COLUMNS)
    return df.astype({c: int for c in QUALITY_COLUMNS[2:]}).sort_values(
        ["month", "village_code"], ignore_index=True
    )


@per_extract
def village_chronic_rows(engine: Db, months: tuple[str, ...]) -> pd.DataFrame:
    """Chronic rows (patient × disease, 人次) per month and village, every village."""
    columns = ["month", "village_code", "rows"]
    if not months:
        return pd.DataFrame(columns=columns)
    rows = chronic_rows(engine)
    c = rows.c
    query = (
        sa.select(c.month, c.village_code, rows_count(rows).label("rows"))
        .where(c.month.in_(months))
        .group_by(c.month, c.village_code)
    )
    with engine.connect() as conn:
        df = frame(conn.execute(query), columns)
    return df.astype({"rows": int})


@per_extract
def team_months(engine: Db, scope: Scope, months: tuple[str, ...]) -> pd.DataFrame:
    """Per team in scope and month with rows: services, and follow-ups among them."""
    columns = ["team_id", "month", "services", "follow_ups"]
    ts = team_service.c
    query = where(
        sa.select(
            ts.team_id,
            ts.month,
            sa.func.sum(ts.services).label("services"),
            sa.func.sum(sa.case((ts.service_type == FOLLOW_UP, ts.services), else_=0)),
        )
        .select_from(team_service.join(team, team.c.team_id == ts.team_id))
        .where(ts.month.in_(months))
        .group_by(ts.team_id, ts.month)
        .order_by(ts.team_id, ts.month),
        scope.township_condition(team.c.township_code),
    )
    with engine.connect() as conn:
        df = frame(conn.execute(query), columns)
    return df.astype({"services": int, "follow_ups": int})


@per_extract
def village_signing(engine: Db, months: tuple[str, ...]) -> pd.DataFrame:
    """Village rows of the signing indicator in `months`: the latest month with a row per
    village, its numerator (signed residents) and denominator."""
    columns = ["village_code", "month", "numerator", "denominator"]
    iv = indicator_value.c
    query = (
        sa.select(iv.area_code, iv.month, iv.numerator, iv.denominator)
        .where(
            iv.indicator_code == SIGNING_INDICATOR,
            iv.area_level == "village",
            iv.month.in_(months),
        )
        .order_by(iv.area_code, iv.month)
    )
    with engine.connect() as conn:
        df = frame(conn.execute(query), columns)
    return df.drop_duplicates("village_code", keep="last").reset_index(drop=True)
