"""网格地图: where the 一类/二类 villages are, whether they are served, and drill-down."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import state
from dashboard.data import cached
from data_access import map as map_figures
from data_access import map as map_queries
from pages import grid_map_layers as map_layers
from pages import grid_map_tables as map_tables
from pages import grid_map_village_panel as village_panel
from views import labels

# Page widget and session keys (page settings, not global filters: they stay out of the URL).
W_LAYER = "w_map_layer"
W_VILLAGE = "w_map_village"
W_UP_COUNTY, W_UP_ALL = "w_map_up_county", "w_map_up_all"  # 返回 buttons
S_HANDLED_CLICK = "s_map_handled_click"  # the map click already acted on (it is re-sent)
S_OPEN_VILLAGE = "s_map_open_village"  # a village chosen in the list, to open this run
# Tall enough for a county's outline at 1440×900 with the header above it.
MAP_HEIGHT_PX = 600
MISMATCH_LIST_MAX = 30  # longer lists scroll; the count above says how many in all

filters = state.current()
scope, period = filters.scope, filters.period
st.title("网格地图")

if period is None:
    st.info("数据库中还没有任何月份的数据，无法绘制专题图。")
    st.stop()

figures = cached(map_queries.village_figures)(scope, period)
if figures.empty:
    st.info("所选范围内没有村（网格），请在左侧选择其他乡镇或县区。")
    st.stop()

period_is_empty = (
    figures["services"].isna().all()
    and figures["patients"].sum() == 0
    and figures["sign_rate"].isna().all()
    and figures["funding"].isna().all()
)
if period_is_empty:
    st.info(
        f"{period.label}所选范围内没有服务、慢病、指标或经费数据：专题图层显示为“无数据”，"
        "村类别和基本情况照常显示。请在左侧选择其他期间。"
    )

try:
    geo = map_layers.geometry(scope)
    map_layers.leaflet_url()
except map_layers.MapUnavailable as exc:
    st.error(str(exc))
    st.stop()

top = st.columns([3, 1.2])
with top[0]:
    layer_key = (
        st.segmented_control(
            "专题图层",
            list(map_layers.LAYERS),
            format_func=lambda k: map_layers.LAYERS[k].label,
            key=W_LAYER,
            default="class",
        )
        or "class"
    )
with top[1]:
    if scope.township_codes:
        if st.button("返回全县", icon=":material/zoom_out_map:", key=W_UP_COUNTY):
            state.drill_to(scope.county_code, ())
            st.rerun()
    elif scope.county_code:
        if st.button("返回全部县区", icon=":material/zoom_out_map:", key=W_UP_ALL):
            state.drill_to(None, ())
            st.rerun()

map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    if geo.bounds is None:
        st.info("所选范围内的村既没有边界，也没有村卫生室坐标，无法绘制地图。")
        clicked = None
    else:
        fmap = map_layers.build_map(figures, geo, layer_key)
        result = st_folium(
            fmap,
            height=MAP_HEIGHT_PX,
            use_container_width=True,
            returned_objects=["last_active_drawing", "last_object_clicked"],
        )
        result = result or {}
        clicked = (result.get("last_active_drawing") or {}).get("properties") or {}
        # The component re-sends its last click on every rerun; a new click has a new position.
        token = (clicked.get("kind"), clicked.get("code"), str(result.get("last_object_clicked")))
        if not clicked or st.session_state.get(S_HANDLED_CLICK) == token:
            clicked = None
        else:
            st.session_state[S_HANDLED_CLICK] = token
    layer = map_layers.LAYERS[layer_key]
    if len(geo.counties) > 1:
        how = "点击县名称下钻到该县（放大后显示乡镇名称，也可点击）；点击村查看详情。"
    elif len(geo.townships) > 1:
        how = "点击乡镇名称下钻到该乡镇；点击村查看详情。"
    else:
        how = "点击村查看详情。"
    st.caption(f"**{layer.label}**：{layer.definition}。{how if geo.bounds else ''}")
    if layer.column and figures[layer.column].isna().all() and not period_is_empty:
        st.caption(map_layers.NO_LAYER_VALUES.get(layer_key, "本期所有村都没有此项数据。"))
    if geo.file_error:
        st.warning(
            f"配置的边界文件未能使用，地图改用数据库中的边界。原因：{labels.md_escape(geo.file_error)}",
            icon=":material/warning:",
        )
    unplaced = figures[figures["village_code"].isin(set(geo.points["village_code"]))]
    nowhere = figures[figures["village_code"].isin(set(geo.missing))]
    if len(unplaced) or len(nowhere):
        with st.expander(
            f"无边界的村：{len(unplaced) + len(nowhere)} 个（地图上以村卫生室位置的圆点表示）"
        ):
            listed = pd.concat(
                [unplaced.assign(where="村卫生室位置"), nowhere.assign(where="无坐标，未绘出")]
            )
            st.dataframe(
                listed.rename(
                    columns={
                        "name": "村",
                        "township_name": "乡镇",
                        "village_code": "村代码",
                        "where": "地图上",
                    }
                )[["村", "乡镇", "村代码", "地图上"]],
                hide_index=True,
                width="stretch",
            )

# --- drill-down from a click (codes from the browser are checked against the data) -------------
kind, code = clicked.get("kind") if clicked else None, clicked.get("code") if clicked else None
open_village = None
if kind == "village" and code in set(figures["village_code"]):
    open_village = code
elif kind == "town" and code in set(geo.townships["township_code"]):
    county = figures.loc[figures["township_code"] == code, "county_code"].iloc[0]
    if scope.township_codes != (code,):
        state.drill_to(county, (code,))
        st.rerun()
elif kind == "county" and code in set(geo.counties["county_code"]):
    if scope.county_code != code or scope.township_codes:
        state.drill_to(code, ())
        st.rerun()

with side_col:
    st.subheader("一类村与二类村对比")
    comparison = map_figures.class_comparison(figures)
    st.dataframe(map_tables.class_table(comparison), hide_index=True, width="stretch")
    tilt = map_tables.tilt_sentence(comparison)
    if tilt:
        st.markdown(tilt)
    st.caption(
        "率均为 Σ分子 ÷ Σ分母。服务量：团队服务量按各村常住人口占团队服务人口的比例分摊到村。"
        f"人均经费为 {period.year} 年经费，只计有经费记录的村。"
    )
    st.subheader("分类与条件不符的村")
    mismatches = map_figures.class_mismatches(figures)
    st.markdown(map_tables.mismatch_rule())
    if mismatches.empty:
        st.success("没有发现分类与距离、路况明显不符的村。")
    else:
        st.markdown(f"共 **{len(mismatches)}** 个村：")
        st.dataframe(
            map_tables.mismatch_table(mismatches.head(MISMATCH_LIST_MAX)),
            hide_index=True,
            width="stretch",
        )

# --- village panel (a drawer over the page, so it shows wherever the page is scrolled) -------


@st.dialog("村详情", width="large", position="right")
def village_dialog(village_code: str) -> None:
    village_panel.render(village_code, period)


def _on_village_chosen() -> None:
    st.session_state[S_OPEN_VILLAGE] = st.session_state.get(W_VILLAGE)


names = dict(zip(figures["village_code"], figures["name"], strict=True))
if st.session_state.get(W_VILLAGE) not in names:
    st.session_state[W_VILLAGE] = None
with map_col:
    st.selectbox(
        "查看村详情（或在地图上点击村）",
        list(names),
        format_func=lambda c: f"{names[c]}（{c}）",
        key=W_VILLAGE,
        placeholder="选择一个村…",
        on_change=_on_village_chosen,
    )
open_village = open_village or st.session_state.pop(S_OPEN_VILLAGE, None)
if open_village in names:
    village_dialog(open_village)
