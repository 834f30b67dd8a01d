"""网格地图: renders views.grid_map — where the 一类/二类 villages are, each thematic layer,
the class comparison, the villages at odds with their class, drill-down and the village panel.

The map section is a fragment: switching the layer, clicking a village or choosing one in
the list reruns only that section, and the built map is cached per scope, period and layer,
so an unchanged map is not rebuilt nor sent again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import safe, signin, small_cells, state
from dashboard.data import cached
from geo import maps
from pages import grid_map_layers as map_layers
from pages import grid_map_state
from pages import grid_map_tables as map_tables
from pages import grid_map_village_panel as village_panel
from views import grid_map, grid_map_village

W_UP_COUNTY, W_UP_ALL = "w_map_up_county", "w_map_up_all"  # 返回 buttons
W_MAP = "w_map_leaflet"
W_SEARCH = "w_map_village_search"  # the search box over the village list
# The village list under the map holds the search's matches, never every village (7,000 in a
# province were 208 KB sent on every run): enough to pick from, few enough to read.
VILLAGE_OPTIONS_MAX = 50
# Tall enough for a county's outline at 1440×900 with the header above it.
MAP_HEIGHT_PX = 600
MISMATCH_LIST_MAX = 30  # longer lists scroll; the count above says how many in all

filters = state.current()
scope, window = filters.scope, filters.window
st.title("网格地图")

if window is None:
    st.info("数据库中还没有任何月份的数据，无法绘制专题图。")
    st.stop()

view = cached(grid_map.build)(scope, window)
if not view.has_villages:
    st.info("所选范围内没有村（网格），请在左侧选择其他乡镇或县区。")
    st.stop()

if view.period_is_empty:
    st.info(
        f"{window.label}所选范围内没有服务、慢病、指标或经费数据：专题图层显示为“无数据”，"
        "村类别和基本情况照常显示。请在左侧选择其他期间。"
    )

try:
    map_layers.leaflet_url()
    geo = map_layers.geometry(scope)
except map_layers.MapUnavailable as exc:
    st.error(str(exc))
    st.stop()

names = dict(zip(view.villages["village_code"], view.villages["name"], strict=True))


def _on_layer_chosen() -> None:
    grid_map_state.on_map_layer_widget_change(grid_map.DEFAULT_LAYER)


def _on_village_chosen() -> None:
    grid_map_state.open_map_village(st.session_state.get(grid_map_state.W_MAP_VILLAGE))


def _close_village() -> None:
    grid_map_state.open_map_village(None)
    st.session_state[grid_map_state.W_MAP_VILLAGE] = None


@st.dialog("村详情", width="large", position="right", on_dismiss=_close_village)
def village_dialog(village_code: str) -> None:
    village_panel.render(scope, window, village_code)


def _clicked(result: dict | None) -> tuple[str | None, str | None]:
    """(kind, code) of a new click on the map; the component re-sends its last click on every
    rerun, and a new click has a new position."""
    result = result or {}
    props = (result.get("last_active_drawing") or {}).get("properties")
    kind, code = maps.clicked_area(props)
    token = (kind, code, str(result.get("last_object_clicked")))
    if kind is None or st.session_state.get(grid_map_state.S_MAP_HANDLED_CLICK) == token:
        return None, None
    st.session_state[grid_map_state.S_MAP_HANDLED_CLICK] = token
    return kind, code


@signin.fragment
def map_section() -> None:
    layer_key = grid_map_state.map_layer(tuple(grid_map.LAYERS), grid_map.DEFAULT_LAYER)
    st.session_state[grid_map_state.W_MAP_LAYER] = layer_key
    # The whole column's width: five layer names do not fit beside another control.
    st.segmented_control(
        "专题图层",
        list(grid_map.LAYERS),
        format_func=lambda k: grid_map.LAYERS[k].label,
        key=grid_map_state.W_MAP_LAYER,
        on_change=_on_layer_chosen,
    )

    kind = code = None
    if geo.bounds is None:
        st.info("所选范围内的村既没有边界，也没有村卫生室坐标，无法绘制地图。")
    else:
        result = st_folium(
            map_layers.map_for(scope, window, layer_key, filters.visible),
            height=MAP_HEIGHT_PX,
            use_container_width=True,
            returned_objects=["last_active_drawing", "last_object_clicked"],
            key=W_MAP,
        )
        kind, code = _clicked(result)
    if scope.township_codes:
        if st.button("返回全县", icon=":material/zoom_out_map:", key=W_UP_COUNTY):
            state.drill_to(scope.county_code, ())
            st.rerun(scope="app")
    elif scope.county_code:
        if st.button("返回全部县区", icon=":material/zoom_out_map:", key=W_UP_ALL):
            state.drill_to(None, ())
            st.rerun(scope="app")
    layer = grid_map.LAYERS[layer_key]
    if view.at_county_level:
        how = "全市（州）按县区着色，数值为各县区全部村的合计；点击县区查看该县各村。"
    elif len(geo.counties) > 1:
        how = "点击县名称下钻到该县（放大后显示乡镇名称，也可点击）；点击村查看详情。"
    elif len(geo.townships) > 1:
        how = "点击乡镇名称下钻到该乡镇；点击村查看详情。"
    else:
        how = "点击村查看详情。"
    st.caption(f"**{layer.label}**：{layer.definition}。{how if geo.bounds else ''}")
    if layer_key in view.empty_layers and not view.period_is_empty:
        st.caption(layer.no_values)
    if geo.file_error:
        st.warning(
            f"配置的边界文件未能使用，地图改用数据库中的边界。原因：{safe.markdown(geo.file_error)}",
            icon=":material/warning:",
        )
    _unplaced()

    # Drill-down from a click (codes from the browser are checked against the view).
    if kind == "village" and code in names:
        grid_map_state.open_map_village(code)
    elif kind == "town" and code in set(view.townships["township_code"]):
        county = view.townships.loc[view.townships["township_code"] == code, "county_code"]
        if scope.township_codes != (code,):
            state.drill_to(county.iloc[0], (code,))
            st.rerun(scope="app")
    elif kind == "county" and code in set(view.counties["county_code"]):
        if scope.county_code != code or scope.township_codes:
            state.drill_to(code, ())
            st.rerun(scope="app")

    open_village = grid_map_state.map_village(set(names))
    village_picker(open_village)
    if open_village:
        village_dialog(open_village)


def village_picker(open_village: str | None) -> None:
    """A search box and the list of its matches (at most VILLAGE_OPTIONS_MAX villages)."""
    search_col, pick_col = st.columns([2, 3], vertical_alignment="bottom")
    query = search_col.text_input(
        "查找村",
        key=W_SEARCH,
        placeholder="输入村名、乡镇名或村代码",
        max_chars=40,
    )
    codes, total = grid_map_village.find_villages(view.villages, query, VILLAGE_OPTIONS_MAX)
    if open_village and open_village not in codes:
        codes = [open_village, *codes]  # the open village stays selectable
    st.session_state[grid_map_state.W_MAP_VILLAGE] = open_village
    pick_col.selectbox(
        "查看村详情（或在地图上点击村）",
        codes,
        format_func=lambda c: f"{names[c]}（{c}）",
        key=grid_map_state.W_MAP_VILLAGE,
        placeholder="选择一个村…" if codes else "没有找到符合的村",
        on_change=_on_village_chosen,
    )
    if query.strip():
        shown = (
            f"，列出前 {VILLAGE_OPTIONS_MAX} 个，请输入更多字缩小范围" if total > len(codes) else ""
        )
        st.caption(f"找到 {total:,} 个村{shown}。")
    elif total > len(codes):
        st.caption(
            f"共 {total:,} 个村，列表只列出前 {VILLAGE_OPTIONS_MAX} 个：输入村名查找其他村。"
        )


def _unplaced() -> None:
    villages = view.villages
    unplaced = villages[villages["village_code"].isin(set(geo.points["village_code"]))]
    nowhere = villages[villages["village_code"].isin(set(geo.missing))]
    if not len(unplaced) and not len(nowhere):
        return
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


map_col, side_col = st.columns([3, 2], gap="medium")
with map_col:
    map_section()

# Keyed: theme.CSS moves this column under the map on a narrow window.
with side_col, st.container(key="yf_map_side"):
    st.subheader("一类村与二类村对比")
    # a township role sees small patient counts as <5 and not the red share they form
    comparison = grid_map.class_comparison(view, small_cells.floor(filters.visible))
    st.dataframe(
        map_tables.class_table(comparison, view.window.period.kind),
        hide_index=True,
        width="stretch",
    )
    tilt = map_tables.tilt_sentence(view)
    if tilt:
        st.markdown(tilt)
    st.caption(
        f"率均为 Σ分子 ÷ Σ分母。服务量：团队服务量{grid_map.SERVICES_APPORTIONED}"
        "（按各村常住人口占团队服务人口的比例）。"
        f"人均经费为 {view.year} 年经费，只计有经费记录的村。"
        f"红标占比按{map_tables.month_text(view.chronic_month)}在管人次计（全部病种）。"
    )
    if comparison.changes is not None:
        st.markdown(f"**较{window.previous_label}**")
        st.dataframe(
            map_tables.change_table(comparison, view.window.period.kind),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(f"与上期比较：{view.no_change_reason}")
    st.subheader("分类与条件不符的村")
    st.markdown(map_tables.mismatch_rule(view.rule))
    if view.mismatches.empty:
        st.success("没有发现分类与距离、路况明显不符的村。")
    else:
        st.markdown(f"共 **{len(view.mismatches)}** 个村：")
        st.dataframe(
            map_tables.mismatch_table(view.mismatches.head(MISMATCH_LIST_MAX)),
            hide_index=True,
            width="stretch",
        )
