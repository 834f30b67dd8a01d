"""Chronic-colour movement between two months: 绿/黄/红 → 绿/黄/红, entries and exits."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.chronic import COLOR_RANK, colors_at_both_ends, scope_conditions
from data_access.scope import Scope


def transition_flows(
    engine: Engine, scope: Scope, from_month: str, to_month: str, disease: str | None = None
) -> pd.DataFrame:
    """Rows by disease and colour at `from_month` → colour at `to_month`, with entries and exits.

    Rows outside the scope are left out at both ends, so the flows add up to the
    distributions of the two months: `from_color` is None for a patient (and disease) in
    scope at `to_month` but not at `from_month` (新纳入 or moved in), `to_color` None for the
    reverse (退出 or moved out).
    """
    ends = colors_at_both_ends(from_month, to_month, *scope_conditions(scope, disease))
    query = sa.select(ends.c.disease, ends.c.from_color, ends.c.to_color, sa.func.count()).group_by(
        ends.c.disease, ends.c.from_color, ends.c.to_color
    )
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query).all()]
    df = pd.DataFrame(rows, columns=["disease", "from_color", "to_color", "patients"])
    df["patients"] = df["patients"].astype(int)
    return df.astype({"from_color": object, "to_color": object}).where(df.notna(), None)


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
