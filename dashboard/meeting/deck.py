"""The meeting's slides as plain content: titles, the one message, figures and tables.

No Streamlit here: the projector view (meeting.view) and the weekly brief (dashboard.brief)
draw the same Slide objects, and every figure comes from the data_access query functions
through a `query(name, *args)` callable — `dashboard.data.query` (cached) in the app,
`direct_query(engine)` in the export CLI.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import labels
from data_access.periods import Period
from data_access.scope import Scope

Query = Callable[..., Any]

# key → title, in the order of the meeting (PRODUCT.md: KPIs, ranking, 绿黄红, classes, teams,
# alerts). `townships` exists only when a county is in scope.
SLIDE_TITLES = {
    "cover": "医防融合周例会",
    "kpis": "核心指标对照目标",
    "counties": "县区综合排名",
    "townships": "乡镇综合排名",
    "colors": "慢病患者绿黄红构成",
    "transitions": "绿黄红变化",
    "classes": "二类村与一类村",
    "teams": "重点关注团队",
    "alerts": "需要关注",
}


def direct_query(engine) -> Query:
    """A query callable over one engine, uncached (the export CLI's path)."""

    def query(name: str, *args, **kwargs):
        module, func = name.split(".")
        return getattr(importlib.import_module(f"data_access.{module}"), func)(
            engine, *args, **kwargs
        )

    return query


@dataclass(frozen=True)
class Meeting:
    """What every slide's title line says: scope and period in words, and where data is from."""

    scope: Scope
    period: Period | None
    scope_words: str
    county_name: str | None
    township_names: dict[str, str]
    freshness: str
    demo: bool

    @property
    def period_label(self) -> str:
        return self.period.label if self.period else "无期间"

    @property
    def previous_label(self) -> str | None:
        return self.period.previous().label if self.period else None

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


def scope_names(query: Query, scope: Scope) -> tuple[str, str | None, dict[str, str]]:
    """(scope in words, county name, township names of the county) from the database."""
    counties = query("villages.counties")
    if scope.county_code is None:
        prefectures = counties["prefecture"].dropna().unique()
        return "、".join(prefectures) or labels.ALL_COUNTIES, None, {}
    found = counties.loc[counties["county_code"] == scope.county_code, "name"]
    county_name = str(found.iloc[0]) if len(found) else scope.county_code
    towns = query("villages.townships", scope.county_code)
    names = dict(zip(towns["township_code"], towns["name"], strict=True))
    words = county_name
    if scope.township_codes:
        words += " · " + "、".join(names.get(t, t) for t in scope.township_codes)
    return words, county_name, names


def freshness_words(info) -> str:
    parts = []
    if info.extracted_at:
        parts.append(f"数据截至 {info.extracted_at[:16].replace('T', ' ')}")
    if info.source:
        parts.append(f"来源：{info.source}")
    return " · ".join(parts) or "数据提取时间未知"


def meeting(query: Query, scope: Scope, period: Period | None) -> Meeting:
    words, county_name, towns = scope_names(query, scope)
    info = query("meta.data_info")
    return Meeting(scope, period, words, county_name, towns, freshness_words(info), info.demo)


def slide_keys(scope: Scope, period: Period | None) -> list[str]:
    """The slides of a meeting over this scope, in order."""
    if period is None:
        return ["cover"]
    return [k for k in SLIDE_TITLES if k != "townships" or scope.county_code is not None]


def cover(query: Query, m: Meeting) -> Slide:
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


def build_slide(key: str, query: Query, m: Meeting) -> Slide:
    """One slide's content (only its own queries run: the projector builds one at a time)."""
    if key == "cover" or m.period is None:
        return cover(query, m)
    # Imported here: the slide modules import Slide and Meeting from this one.
    from dashboard.meeting import (
        attention_slides,
        chronic_slides,
        indicator_slides,
        village_slides,
    )

    builders = {
        "kpis": indicator_slides.kpis,
        "counties": indicator_slides.counties,
        "townships": indicator_slides.townships,
        "colors": chronic_slides.colors,
        "transitions": chronic_slides.transitions,
        "classes": village_slides.classes,
        "teams": attention_slides.teams,
        "alerts": attention_slides.alerts,
    }
    return builders[key](query, m)


def build_deck(query: Query, scope: Scope, period: Period | None) -> tuple[Meeting, list[Slide]]:
    """Every slide of the meeting (the weekly brief's content)."""
    m = meeting(query, scope, period)
    return m, [build_slide(k, query, m) for k in slide_keys(scope, period)]


def month_words(month: str | None) -> str:
    """2026-03 → 2026年3月"""
    return f"{month[:4]}年{int(month[5:])}月" if month else labels.NO_VALUE
