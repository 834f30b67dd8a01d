"""Slides on chronic patients: the 绿黄红 mix at the period's end, and how colours moved."""

from __future__ import annotations

import pandas as pd

from dashboard import labels
from dashboard.meeting.deck import Meeting, Query, Slide, month_words
from data_access.chronic import COLOR_RANK, COLORS, DISEASES
from data_access.figures import share

TOTAL_ROW = "合计"


def _months(query: Query, m: Meeting) -> tuple[str | None, str | None]:
    """The period's snapshot month and the month compared with (as the export JSON)."""
    month = query("chronic.snapshot_month", m.scope, m.period)
    before = query("chronic.month_before", m.scope, m.period.first_month) if month else None
    return month, before


def _totals(dist: pd.DataFrame) -> dict[str, int]:
    sums = dist.groupby("color")["patients"].sum()
    return {c: int(sums.get(c, 0)) for c in COLORS}


def colors(query: Query, m: Meeting) -> Slide:
    slide = Slide("colors")
    month, before = _months(query, m)
    if month is None:
        slide.empty = f"{m.period_label}所选范围内没有慢病三色管理数据。"
        return slide
    dist = query("chronic.color_distribution", m.scope, month)
    totals = _totals(dist)
    total = sum(totals.values())
    red_share = share(totals["red"], total)
    message = (
        f"{month_words(month)}末在管 {total:,} 人次：红标 {totals['red']:,} 人次"
        f"（{labels.pct(None if red_share is None else 100 * red_share)}）"
    )
    previous_share = None
    if before:
        was = _totals(query("chronic.color_distribution", m.scope, before))
        previous_share = share(was["red"], sum(was.values()))
        if previous_share is not None:
            message += f"，{month_words(before)}末为 {labels.pct(100 * previous_share)}"
    slide.message = message
    diseases = [d for d in DISEASES if d in set(dist["disease"])]
    diseases += sorted(set(dist["disease"]) - set(diseases))  # codes outside the contract
    by_disease = dist.copy()
    by_disease["share"] = [
        share(n, dist.loc[dist["disease"] == d, "patients"].sum())
        for d, n in zip(dist["disease"], dist["patients"], strict=True)
    ]
    slide.parts.update(
        month=month,
        before=before,
        totals=totals,
        total=total,
        red_share=red_share,
        previous_red_share=previous_share,
        by_disease=by_disease,
        diseases={d: labels.DISEASE_LABELS.get(d, d) for d in diseases},
    )
    wide = dist.pivot_table(index="disease", columns="color", values="patients", aggfunc="sum")
    wide = wide.reindex(index=diseases, columns=list(COLORS)).fillna(0).astype(int)
    wide.loc[TOTAL_ROW] = [totals[c] for c in COLORS]
    sheet = pd.DataFrame(
        {
            "病种": [labels.DISEASE_LABELS.get(d, d) for d in wide.index],
            **{labels.COLOR_LABELS[c]: wide[c].to_numpy() for c in COLORS},
        }
    )
    sheet["合计"] = wide.sum(axis=1).to_numpy()
    sheet["红标占比（%）"] = [
        None if s is None else round(100 * s, 2)
        for s in (share(r, t) for r, t in zip(sheet["红标"], sheet["合计"], strict=True))
    ]
    sheet.insert(0, "月份", month)
    slide.sheets["绿黄红构成"] = sheet
    return slide


def movement(from_color: str, to_color: str) -> str:
    """worse / better / same: by the colours' severity order."""
    step = COLOR_RANK[to_color] - COLOR_RANK[from_color]
    return "worse" if step > 0 else "better" if step < 0 else "same"


MOVEMENT_WORDS = {"worse": "加重", "better": "好转", "same": "不变"}


def transitions(query: Query, m: Meeting) -> Slide:
    slide = Slide("transitions")
    month, before = _months(query, m)
    if month is None:
        slide.empty = f"{m.period_label}所选范围内没有慢病三色管理数据。"
        return slide
    if before is None:
        slide.empty = f"{month_words(month)}之前没有慢病三色数据，无法比较颜色变化。"
        return slide
    flows = query("chronic.transitions", m.scope, before, month)
    flows = flows[flows["from_color"].isin(COLORS) & flows["to_color"].isin(COLORS)]
    if flows.empty:
        slide.empty = f"{month_words(before)}末与{month_words(month)}末没有共同在管的患者。"
        return slide
    matrix = flows.groupby(["from_color", "to_color"], as_index=False)["patients"].sum()
    matrix["movement"] = [
        movement(f, t) for f, t in zip(matrix["from_color"], matrix["to_color"], strict=True)
    ]
    counts = matrix.groupby("movement")["patients"].sum()
    moved = {k: int(counts.get(k, 0)) for k in MOVEMENT_WORDS}
    into_red = int(
        matrix.loc[
            (matrix["to_color"] == "red") & (matrix["from_color"] != "red"), "patients"
        ].sum()
    )
    slide.message = (
        f"{month_words(before)}末 → {month_words(month)}末：{moved['worse']:,} 人次加重"
        f"（其中 {into_red:,} 人次转为红标），{moved['better']:,} 人次好转"
    )
    slide.parts.update(
        month=month, before=before, matrix=matrix, moved=moved, into_red=into_red, flows=flows
    )
    slide.sheets["颜色变化"] = pd.DataFrame(
        {
            "病种": [labels.DISEASE_LABELS.get(d, d) for d in flows["disease"]],
            f"{month_words(before)}末": flows["from_color"].map(labels.COLOR_LABELS),
            f"{month_words(month)}末": flows["to_color"].map(labels.COLOR_LABELS),
            "变化": [
                MOVEMENT_WORDS[movement(f, t)]
                for f, t in zip(flows["from_color"], flows["to_color"], strict=True)
            ],
            "人次": flows["patients"],
        }
    )
    return slide
