"""慢病三色 as a user with a small-cell floor sees it (views.masking): village counts below the
floor read `<5`, counts that would let a reader work one out from a total read 不显示, and
推送不到位 figures of a few people read `<5`. Page, brief and export take it from here.

The statuses are worked out over every village of the scope at the view's month and disease
(not only the villages a list shows), with the totals every screen shows beside them: the
scope's, each township's and each class's.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from sqlalchemy.engine import Engine

from data_access import chronic
from views import masking
from views.chronic import ChronicView, Mismatch

# Village counts a list shows beside a total: 在管, 红标, 推送不到位.
VILLAGE_COUNTS = ("patients", "red", "mismatched")
# Totals shown beside the villages: the scope's (在管, 推送不到位), each township's (各乡镇),
# each class's (按村类别, the map's 一类/二类 comparison).
VILLAGE_GROUPS = ((), ("township_code",), ("village_class",))
TOWNSHIP_DIGITS = 9


def village_cells(
    engine: Engine, scope, month: str, disease: str | None, below: int
) -> pd.DataFrame:
    """Per village of the scope (index: village_code) and count of VILLAGE_COUNTS: "" (shown),
    masking.SMALL or masking.PROTECT for a user with floor `below`."""
    villages = chronic.per_village(engine, scope, month, disease, ("red", "mismatched"))
    villages = villages.assign(township_code=villages["village_code"].str[:TOWNSHIP_DIGITS])
    villages = villages.sort_values("village_code").reset_index(drop=True)
    status = pd.DataFrame(
        {
            column: masking.suppress(villages, below, column, VILLAGE_GROUPS, "village_code")[0]
            for column in VILLAGE_COUNTS
        }
    )
    status.index = pd.Index(villages["village_code"], name="village_code")
    return status


def mask_villages(
    rows: pd.DataFrame, cells: pd.DataFrame, below: int, shares: tuple[str, ...]
) -> pd.DataFrame:
    """A village list (with village_code) as shown: its counts masked as `cells` says."""
    if not below or rows.empty:
        return rows
    status = cells.reindex(rows["village_code"]).fillna("")
    status.index = rows.index
    counts = [c for c in VILLAGE_COUNTS if c in rows.columns]
    return masking.apply(rows, status, below, counts, shares)


def mismatch_seen(m: Mismatch, below: int) -> Mismatch:
    """推送不到位 as shown: its total and parts of 1 … below − 1 people read `<5`."""
    if not below:
        return m
    small = masking.is_small(m.mismatched, below)
    return replace(
        m,
        mismatched=masking.words(below) if small else m.mismatched,
        by_color=masking.mask_table(
            m.by_color, below, ["patients", "mismatched"], ["mismatch_share"]
        ),
        misplaced=masking.mask_table(m.misplaced, below, ["patients"]),
    )


def classes_seen(by_class: pd.DataFrame, below: int) -> pd.DataFrame:
    """按村类别 (village_class, color, patients, share) as shown: per colour, the classes are
    shown with the scope's total of that colour beside them, so a small class count hides
    the other class's too (a class of one village would name its patients)."""
    if not below or by_class.empty:
        return by_class
    table = by_class.reset_index(drop=True)
    shown, _status = masking.suppress_table(
        table, below, ["patients"], ["share"], (("color",),), key="village_class"
    )
    return shown


def seen_with(view: ChronicView, cells: pd.DataFrame, below: int) -> ChronicView:
    """The view as a user with floor `below` sees it, given village_cells of its month."""
    if not below or view.month is None:
        return view
    mismatch_list = view.mismatch_villages
    if mismatch_list is not None:
        rows = mask_villages(mismatch_list.rows, cells, below, ("mismatch_share",))
        mismatch_list = replace(mismatch_list, rows=rows)
    return replace(
        view,
        red_villages=mask_villages(view.red_villages, cells, below, ("red_share",)),
        by_class=classes_seen(view.by_class, below),
        mismatch_villages=mismatch_list,
        mismatch=None if view.mismatch is None else mismatch_seen(view.mismatch, below),
        mismatch_by_area=masking.mask_table(
            view.mismatch_by_area, below, ["patients", "mismatched"], ["mismatch_share"]
        ),
    )


def seen(engine: Engine, view: ChronicView, below: int) -> ChronicView:
    """seen_with, reading the village counts of the view's month (the export)."""
    if not below or view.month is None:
        return view
    return seen_with(
        view, village_cells(engine, view.scope, view.month, view.disease, below), below
    )


def overview_seen(view, below: int):
    """总览 (views.overview.OverviewView) as a user with floor `below` sees it: the
    推送不到位 alert and the glance's 推送不到位 read `<5` for a few people, as 慢病三色 does."""
    if not below or view.chronic is None:
        return view
    m = mismatch_seen(view.chronic.mismatch, below)
    alerts = []
    for alert in view.alerts:
        if alert.key == "mismatch":
            red = m.red_not_up
            unit = view.chronic.unit
            subject = alert.subject.split("其中")[0] + (
                f"其中红标未上转 {red if isinstance(red, str) else f'{red:,}'} {unit}）"
            )
            alert = replace(alert, count=m.mismatched, subject=subject)
        alerts.append(alert)
    return replace(view, chronic=replace(view.chronic, mismatch=m), alerts=tuple(alerts))
