"""县区排名 tables: league cell text (value and symbol), rank moves, 失分 heat map, Excel frames.

Pure functions (views.rankings model in, Styler / DataFrame out): every score, rank and change
is the model's text, so the page, the slides and the Excel export say the same thing.
"""

from __future__ import annotations

import math

import pandas as pd
from pandas.io.formats.style import Styler

from dashboard import theme
from data_access.indicators import attainment
from views import labels
from views.rankings import (
    LOST_DECIMALS,
    MOVEMENT_SYMBOLS,
    League,
    RankingsView,
    WhatIf,
    band_thresholds,
    decisive_text,
    rank_text,
    target_text,
)

RANK = "名次"
CHANGE = "较上期"
SCORE = "综合得分"
LOST_TOTAL = "失分合计"
# A trend axis that starts at 0 flattens every line near 100; round the floor down to this.
TREND_AXIS_STEP = 5
EXCEL_FORMATS_ATTR = "number_formats"  # dashboard.excel.FORMATS_ATTR: Excel formats of a table
HIGHLIGHT_MARK = "▶ "  # the areas chosen in the filters (with a fill: not colour alone)
HIGHLIGHT_STYLE = f"background-color: {theme.HIGHLIGHT_FILL}; font-weight: 700"
# 失分 heat map: white (no loss) to this red at the largest loss of the table.
LOST_COLOR = (214, 96, 77)


def cell_text(value, d) -> str:
    """The value with its attainment symbol (colour is never the only cue)."""
    if value is None or pd.isna(value):
        return labels.NO_VALUE
    band = labels.attainment_band(attainment(value, d.target, d.higher_is_better))
    # At the digit that decides the band: 65.97% against ≥66% never reads 66.0%.
    shown = decisive_text(value, d.unit, band_thresholds(d))
    return f"{shown} {theme.ATTAINMENT_STYLES[band][1]}"


def _band_words(share) -> str:
    _color, symbol, word = theme.ATTAINMENT_STYLES[labels.attainment_band(share)]
    return f"{symbol} {word}"


def movement_style(text: str) -> str:
    """A rank change's colour (blue up, purple down), bold."""
    kind = next((k for k, s in MOVEMENT_SYMBOLS.items() if text.startswith(s)), None)
    return f"color: {theme.MOVEMENT_COLORS[kind]}; font-weight: 700" if kind else ""


def trend_axis(league: League) -> tuple[float, float]:
    """A common y-range for every trend line, so lines compare across rows."""
    scores = league.monthly_scores["score"].dropna()
    low = scores.min() if len(scores) else 0
    floor = math.floor(low / TREND_AXIS_STEP) * TREND_AXIS_STEP
    return float(min(floor, 100 - TREND_AXIS_STEP)), 100.0  # all at 100: still a valid range


def _names(league: League) -> list[str]:
    t = league.table
    return [
        (HIGHLIGHT_MARK if c else "") + str(n)
        for c, n in zip(t["highlight"], t["name"], strict=True)
    ]


def league_export(league: League, definitions: pd.DataFrame) -> pd.DataFrame:
    """The league for Excel: numbers as numbers (score cut to the model's decimals, each
    indicator's value, Σ numerator and denominator) and each attainment in words; the number
    formats ride along in attrs[excel.FORMATS_ATTR] (the score with league.decimals)."""
    t, area_label = league.table, league.area_label
    df = pd.DataFrame(
        {
            RANK: t["rank"],
            CHANGE: t["change_text"],
            "上期名次": t["previous_rank"],
            f"{area_label}代码": t["area_code"],
            area_label: t["name"],
            # The cut score the page shows (99.99, never rounded up to 100.00), as a number.
            SCORE: pd.to_numeric(t["score_text"], errors="coerce"),
            "计分指标数": t["indicators_scored"],
        }
    )
    formats = {RANK: "0", "上期名次": "0", SCORE: labels.excel_score_format(league.decimals)}
    values = league.values.set_index(["area_code", "indicator_code"])
    for d in definitions.itertuples(index=False):
        rows = values.reindex(pd.MultiIndex.from_product([t["area_code"], [d.indicator_code]]))
        value = f"{d.name}（{d.unit or '值'}，目标 {target_text(d)}）"
        df[value] = rows["value"].round(2).to_numpy()
        # Two decimals: 65.97 must not read as the target 66.0.
        formats[value] = '0.00"%"' if d.unit == "%" else "#,##0.00"
        df[f"{d.name}（分子）"] = rows["numerator"].to_numpy()
        df[f"{d.name}（分母）"] = rows["denominator"].to_numpy()
        df[f"{d.name} 达标情况"] = [_band_words(a) for a in rows["attainment"]]
    df.attrs[EXCEL_FORMATS_ATTR] = formats
    return df


def what_if_frame(w: WhatIf, area_label: str) -> pd.DataFrame:
    """What-if ranks beside the official ones, as text (official first: it is the reference)."""
    df = w.table
    return pd.DataFrame(
        {
            "官方名次": [rank_text(r) for r in df["official_rank"]],
            "模拟名次": [rank_text(r) for r in df["rank"]],
            "名次变动": df["change_text"],
            area_label: df["name"],
            "官方得分": df["official_text"],
            "模拟得分": df["score_text"],
        }
    )


def lost_wide(league: League) -> pd.DataFrame:
    """失分 heat-map data: one row per area (most points lost first), one column per indicator
    (most points lost over all areas first), numbers in 分."""
    lost = league.lost
    if lost.empty:
        return pd.DataFrame()
    wide = lost.pivot_table(index="area_code", columns="indicator", values="lost", aggfunc="sum")
    wide = wide[wide.sum().sort_values(ascending=False).index]
    totals = wide.sum(axis=1).sort_values(ascending=False)
    t = league.table.set_index("area_code")
    names = dict(zip(league.table["area_code"], _names(league), strict=True))
    out = pd.DataFrame(
        {
            RANK: [rank_text(t.at[a, "rank"]) for a in totals.index],
            league.area_label: [names[a] for a in totals.index],
            SCORE: [t.at[a, "score_text"] for a in totals.index],
            LOST_TOTAL: totals.to_numpy(),
        }
    )
    for column in wide.columns:
        out[column] = wide.loc[totals.index, column].to_numpy()
    return out


def _heat(value, top: float) -> str:
    if value is None or pd.isna(value) or top <= 0:
        return ""
    share = min(float(value) / top, 1.0)
    r, g, b = (round(255 - share * (255 - c)) for c in LOST_COLOR)
    return f"background-color: rgb({r},{g},{b}); color: #1a1a1a"


def lost_view(league: League) -> Styler:
    """The 失分 heat map: darker red = more points lost; the numbers are always written."""
    df = lost_wide(league)
    indicator_columns = [c for c in df.columns if c not in (RANK, SCORE, LOST_TOTAL)][1:]
    top = float(df[indicator_columns].max().max()) if indicator_columns else 0.0
    lost_text = f"{{:.{LOST_DECIMALS}f}}"
    chosen = [c.startswith(HIGHLIGHT_MARK) for c in df[league.area_label]]
    return (
        df.style.format(lost_text, subset=[LOST_TOTAL, *indicator_columns], na_rep=labels.NO_VALUE)
        .map(lambda v: _heat(v, top), subset=indicator_columns)
        .apply(lambda _: [HIGHLIGHT_STYLE if c else "" for c in chosen], subset=[league.area_label])
    )


def lost_detail(league: League) -> pd.DataFrame:
    """Every area and scored indicator: value, 达标程度, 分值, 得分, 失分 (texts, in 分)."""
    lost = league.lost
    fmt = f"{{:.{LOST_DECIMALS}f}}".format
    return pd.DataFrame(
        {
            league.area_label: lost["name"],
            "指标": lost["indicator"],
            "指标值": lost["value_text"],
            "达标程度": lost["attainment_text"],
            "分值": [fmt(v) for v in lost["full"]],
            "得分": [fmt(v) for v in lost["earned"]],
            "失分": [fmt(v) for v in lost["lost"]],
        }
    )


def method_sheet(view: RankingsView) -> pd.DataFrame:
    """The method as a two-column sheet for the Excel export."""
    rows = [
        ("期间", view.window.label),
        ("对比期", view.window.previous_label),
        ("排名方法", "官方综合得分（百分制），权重为数据库中的官方权重"),
    ]
    rows += [(f"说明 {i}", line) for i, line in enumerate(view.method, start=1)]
    rows += [(f"失分 {i}", line) for i, line in enumerate(view.lost_method, start=1)]
    for d in view.method_table.itertuples(index=False):
        rows.append(
            (
                f"指标：{d.指标}",
                f"{d.方向}；目标 {d.目标}；{d.期间汇总}；权重 {d.权重:g}（{d.权重占比}）",
            )
        )
    return pd.DataFrame(rows, columns=["项目", "说明"])
