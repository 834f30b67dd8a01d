"""总览's KPI cards: an indicator's value against target, like-for-like change, small trend."""

from __future__ import annotations

import streamlit as st

from dashboard import followup_ui, safe, theme
from dashboard.charts import svg
from views import labels
from views.overview import Kpi

# Card containers are keyed with this prefix: theme.CSS lets their rows wrap, never cut.
CARD_KEY_PREFIX = "yf_kpi_"


def change_text(kpi: Kpi) -> str | None:
    """Change vs the comparison period: percentage points for rates, plain difference else;
    持平 when it rounds to zero (views.labels)."""
    if kpi.unit == "%":
        return labels.change_pp(kpi.change)
    if kpi.change is None:
        return None
    return labels.FLAT if round(kpi.change, 1) == 0 else f"{kpi.change:+,.1f}"


def definition_help(kpi: Kpi, previous_label: str) -> str:
    """The tooltip: the definition and this period's sums (names escaped as literal text)."""
    agg = "取期内有数据的最后一个月" if kpi.period_agg == "last" else "期内各月分子、分母分别累加"
    direction = "越高越好" if kpi.higher_is_better else "越低越好"
    numbers = ""
    if kpi.denominator is not None:
        numbers = f"\n\n本期：分子 {kpi.numerator:,.0f} / 分母 {kpi.denominator:,.0f}"
        if kpi.month:
            numbers += f"（数据月份至 {kpi.month}）"
    if kpi.previous is not None:
        numbers += (
            f"\n\n对比期（{previous_label}）：{labels.indicator_value(kpi.previous, kpi.unit)}"
        )
    elif kpi.no_change_reason:
        numbers += f"\n\n{kpi.no_change_reason}"
    weight = f"权重 {kpi.weight:g}" if kpi.weight else "不计入综合得分"
    target = kpi.target_text
    return (
        f"**{safe.markdown(kpi.name)}**（{safe.markdown(kpi.code)}）\n\n率 = Σ分子 / Σ分母"
        f"{' × 100' if kpi.unit == '%' else ''}；{agg}；{direction}；目标 {target}；{weight}。{numbers}"
    )


def trend_chart(kpi: Kpi) -> str:
    """The card's sparkline (server-drawn SVG, no Plotly): the months' values in the
    attainment band's colour, the target dashed; '' with fewer than two months of values."""
    points = [
        svg.SparkPoint(labels.month_tick(m, year=True), v, labels.indicator_value(v, kpi.unit))
        for m, v in kpi.trend
    ]
    return svg.sparkline(
        points,
        theme.ATTAINMENT_COLORS[kpi.band],
        target=kpi.target,
        target_text=f"目标 {kpi.target_text}",
    )


def card(kpi: Kpi, previous_label: str, notes=()) -> None:
    """One bordered KPI card: the value, change, trend against target and attainment badge,
    and the 解读 written on it (dashboard.followup_ui)."""
    delta = change_text(kpi)
    target = kpi.target_text
    color, symbol, word = theme.ATTAINMENT_STYLES[kpi.band]
    key = CARD_KEY_PREFIX + "".join(ch if ch.isalnum() else "_" for ch in kpi.code)
    with st.container(border=True, key=key):
        st.metric(
            safe.markdown(kpi.name),
            kpi.value_text,
            **labels.metric_delta(delta, "normal" if kpi.higher_is_better else "inverse"),
            delta_description=f"较{previous_label}" if delta else None,
            help=definition_help(kpi, previous_label),
        )
        spark = trend_chart(kpi)
        if spark:
            st.markdown(spark, unsafe_allow_html=True)
        if kpi.value is not None:
            st.badge(f"{symbol} {word} · 目标 {target}", color=color)
            if delta is None and kpi.no_change_reason:
                st.caption(kpi.no_change_reason)
        else:
            st.badge(f"— {kpi.no_value_reason} · 目标 {target}", color="gray")
        followup_ui.beside(notes)
