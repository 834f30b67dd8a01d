"""The 与全县比较 panel a township head sees on 总览, 慢病三色 and 团队工作量: renders
views.county_reference (names stay data in a table, never markup)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import safe
from views.county_reference import CountyReference

ROW_PX = 35  # a dataframe row (and its header) at Streamlit's default size
METHOD = (
    "全县值 = 全县合计分子 ÷ 合计分母（不是各乡镇比率的平均）；"
    "排名在全县有该项数值的乡镇中计算，数值相同者并列（1、2、2、4）。"
)


def render(reference: CountyReference | None) -> None:
    """The panel, or nothing outside a township scope."""
    if reference is None or not reference.rows:
        return
    rows = reference.rows
    own_label = "本乡镇" if len(rows[0].ranks) == 1 else "所选乡镇合计"
    table = pd.DataFrame(
        {
            "项目": [r.label for r in rows],
            own_label: [r.own for r in rows],
            "全县": [r.county for r in rows],
            "在全县乡镇中排名": [r.rank_words for r in rows],
            "方向": [r.better_words for r in rows],
        }
    )
    with st.container(border=True):
        st.markdown(f"**{safe.markdown(reference.title)}**")
        # every row at once: a dozen indicators must not hide behind a scroll bar
        height = ROW_PX * (len(table) + 1) + 3
        st.dataframe(table, hide_index=True, width="stretch", height=height)
        st.caption(METHOD)
