"""The 上周督办 slide: each open or recently closed item, its owner and due date, and the
figure it is about then and now (▲/▼ and 已改善/未改善/已完成), overdue items first.

"Then" is the figure in the item's scope over the window on screen when it was written (its
period, cut to the months that had data then); "now" is the same figure in the item's scope
over the meeting's window. Both are read from the view models (views.followup.value_of), so
they equal what the pages show for that scope and period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from views import labels
from views.followup import STATE_WORDS, Board, Item, compare, value_of
from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Slide, Sources, TableSlide, data

# Items a room reads on one slide; the workbook lists every one.
ROWS_MAX = 6
HEADERS = ("范围", "指标", "责任人", "期限", "当时", "现在", "变化", "事项")
NOTE_HEADERS = ("范围", "指标", "解读", "作者")
NOTE = "当时：督办时所在期间的数字；现在：本期同一范围的数字。红色为已逾期。"


class FollowupRow(NamedTuple):
    id: int
    place: str  # names from the database: data, escaped by every renderer
    figure: str
    owner: str
    due: str
    overdue: bool  # open and past its due date: the emphasis
    state: str  # in words
    then: str  # the figure as shown, with the period it is of
    now: str
    arrow: str  # ▲ / ▼ / 持平 / —
    word: str  # 已改善 / 未改善 / 已完成 / 无法比较
    text: str

    @property
    def values(self) -> tuple[str, ...]:
        """The cells under HEADERS."""
        due = f"{self.due}（已逾期）" if self.overdue else self.due
        return (self.place, self.figure, self.owner, due, self.then, self.now,
                f"{self.arrow} {self.word}", self.text)  # fmt: skip


@dataclass(**FIGURE)
class FollowupSlide(TableSlide):
    """Drawn as its table (the listed items, overdue ones stressed; or only the 解读 when
    no item is open); the fields below are the export's and the tests'."""

    rows: tuple[FollowupRow, ...] = data()  # overdue first, then by due date; ≤ ROWS_MAX
    count: int = data()  # items in scope
    overdue: int = data()
    improved: int = data()
    # 解读 of the meeting's scope and period: (place, figure, text, author)
    notes: tuple[tuple[str, str, str, str], ...] = data()


def _row(src: Sources, m: Meeting, item: Item, months: list[str], board: Board) -> FollowupRow:
    then_window = item.then_window(months)
    then = value_of(src.at(item.scope, then_window), item.figure, item.subject)
    now = value_of(src.at(item.scope, m.window), item.figure, item.subject)
    moved = compare(then, now, item.state == "closed")
    return FollowupRow(
        id=item.id,
        place=item.place,
        figure=item.figure_words,
        owner=item.owner,
        due=item.due,
        overdue=board.today is not None and item.overdue(board.today),
        state=STATE_WORDS.get(item.state, item.state),
        then=f"{then.shown if then else labels.NO_VALUE}（{then_window.label}）",
        now=f"{now.shown if now else labels.NO_VALUE}（{m.period_label}）",
        arrow=moved.arrow,
        word=moved.word,
        text=item.text,
    )


def followup(src: Sources, m: Meeting) -> Slide:
    board: Board = (m.followups or Board()).seen(src.small)
    items = board.shown(m.scope)
    notes = tuple(
        (n.place, n.figure, n.text, n.author)
        for n in board.notes_for(m.scope, m.period.key if m.period else None)
    )
    if not items and not notes:
        return NoData(kind=Kind.FOLLOWUP, empty="本范围没有督办事项。")
    months = list(src.data_months())
    rows = sorted(
        (_row(src, m, i, months, board) for i in items),
        key=lambda r: (not r.overdue, r.state != STATE_WORDS["open"], r.due, r.id),
    )
    sheet = pd.DataFrame(
        {
            "编号": [r.id for r in rows],
            **{h: [r.values[i] for r in rows] for i, h in enumerate(HEADERS)},
            "状态": [r.state for r in rows],
        }
    )
    sheets = {"上周督办": sheet} if rows else {}
    if notes:
        sheets["解读"] = pd.DataFrame(notes, columns=list(NOTE_HEADERS))
    overdue = sum(r.overdue for r in rows)
    improved = sum(r.word == "已改善" for r in rows)
    message = f"督办事项 {len(rows)} 项，已改善 {improved} 项" + (
        f"，逾期 {overdue} 项" if overdue else ""
    )
    if not rows:
        message = f"本范围没有进行中的督办事项；本期解读 {len(notes)} 条"
    shown = tuple(rows[:ROWS_MAX])
    if shown:
        table = pd.DataFrame([r.values for r in shown], columns=list(HEADERS))
        lines = tuple(f"解读 · {p} · {f}：{t}（{a}）" for p, f, t, a in notes)
    else:  # only 解读: they are the body
        table, lines = pd.DataFrame(notes, columns=list(NOTE_HEADERS)), ()
    return FollowupSlide(
        kind=Kind.FOLLOWUP,
        message=message,
        sheets=sheets,
        table=table,
        note=NOTE if shown else "",
        emphasis=tuple(i for i, r in enumerate(shown) if r.overdue),
        more=max(len(rows) - ROWS_MAX, 0),
        unit="项",
        lines=lines,
        rows=shown,
        count=len(rows),
        overdue=overdue,
        improved=improved,
        notes=notes,
    )
