"""县区排名 tables: league cells (value, symbol, fill), rank moves, Excel frames, the method text.

Pure functions (data in, Styler / DataFrame / text out) so the page, a meeting slide and the
Excel export say the same thing.
"""

from __future__ import annotations

import math
from functools import partial

import pandas as pd
from pandas.io.formats.style import Styler

from dashboard import theme
from data_access.indicators import SCORE_TIE_DECIMALS, attainment
from data_access.rankings import League
from views import labels

RANK = "名次"
CHANGE = "较上期"
SCORE = "综合得分"
TREND = "逐月得分"
MOVEMENT_SYMBOLS = {"up": "↑", "down": "↓", "same": "–", "new": "新"}
# Scores show at least two decimals, more only when two different scores would look equal
# (near 100 they often differ in the third): a reader can always see why ranks differ.
SCORE_DIGITS = 2
MAX_SCORE_DIGITS = 6  # beyond this, scores that still look alike are ties in all but float noise
# A trend axis that starts at 0 flattens every line near 100; round the floor down to this.
TREND_AXIS_STEP = 5
HIGHLIGHT_MARK = "▶ "  # the areas chosen in the filters (with a fill: not colour alone)
HIGHLIGHT_STYLE = f"background-color: {theme.HIGHLIGHT_FILL}; font-weight: 700"
AGG_TEXT = {"last": "取期内最后一个有数据的月份", "sum": "期内各月分子、分母分别累加"}


def movement_text(movement, change) -> str:
    """↑2 / ↓1 / – / 新 (ranked now, not before) / — (not ranked now)."""
    if movement not in MOVEMENT_SYMBOLS:
        return labels.NO_VALUE
    if movement == "up":
        return f"↑{int(change)}"
    if movement == "down":
        return f"↓{-int(change)}"
    return MOVEMENT_SYMBOLS[movement]


def _movement_texts(df: pd.DataFrame) -> list[str]:
    return [movement_text(m, c) for m, c in zip(df["movement"], df["rank_change"], strict=True)]


def score_text(score, digits: int = SCORE_DIGITS) -> str:
    """The score cut (not rounded) to `digits` decimals: 99.998 must not read as 100.00."""
    if score is None or pd.isna(score):
        return labels.NO_VALUE
    scaled = math.floor(round(score * 10**digits, 6))  # round(): 99.3 × 100 is 9929.999…
    return f"{scaled / 10**digits:.{digits}f}"


def score_digits(*scores: pd.Series) -> int:
    """The fewest decimals (from SCORE_DIGITS) at which different scores look different."""
    distinct = {round(s, SCORE_TIE_DECIMALS) for col in scores for s in col.dropna()}
    for digits in range(SCORE_DIGITS, MAX_SCORE_DIGITS):
        if len({score_text(s, digits) for s in distinct}) == len(distinct):
            return digits
    return MAX_SCORE_DIGITS


def rank_text(rank) -> str:
    return labels.NO_VALUE if rank is None or pd.isna(rank) else str(int(rank))


def target_text(d) -> str:
    """≥66% for higher-is-better, ≤10% for lower-is-better indicators."""
    sign = "≥" if d.higher_is_better else "≤"
    return sign + labels.indicator_value(d.target, d.unit, 0)


def indicator_header(d, county_only: bool = False) -> str:
    """Column header: name, target with direction, and whether it counts."""
    notes = [target_text(d)]
    if not d.weight:
        notes.append("不计分")
    if county_only:
        notes.append("仅县级")
    return f"{d.name}（{'，'.join(notes)}）"


def cell_text(value, d) -> str:
    """The value with its attainment symbol (colour is never the only cue)."""
    if value is None or pd.isna(value):
        return labels.NO_VALUE
    band = labels.attainment_band(attainment(value, d.target, d.higher_is_better))
    return f"{labels.indicator_value(value, d.unit)} {theme.ATTAINMENT_STYLES[band][1]}"


def _band_words(share) -> str:
    _color, symbol, word = theme.ATTAINMENT_STYLES[labels.attainment_band(share)]
    return f"{symbol} {word}"


def _fill(value, d) -> str:
    band = labels.attainment_band(
        None if pd.isna(value) else attainment(value, d.target, d.higher_is_better)
    )
    return f"background-color: {theme.ATTAINMENT_FILLS[band]}; color: #1a1a1a"


def _movement_color(text: str) -> str:
    kind = next((k for k, s in MOVEMENT_SYMBOLS.items() if text.startswith(s)), None)
    return f"color: {theme.MOVEMENT_COLORS[kind]}; font-weight: 700" if kind else ""


def trend_axis(league: League) -> tuple[float, float]:
    """A common y-range for every trend line, so lines compare across rows."""
    scores = league.monthly_scores["score"].dropna()
    low = scores.min() if len(scores) else 0
    floor = math.floor(low / TREND_AXIS_STEP) * TREND_AXIS_STEP
    return float(min(floor, 100 - TREND_AXIS_STEP)), 100.0  # all at 100: still a valid range


def _trend(by_month: pd.Series, area_code: str, months: tuple[str, ...]) -> list[float]:
    """The area's monthly scores, months without a score left out (the line chart cell
    cannot draw gaps, and shows nothing at all when a value is missing)."""
    scores = (by_month.get((area_code, m)) for m in months)
    return [float(s) for s in scores if s is not None and not pd.isna(s)]


def league_view(
    league: League,
    definitions: pd.DataFrame,
    area_label: str,
    months: tuple[str, ...],
    highlight: tuple[str, ...] = (),
    county_only: frozenset[str] = frozenset(),
) -> tuple[Styler, list[str]]:
    """The league as a styled table (numbers kept sortable) and its indicator column names."""
    t = league.table
    by_month = league.monthly_scores.set_index(["area_code", "month"])["score"]
    chosen = t["area_code"].isin(highlight).tolist()
    names = [(HIGHLIGHT_MARK if c else "") + n for c, n in zip(chosen, t["name"], strict=True)]
    df = pd.DataFrame(
        {
            RANK: t["rank"],
            CHANGE: _movement_texts(t),
            area_label: names,
            SCORE: t["score"],
            TREND: [_trend(by_month, a, months) for a in t["area_code"]],
        }
    )
    wide = league.values.pivot(index="area_code", columns="indicator_code", values="value")
    headers = {}
    for d in definitions.itertuples(index=False):
        header = indicator_header(d, d.indicator_code in county_only)
        headers[header] = d
        column = wide[d.indicator_code] if d.indicator_code in wide else pd.Series(dtype=float)
        df[header] = t["area_code"].map(column).astype(float).to_numpy()
    styler = (
        df.style.format({RANK: rank_text, SCORE: partial(score_text, digits=score_digits(t.score))})
        .map(_movement_color, subset=[CHANGE])
        .apply(lambda _: [HIGHLIGHT_STYLE if c else "" for c in chosen], subset=[area_label])
    )
    for header, d in headers.items():
        styler = styler.format(lambda v, d=d: cell_text(v, d), subset=[header])
        styler = styler.map(lambda v, d=d: _fill(v, d), subset=[header])
    return styler, list(headers)


def league_export(league: League, definitions: pd.DataFrame, area_label: str) -> pd.DataFrame:
    """The league for Excel: Chinese headers, and each indicator's value, Σ and attainment."""
    t = league.table
    df = pd.DataFrame(
        {
            RANK: t["rank"],
            CHANGE: _movement_texts(t),
            "上期名次": t["previous_rank"],
            f"{area_label}代码": t["area_code"],
            area_label: t["name"],
            SCORE: t["score"],
            "计分指标数": t["indicators_scored"],
        }
    )
    values = league.values.set_index(["area_code", "indicator_code"])
    for d in definitions.itertuples(index=False):
        rows = values.reindex(pd.MultiIndex.from_product([t["area_code"], [d.indicator_code]]))
        df[f"{d.name}（值）"] = rows["value"].round(2).to_numpy()
        df[f"{d.name}（分子）"] = rows["numerator"].to_numpy()
        df[f"{d.name}（分母）"] = rows["denominator"].to_numpy()
        df[f"{d.name}（目标 {target_text(d)}）"] = [_band_words(a) for a in rows["attainment"]]
    return df


def what_if_frame(df: pd.DataFrame, area_label: str) -> pd.DataFrame:
    """What-if ranks beside the official ones, as text (official first: it is the reference)."""
    digits = score_digits(df["official_score"], df["score"])
    return pd.DataFrame(
        {
            "官方名次": [rank_text(r) for r in df["official_rank"]],
            "模拟名次": [rank_text(r) for r in df["rank"]],
            "名次变动": _movement_texts(df),
            area_label: df["name"],
            "官方得分": [score_text(s, digits) for s in df["official_score"]],
            "模拟得分": [score_text(s, digits) for s in df["score"]],
        }
    )


def method_lines(definitions: pd.DataFrame) -> list[str]:
    """The official method in plain Chinese (DATA_CONTRACT.md), one sentence a line."""
    scored = definitions[definitions["weight"] > 0]
    total = scored["weight"].sum()
    return [
        f"参与计分的指标共 {len(scored)} 项，权重合计 {total:g}；权重为 0 的指标只展示、不计分。",
        "指标值 = 区域内各村（或乡镇、县）上报的分子之和 ÷ 分母之和（率 × 100），不是各村比率的平均；分母为 0 或无数据时显示 —。",
        "“存量”指标取期内最后一个有数据的月份；“流量”指标把期内各月的分子、分母分别累加。",
        "达标程度：越高越好的指标 = min(指标值 ÷ 目标值, 1)；越低越好的指标 = min(目标值 ÷ 指标值, 1)，指标值为 0 时记 1。超额完成不额外加分。",
        "综合得分（百分制）= 100 × Σ(权重 × 达标程度) ÷ Σ权重，只计有数值的指标；某项指标缺数时，该项不计入分子和分母。",
        "按综合得分从高到低排名；得分相同名次相同（如 1、2、2、4）；没有任何计分指标数据的地区不排名。得分显示时截去多余小数（不四舍五入），位数以能区分不同得分为准。",
        "较上期：与上一个同类期间（上月、上季度或上年）按同一方法排出的名次比较；↑ 上升、↓ 下降、– 不变，“新”表示上期没有名次。",
        "乡镇排名只用有乡镇或村级数据的指标；仅在县级统计的指标在乡镇排名中显示 —，不计分。",
        "颜色和符号：✓ 达标（达标程度 100%），◐ 接近目标（90% 及以上），✗ 未达标，— 无数据。",
    ]


def method_frame(definitions: pd.DataFrame) -> pd.DataFrame:
    """The indicators, directions, aggregation, targets and weights (share of the total weight)."""
    total = definitions.loc[definitions["weight"] > 0, "weight"].sum()
    return pd.DataFrame(
        {
            "指标": definitions["name"],
            "代码": definitions["indicator_code"],
            "方向": ["越高越好" if h else "越低越好" for h in definitions["higher_is_better"]],
            "目标": [target_text(d) for d in definitions.itertuples(index=False)],
            "期间汇总": [AGG_TEXT.get(a, a) for a in definitions["period_agg"]],
            "权重": definitions["weight"],
            "权重占比": [
                labels.pct(100 * w / total if total and w > 0 else None, 0)
                for w in definitions["weight"]
            ],
        }
    )


def method_sheet(definitions: pd.DataFrame, period_label: str) -> pd.DataFrame:
    """The method as a two-column sheet for the Excel export."""
    rows = [
        ("期间", period_label),
        ("排名方法", "官方综合得分（百分制），权重为数据库中的官方权重"),
    ]
    rows += [(f"说明 {i}", line) for i, line in enumerate(method_lines(definitions), start=1)]
    for d in method_frame(definitions).itertuples(index=False):
        rows.append(
            (
                f"指标：{d.指标}",
                f"{d.方向}；目标 {d.目标}；{d.期间汇总}；权重 {d.权重:g}（{d.权重占比}）",
            )
        )
    return pd.DataFrame(rows, columns=["项目", "说明"])


def indicator_rows(league: League, indicator_code: str) -> pd.DataFrame:
    """Every area of the league with its value of one indicator (None when it has none)."""
    values = league.values.loc[league.values["indicator_code"] == indicator_code]
    return league.table[["area_code", "name"]].merge(
        values[["area_code", "value", "denominator"]], on="area_code", how="left"
    )


def indicator_monthly(league: League, indicator_code: str) -> pd.DataFrame:
    """name, month, value of one indicator per area and month."""
    rows = league.monthly.loc[league.monthly["indicator_code"] == indicator_code]
    names = league.table[["area_code", "name"]]
    return rows[["area_code", "month", "value"]].merge(names, on="area_code", how="inner")
