"""KPI cards: an indicator's value against target, change vs the previous period, small trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import labels, theme
from data_access.periods import Period, months_ending

# Cards in a row line up only with a fixed metric height (room for value, delta and trend).
KPI_HEIGHT_PX = 190
TREND_MONTHS = 12  # a year of sparkline: enough to see seasonality, small enough to read


def trend_months(period: Period, count: int = TREND_MONTHS) -> tuple[str, ...]:
    """The `count` months ending with the period's last month (the sparkline window)."""
    return months_ending(period, count)


def missing_reason(row, levels: set[str], township_scope: bool) -> str:
    """Why an indicator has no value here, in words."""
    if township_scope and levels == {"county"}:
        return labels.REASON_COUNTY_ONLY
    if pd.notna(row.denominator) and row.denominator == 0:
        return labels.REASON_ZERO_DENOMINATOR
    return labels.REASON_NO_ROWS


def change_text(value, previous, unit: str | None) -> str | None:
    """Change vs previous period: percentage points for rates, plain difference otherwise."""
    if pd.isna(value) or previous is None or pd.isna(previous):
        return None
    diff = value - previous
    if unit == "%":
        return f"{diff:+.1f} 个百分点"
    return f"{diff:+,.1f}"


def definition_help(row) -> str:
    agg = "取期内有数据的最后一个月" if row.period_agg == "last" else "期内各月分子、分母分别累加"
    direction = "越高越好" if row.higher_is_better else "越低越好"
    numbers = ""
    if pd.notna(row.denominator):
        numbers = f"\n\n本期：分子 {row.numerator:,.0f} / 分母 {row.denominator:,.0f}"
        if isinstance(row.month, str):
            numbers += f"（数据月份至 {row.month}）"
    weight = f"权重 {row.weight:g}" if row.weight else "不计入综合得分"
    target = labels.indicator_value(row.target, row.unit, 0)
    return (
        f"**{labels.md_escape(row.name)}**（{labels.md_escape(row.indicator_code)}）\n\n率 = Σ分子 / Σ分母"
        f"{' × 100' if row.unit == '%' else ''}；{agg}；{direction}；目标 {target}；{weight}。{numbers}"
    )


def card(row, previous, trend: list[float], reason: str | None) -> None:
    """One bordered KPI card: the value, change vs previous period, trend and attainment badge."""
    has_value = pd.notna(row.value)
    delta = change_text(row.value, previous, row.unit)
    target = labels.indicator_value(row.target, row.unit, 0)
    band = theme.attainment_band(row.attainment)
    color, symbol, word = theme.ATTAINMENT_STYLES[band]
    with st.container(border=True):
        st.metric(
            labels.md_escape(row.name),
            labels.indicator_value(row.value, row.unit) if has_value else labels.NO_VALUE,
            delta=delta,
            delta_color="normal" if row.higher_is_better else "inverse",
            delta_description="较上期" if delta else None,
            help=definition_help(row),
            chart_data=trend if len(trend) >= 2 else None,
            chart_type="line",
            height=KPI_HEIGHT_PX,
        )
        if has_value:
            st.badge(f"{symbol} {word} · 目标 {target}", color=color)
        else:
            st.badge(f"— {reason} · 目标 {target}", color="gray")
