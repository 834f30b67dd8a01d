"""Slides on chronic patients: the 绿黄红 mix at the period's end, and how colours moved.

Both format views.chronic's model for all diseases together (人次), the same the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access.chronic import COLOR_RANK, COLORS
from views import labels
from views.common import month_words
from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Slide, Sources

TOTAL_ROW = "合计"


@dataclass(**FIGURE)
class ColorRow:
    """One row of the mix: a disease, or all of them (合计)."""

    label: str  # 高血压 …, or 合计
    counts: dict[str, int]  # by colour
    total: int
    shares: dict[str, float | None]  # by colour, of `total` (0..1; None: nobody)


@dataclass(**FIGURE)
class ColorsSlide(Slide):
    month: str
    before: str | None
    unit: str  # 人次 (all diseases)
    totals: dict[str, int]  # patients by colour at the month's end
    total: int
    shares: dict[str, float | None]  # each colour's share of `total` (the big numbers)
    red_share: float | None
    previous_red_share: float | None  # at `before`'s end
    by_disease: pd.DataFrame  # disease, color, patients, share (the page's chart)
    diseases: dict[str, str]  # code → label, in the chart's order
    disease_rows: tuple[ColorRow, ...]  # per disease, in `diseases`' order
    total_row: ColorRow  # all diseases (合计)

    @property
    def rows(self) -> tuple[ColorRow, ...]:
        """Per disease, then 合计: the brief's chart and table."""
        return (*self.disease_rows, self.total_row)


def _no_chronic(kind: Kind, m: Meeting) -> NoData:
    return NoData(kind=kind, empty=f"{m.period_label}所选范围内没有慢病三色管理数据。")


def _disease_rows(by_disease: pd.DataFrame, diseases: dict[str, str]) -> list[ColorRow]:
    """The view's mix per disease (its counts and shares), a colour absent counting 0."""
    cells = {
        (d, c): (int(n), s)
        for d, c, n, s in zip(
            by_disease["disease"],
            by_disease["color"],
            by_disease["patients"],
            by_disease["share"],
            strict=True,
        )
    }
    rows = []
    for code, label in diseases.items():
        counts = {c: cells.get((code, c), (0, None))[0] for c in COLORS}
        total = sum(counts.values())
        shares = {c: cells[(code, c)][1] if (code, c) in cells else 0.0 for c in COLORS}
        rows.append(ColorRow(label=label, counts=counts, total=total, shares=shares))
    return rows


def colors(src: Sources, m: Meeting) -> Slide:
    view = src.chronic()
    if view.month is None:
        return _no_chronic(Kind.COLORS, m)
    month, before, unit = view.month, view.before, view.unit
    totals = {c: view.count(c) for c in COLORS}
    shares = {c: view.share_of(c) for c in COLORS}
    red_share = shares["red"]
    message = (
        f"{month_words(month)}末在管 {view.total:,} {unit}：红标 {totals['red']:,} {unit}"
        f"（{labels.fraction_pct(red_share)}）"
    )
    previous_share = view.previous_share_of("red")
    if previous_share is not None:
        message += f"，{month_words(before)}末为 {labels.fraction_pct(previous_share)}"
    by_disease = view.by_disease
    diseases = {d: labels.DISEASE_LABELS.get(d, d) for d in dict.fromkeys(by_disease["disease"])}
    disease_rows = tuple(_disease_rows(by_disease, diseases))
    total_row = ColorRow(label=TOTAL_ROW, counts=totals, total=view.total, shares=shares)
    rows = (*disease_rows, total_row)
    sheet = pd.DataFrame(
        {
            "病种": [r.label for r in rows],
            **{labels.COLOR_LABELS[c]: [r.counts[c] for r in rows] for c in COLORS},
        }
    )
    sheet["合计"] = [r.total for r in rows]
    sheet["红标占比（%）"] = [labels.share_percent(r.shares["red"], 1) for r in rows]
    sheet.insert(0, "月份", month)
    sheet["单位"] = unit
    return ColorsSlide(
        kind=Kind.COLORS,
        message=message,
        sheets={"绿黄红构成": sheet},
        month=month,
        before=before,
        unit=unit,
        totals=totals,
        total=view.total,
        shares=shares,
        red_share=red_share,
        previous_red_share=previous_share,
        by_disease=by_disease,
        diseases=diseases,
        disease_rows=disease_rows,
        total_row=total_row,
    )


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


@dataclass(**FIGURE)
class TransitionMatrix:
    """Rows at the earlier end (rows: colours, then 新纳入 as None) by their colour at the
    later end (columns: colours, then 退出管理 as None); each row and column adds up to its
    month's distribution. The 新纳入 → 退出管理 cell is always 0."""

    ends: tuple[str | None, ...]  # COLORS, then None
    counts: tuple[tuple[int, ...], ...]  # counts[i][j]: from ends[i] to ends[j]

    def count(self, from_color: str | None, to_color: str | None) -> int:
        return self.counts[self.ends.index(from_color)][self.ends.index(to_color)]


@dataclass(**FIGURE)
class TransitionsSlide(Slide):
    month: str
    before: str
    unit: str
    flows: pd.DataFrame  # from_color, to_color, patients, movement (the Sankey's links)
    matrix: TransitionMatrix
    moved: dict[str, int]  # worse, better, same, entered, left
    into_red: int
    before_sides: dict[str, int]  # rows per colour at `before`'s end
    after_sides: dict[str, int]  # rows per colour at `month`'s end


def _matrix(flows: pd.DataFrame) -> TransitionMatrix:
    ends = (*COLORS, None)
    sums: dict[tuple, int] = {}
    for f, t, n in zip(flows["from_color"], flows["to_color"], flows["patients"], strict=True):
        key = (None if pd.isna(f) else f, None if pd.isna(t) else t)
        sums[key] = sums.get(key, 0) + int(n)
    return TransitionMatrix(
        ends=ends, counts=tuple(tuple(sums.get((f, t), 0) for t in ends) for f in ends)
    )


def transitions(src: Sources, m: Meeting) -> Slide:
    view = src.chronic()
    if view.month is None:
        return _no_chronic(Kind.TRANSITIONS, m)
    moves = view.transitions
    if moves is None:
        return NoData(
            kind=Kind.TRANSITIONS,
            empty=f"{month_words(view.month)}之前没有慢病三色数据，无法比较颜色变化。",
        )
    before, month, unit = moves.before, moves.month, view.unit
    flows = moves.totals()
    flows["movement"] = [
        movement(f, t) for f, t in zip(flows["from_color"], flows["to_color"], strict=True)
    ]
    summary = moves.summary
    into_red = sum(moves.step(c, "red") for c in COLORS if c != "red")
    message = (
        f"{month_words(before)}末 → {month_words(month)}末：{summary.escalated:,} {unit}加重"
        f"（其中 {into_red:,} {unit}转为红标），{summary.improved:,} {unit}好转"
    )
    detail = moves.flows
    sheet = pd.DataFrame(
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
    return TransitionsSlide(
        kind=Kind.TRANSITIONS,
        message=message,
        sheets={"颜色变化": sheet},
        month=month,
        before=before,
        unit=unit,
        flows=flows,
        matrix=_matrix(flows),
        moved={
            "worse": summary.escalated,
            "better": summary.improved,
            "same": summary.unchanged,
            "entered": summary.entered,
            "left": summary.left,
        },
        into_red=into_red,
        before_sides=moves.side("from_color"),
        after_sides=moves.side("to_color"),
    )
