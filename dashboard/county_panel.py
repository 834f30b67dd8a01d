"""The 与全县比较 panel a township head sees on 总览, 慢病三色 and 团队工作量: renders
views.county_reference (names stay data in a table, never markup)."""

from __future__ import annotations

import streamlit as st

from dashboard import safe
from views.county_reference import METHOD, CountyReference

ROW_PX = 35  # a dataframe row (and its header) at Streamlit's default size


def render(reference: CountyReference | None) -> None:
    """The panel, or nothing outside a township scope."""
    if reference is None or not reference.rows:
        return
    table = reference.table()
    with st.container(border=True):
        st.markdown(f"**{safe.markdown(reference.title)}**")
        # every row at once: a dozen indicators must not hide behind a scroll bar
        height = ROW_PX * (len(table) + 1) + 3
        st.dataframe(table, hide_index=True, width="stretch", height=height)
        st.caption(METHOD)
