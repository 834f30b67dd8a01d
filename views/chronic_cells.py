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
from data_access.chronic import COLORS as COLOR_ORDER
from views import masking, transition_cells
from views.chronic import ChronicView, Mismatch, cell_key

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


def _colour_cells(table: pd.DataFrame, by: str, below: int, hidden: set[str]) -> dict:
    """Per (by value, colour) of a colour table shown beside the scope's colour totals: its
    status, each `by` value's colours and each colour's values taken as shown with totals;
    colours whose scope total is hidden (`hidden`) hide all their cells."""
    if table.empty:
        return {}
    cells = table.assign(cell=table[by].astype(str) + "|" + table["color"].astype(str))
    cells = cells.reset_index(drop=True)
    start = cells["color"].isin(hidden)
    while True:
        status = masking.suppress(cells, below, "patients", ((by,), ("color",)), "cell", start)[0]
        more = _second_beside_lone(cells, by, status != "")
        if more is None:
            break
        start = more
    return {
        (k, c): state
        for k, c, state in zip(cells[by], cells["color"], status, strict=True)
        if state
    }


def _second_beside_lone(cells: pd.DataFrame, by: str, hidden: pd.Series) -> pd.Series | None:
    """A hidden count alone in its row (`by`) or colour is that line's total minus the rest,
    exactly: it would give the small count it protects in its other line away. The hidden
    cells with a second one beside each lone one (the smallest shown), or None if none is
    alone."""
    counts = cells["patients"].astype(float).fillna(0.0)
    out, added = hidden.copy(), False
    for column in (by, "color"):
        for _, index in cells.groupby(column, sort=True).groups.items():
            index = list(index)
            group, hidden = [counts[i] for i in index], [bool(out[i]) for i in index]
            if masking.lone(group, hidden):
                pick = masking.partner(group, hidden, [cells.at[i, "cell"] for i in index])
                if pick is not None:
                    out[index[pick]] = True
                    added = True
    return out if added else None


def colors_hidden(view: ChronicView, below: int) -> dict:
    """The colour counts 慢病三色 (page, slide, brief, export) hides for floor `below`: the
    scope's colours beside their total (期末分布), each area's and each disease's colours
    beside theirs and beside the scope's colour totals (各乡镇 / 各病种 bars and their hover).
    Keys as ChronicView.hidden_colors."""
    if not below or view.month is None or view.distribution.empty:
        return {}
    dist = view.distribution.reset_index(drop=True)
    status = masking.suppress(dist, below, "patients", ((),), "color")[0]
    out = {cell_key("distribution", c): s for c, s in zip(dist["color"], status, strict=True) if s}
    # 绿黄红变化's columns add up to 期末分布: a colour hidden there is hidden here too.
    out |= transition_cells.statuses(view.transitions, below, out)
    hidden = {c for c in COLOR_ORDER if out.get(cell_key("distribution", c))}
    out |= trend_hidden(view, below, out)
    for name, table, by in TABLES:
        for (k, c), state in _colour_cells(getattr(view, table), by, below, hidden).items():
            out[cell_key(name, k, c)] = state
    return out


# The colour tables hidden cell by cell: (ChronicView.hidden name, field, key column).
TABLES = (("area", "by_area", "area_code"), ("disease", "by_disease", "disease"))


def mask_json(data: dict, view: ChronicView) -> dict:
    """The view's JSON (views.jsonable) as the page shows it: the hidden colour counts read
    `<5` / 不显示 with no share, in 期末分布, 各乡镇, 各病种, every month of the trend, the
    previous end and 绿黄红变化."""
    if not view.small:
        return data

    def patch(records, name, by=None):
        for row in records or ():
            cell = (name, row[by], row["color"]) if by else (name, row["color"])
            state = view.hidden(*cell)
            if state:
                row["patients"] = masking.seen_count(None, state, view.small)
                row["share"] = None

    patch(data.get("distribution"), "distribution")
    for name, table, by in TABLES:
        patch(data.get(table), name, by)
    for row in data.get("trend") or ():
        state = view.hidden("trend", row.get("month"), row["color"])
        if state:
            row["patients"] = masking.seen_count(None, state, view.small)
            row["share"] = None
    for row in data.get("previous_distribution") or ():
        state = view.hidden("before", row["color"])
        if state:
            row["patients"] = masking.seen_count(None, state, view.small)
            row["share"] = None
    if data.get("transitions"):  # over all diseases: a disease's cells would split them
        data["transitions"] = {
            "before": view.transitions.before,
            "month": view.transitions.month,
            "previous_has_no_data": view.transitions.previous_has_no_data,
            "flows": transition_cells.records(view),  # over all diseases: the rule's groups
            "summary": transition_cells.summary_seen(view),
        }
    return data


def colour_table_seen(view: ChronicView, name: str, by: str, table: pd.DataFrame) -> pd.DataFrame:
    """A colour table of the view (by_area: name "area", by_disease: "disease") as shown:
    hidden counts as words, their shares empty."""
    if not view.hidden_colors or table.empty:
        return table
    out = table.copy()
    out["patients"] = out["patients"].astype(object)
    out["share"] = out["share"].astype(object)
    for i, k, c in zip(out.index, out[by], out["color"], strict=True):
        state = view.hidden(name, k, c)
        if state:
            out.at[i, "patients"] = masking.seen_count(None, state, view.small)
            out.at[i, "share"] = None
    return out


def trend_hidden(view: ChronicView, below: int, end: dict) -> dict:
    """Per month of the trend, the colour counts hidden beside the month's total (its shares
    add up to 100%): "trend|<month>|<color>" → status; the period's end as 期末分布 (`end`)."""
    out = {}
    for month, rows in view.trend.groupby("month", sort=True) if len(view.trend) else ():
        if month == view.month:
            states = {c: end.get(cell_key("distribution", c), "") for c in rows["color"]}
        else:
            rows = rows.reset_index(drop=True)
            got = masking.suppress(rows, below, "patients", ((),), "color")[0]
            states = dict(zip(rows["color"], got, strict=True))
        out |= {cell_key("trend", month, c): s for c, s in states.items() if s}
    return out


def trend_seen(view: ChronicView) -> pd.DataFrame:
    """The monthly shares as shown: in every month a colour whose count is hidden beside the
    month's total (trend_hidden) has no share either."""
    if not view.hidden_colors or view.trend.empty:
        return view.trend
    out = view.trend.copy()
    out["share"] = out["share"].astype(float)
    hidden = [
        bool(view.hidden("trend", m, c)) for m, c in zip(out["month"], out["color"], strict=True)
    ]
    out.loc[hidden, "share"] = float("nan")
    return out


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
        small=below,
        hidden_colors=colors_hidden(view, below),
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


def kpis_seen(view, below: int):
    """总览's indicators for floor `below`: a rate over fewer than `below` (1/3, 2/2 at a
    township) is not shown — no value, no numerator or denominator, no change or trend — and
    leaves the 指标未达目标 alert."""
    hidden = {k.code for k in view.kpis if masking.hidden_rate(k.denominator, below)}
    if not hidden:
        return view
    reason = f"分母{masking.words(below)}，不显示"
    kpis = tuple(
        replace(k, value=None, numerator=None, denominator=None, attainment=None,
                previous=None, change=None, no_value_reason=reason, no_change_reason=None,
                trend=tuple((m, None) for m, _v in k.trend))
        if k.code in hidden else k
        for k in view.kpis
    )  # fmt: skip
    names = {f"{k.name} " for k in view.kpis if k.code in hidden}
    alerts = []
    for alert in view.alerts:
        if alert.key == "below_target":
            items = tuple(i for i in alert.items if not any(i.startswith(n) for n in names))
            if not items:
                continue
            alert = replace(alert, items=items, count=len(items))
        alerts.append(alert)
    return replace(view, kpis=kpis, alerts=tuple(alerts))


def overview_seen(view, below: int):
    """总览 (views.overview.OverviewView) as a user with floor `below` sees it: the
    推送不到位 alert and the glance's 推送不到位 read `<5` for a few people, as 慢病三色 does;
    indicator rates over fewer than `below` are not shown (kpis_seen)."""
    if not below:
        return view
    view = kpis_seen(view, below)
    if view.chronic is None:
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
