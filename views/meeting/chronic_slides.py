"""Slides on chronic patients: the 绿黄红 mix at the period's end, and how colours moved.

Both format views.chronic's model for all diseases together (人次), the same the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from data_access.chronic import COLOR_RANK, COLORS
from views import chronic_cells, labels, masking, transition_cells
from views.common import month_words
from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Number, Slide, Sources, TableSlide

TOTAL_ROW = "合计"


@dataclass(**FIGURE)
class ColorRow:
    """One row of the mix: a disease, or all of them (合计)."""

    label: str  # 高血压 …, or 合计
    counts: dict[str, int | str]  # by colour (str: hidden for small cells, `<5` / 不显示)
    total: int
    shares: dict[str, float | None]  # by colour, of `total` (0..1; None: nobody)


@dataclass(**FIGURE)
class ColorsSlide(Slide):
    month: str
    before: str | None
    unit: str  # 人次 (all diseases)
    totals: dict[str, int | str]  # patients by colour at the month's end (str: hidden)
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


def _disease_rows(
    by_disease: pd.DataFrame, shown: pd.DataFrame, diseases: dict[str, str]
) -> list[ColorRow]:
    """The view's mix per disease (its counts and shares as `shown`, whose hidden counts read
    `<5` / 不显示), a colour absent counting 0; the row's total from the true counts."""
    totals = by_disease.groupby("disease")["patients"].sum().to_dict()
    cells = {
        (d, c): (n if isinstance(n, str) else int(n), s)
        for d, c, n, s in zip(
            shown["disease"],
            shown["color"],
            shown["patients"],
            shown["share"],
            strict=True,
        )
    }
    rows = []
    for code, label in diseases.items():
        counts = {c: cells.get((code, c), (0, None))[0] for c in COLORS}
        total = int(totals.get(code, 0))
        shares = {c: cells[(code, c)][1] if (code, c) in cells else 0.0 for c in COLORS}
        rows.append(ColorRow(label=label, counts=counts, total=total, shares=shares))
    return rows


def colors(src: Sources, m: Meeting) -> Slide:
    view = src.chronic()
    if view.month is None:
        return _no_chronic(Kind.COLORS, m)
    # The colour counts a township role may not see (views.chronic_cells, as the page hides).
    view = replace(
        view, small=src.small, hidden_colors=chronic_cells.colors_hidden(view, src.small)
    )
    month, before, unit = view.month, view.before, view.unit
    totals = {c: view.shown_count(c) for c in COLORS}
    shares = {c: view.shown_share(c) for c in COLORS}
    red_share = shares["red"]
    message = (
        f"{month_words(month)}末在管 {view.total:,} {unit}：红标 {labels.count(totals['red'])} {unit}"
        f"（{labels.fraction_pct(red_share)}）"
    )
    previous_share = view.previous_share_of("red")
    if previous_share is not None and red_share is not None:
        message += f"，{month_words(before)}末为 {labels.fraction_pct(previous_share)}"
    by_disease = chronic_cells.colour_table_seen(view, "disease", "disease", view.by_disease)
    diseases = {d: labels.DISEASE_LABELS.get(d, d) for d in dict.fromkeys(by_disease["disease"])}
    disease_rows = tuple(_disease_rows(view.by_disease, by_disease, diseases))
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
    if src.small:  # a township role: the figures as the page shows them (masked)
        return _transitions_seen(view, src.small)
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


def _transitions_seen(view, below: int) -> Slide:
    """绿黄红变化 for a user with a small-cell floor (views.transition_cells): the matrix over
    all diseases (a per-disease sheet would split its cells further), hidden counts as
    `<5` / 不显示; as a table when any is hidden (a drawn flow would show it by its width)."""
    view = replace(view, small=below, hidden_colors=chronic_cells.colors_hidden(view, below))
    moves, unit = view.transitions, view.unit
    start, end = f"{month_words(moves.before)}末", f"{month_words(moves.month)}末"
    moved = transition_cells.summary_seen(view)

    def said(value, words: str) -> str:  # 22 人次加重, or 加重人数不显示 when it is hidden
        if value == masking.PROTECTED:
            return f"{words}人数不显示"
        return f"{labels.count(value)} {unit}{words}"

    message = (
        f"{start} → {end}：{said(moved['worse'], '加重')}"
        f"（其中 {said(moved['into_red'], '转为红标')}），{said(moved['better'], '好转')}"
    )
    if masking.PROTECTED in (moved["worse"], moved["better"]):
        message = f"{start} → {end}：有的人数不足 {below}，加重与好转人数不显示，见表"
    table = transition_cells.matrix_table(view, start, end)
    cells = transition_cells.records(view)
    sheet = pd.DataFrame(
        {
            start: [labels.COLOR_LABELS.get(r["from_color"], labels.ENTERED_LABEL) for r in cells],
            end: [labels.COLOR_LABELS.get(r["to_color"], labels.LEFT_LABEL) for r in cells],
            "变化": [MOVEMENT_WORDS[movement(r["from_color"], r["to_color"])] for r in cells],
            unit: [r["patients"] for r in cells],
        }
    )
    sheet.insert(0, "病种", view.what if view.disease else labels.ALL_DISEASES)
    if transition_cells.any_hidden(view):
        note = f"{masking.hidden_words(below)}；为防推算，部分数字亦不显示。单位：{unit}。"
        return TableSlide(
            kind=Kind.TRANSITIONS,
            message=message,
            sheets={"颜色变化": sheet},
            table=table,
            note=note,
            numbers=(
                Number(
                    "加重",
                    labels.count(moved["worse"]),
                    f"{unit}，其中转为红标 {labels.count(moved['into_red'])}",
                    alarm=moved["worse"] != 0,
                ),
                Number("好转", labels.count(moved["better"]), unit),
                Number("不变", labels.count(moved["same"]), unit),
            ),
        )
    slide = transitions(_Unmasked(view), None)
    return replace(slide, sheets={"颜色变化": sheet})


class _Unmasked:
    """Sources giving one view with no floor (nothing of it is hidden at the matrix level)."""

    small = 0

    def __init__(self, view) -> None:
        self._view = view

    def chronic(self):
        return self._view
