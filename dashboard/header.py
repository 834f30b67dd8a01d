"""The strip on top of every page: scope and period in words, data freshness, demo badge."""

from __future__ import annotations

import html

import streamlit as st

from dashboard import data
from dashboard.data import cached
from dashboard.state import Filters
from views import common, labels


def render(filters: Filters) -> None:
    head = cached(common.header)(filters.scope)
    window = filters.window
    period = window.label if window else "无期间"
    compare = f"对比 {window.previous_label}" if window else ""
    demo = f'<span class="yf-demo">{labels.DEMO_BADGE}</span>' if head.demo else ""
    st.markdown(
        f'<div class="yf-header">{demo}'
        f'<span class="yf-scope">{html.escape(head.scope_words)} · {html.escape(period)}</span>'
        f'<span class="yf-meta">{html.escape(compare)}</span>'
        f'<span class="yf-meta">{html.escape(head.freshness)}</span></div>',
        unsafe_allow_html=True,
    )
    refresh = refresh_words()
    if refresh:
        st.caption(refresh)


def refresh_words() -> str | None:
    """A line on a refresh of the analytics store under way or failed (None: neither)."""
    keeper = data.database().keeper
    if keeper is None:
        return None
    if keeper.building:
        return (
            f"数据更新中（{keeper.fraction:.0%}）：完成后自动切换，此前显示的是上面注明时间的数据。"
        )
    if keeper.error is not None:
        return "最近一次数据更新未完成，显示的仍是上面注明时间的数据；将在几分钟后自动重试。"
    return None
