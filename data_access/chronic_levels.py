"""推送不到位: chronic patients not managed at the level their colour calls for.

A green patient belongs to the village clinic, yellow to the township health center, red to
the county hospital (chronic.EXPECTED_LEVEL). Counts are rows, one per patient and disease.
Which rows are 推送不到位 is decided once, in SQL (chronic.mismatch_condition); the frames
here only sum the `mismatched` counts it gives, never compare levels again.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from data_access.chronic import (
    COLOR_RANK,
    EXPECTED_LEVEL,
    by_area,
    mismatch_condition,
    per_village,
    scope_conditions,
    sum_rows,
    village_colors,
)
from data_access.figures import share
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.relations import Db, chronic_rows, rows_count
from data_access.scope import Scope, where

# Enough rows to list every village of a county; a longer list is for the export, not a screen.
MISMATCH_VILLAGES_MAX = 200


@per_extract
def managed_levels(
    engine: Db, scope: Scope, month: str, disease: str | None = None
) -> pd.DataFrame:
    """Patients by colour and the level actually managing them at one month, and how many of
    them are 推送不到位 (`mismatched`: all of the group's rows, or none)."""
    rows = chronic_rows(engine)
    c = rows.c
    query = where(
        sa.select(
            c.color, c.managed_level, rows_count(rows), rows_count(rows, mismatch_condition(c))
        )
        .where(c.month == month)
        .group_by(c.color, c.managed_level)
        .order_by(c.color, c.managed_level),
        *scope_conditions(scope, disease, c),
    )
    with engine.connect() as conn:
        return frame(conn.execute(query), ["color", "managed_level", "patients", "mismatched"])


def mismatch_by_color(levels: pd.DataFrame) -> pd.DataFrame:
    """Per colour (so per level it belongs to): patients, those managed elsewhere, their share."""
    rows = []
    for color, group in levels.groupby("color", sort=False):
        wrong = group["mismatched"].sum()
        total = group["patients"].sum()
        rows.append((color, EXPECTED_LEVEL.get(color), int(total), int(wrong), share(wrong, total)))
    df = pd.DataFrame(
        rows, columns=["color", "expected_level", "patients", "mismatched", "mismatch_share"]
    )
    # Colours outside the contract last, by name: one order whatever order `levels` came in.
    df["_rank"] = df["color"].map(COLOR_RANK).fillna(len(COLOR_RANK))
    return df.sort_values(["_rank", "color"]).drop(columns="_rank").reset_index(drop=True)


def misplaced(levels: pd.DataFrame) -> pd.DataFrame:
    """The rows of `managed_levels` not at their colour's level: where those patients are."""
    wrong = levels[levels["mismatched"] > 0].drop(columns="mismatched")
    order = wrong["color"].map(COLOR_RANK).fillna(len(COLOR_RANK))
    return (
        wrong.assign(rank=order)
        .sort_values(
            ["rank", "color", "patients", "managed_level"], ascending=[True, True, False, True]
        )
        .drop(columns="rank")
        .reset_index(drop=True)
    )


def mismatch_by_area(
    engine: Db, scope: Scope, month: str, level: str, disease: str | None = None
) -> pd.DataFrame:
    """Per county or township (`level`): patients at one month, mismatched ones and their share."""
    rows = by_area(village_colors(engine, scope, month, disease), level)
    df = sum_rows(rows, ["area_code", "area_name"], ("mismatched",))
    df["mismatched"] = df["mismatched"].astype(int)
    df["mismatch_share"] = [
        share(m, p) for m, p in zip(df["mismatched"], df["patients"], strict=True)
    ]
    return df


def mismatch_villages(
    engine: Db,
    scope: Scope,
    month: str,
    disease: str | None = None,
    limit: int | None = MISMATCH_VILLAGES_MAX,
) -> pd.DataFrame:
    """Villages with mismatched patients at one month, most mismatched first (all: limit None)."""
    df = per_village(engine, scope, month, disease, ("mismatched",))
    df = df[df["mismatched"] > 0].sort_values(
        ["mismatched", "village_code"], ascending=[False, True]
    )
    df = (df if limit is None else df.head(limit)).reset_index(drop=True)
    df["mismatched"] = df["mismatched"].astype(int)
    df["mismatch_share"] = [
        share(m, p) for m, p in zip(df["mismatched"], df["patients"], strict=True)
    ]
    return df
