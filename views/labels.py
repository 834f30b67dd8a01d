"""Chinese UI strings shared by pages, slides and exports: one place for every label."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

APP_TITLE = "医防融合监测"

COLOR_LABELS = {"green": "绿标", "yellow": "黄标", "red": "红标"}
COLOR_MEANING = {
    "green": "控制良好 · 村卫生室管理",
    "yellow": "控制不满意 · 乡镇卫生院管理",
    "red": "难以控制 · 县总医院管理",
}
DISEASE_LABELS = {
    "hypertension": "高血压",
    "diabetes": "糖尿病",
    "hepatitis": "肝炎",
    "severe_mental": "严重精神障碍",
    "tuberculosis": "肺结核",
}
ALL_DISEASES = "全部病种"
# Ends of a colour transition that are not a colour: patients who came or went in between.
ENTERED_LABEL = "新纳入/迁入"
LEFT_LABEL = "退出/迁出"
CLASS_LABELS = {1: "一类村", 2: "二类村"}
CLASS_MEANING = {1: "集中、路况好、易开展", 2: "分散、偏远、交通不便"}
LEVEL_LABELS = {"county": "县级", "township": "乡级", "village": "村级", "other": "X（其他）"}
MANAGED_LEVEL_LABELS = {"county": "县总医院", "township": "乡镇卫生院", "village": "村卫生室"}
ROAD_LABELS = {"good": "好", "fair": "一般", "poor": "差"}
SERVICE_LABELS = {
    "sign": "签约",
    "follow_up": "随访",
    "health_check": "体检",
    "health_education": "健康教育",
    "consultation": "诊疗",
    "referral": "转诊",
}
PERIOD_KIND_LABELS = {"month": "月", "quarter": "季", "year": "年"}

ALL_COUNTIES = "全部县区"
ALL_TOWNSHIPS = "全部乡镇"
NO_VALUE = "—"

# Why a figure shows — (the contract: no value without a denominator).
REASON_NO_ROWS = "本期无数据"
REASON_ZERO_DENOMINATOR = "分母为 0"
REASON_COUNTY_ONLY = "仅在县级统计，乡镇无此值"

DEMO_BADGE = "演示数据"
# The source line of demo data (data_meta.source as the demo writer writes it, and as every
# header, slide and brief words any demo database's source).
DEMO_SOURCE = "演示数据（随机生成，非真实数据）"

# Figure names that appear on several screens: one constant each, so a label is typed once.
MISMATCH = "推送不到位"  # rows managed at another level than their colour calls for
RED_NOT_UP = "红标未上转"  # the red part of 推送不到位: red rows not at the county hospital
PASS_RATE = "抽查合格率"
VILLAGE_DOCTOR_SHARE = "村医服务占比"

# Target attainment (share of target reached) bands: met / close / missed / none.
ATTAINMENT_WORDS = {"met": "达标", "close": "接近目标", "missed": "未达标", "none": "无数据"}
ATTAINMENT_SYMBOLS = {"met": "✓", "close": "◐", "missed": "✗", "none": "—"}
ATTAINMENT_MET = 1.0
# Within 10% of target is "close": a leader should look, not yet act.
ATTAINMENT_CLOSE = 0.9


def attainment_band(attainment) -> str:
    """met / close / missed / none for an attainment share (None or NaN → none)."""
    if attainment is None or attainment != attainment:
        return "none"
    if attainment >= ATTAINMENT_MET:
        return "met"
    if attainment >= ATTAINMENT_CLOSE:
        return "close"
    return "missed"


# --- numbers: one rule per kind of figure, for the screen, the charts and Excel ----------------
# Decimals per kind of figure. Rates are percentages (55.2%), counts whole (1,204 人次),
# per-1,000 figures and averages one decimal, money whole yuan.
DIGITS = {
    "count": 0,  # people, services, villages, teams
    "rate": 1,  # a percentage value (0..100)
    "per_1000": 1,  # services per 1,000 residents
    "average": 1,  # per member, per village
    "points": 1,  # service points
    "yuan": 0,  # money: a leader reads whole yuan
}
# From here a count axis reads in 万: "60k" is not Chinese and 60,000 crowds the ticks.
AXIS_WAN_FROM = 10_000
# Up to this many a whole-number axis ticks every 1: plotly would tick every 0.5 on a short
# range, and whole-number ticks would print 0, 1, 1, 2.
AXIS_UNIT_STEP_UNTIL = 10
WAN = 10_000
FLAT = "持平"  # a change that rounds to zero: no arrow, no "+0.0"
# 每千人服务量 grows with the period's length: the unit names it, so 195 (a month) and
# 603 (a quarter) are not read alike.
PER_1000_UNITS = {"month": "次/千人·月", "quarter": "次/千人·季", "year": "次/千人·年"}
# Excel number formats per kind. Percentages are stored as the percent value the screen
# shows (55.2, not 0.552) and displayed with a literal % sign: 0.0"%".
EXCEL_FORMATS = {
    "count": "#,##0",
    "rate": '0.0"%"',
    "per_1000": "#,##0.0",
    "average": "#,##0.0",
    "points": "#,##0.0",
    "yuan": "#,##0",
}


# A table may carry its own Excel formats in DataFrame.attrs under this key: {header: kind or
# format} (dashboard.excel reads it; a view model sets it without importing the writer).
SHEET_FORMATS = "number_formats"


def excel_score_format(decimals: int) -> str:
    """A score's Excel number format with the ranking model's decimals (2 → 0.00)."""
    return "0." + "0" * decimals if decimals > 0 else "0"


# st.column_config.NumberColumn formats (sprintf-js; "," adds thousands separators).
COLUMN_FORMATS = {
    "count": "%,d",
    "rate": "%.1f%%",
    "per_1000": "%,.1f",
    "average": "%,.1f",
    "points": "%,.1f",
    "yuan": "%,.0f",
}


def column_kind(header: str, values) -> str | None:
    """The kind of figure (DIGITS) a table column holds, read from its header and values;
    None for a column that is not numbers (text, flags, dates)."""
    series = pd.Series(values)
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    if "%" in header:
        return "rate"
    if "人均" in header:  # 人均经费（元/人） 43.03 reads 43.0 元, as on the slides
        return "average"
    if "元" in header:
        return "yuan"
    if "每千" in header:
        return "per_1000"
    if "积分" in header:
        return "points"
    whole = series.dropna()
    if pd.api.types.is_integer_dtype(series) or (whole == whole.round()).all():
        return "count"
    return "average"


def _missing(value) -> bool:
    return value is None or value != value  # None or NaN


def pct(value, digits: int = DIGITS["rate"]) -> str:
    """A percentage figure (0..100) as text, e.g. 55.2%, or — when there is none."""
    if _missing(value):
        return NO_VALUE
    return f"{value:.{digits}f}%"


def fraction_pct(fraction, digits: int = DIGITS["rate"]) -> str:
    """A fraction 0..1 (a share, a pass rate) as a percentage text, or — when there is none."""
    if _missing(fraction):
        return NO_VALUE
    return pct(100 * float(fraction), digits)


def share_percent(fraction, digits: int = 2) -> float | None:
    """A fraction 0..1 as the percent number a workbook stores (0.1234 → 12.34), or None."""
    return None if _missing(fraction) else round(100 * float(fraction), digits)


def number(value, digits: int = 0) -> str:
    """A figure with thousands separators, or —."""
    if _missing(value):
        return NO_VALUE
    return f"{value:,.{digits}f}"


def count(value) -> str:
    """A count with thousands separators (1,204), or —; a masked one (`<5`) as it is."""
    if isinstance(value, str):
        return value
    return number(value, DIGITS["count"])


def figure(value, kind: str) -> str:
    """A figure of a kind (DIGITS) as text: rate → 55.2%, count → 1,204, yuan → 3,500."""
    if kind == "rate":
        return pct(value)
    return number(value, DIGITS[kind])


def score(value, decimals: int) -> str:
    """An already-cut score with the model's decimals (views.rankings.score_decimals)."""
    return number(value, decimals)


def per_1000_unit(period_kind: str) -> str:
    """次/千人·月, ·季 or ·年: the period a per-1,000 figure counts over."""
    return PER_1000_UNITS.get(period_kind, "次/千人")


def change_pp(delta, digits: int = DIGITS["rate"]) -> str | None:
    """A change in percentage points: +1.2 个百分点, 持平 when it rounds to 0, None without one."""
    if _missing(delta):
        return None
    if round(float(delta), digits) == 0:
        return FLAT
    return f"{delta:+.{digits}f} 个百分点"


def change_relative(change, digits: int = DIGITS["rate"]) -> str | None:
    """A relative change (0.05 = +5.0%), 持平 when it rounds to 0, None without one."""
    if _missing(change):
        return None
    if round(100 * float(change), digits) == 0:
        return FLAT
    return f"{100 * change:+.{digits}f}%"


def signed(value, digits: int = 1) -> str:
    """A change with its sign, rounded before it is signed: -0.04 → 持平 (never "-0.0"),
    1.26 → +1.3, -2 → -2.0; — without one."""
    if _missing(value):
        return NO_VALUE
    shown = round(float(value), digits)
    if shown == 0:
        return FLAT
    return f"{shown:+,.{digits}f}"


# A rank against the previous period: 持平 (a word) for the same rank, so it never reads like
# — (no value).
RANK_MOVES = {"up": "↑", "down": "↓", "same": FLAT, "new": "新"}
RANK_MOVE_LEGEND = "↑ 上升、↓ 下降、持平 = 名次不变、新 = 上期无名次"


def metric_delta(text: str | None, color: str = "normal") -> dict:
    """st.metric's delta arguments: 持平 has no arrow and no colour (neither good nor bad)."""
    if text == FLAT:
        return {"delta": text, "delta_color": "off", "delta_arrow": "off"}
    return {"delta": text, "delta_color": color}


def indicator_value(value, unit: str | None, digits: int = 1) -> str:
    if unit == "%":
        return pct(value, digits)
    text = number(value, digits)
    return text if text == NO_VALUE or not unit else f"{text} {unit}"


# From here a count reads as 万 (10⁴): seven digits do not fit a metric card.
COMPACT_FROM = 1_000_000


def compact_number(value) -> str:
    """A large count in 万 (e.g. 202.5万), smaller ones in full; — for no value."""
    if _missing(value):
        return NO_VALUE
    if abs(value) >= COMPACT_FROM:
        return f"{value / WAN:,.1f}万"
    return number(value)


def axis_number(value, step: float | None = None) -> str:
    """One tick of a count axis: 2,000 below 1万, 1.5万 / 6万 from there; in 万 with the
    decimals the axis `step` needs (12,500 on a 2,500 step reads 1.25万, not 1.2万)."""
    if abs(value) >= AXIS_WAN_FROM:
        digits = max(1, _decimals(step / WAN)) if step else 1
        return f"{value / WAN:,.{digits}f}".rstrip("0").rstrip(".") + "万"
    return f"{value:,.{_decimals(step) if step else 0}f}"


def _decimals(value: float, most: int = 6) -> int:
    """The fewest decimals that write `value` exactly (0.25 → 2), at most `most`."""
    for digits in range(most):
        if abs(round(value, digits) - value) < 1e-9:
            return digits
    return most


def _nice_step(span: float, ticks: int) -> float:
    raw = span / ticks
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def count_axis(top, ticks: int = 5, bottom=0, whole: bool = True) -> dict:
    """Plotly axis settings for counts from `bottom` (0) to `top`: thousands separators, and
    万 once the axis reaches 10,000 (every count axis of every chart goes through here).

    `whole=False` for figures with decimals (an average, an indicator in its own unit): small
    ticks then keep the decimals they need instead of being rounded to whole numbers.
    """
    top = 0.0 if _missing(top) else float(top)
    bottom = 0.0 if _missing(bottom) else float(bottom)
    if max(abs(top), abs(bottom)) < AXIS_WAN_FROM:
        axis = {
            "tickformat": ",d" if whole else ",~f",
            "separatethousands": True,
            "exponentformat": "none",
        }
        if whole and top - bottom <= AXIS_UNIT_STEP_UNTIL:
            axis.update(tickmode="linear", tick0=0, dtick=1)
        return axis
    step = _nice_step(top - bottom, ticks)
    first = math.floor(bottom / step) * step
    values = [first + step * i for i in range(int((top - first) // step) + 2)]
    return {
        "tickmode": "array",
        "tickvals": values,
        "ticktext": [axis_number(v, step) for v in values],
    }


# --- month axes: one rule for every trend on pages, slides and the brief ----------------------


def month_tick(month: str, year: bool, stacked: bool = False) -> str:
    """One month tick: 2026年3月 with `year`, else 3月 (`stacked`: 3月 over 2026年)."""
    y, number = month[:4], int(month[5:])
    if not year:
        return f"{number}月"
    return f"{number}月<br>{y}年" if stacked else f"{y}年{number}月"


def month_ticks(months, most: int | None = None, stacked: bool = False) -> list[tuple[str, str]]:
    """(month, text) of the ticks an axis of `months` shows: every n-th month so that at most
    `most` show (None: all), the last month always among them; the year on the first tick
    and on every tick whose year differs from the tick before it (2025年11月, 2026年2月, 5月)."""
    months = list(months)
    if not months:
        return []
    step = 1 if not most or len(months) <= most else math.ceil(len(months) / most)
    # Counted back from the latest month: the month a reader looks for is always labelled.
    shown = months[::-1][::step][::-1]
    ticks, before = [], None
    for m in shown:
        ticks.append((m, month_tick(m, m[:4] != before, stacked)))
        before = m[:4]
    return ticks


# --- score axes: a ranking of scores capped at 100 spans its data -----------------------------
SCORE_FULL = 100.0
SCORE_AXIS_TICKS = 5
# Room below the lowest score (share of the spread, at least SCORE_MIN_PAD points) so the
# last bar still shows; ticks at least a whole point apart; from 0 when the lowest score is
# below half the highest.
SCORE_PAD_SHARE, SCORE_MIN_PAD, SCORE_MIN_STEP = 0.25, 2.0, 1.0
SCORE_ZERO_BELOW = 0.5


@dataclass(frozen=True)
class ScoreAxis:
    start: float  # the axis starts here (0, or a round number just below the lowest score)
    end: float  # the last tick (100 for capped scores)
    ticks: tuple[float, ...]

    @property
    def broken(self) -> bool:
        return self.start > 0

    @property
    def note(self) -> str:
        """What the reader must know about a cut axis (empty for one from 0)."""
        return f"横轴从 {self.start:g} 分起（已截断）" if self.broken else ""

    def tick_text(self, value: float) -> str:
        return f"{value:g} 分"


def score_axis(scores, full: float = SCORE_FULL) -> ScoreAxis:
    """The axis of a score ranking: from a round number just below the lowest score to the
    full mark (96.2–100 reads 95–100), or from 0 when the scores spread widely."""
    known = [float(s) for s in scores if not _missing(s)]
    if not known:
        return ScoreAxis(0.0, full, tuple(float(v) for v in range(0, int(full) + 1, 20)))
    low, high = min(known), max(max(known), full)
    if low <= 0 or low < SCORE_ZERO_BELOW * high:
        start = 0.0
        step = _nice_step(high, SCORE_AXIS_TICKS)
    else:
        pad = max(SCORE_PAD_SHARE * (high - low), SCORE_MIN_PAD)
        step = max(_nice_axis_step(high - (low - pad), SCORE_AXIS_TICKS), SCORE_MIN_STEP)
        start = float(max(0.0, math.floor((low - pad) / step) * step))
    end = float(math.ceil(high / step - 1e-9) * step)
    count = round((end - start) / step)
    return ScoreAxis(start, end, tuple(round(start + step * i, 6) for i in range(count + 1)))


def _nice_axis_step(span: float, ticks: int) -> float:
    """A round step (1, 2, 2.5, 5 × 10^k, also below 1) giving about `ticks` steps."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
