"""The strip on top of every page: scope and period in words, data freshness, demo badge."""

from __future__ import annotations

import html

import streamlit as st

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
