"""Chronic-disease three-colour management (绿黄红): snapshots, transitions, level mismatches."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.periods import Period
from data_access.schema import chronic_status, township, village
from data_access.scope import Scope, where

COLORS = ("green", "yellow", "red")
DISEASES = ("hypertension", "diabetes", "hepatitis", "severe_mental", "tuberculosis")
# The level a colour should be managed at (green → village clinic, …, red → county hospital).
EXPECTED_LEVEL = {"green": "village", "yellow": "township", "red": "county"}

cs = chronic_status.c


def _expected_level():
    return sa.case(
        *((cs.color == color, level) for color, level in EXPECTED_LEVEL.items()),
        else_=None,
    )


def _mismatch():
    """True for rows whose managing level differs from the level their colour calls for."""
    expected = _expected_level()
    return sa.or_(expected.is_(None), cs.managed_level != expected)


def _in_scope(scope: Scope, disease: str | None = None):
    conditions = [scope.village_condition(cs.village_code)]
    if disease:
        conditions.append(cs.disease == disease)
    return conditions


def snapshot_month(
    engine: Engine, scope: Scope, period: Period, disease: str | None = None
) -> str | None:
    """The period's last month that has chronic_status rows in scope (None if none)."""
    query = where(
        sa.select(sa.func.max(cs.month)).where(cs.month.in_(period.months)),
        *_in_scope(scope, disease),
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def month_before(
    engine: Engine, scope: Scope, before_month: str, disease: str | None = None
) -> str | None:
    """The last month before `before_month` that has rows in scope (None if none)."""
    query = where(
        sa.select(sa.func.max(cs.month)).where(cs.month < before_month),
        *_in_scope(scope, disease),
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def color_distribution(
    engine: Engine, scope: Scope, month: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by disease and colour at one month (a stock)."""
    query = where(
        sa.select(cs.disease, cs.color, sa.func.count().label("patients"))
        .where(cs.month == month)
        .group_by(cs.disease, cs.color)
        .order_by(cs.disease, cs.color),
        *_in_scope(scope, disease),
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["disease", "color", "patients"])


def color_distribution_by(
    engine: Engine, scope: Scope, month: str, by: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by colour at one month, split by `township` or `village_class`."""
    key = {"township": village.c.township_code, "village_class": village.c.village_class}[by]
    query = where(
        sa.select(key.label(by), cs.color, sa.func.count().label("patients"))
        .select_from(chronic_status.join(village, village.c.village_code == cs.village_code))
        .where(cs.month == month)
        .group_by(key, cs.color),
        *_in_scope(scope, disease),
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[by, "color", "patients"])


def transitions(
    engine: Engine, scope: Scope, from_month: str, to_month: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by disease and colour at `from_month` → colour at `to_month`.

    Counts patients present in both months; the scope applies to where the patient is
    managed at `to_month`.
    """
    prev = chronic_status.alias("prev")
    query = where(
        sa.select(
            cs.disease,
            prev.c.color.label("from_color"),
            cs.color.label("to_color"),
            sa.func.count().label("patients"),
        )
        .select_from(
            chronic_status.join(
                prev,
                sa.and_(
                    prev.c.patient_id == cs.patient_id,
                    prev.c.disease == cs.disease,
                    prev.c.month == from_month,
                ),
            )
        )
        .where(cs.month == to_month)
        .group_by(cs.disease, prev.c.color, cs.color)
        .order_by(cs.disease, prev.c.color, cs.color),
        *_in_scope(scope, disease),
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["disease", "from_color", "to_color", "patients"])


def mismatched_patients(
    engine: Engine, scope: Scope, month: str, disease: str | None = None
) -> int:
    """Distinct patients in scope at `month` with a row not managed at its colour's level."""
    query = where(
        sa.select(sa.func.count(sa.distinct(cs.patient_id))).where(cs.month == month, _mismatch()),
        *_in_scope(scope, disease),
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def mismatch_by_township(
    engine: Engine, scope: Scope, month: str, disease: str | None = None
) -> pd.DataFrame:
    """Per township: rows at `month`, rows whose managing level mismatches, by colour."""
    mismatch = sa.case((_mismatch(), 1), else_=0)
    query = where(
        sa.select(
            village.c.township_code,
            township.c.name.label("township_name"),
            cs.color,
            sa.func.count().label("patients"),
            sa.func.sum(mismatch).label("mismatched"),
        )
        .select_from(
            chronic_status.join(village, village.c.village_code == cs.village_code).join(
                township, township.c.township_code == village.c.township_code
            )
        )
        .where(cs.month == month)
        .group_by(village.c.township_code, township.c.name, cs.color),
        *_in_scope(scope, disease),
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    df = pd.DataFrame(
        rows, columns=["township_code", "township_name", "color", "patients", "mismatched"]
    )
    df["mismatched"] = df["mismatched"].fillna(0).astype(int)
    return df


def red_not_at_county(engine: Engine, scope: Scope, month: str) -> int:
    """Red-coded rows at `month` not managed by the county hospital (推送不到位, the worst case)."""
    query = where(
        sa.select(sa.func.count()).where(
            cs.month == month, cs.color == "red", cs.managed_level != "county"
        ),
        *_in_scope(scope),
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)
