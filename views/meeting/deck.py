"""The meeting's slides as typed content: titles, the one message, figures and tables.

No Streamlit here. A slide only formats the view models of the views it summarises
(views.overview, views.chronic, …), so the projector, the weekly brief and the export show
the numbers the pages show. `Sources` hands the slides those view models: cached in the app
(pages.meeting), built once each over one engine in the export CLI (`DirectSources`).

Each slide is a frozen dataclass (a subclass of `Slide`) with every figure its renderers
draw, ready: shares, previous shares, the transition matrix, labels and the workbook's
sheets. Its type is the key the renderers dispatch on (views.meeting.registry); `Kind` is
its place in the meeting (URL value and title).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

import pandas as pd

from data_access.periods import Period
from data_access.relations import Db
from data_access.scope import Scope
from views.common import Header, Window, header
from views.meeting.registry import DRAWN
from views.meeting.sources import DirectSources, Sources  # noqa: F401  (deck.Sources, as before)
from views.quality_flags import Thresholds


class Kind(StrEnum):
    """The meeting's slides in order (PRODUCT.md: KPIs, ranking, 绿黄红, classes, teams,
    alerts); the value is the slide's URL key. `townships` exists only when a county is in
    scope. The KPIs take two slides, those short of target first: one slide of ten tiles is
    ~30 numbers, more than a room reads."""

    COVER = "cover"
    FOLLOWUP = "followup"  # only with 督办事项 or 解读 in scope (views.followup)
    KPIS_ALL = "kpis_all"  # the two KPI slides as one, when the first would be thin
    KPIS_MISSED = "kpis_missed"
    KPIS = "kpis"
    COUNTIES = "counties"
    TOWNSHIPS = "townships"
    AGAINST_COUNTY = "against_county"  # only for chosen townships (a township head)
    COLORS = "colors"
    TRANSITIONS = "transitions"
    CLASSES = "classes"
    TEAMS = "teams"
    QUALITY = "quality"
    ALERTS = "alerts"


SLIDE_TITLES = {
    Kind.COVER: "医防融合周例会",
    Kind.FOLLOWUP: "上周督办",
    Kind.KPIS_ALL: "核心指标对照目标",
    Kind.KPIS_MISSED: "未达目标的指标",
    Kind.KPIS: "其余核心指标",
    Kind.COUNTIES: "县区综合排名",
    Kind.TOWNSHIPS: "乡镇综合排名",
    Kind.AGAINST_COUNTY: "与全县比较",
    Kind.COLORS: "慢病患者绿黄红构成",
    Kind.TRANSITIONS: "绿黄红变化",
    Kind.CLASSES: "二类村与一类村",
    Kind.TEAMS: "重点关注团队",
    Kind.QUALITY: "数据质量提示",
    Kind.ALERTS: "需要关注",
}


@dataclass(frozen=True)
class Meeting:
    """What every slide's title line says: scope and period in words, and where data is from."""

    header: Header
    window: Window | None
    followups: Any = None  # views.followup.Board: the 督办事项 and 解读 the user may see
    # Why the meeting opened on this period (views.meeting.opening), "" when it was chosen.
    why: str = ""

    @property
    def scope(self) -> Scope:
        return self.header.scope

    @property
    def period(self) -> Period | None:
        return self.window.period if self.window else None

    @property
    def scope_words(self) -> str:
        return self.header.scope_words

    @property
    def county_name(self) -> str | None:
        return self.header.county_name

    @property
    def township_names(self) -> dict[str, str]:
        return self.header.township_names

    @property
    def freshness(self) -> str:
        return self.header.freshness

    @property
    def demo(self) -> bool:
        return self.header.demo

    @property
    def period_label(self) -> str:
        return self.window.label if self.window else "无期间"

    @property
    def previous_label(self) -> str | None:
        return self.window.previous_label if self.window else None

    def heading(self, title: str) -> str:
        """e.g. 核心指标对照目标 · 双塘区 · 2026年第1季度"""
        return f"{title} · {self.scope_words} · {self.period_label}"


FIGURE = {"frozen": True, "kw_only": True, "eq": False}  # every slide dataclass: immutable


@dataclass(**FIGURE)
class Slide:
    """What every slide has: its kind, the one message, why it is empty, its sheets.

    `empty` says why there is nothing to show (the renderers then show only that sentence);
    `sheets` are the slide's figures as tables with Chinese headers (the brief's workbook,
    written as they are; no renderer reads them back). The figures a slide draws are the
    fields of its subclass; this base is never drawn itself.
    """

    kind: Kind
    message: str = ""
    empty: str | None = None
    sheets: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    # The 解读 of the figures this slide shows (`figure_names`), as lines: every output draws
    # them under the message (set by `assemble`; views.followup).
    remarks: tuple[str, ...] = ()

    @property
    def figure_names(self) -> tuple[str, ...]:
        """The labels of the figures a 解读 can name that this slide shows (views.followup)."""
        return ()

    @property
    def has_figure(self) -> bool:
        """Whether the slide draws something; one that does not is left out of the deck
        (the cover says which and why). Slide types that can be bare say when."""
        return self.empty is None

    @property
    def wants_data(self) -> bool:
        """Whether it is bare for want of data in the period (not because all is well): what
        makes a meeting open on a longer period (views.meeting.opening)."""
        return self.empty is not None

    @property
    def key(self) -> str:
        return self.kind.value

    @property
    def title(self) -> str:
        return SLIDE_TITLES[self.kind]

    def figures(self) -> dict[str, Any]:
        """The subclass's fields by name (what the export JSON writes as `parts`)."""
        common = {f.name for f in dataclasses.fields(Slide)}
        return {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in common
        }

    def __json__(self) -> dict[str, Any]:
        """The export's shape of a slide (`export --view meeting`), as before the types."""
        return {
            "key": self.key,
            "message": self.message,
            "empty": self.empty,
            "sheets": dict(self.sheets),
            "parts": self.figures(),
            "title": self.title,
            "remarks": list(self.remarks),
        }


@dataclass(**FIGURE)
class NoData(Slide):
    """A slide with nothing to draw: only `empty`, the sentence saying why."""

    empty: str


@dataclass(**FIGURE)
class Cover(Slide):
    agenda: tuple[str, ...]  # the titles of the slides that follow
    left_out: tuple[str, ...] = ()  # slides with nothing to show this period, and why

    @property
    def has_figure(self) -> bool:
        return True


def data(**kwargs: Any) -> Any:
    """A slide field carried for the export and tests but drawn by no renderer: a subclass
    of a shape (TableSlide) whose added fields are all `data()` is drawn as that shape."""
    return field(metadata={DRAWN: False}, **kwargs)


class Number(NamedTuple):
    """A big figure beside a table: 提示 1,234 条, in the alarm colour when `alarm`."""

    label: str
    value: str
    unit: str = ""
    alarm: bool = False


@dataclass(**FIGURE)
class TableSlide(Slide):
    """A slide that is one short table of text cells (as shown) under its message, with the
    few big numbers beside it, rows to stress, what was left out and notes under it.

    A shape: a new slide of this form subclasses it with only `data()` fields (or builds it
    as it is) and needs no drawing of its own in any renderer (views.meeting.registry)."""

    table: pd.DataFrame
    note: str = ""
    numbers: tuple[Number, ...] = ()  # beside the table, in this order
    emphasis: tuple[int, ...] = ()  # row positions drawn in the alarm colour
    more: int = 0  # rows not listed here; the brief's workbook has every one
    unit: str = "条"  # what a row is, for 另有 3 条未列出
    lines: tuple[str, ...] = ()  # sentences under the note (e.g. 解读), as text

    def more_words(self, where: str) -> str:
        """另有 3 条未列出，见周报。 (`where` the rows are), or ""."""
        return f"另有 {self.more} {self.unit}未列出，{where}。" if self.more else ""


def slide_keys(scope: Scope, period: Period | None, followups: bool = False) -> list[str]:
    """The slides a meeting over this scope may have, in order (上周督办 when `followups`),
    before those with nothing to show are left out and thin ones merged (`assemble`)."""
    if period is None:
        return [Kind.COVER.value]
    return [
        k.value
        for k in Kind
        if k is not Kind.KPIS_ALL
        and (k is not Kind.TOWNSHIPS or scope.county_code is not None)
        and (k is not Kind.AGAINST_COUNTY or bool(scope.county_code and scope.township_codes))
        and (k is not Kind.FOLLOWUP or followups)
    ]


def has_followups(m: Meeting) -> bool:
    """Any 督办事项 or 解读 for the 上周督办 slide over the meeting's scope and period
    (views.followup.Board)."""
    period = m.period.key if m.period else None
    return bool(m.followups and m.followups.any_for(m.scope, period))


def left_out_words(slides: list[Slide]) -> tuple[str, ...]:
    """One line per reason: the titles of the slides left out for it (e.g. 重点关注团队：
    2026年10月没有抽查记录…), in slide order."""
    reasons: dict[str, list[str]] = {}
    for s in slides:
        reasons.setdefault(s.empty or s.message or "本期无内容", []).append(s.title)
    return tuple(f"{'、'.join(titles)}：{why}" for why, titles in reasons.items())


def cover(m: Meeting, shown: list[Slide] | None = None, left: list[Slide] = ()) -> Cover:
    """The cover: scope, period (and why this one), the agenda and what is left out."""
    if m.period is None:
        return Cover(
            kind=Kind.COVER, agenda=(), empty="数据库中还没有任何月份的数据，无法准备例会。"
        )
    agenda = tuple(s.title for s in shown or ())
    left_out = left_out_words(list(left))
    rows = [
        ("范围", m.scope_words),
        ("期间", m.period_label),
        *([("期间说明", m.why)] if m.why else []),
        ("对比期", m.previous_label),
        ("数据", m.freshness),
        ("演示数据", "是" if m.demo else "否"),
        *(("本期未列", line) for line in left_out),
    ]
    sheet = pd.DataFrame(rows, columns=["项目", "内容"])
    return Cover(kind=Kind.COVER, agenda=agenda, left_out=left_out, sheets={"说明": sheet})


def _builders() -> dict[Kind, Callable[[Sources, Meeting], Slide]]:
    # Imported here: the slide modules import Slide and Meeting from this one.
    from views.meeting import (
        attention_slides,
        chronic_slides,
        county_slides,
        followup_slides,
        indicator_slides,
        quality_slides,
        village_slides,
    )

    return {
        Kind.FOLLOWUP: followup_slides.followup,
        Kind.KPIS_MISSED: indicator_slides.kpis_missed,
        Kind.KPIS: indicator_slides.kpis,
        Kind.COUNTIES: indicator_slides.counties,
        Kind.TOWNSHIPS: indicator_slides.townships,
        Kind.AGAINST_COUNTY: county_slides.against_county,
        Kind.COLORS: chronic_slides.colors,
        Kind.TRANSITIONS: chronic_slides.transitions,
        Kind.CLASSES: village_slides.classes,
        Kind.TEAMS: attention_slides.teams,
        Kind.QUALITY: quality_slides.quality,
        Kind.ALERTS: attention_slides.alerts,
    }


def slide_types() -> list[type[Slide]]:
    """Every slide type the meeting's builders make (each renderer draws all of them)."""
    _builders()  # imports the slide modules

    def below(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *below(sub))]

    return [t for t in below(Slide) if t.__module__.startswith("views.meeting.")]


def assemble(src: Sources | None, m: Meeting) -> list[Slide]:
    """The deck: the cover, then every slide that has a figure, thin ones merged (the cover
    lists the others with the reason); the agenda and page numbers follow what is kept."""
    if m.period is None or src is None:
        return [cover(m)]
    from views.meeting import indicator_slides  # imports this module

    built = every_slide(src, m)
    shown = indicator_slides.merge_thin([s for s in built if s.has_figure])
    shown = [with_remarks(s, src, m) for s in shown]
    return [cover(m, shown, [s for s in built if not s.has_figure]), *shown]


def with_remarks(slide: Slide, src: Sources, m: Meeting) -> Slide:
    """The slide with the 解读 of its figures in the meeting's scope and period, as the
    user reads them (small counts in the text masked: views.followup.Board.seen)."""
    if not m.followups or not slide.figure_names or m.period is None:
        return slide
    board = m.followups.seen(src.small)
    lines = tuple(
        f"解读 · {n.figure}：{n.text}（{n.author}）"
        for name in slide.figure_names
        for n in board.notes_for(m.scope, m.period.key, name)
    )
    return dataclasses.replace(slide, remarks=lines) if lines else slide


def every_slide(src: Sources, m: Meeting) -> list[Slide]:
    """Every slide but the cover, before those without a figure are left out or merged."""
    builders = _builders()
    return [builders[Kind(k)](src, m) for k in slide_keys(m.scope, m.period, has_followups(m))[1:]]


def wanting(src: Sources, m: Meeting) -> tuple[str, ...]:
    """The titles of the slides the period has too little data for."""
    return tuple(s.title for s in every_slide(src, m) if s.wants_data)


@dataclass(frozen=True)
class MeetingView:
    """The whole deck: what the brief files and `export --view meeting` render."""

    meeting: Meeting
    slides: list[Slide]


def build(
    engine: Db,
    scope: Scope,
    window: Window | None,
    visible: Scope | None = None,
    small: int = 0,
    thresholds: Thresholds | None = None,
    followups: Any = None,
) -> MeetingView:
    """Every slide of the meeting over one engine (the weekly brief's content), for a user
    who sees `visible` (None: everything) with the small-cell floor `small` (0: none) and
    the 数据质量 `thresholds` (None: defaults), with the 督办事项 of `followups` (a
    views.followup.Board, read by the caller from the dashboard's own database)."""
    m = Meeting(header(engine, scope), window, followups=followups)
    src = DirectSources(engine, scope, window, visible, small, thresholds) if window else None
    return MeetingView(m, assemble(src, m))
