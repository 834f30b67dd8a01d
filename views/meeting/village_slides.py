"""The 二类 vs 一类 slide: do funds and attention tilt toward the remote villages?"""

from __future__ import annotations

import pandas as pd

from data_access.figures import ratio, share
from data_access.villages import VILLAGE_CLASSES
from views import labels
from views.common import month_words
from views.meeting.deck import Meeting, Slide, Sources


def _per_class(df: pd.DataFrame, column: str) -> dict[int, float]:
    sums = df.groupby("village_class")[column].sum() if not df.empty else pd.Series(dtype=float)
    return {c: float(sums.get(c, 0)) for c in VILLAGE_CLASSES}


def classes(src: Sources, m: Meeting) -> Slide:
    query = src.query  # legacy: not yet on a view model
    slide = Slide("classes")
    summary = query("villages.village_class_summary", m.scope)
    if summary.empty:
        slide.empty = "所选范围内没有村（网格）。"
        return slide
    year = m.period.year
    funding = query("overview.funding_by_class", m.scope, year)
    amount, funded_population = _per_class(funding, "amount"), _per_class(funding, "population")
    per_capita = {c: ratio(amount[c], funded_population[c]) for c in VILLAGE_CLASSES}
    month = query("chronic.snapshot_month", m.scope, m.period)
    red_share: dict[int, float | None] = dict.fromkeys(VILLAGE_CLASSES)
    if month:
        by_class = query("chronic.color_distribution_by", m.scope, month, "village_class")
        for c in VILLAGE_CLASSES:
            rows = by_class[by_class["village_class"] == c]
            red_share[c] = share(
                rows.loc[rows["color"] == "red", "patients"].sum(), rows["patients"].sum()
            )
    facts = summary.set_index("village_class")

    def fact(c: int, column: str) -> int:
        return int(facts[column].get(c, 0))

    rows = [
        ("村（网格）", {c: f"{fact(c, 'villages'):,} 个" for c in VILLAGE_CLASSES}),
        (
            "常住人口",
            {c: labels.compact_number(fact(c, "population")) + " 人" for c in VILLAGE_CLASSES},
        ),
        (
            f"{year}年人均公卫经费",
            {
                c: labels.number(per_capita[c], 1) + " 元"
                if per_capita[c] is not None
                else labels.NO_VALUE
                for c in VILLAGE_CLASSES
            },
        ),
        (
            f"红标占比（{month_words(month)}末）",
            {
                c: labels.pct(None if red_share[c] is None else 100 * red_share[c])
                for c in VILLAGE_CLASSES
            },
        ),
    ]
    c1, c2 = per_capita[1], per_capita[2]
    if c1 and c2:
        verdict = "高于" if c2 > c1 else "低于" if c2 < c1 else "等于"
        slide.message = f"二类村人均经费 {c2:,.1f} 元，{verdict}一类村的 {c1:,.1f} 元" + (
            "（是其 %.2f 倍）" % (c2 / c1)
            if c2 > c1
            else "（政策要求向二类村倾斜）"
            if c2 < c1
            else ""
        )
    else:
        slide.message = (
            f"二类村 {fact(2, 'villages'):,} 个、一类村 {fact(1, 'villages'):,} 个；"
            f"{year}年没有可比的经费数据"
        )
    slide.parts.update(rows=rows, per_capita=per_capita, red_share=red_share, year=year)
    slide.sheets["一类二类村"] = pd.DataFrame(
        {
            "村类别": [labels.CLASS_LABELS[c] for c in VILLAGE_CLASSES],
            "特点": [labels.CLASS_MEANING[c] for c in VILLAGE_CLASSES],
            "村数": [fact(c, "villages") for c in VILLAGE_CLASSES],
            "常住人口": [fact(c, "population") for c in VILLAGE_CLASSES],
            "重点人群": [fact(c, "key_population") for c in VILLAGE_CLASSES],
            f"{year}年经费（元）": [amount[c] for c in VILLAGE_CLASSES],
            "有经费记录村的常住人口": [int(funded_population[c]) for c in VILLAGE_CLASSES],
            "人均经费（元/人）": [
                None if per_capita[c] is None else round(per_capita[c], 2) for c in VILLAGE_CLASSES
            ],
            "红标占比（%）": [
                None if red_share[c] is None else round(100 * red_share[c], 2)
                for c in VILLAGE_CLASSES
            ],
        }
    )
    return slide
