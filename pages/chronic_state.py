"""慢病三色's own state: the disease shown and the open tab (settings kept in the session and
mirrored in the URL, so a link opens the same view), and the page's widgets."""

from __future__ import annotations

import streamlit as st

from dashboard import drill, state

W_CHRONIC_DISEASE = "w_chronic_disease"
W_CHRONIC_AREA = "w_chronic_area"  # the area whose villages the 推送不到位 table lists
drill.register_drill("area", W_CHRONIC_AREA)  # on the audit trail when it changes
S_CHRONIC_DISEASE = "s_chronic_disease"
# The page's open tab ("" = the first, 期末分布), mirrored in the URL like the disease: 总览's
# 推送不到位 alert links with ?tab=mismatch.
W_CHRONIC_TAB = "w_chronic_tab"
S_CHRONIC_TAB = "s_chronic_tab"


def chronic_disease(diseases: tuple[str, ...]) -> str | None:
    """The disease 慢病三色 shows, or None for all of them together."""
    return state.page_setting(state.URL_DISEASE, S_CHRONIC_DISEASE, diseases) or None


def on_chronic_disease_widget_change() -> None:
    st.session_state[S_CHRONIC_DISEASE] = st.session_state.get(W_CHRONIC_DISEASE) or ""


def chronic_tab(tabs: tuple[str, ...]) -> str:
    """The 慢病三色 tab to open ("" for the first)."""
    return state.page_setting(state.URL_TAB, S_CHRONIC_TAB, tabs)
