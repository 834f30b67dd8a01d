"""The 二类 vs 一类 slide: do funds and attention tilt toward the remote villages?

It formats the class comparison of views.grid_map (the 网格地图 page's table), so the room,
the brief and the page show the same figures, under the same small-cell rule for the user.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access.villages import VILLAGE_CLASSES
from views import grid_map, labels
from views.common import month_words
from views.meeting.deck import FIGURE, Kind, Meeting, NoData, Slide, Sources


@dataclass(**FIGURE)
class ClassesSlide(Slide):
    rows: tuple[tuple[str, dict[int, str]], ...]  # (figure, {class: text as shown})
    per_capita: dict[int, float | None]  # 元/人 by class
    red_share: dict[int, float | None]  # None where there is none or it is not shown
    red_text: dict[int, str]  # as shown, with why where it is not
    services: dict[int, float | None]  # per 1,000 residents, in `services_unit`
    services_unit: str
    year: int


def classes(src: Sources, m: Meeting) -> Slide:
    view = src.grid_map()
    if not view.has_villages:
        return NoData(kind=Kind.CLASSES, empty="所选范围内没有村（网格）。")
    year, month = view.year, view.chronic_month
    # 次/千人·季 …: the unit the map's layer and table and 团队工作量 give the same figure
    per_1000 = grid_map.LAYERS["services"].unit_for(view.window.period.kind)

    # a township role's small patient counts: no red share formed from them (as on the map)
    comparison = grid_map.class_comparison(view, src.small)

    def figure(c: int, column: str) -> float | None:
        return comparison.figure(c, column)

    def count(c: int, column: str) -> int:
        return int(figure(c, column) or 0)

    per_capita = {c: figure(c, "funding_per_capita") for c in VILLAGE_CLASSES}
    red_share = {c: figure(c, "red_share") for c in VILLAGE_CLASSES}
    services = {c: figure(c, "services_per_1000") for c in VILLAGE_CLASSES}
    red_text = {
        c: comparison.hidden_text(c)
        if c in comparison.hidden
        else labels.fraction_pct(red_share[c])
        for c in VILLAGE_CLASSES
    }
    rows = (
        ("村（网格）", {c: f"{count(c, 'villages'):,} 个" for c in VILLAGE_CLASSES}),
        (
            "常住人口",
            {c: labels.compact_number(count(c, "population")) + " 人" for c in VILLAGE_CLASSES},
        ),
        (
            f"{year}年人均公卫经费",
            {
                c: labels.NO_VALUE
                if per_capita[c] is None
                else labels.number(per_capita[c], 1) + " 元"
                for c in VILLAGE_CLASSES
            },
        ),
        (f"每千人服务量（{per_1000}）", {c: labels.number(services[c]) for c in VILLAGE_CLASSES}),
        (f"红标占比（{month_words(month)}末）", red_text),
    )
    c1, c2 = per_capita[1], per_capita[2]
    if c1 and c2:
        verdict = "高于" if c2 > c1 else "低于" if c2 < c1 else "等于"
        message = f"二类村人均经费 {c2:,.1f} 元，{verdict}一类村的 {c1:,.1f} 元" + (
            f"（是其 {view.tilt['funding_per_capita']:.2f} 倍）"
            if c2 > c1
            else "（政策要求向二类村倾斜）"
            if c2 < c1
            else ""
        )
    else:
        message = (
            f"二类村 {count(2, 'villages'):,} 个、一类村 {count(1, 'villages'):,} 个；"
            f"{year}年没有可比的经费数据"
        )
    sheet = pd.DataFrame(
        {
            "村类别": [labels.CLASS_LABELS[c] for c in VILLAGE_CLASSES],
            "特点": [labels.CLASS_MEANING[c] for c in VILLAGE_CLASSES],
            "村数": [count(c, "villages") for c in VILLAGE_CLASSES],
            "常住人口": [count(c, "population") for c in VILLAGE_CLASSES],
            "重点人群": [count(c, "key_population") for c in VILLAGE_CLASSES],
            f"{year}年经费（元）": [figure(c, "funding") or 0.0 for c in VILLAGE_CLASSES],
            "有经费记录村的常住人口": [count(c, "funded_population") for c in VILLAGE_CLASSES],
            "人均经费（元/人）": [
                None if per_capita[c] is None else round(per_capita[c], 2) for c in VILLAGE_CLASSES
            ],
            f"每千人服务量（{per_1000}）": [
                None if services[c] is None else round(services[c], 1) for c in VILLAGE_CLASSES
            ],
            "红标占比（%）": [
                red_text[c] if c in comparison.hidden else labels.share_percent(red_share[c])
                for c in VILLAGE_CLASSES
            ],
        }
    )
    return ClassesSlide(
        kind=Kind.CLASSES,
        message=message,
        sheets={"一类二类村": sheet},
        rows=rows,
        per_capita=per_capita,
        red_share=red_share,
        red_text=red_text,
        services=services,
        services_unit=per_1000,
        year=year,
    )
