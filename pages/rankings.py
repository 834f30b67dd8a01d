"""县区排名: renders views.rankings — the official leagues, the indicator drill, 失分, what-if,
the method. Only the open tab runs; the what-if is built only while its tab is open."""

from __future__ import annotations

import streamlit as st

from dashboard import audit, excel, safe, signin, state
from dashboard.charts import ranking_tables as tables
from dashboard.data import cached
from pages import rankings_parts as parts
from pages import rankings_state
from views import common, rankings

filters = state.current()
st.title("县区排名")

if filters.window is None:
    st.info("数据库中还没有任何月份的数据，无法排名。")
    st.stop()
view = cached(rankings.build)(filters.scope, filters.window, visible=filters.visible)
if not view.has_definitions:
    st.info("数据库中没有官方考核指标（indicator 表为空），无法排名。")
    st.stop()
window = view.window
if not view.has_data:
    st.info(f"{window.label}没有任何计分指标的数据，无法排名。请在左侧选择其他期间。")
    st.stop()

scope, counties, towns = view.scope, view.counties, view.townships
county_name = safe.markdown(view.county_name or "")

TABS = {
    "county": "官方排名 · 县区",
    "township": "官方排名 · 乡镇",
    "drill": "单项指标",
    "lost": "失分分析",
    "whatif": "权重模拟",
    "method": "计算方法",
}
# A township head who picked a township wants its rank first; everyone else the counties.
DEFAULT_TAB = "township" if scope.township_codes else "county"


def excel_bytes(title: excel.Title) -> bytes:
    """The workbook (built in the download's own thread: it reads no session state)."""
    sheets = {"县区排名": tables.league_export(counties, view.definitions)}
    if towns is not None:
        sheets[f"{view.county_name}乡镇排名"] = tables.league_export(towns, view.definitions)
    sheets["计算方法"] = tables.method_sheet(view)
    return excel.to_excel_bytes(sheets, title)


head = cached(common.header)(filters.scope)
excel_title = excel.Title("县区排名", head.scope_words, window.label, head.freshness)


intro, download = st.columns([5, 1], vertical_alignment="bottom")
intro.caption(
    f"{window.label} · 官方综合得分 = 100 × Σ(权重 × 达标程度) ÷ Σ权重，达标程度封顶 100%。"
    "完整说明见“计算方法”。"
)
download.download_button(
    "导出 Excel",
    data=audit.deferred(lambda: excel_bytes(excel_title)),
    file_name=safe.file_name("县区排名", head.scope_words, window.label) + ".xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    icon=":material/download:",
    width="stretch",
)
if window.comparable:
    st.caption(f"名次变化与{window.previous_label}（同样的月份）比较。")
else:
    st.warning(
        f"名次变化：{window.no_change_reason}。较上期一栏显示“{rankings.CHANGE_INCOMPLETE}”。",
        icon=":material/info:",
    )


def open_townships() -> None:
    """After a click on a county: its townships' league is what the user came for."""
    st.session_state[rankings_state.S_RANK_TAB] = "township"


# Page settings from the URL (a copied link) or the session; written back to the URL.
tab_key = state.page_setting(state.URL_TAB, rankings_state.S_RANK_TAB, tuple(TABS)) or DEFAULT_TAB
tabs = state.linked_tabs(TABS, tab_key, rankings_state.W_RANK_TAB, rankings_state.S_RANK_TAB)
drill = parts.drill_settings(view)

with tabs["county"]:
    if tabs["county"].open:
        parts.league_table(counties, view)
        parts.own_ranks(counties)
        if scope.county_code:
            st.caption(f"{tables.HIGHLIGHT_MARK}为所选县区（{county_name}）。")
        parts.drill_pills(counties, None, "w_rank_drill_county", open_townships)

with tabs["township"]:
    if tabs["township"].open:
        if towns is None:  # the sidebar may be folded (1024 px): the choice is here too
            st.markdown("请选择一个县区，查看该县各乡镇的排名：")
            parts.drill_pills(counties, None, "w_rank_pick_county", open_townships)
        elif towns.table.empty:
            st.info(f"{county_name}没有乡镇。")
        elif not towns.has_ranks:
            st.info(f"{window.label}{county_name}各乡镇没有任何计分指标的数据。")
        else:
            st.markdown(f"**{county_name}** 各乡镇 · {window.label}")
            parts.league_table(towns, view, frozenset(view.county_only))
            parts.own_ranks(towns)
            parts.township_notes(view)
            parts.drill_pills(towns, scope.county_code, "w_rank_drill_township")

with tabs["drill"]:
    if tabs["drill"].open:
        parts.drill_tab(view, drill)

with tabs["lost"]:
    if tabs["lost"].open:
        parts.lost_tab(view)

with tabs["whatif"]:
    if tabs["whatif"].open:
        # A weight changed reruns the simulation only, not the page.
        signin.fragment(parts.what_if_tab)(view)

with tabs["method"]:
    if tabs["method"].open:
        st.markdown("\n".join(f"- {line}" for line in view.method))
        st.dataframe(view.method_table, hide_index=True)
        st.markdown("**失分的算法**")
        st.markdown("\n".join(f"- {line}" for line in view.lost_method))
