"""The meeting's slides as plain content: titles, the one message, figures and tables.

No Streamlit here. A slide only formats the view models of the views it summarises
(views.overview, views.chronic, …), so the projector, the weekly brief and the export show
the numbers the pages show. `Sources` hands the slides those view models: cached in the app
(pages.meeting), built once each over one engine in the export CLI (`DirectSources`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from data_access.periods import Period
from data_access.scope import Scope
from views import chronic, overview, quality, rankings
from views import grid_map as grid_map_view
from views import teams as teams_view
from views.common import Header, Window, header
from views.quality_flags import Thresholds

# key → title, in the order of the meeting (PRODUCT.md: KPIs, ranking, 绿黄红, classes, teams,
# alerts). `townships` exists only when a county is in scope. The KPIs take two slides, those
# short of target first: one slide of ten tiles is ~30 numbers, more than a room reads.
SLIDE_TITLES = {
    "cover": "医防融合周例会",
    "kpis_missed": "未达目标的指标",
    "kpis": "其余核心指标",
    "counties": "县区综合排名",
    "townships": "乡镇综合排名",
    "colors": "慢病患者绿黄红构成",
    "transitions": "绿黄红变化",
    "classes": "二类村与一类村",
    "teams": "重点关注团队",
    "quality": "数据质量提示",
    "alerts": "需要关注",
}


class Sources:
    """The view models a meeting summarises for one scope and window.

    Subclasses say how a builder runs (`view`); each view is then built once however many
    slides read it. `visible` is the signed-in user's area (None: everything): views that
    show other areas than the scope (the leagues) are cut to it. `small` is that user's
    small-cell floor (dashboard.small_cells.floor; 0: none): slides that show a figure formed
    from patient counts mask it as the pages do (views.masking).
    """

    visible: Scope | None = None
    small: int = 0
    # The administrator's 数据质量 thresholds (dashboard.quality_settings; None: defaults).
    quality_thresholds: Thresholds | None = None

    def view(self, builder: Callable[..., Any], **options: Any) -> Any:
        raise NotImplementedError

    def overview(self) -> overview.OverviewView:
        return self.view(overview.build)

    def chronic(self) -> chronic.ChronicView:
        return self.view(chronic.build)

    def grid_map(self) -> grid_map_view.MapView:
        return self.view(grid_map_view.build)

    def teams(self) -> teams_view.TeamsView:
        return self.view(teams_view.build)

    def rankings(self) -> rankings.RankingsView:
        return self.view(rankings.build, visible=self.visible)

    def quality(self) -> quality.QualityView:
        return self.view(quality.build, thresholds=self.quality_thresholds, small=self.small)


class DirectSources(Sources):
    """Builds each view model directly over one engine (export CLI, brief files, tests)."""

    def __init__(
        self,
        engine: Engine,
        scope: Scope,
        window: Window,
        visible: Scope | None = None,
        small: int = 0,
        thresholds: Thresholds | None = None,
    ):
        self.engine, self.scope, self.window, self.visible = engine, scope, window, visible
        self.small, self.quality_thresholds = small, thresholds
        self._built: dict = {}

    def view(self, builder: Callable[..., Any], **options: Any) -> Any:
        key = (builder, tuple(sorted(options.items())))
        if key not in self._built:
            self._built[key] = builder(self.engine, self.scope, self.window, **options)
        return self._built[key]


@dataclass(frozen=True)
class Meeting:
    """What every slide's title line says: scope and period in words, and where data is from."""

    header: Header
    window: Window | None

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


@dataclass
class Slide:
    """One slide: a title, the one message, and what the renderers draw.

    `empty` says why there is nothing to show (the renderers then show only that sentence);
    `sheets` are the slide's figures as tables with Chinese headers (the brief's workbook);
    `parts` holds what the slide and the brief's chart draw (frames and numbers by name).
    """

    key: str
    message: str = ""
    empty: str | None = None
    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    parts: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return SLIDE_TITLES[self.key]


def slide_keys(scope: Scope, period: Period | None) -> list[str]:
    """The slides of a meeting over this scope, in order."""
    if period is None:
        return ["cover"]
    return [k for k in SLIDE_TITLES if k != "townships" or scope.county_code is not None]


def cover(m: Meeting) -> Slide:
    agenda = [SLIDE_TITLES[k] for k in slide_keys(m.scope, m.period) if k != "cover"]
    slide = Slide("cover", parts={"agenda": agenda})
    if m.period is None:
        slide.empty = "数据库中还没有任何月份的数据，无法准备例会。"
        return slide
    slide.sheets["说明"] = pd.DataFrame(
        {
            "项目": ["范围", "期间", "对比期", "数据", "演示数据"],
            "内容": [
                m.scope_words,
                m.period_label,
                m.previous_label,
                m.freshness,
                "是" if m.demo else "否",
            ],
        }
    )
    return slide


def build_slide(key: str, src: Sources, m: Meeting) -> Slide:
    """One slide's content (only the view models it needs are built)."""
    if key == "cover" or m.period is None:
        return cover(m)
    # Imported here: the slide modules import Slide and Meeting from this one.
    from views.meeting import (
        attention_slides,
        chronic_slides,
        indicator_slides,
        quality_slides,
        village_slides,
    )

    builders = {
        "kpis_missed": indicator_slides.kpis_missed,
        "kpis": indicator_slides.kpis,
        "counties": indicator_slides.counties,
        "townships": indicator_slides.townships,
        "colors": chronic_slides.colors,
        "transitions": chronic_slides.transitions,
        "classes": village_slides.classes,
        "teams": attention_slides.teams,
        "quality": quality_slides.quality,
        "alerts": attention_slides.alerts,
    }
    return builders[key](src, m)


@dataclass(frozen=True)
class MeetingView:
    """The whole deck: what the brief files and `export --view meeting` render."""

    meeting: Meeting
    slides: list[Slide]


def build(
    engine: Engine,
    scope: Scope,
    window: Window | None,
    visible: Scope | None = None,
    small: int = 0,
    thresholds: Thresholds | None = None,
) -> MeetingView:
    """Every slide of the meeting over one engine (the weekly brief's content), for a user
    who sees `visible` (None: everything) with the small-cell floor `small` (0: none) and
    the 数据质量 `thresholds` (None: defaults)."""
    m = Meeting(header(engine, scope), window)
    src = DirectSources(engine, scope, window, visible, small, thresholds) if window else None
    return MeetingView(m, [build_slide(k, src, m) for k in slide_keys(scope, m.period)])
