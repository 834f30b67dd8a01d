"""The strip on top of every page: scope and period in words, data freshness, demo badge."""

from __future__ import annotations

import html

import streamlit as st

from dashboard import data, labels
from dashboard.state import Filters


def scope_words(filters: Filters) -> str:
    """e.g. 清河县 · 东镇、西镇 (names from the database, not codes)."""
    scope = filters.scope
    if scope.county_code is None:
        prefectures = data.query("villages.counties")["prefecture"].dropna().unique()
        return "、".join(prefectures) or labels.ALL_COUNTIES
    counties = data.query("villages.counties")
    name = counties.loc[counties["county_code"] == scope.county_code, "name"]
    parts = [name.iloc[0] if len(name) else scope.county_code]
    if scope.township_codes:
        towns = data.query("villages.townships", scope.county_code)
        names = dict(zip(towns["township_code"], towns["name"], strict=True))
        parts.append("、".join(names.get(t, t) for t in scope.township_codes))
    return " · ".join(parts)


def freshness_words() -> str:
    info = data.query("meta.data_info")
    parts = []
    if info.extracted_at:
        parts.append(f"数据截至 {info.extracted_at[:16].replace('T', ' ')}")
    if info.source:
        parts.append(f"来源：{info.source}")
    return " · ".join(parts) or "数据提取时间未知（data_meta 无 extracted_at）"


def render(filters: Filters) -> None:
    info = data.query("meta.data_info")
    period = filters.period.label if filters.period else "无期间"
    compare = f"对比 {filters.previous.label}" if filters.previous else ""
    demo = f'<span class="yf-demo">{labels.DEMO_BADGE}</span>' if info.demo else ""
    st.markdown(
        f'<div class="yf-header">{demo}'
        f'<span class="yf-scope">{html.escape(scope_words(filters))} · {html.escape(period)}</span>'
        f'<span class="yf-meta">{html.escape(compare)}</span>'
        f'<span class="yf-meta">{html.escape(freshness_words())}</span></div>',
        unsafe_allow_html=True,
    )
