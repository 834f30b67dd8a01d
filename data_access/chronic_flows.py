"""Chronic-colour movement between two months: 绿/黄/红 → 绿/黄/红, entries and exits."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from data_access.chronic import (
    COLOR_RANK,
    color_distribution,
    colors_at_both_ends,
    scope_conditions,
)
from data_access.frames import frame
from data_access.memo import per_extract
from data_access.relations import Db, Store, chronic_move, chronic_move_pair, rows_count
from data_access.scope import Scope, where

COLUMNS = ["disease", "from_color", "to_color", "patients"]


class PairNotStored(LookupError):
    """The analytics store has no transitions for this month pair (see store.needed_pairs)."""


@per_extract
def transition_flows(
    engine: Db, scope: Scope, from_month: str, to_month: str, disease: str | None = None
) -> pd.DataFrame:
    """Rows by disease and colour at `from_month` → colour at `to_month`, with entries and exits.

    Rows outside the scope are left out at both ends, so the flows add up to the
    distributions of the two months: `from_color` is None for a patient (and disease) in
    scope at `to_month` but not at `from_month` (新纳入 or moved in), `to_color` None for the
    reverse (退出 or moved out).
    """
    if isinstance(engine, Store):
        df = _stored_flows(engine, scope, from_month, to_month, disease)
    else:
        ends = colors_at_both_ends(from_month, to_month, *scope_conditions(scope, disease))
        query = sa.select(
            ends.c.disease, ends.c.from_color, ends.c.to_color, sa.func.count()
        ).group_by(ends.c.disease, ends.c.from_color, ends.c.to_color)
        with engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(query).all()]
        df = frame(rows, COLUMNS)
    df["patients"] = df["patients"].astype(int)
    df = df.astype({"from_color": object, "to_color": object}).where(df.notna(), None)
    # One order whatever the engine returned: disease, then colours (entries/exits first).
    order = df[["disease", "from_color", "to_color"]].fillna("")
    return df.loc[order.sort_values(list(order.columns)).index].reset_index(drop=True)


def _stored_flows(
    engine: Db, scope: Scope, from_month: str, to_month: str, disease: str | None
) -> pd.DataFrame:
    """transition_flows from the store: the moves with both ends in scope, and each month's
    rows in scope that no such move accounts for (新纳入 / 退出管理, moves across the scope's
    edge included), exactly as the source's pairing of rows counts them."""
    m = chronic_move.c
    pair = sa.select(chronic_move_pair.c.from_month).where(
        chronic_move_pair.c.from_month == from_month, chronic_move_pair.c.to_month == to_month
    )
    query = where(
        sa.select(m.disease, m.from_color, m.to_color, rows_count(chronic_move))
        .where(m.from_month == from_month, m.to_month == to_month)
        .group_by(m.disease, m.from_color, m.to_color),
        scope.township_condition(m.from_township),
        scope.township_condition(m.to_township),
        m.disease == disease if disease else None,
    )
    with engine.connect() as conn:
        if conn.execute(pair).first() is None:
            raise PairNotStored(f"no transitions stored for {from_month} → {to_month}")
        moved = pd.DataFrame([tuple(r) for r in conn.execute(query).all()], columns=COLUMNS)
    flows = [moved]
    for month, end, other in (
        (from_month, "from_color", "to_color"),
        (to_month, "to_color", "from_color"),
    ):
        there = color_distribution(engine, scope, month, disease).set_index(["disease", "color"])
        paired = moved.groupby(["disease", end])["patients"].sum()
        rest = there["patients"].sub(paired.rename_axis(["disease", "color"]), fill_value=0)
        rest = rest[rest > 0].reset_index()
        flows.append(
            pd.DataFrame(
                {
                    "disease": rest["disease"],
                    end: rest["color"],
                    other: None,
                    "patients": rest["patients"],
                }
            )[COLUMNS]
        )
    return pd.concat(flows, ignore_index=True)


@dataclass(frozen=True)
class TransitionSummary:
    """Patients (by disease) whose colour rose, fell or stayed, and those who came or went."""

    escalated: int  # 绿→黄/红, 黄→红
    improved: int  # 红→黄/绿, 黄→绿
    unchanged: int
    entered: int
    left: int


def summarize_transitions(flows: pd.DataFrame) -> TransitionSummary:
    """Escalated, improved and unchanged counts of a `transition_flows` result."""
    counts = dict.fromkeys(("escalated", "improved", "unchanged", "entered", "left"), 0)
    for r in flows.itertuples(index=False):
        if r.from_color is None:
            counts["entered"] += int(r.patients)
        elif r.to_color is None:
            counts["left"] += int(r.patients)
        elif r.from_color not in COLOR_RANK or r.to_color not in COLOR_RANK:
            counts["unchanged"] += int(r.patients)  # a colour outside the contract: no direction
        else:
            step = COLOR_RANK[r.to_color] - COLOR_RANK[r.from_color]
            kind = "escalated" if step > 0 else "improved" if step < 0 else "unchanged"
            counts[kind] += int(r.patients)
    return TransitionSummary(**counts)
