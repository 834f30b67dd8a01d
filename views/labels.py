"""Chinese UI strings shared by pages, slides and exports: one place for every label."""

from __future__ import annotations

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


def pct(value, digits: int = 1) -> str:
    """A percentage figure as text, or — when there is none."""
    if value is None or value != value:  # NaN
        return NO_VALUE
    return f"{value:.{digits}f}%"


def fraction_pct(fraction, digits: int = 1) -> str:
    """A fraction 0..1 (a share, a pass rate) as a percentage text, or — when there is none."""
    if fraction is None or fraction != fraction:  # NaN
        return NO_VALUE
    return pct(100 * float(fraction), digits)


def number(value, digits: int = 0) -> str:
    """A figure with thousands separators, or —."""
    if value is None or value != value:
        return NO_VALUE
    return f"{value:,.{digits}f}"


def indicator_value(value, unit: str | None, digits: int = 1) -> str:
    if unit == "%":
        return pct(value, digits)
    text = number(value, digits)
    return text if text == NO_VALUE or not unit else f"{text} {unit}"


# From here a count reads as 万 (10⁴): seven digits do not fit a metric card.
COMPACT_FROM = 1_000_000


def compact_number(value) -> str:
    """A large count in 万 (e.g. 202.5万), smaller ones in full; — for no value."""
    if value is None or value != value:
        return NO_VALUE
    if abs(value) >= COMPACT_FROM:
        return f"{value / 10_000:,.1f}万"
    return number(value)
