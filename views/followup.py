"""督办事项 and 解读 as plain data, and the figures they name, read from the view models.

An item or a note names a figure by its label as on screen (推送不到位, 抽查合格率 — of the
scope, or of one team —, or an indicator's name), a scope (county, township) and the period
it was written about. `value_of` reads that figure from the same view models the pages show
(views.chronic, views.teams, views.overview, through deck.Sources), so the 上周督办 slide's
then/now figures are the pages' figures. No Streamlit, no database writes here: the items are
stored by dashboard.state_db, the dashboard's own small database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from views import labels, masking
from views.chronic_cells import mismatch_seen
from views.common import Window, window
from views.domain import Period, Scope

STATE_WORDS = {"open": "进行中", "closed": "已关闭"}
IMPROVED, NOT_IMPROVED, DONE = "已改善", "未改善", "已完成"
UP, DOWN = "▲", "▼"
CLOSED_SHOWN_DAYS = 7  # a closed item is on the next meeting's slide, then drops off


@dataclass(frozen=True)
class Item:
    """One 督办事项 as stored (dashboard.state_db): what, where, when, who, and its state."""

    id: int
    county_code: str
    township_code: str | None
    place: str  # the scope in words when written (names from the database: data, escaped)
    figure: str  # the figure's label as on screen
    subject: str | None  # a team's id when the figure is one team's (抽查合格率 of 团队7)
    subject_name: str | None
    period_key: str  # the period on screen when it was written (2026-03, 2026-Q1, 2026)
    data_month: str | None  # the latest month with data then: the window is rebuilt from it
    owner: str
    due: str  # YYYY-MM-DD
    text: str
    state: str  # open / closed
    created_by: str
    created_at: str
    closed_by: str | None = None
    closed_at: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope(self.county_code, (self.township_code,) if self.township_code else ())

    @property
    def figure_words(self) -> str:
        return f"{self.figure}（{self.subject_name}）" if self.subject_name else self.figure

    def overdue(self, today: date) -> bool:
        return self.state == "open" and date.fromisoformat(self.due) < today

    def then_window(self, data_months: list[str] | tuple[str, ...]) -> Window:
        """The window on screen when the item was written: its period, cut to the months
        that had data then (months added by a later refresh are not part of it)."""
        had = [m for m in data_months if self.data_month is None or m <= self.data_month]
        return window(Period.parse(self.period_key), had or list(data_months))


@dataclass(frozen=True)
class Note:
    """One 解读: a short text on a figure, scope and period, by its author."""

    id: int
    county_code: str
    township_code: str | None
    place: str
    figure: str
    subject: str | None
    period_key: str
    text: str
    author: str
    created_at: str


@dataclass(frozen=True)
class Board:
    """What the meeting reads of the own database: items and notes in the user's scope."""

    items: tuple[Item, ...] = ()
    notes: tuple[Note, ...] = ()
    today: date | None = None  # the meeting's date (overdue is judged against it)

    def shown(self, scope: Scope) -> list[Item]:
        """The items of the 上周督办 slide over `scope`: open ones, and those closed within
        the last CLOSED_SHOWN_DAYS (shown once as 已完成, then dropped)."""
        return [i for i in self.items if in_scope(i, scope) and self._current(i)]

    def _current(self, item: Item) -> bool:
        if item.state == "open" or self.today is None or not item.closed_at:
            return True
        closed = date.fromisoformat(item.closed_at[:10])
        return closed >= self.today - timedelta(CLOSED_SHOWN_DAYS)

    def any_for(self, scope: Scope, period_key: str | None) -> bool:
        """Anything for the 上周督办 slide: items, or 解读 of the scope and period."""
        return bool(self.shown(scope) or self.notes_for(scope, period_key))

    def notes_for(
        self, scope: Scope, period_key: str | None, figure: str | None = None
    ) -> tuple[Note, ...]:
        """The 解读 of a scope and period (of one figure, by its label, when given)."""
        return tuple(
            n
            for n in self.notes
            if in_scope(n, scope)
            and n.period_key == period_key
            and (figure is None or n.figure == figure)
        )

    def seen(self, below: int) -> Board:
        """As a user with the small-cell floor `below` reads it: counts of people in the
        free text (3 人, 两名) under the floor read <5 (views.masking.mask_text)."""
        if not below:
            return self
        return replace(
            self,
            items=tuple(replace(i, text=masking.mask_text(i.text, below)) for i in self.items),
            notes=tuple(replace(n, text=masking.mask_text(n.text, below)) for n in self.notes),
        )


def in_scope(entry: Item | Note, scope: Scope) -> bool:
    """An item or note lies within the scope (everything, a county, or its townships)."""
    if scope.county_code is None:
        return True
    if entry.county_code != scope.county_code:
        return False
    return not scope.township_codes or entry.township_code in scope.township_codes


@dataclass(frozen=True)
class Reading:
    """A figure read from a view model: its value (a number, a masked `<5`, or None), as
    shown, and which way is better."""

    value: float | str | None
    shown: str
    higher_is_better: bool


FIXED_FIGURES = (labels.MISMATCH, labels.RED_NOT_UP, labels.PASS_RATE)
TEAM_FIGURES = (labels.PASS_RATE,)


def figure_labels(src) -> list[str]:
    """Every label an item can name in a scope: the fixed ones, then the indicators."""
    return list(FIXED_FIGURES) + [k.name for k in src.overview().kpis]


def value_of(src, figure: str, subject: str | None = None) -> Reading | None:
    """The figure as the view model of `src` (a deck.Sources) has it; None: no such figure."""
    if figure in (labels.MISMATCH, labels.RED_NOT_UP):
        mismatch = src.chronic().mismatch
        if mismatch is None:
            return Reading(None, labels.NO_VALUE, False)
        seen = mismatch_seen(mismatch, src.small)
        value = seen.mismatched if figure == labels.MISMATCH else seen.red_not_up
        return Reading(value, f"{labels.count(value)} 人次", False)
    if figure == labels.PASS_RATE:
        view = src.teams()
        if subject is None:
            rate = view.totals.get("pass_rate")
        else:
            row = view.teams[view.teams["team_id"] == subject] if view.has_teams else []
            rate = row["pass_rate"].iloc[0] if len(row) else None
        rate = None if rate is None or rate != rate else float(rate)
        return Reading(rate, labels.fraction_pct(rate), True)
    for kpi in src.overview().kpis:
        if kpi.name == figure:
            return Reading(
                kpi.value, labels.indicator_value(kpi.value, kpi.unit), kpi.higher_is_better
            )
    return None


@dataclass(frozen=True)
class Comparison:
    arrow: str  # ▲ / ▼ / 持平 / —: which way the value moved
    word: str  # 已改善 / 未改善 / 已完成 / 无法比较
    better: bool | None  # None: not comparable


def compare(then: Reading | None, now: Reading | None, closed: bool) -> Comparison:
    """The value's move from then to now, and the word the slide says (已完成 once closed)."""
    numbers = [r.value if r and isinstance(r.value, int | float) else None for r in (then, now)]
    if None in numbers:
        return Comparison(labels.NO_VALUE, DONE if closed else "无法比较", None)
    before, after = numbers
    arrow = UP if after > before else DOWN if after < before else labels.FLAT
    better = (after > before) if now.higher_is_better else (after < before)
    return Comparison(arrow, DONE if closed else IMPROVED if better else NOT_IMPROVED, better)
