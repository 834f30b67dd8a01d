"""Slides on chronic patients: the 绿黄红 mix at the period's end, and how colours moved.

Both format views.chronic's model for all diseases together (人次), the same the page shows.
"""

from __future__ import annotations

import pandas as pd

from data_access.chronic import COLOR_RANK, COLORS
from data_access.figures import share
from views import labels
from views.common import month_words
from views.meeting.deck import Meeting, Slide, Sources

TOTAL_ROW = "合计"


def colors(src: Sources, m: Meeting) -> Slide:
    slide = Slide("colors")
    view = src.chronic()
    if view.month is None:
        slide.empty = f"{m.period_label}所选范围内没有慢病三色管理数据。"
        return slide
    month, before, unit = view.month, view.before, view.unit
    totals = {c: view.count(c) for c in COLORS}
    red_share = view.share_of("red")
    message = (
        f"{month_words(month)}末在管 {view.total:,} {unit}：红标 {totals['red']:,} {unit}"
        f"（{labels.pct(None if red_share is None else 100 * red_share)}）"
    )
    previous_share = None
    if view.previous_distribution is not None:
        prev = view.previous_distribution
        was = int(prev.loc[prev["color"] == "red", "patients"].sum())
        previous_share = share(was, int(prev["patients"].sum()))
        if previous_share is not None:
            message += f"，{month_words(before)}末为 {labels.pct(100 * previous_share)}"
    slide.message = message
    by_disease = view.by_disease
    diseases = list(dict.fromkeys(by_disease["disease"]))
    slide.parts.update(
        month=month,
        before=before,
        totals=totals,
        total=view.total,
        red_share=red_share,
        previous_red_share=previous_share,
        by_disease=by_disease,
        diseases={d: labels.DISEASE_LABELS.get(d, d) for d in diseases},
        unit=unit,
    )
    wide = by_disease.pivot_table(
        index="disease", columns="color", values="patients", aggfunc="sum"
    )
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
        None if s is None else round(100 * s, 1)
        for s in (share(r, t) for r, t in zip(wide["red"], wide.sum(axis=1), strict=True))
    ]
    sheet.insert(0, "月份", month)
    sheet["单位"] = unit
    slide.sheets["绿黄红构成"] = sheet
    return slide


def movement(from_color, to_color) -> str:
    """worse / better / same / entered / left: by the colours' severity order."""
    if from_color is None:
        return "entered"
    if to_color is None:
        return "left"
    if from_color not in COLOR_RANK or to_color not in COLOR_RANK:
        return "same"
    step = COLOR_RANK[to_color] - COLOR_RANK[from_color]
    return "worse" if step > 0 else "better" if step < 0 else "same"


MOVEMENT_WORDS = {
    "worse": "加重",
    "better": "好转",
    "same": "不变",
    "entered": labels.ENTERED_LABEL,
    "left": labels.LEFT_LABEL,
}


def transitions(src: Sources, m: Meeting) -> Slide:
    slide = Slide("transitions")
    view = src.chronic()
    if view.month is None:
        slide.empty = f"{m.period_label}所选范围内没有慢病三色管理数据。"
        return slide
    moves = view.transitions
    if moves is None:
        slide.empty = f"{month_words(view.month)}之前没有慢病三色数据，无法比较颜色变化。"
        return slide
    before, month, unit = moves.before, moves.month, view.unit
    flows = moves.totals()
    flows["movement"] = [
        movement(f, t) for f, t in zip(flows["from_color"], flows["to_color"], strict=True)
    ]
    summary = moves.summary
    into_red = sum(moves.step(c, "red") for c in COLORS if c != "red")
    slide.message = (
        f"{month_words(before)}末 → {month_words(month)}末：{summary.escalated:,} {unit}加重"
        f"（其中 {into_red:,} {unit}转为红标），{summary.improved:,} {unit}好转"
    )
    slide.parts.update(
        month=month,
        before=before,
        flows=flows,
        matrix=flows[flows["from_color"].notna() & flows["to_color"].notna()],
        moved={
            "worse": summary.escalated,
            "better": summary.improved,
            "same": summary.unchanged,
            "entered": summary.entered,
            "left": summary.left,
        },
        into_red=into_red,
        unit=unit,
        before_sides=moves.side("from_color"),
        after_sides=moves.side("to_color"),
    )
    detail = moves.flows
    slide.sheets["颜色变化"] = pd.DataFrame(
        {
            "病种": [labels.DISEASE_LABELS.get(d, d) for d in detail["disease"]],
            f"{month_words(before)}末": [
                labels.COLOR_LABELS.get(c, labels.ENTERED_LABEL) if c else labels.ENTERED_LABEL
                for c in detail["from_color"]
            ],
            f"{month_words(month)}末": [
                labels.COLOR_LABELS.get(c, labels.LEFT_LABEL) if c else labels.LEFT_LABEL
                for c in detail["to_color"]
            ],
            "变化": [
                MOVEMENT_WORDS[movement(f, t)]
                for f, t in zip(detail["from_color"], detail["to_color"], strict=True)
            ],
            unit: detail["patients"],
        }
    )
    return slide
