"""The grid map's village panel: renders views.grid_map_village.village_panel — facts, team, services
this period (apportioned from the team), 绿黄红 mix at the map's month, indicators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import navigation, safe, small_cells, state, theme
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts.chronic import share_bars
from dashboard.data import cached
from views import grid_map, grid_map_village, labels
from views.common import Window, month_end_words
from views.domain import Scope


def _facts(info: dict) -> None:
    cols = st.columns(4)
    cols[0].metric("常住人口", f"{labels.number(info['population'])} 人")
    cols[1].metric("重点人群", f"{labels.number(info['key_population'])} 人")
    distance = info["distance_km"]
    cols[2].metric(
        "距乡镇卫生院",
        labels.NO_VALUE if pd.isna(distance) else f"{distance:.1f} km",
    )
    cols[3].metric("路况", labels.ROAD_LABELS.get(info["road"], labels.NO_VALUE))
    area = info["area_km2"]
    area_text = labels.NO_VALUE if pd.isna(area) else f"{area:,.1f} km²"
    st.caption(
        f"{safe.markdown(info['county_name'])} · {safe.markdown(info['township_name'])}"
        f" · 面积 {area_text} · 村代码 {info['village_code']}"
    )


def _services(panel: grid_map_village.VillagePanel) -> None:
    info = panel.facts
    st.markdown(f"**本期服务（{grid_map.SERVICES_APPORTIONED}）**")
    if not isinstance(info["team_id"], str):
        st.info("本村没有登记服务团队。")
        return
    st.markdown(f"团队：**{safe.markdown(info['team_name'])}**")
    services = panel.services
    if services.empty or services["team_services"].sum() == 0:
        st.info(f"团队在{panel.window.label}没有服务记录。")
        return
    per_1000 = panel.figures.get("services_per_1000")
    st.metric(
        "每千人服务量（本村分摊）",
        grid_map.LAYERS["services"].text(per_1000, panel.window.period.kind),
        help="与地图“每千人服务量”图层的本村数值相同",
    )
    table = pd.DataFrame(
        {
            "服务类型": [labels.SERVICE_LABELS.get(s, s) for s in services["service_type"]],
            "团队服务量": services["team_services"].astype(int),
            "本村分摊": services["services"].astype(float).round(1),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "团队服务量": st.column_config.NumberColumn(format=labels.COLUMN_FORMATS["count"]),
            "本村分摊": st.column_config.NumberColumn(format=labels.COLUMN_FORMATS["average"]),
        },
    )
    st.caption(panel.services_note + "。")
    st.page_link(
        navigation.page("teams"),
        label="查看该团队的工作量",
        icon=":material/arrow_forward:",
        query_params={state.URL_TEAM: info["team_id"]},
    )


def _colors(panel: grid_map_village.VillagePanel) -> None:
    st.markdown("**慢病三色（绿黄红）**")
    mix, totals, whole = panel.colors, panel.color_totals, panel.chronic_rows
    if panel.chronic_month is None or not whole:
        st.info(f"{panel.window.label}本村没有慢病管理记录。")
        return
    visible = state.current().visible
    # A township role sees <5 for a colour's few patients, and no share that gives them away.
    st.markdown(
        " · ".join(
            f"{labels.COLOR_LABELS[c]} **{small_cells.count(totals.get(c, 0), visible)}**"
            + (
                ""
                if small_cells.share_hidden([totals.get(c, 0), whole], visible)
                else f"（{labels.pct(100 * totals.get(c, 0) / whole) if whole else labels.NO_VALUE}）"
            )
            for c in labels.COLOR_LABELS
        )
    )
    names = {
        d: labels.DISEASE_LABELS.get(d, d)
        for d in labels.DISEASE_LABELS
        if d in set(mix["disease"])
    }
    colors = theme.management_colors(state.colorblind())
    fig = share_bars(mix, "disease", names, colors, narrow=True)
    # no mode bar: over a chart this small it covers the legend
    if small_cells.share_hidden(mix["patients"], visible):  # its bars would give them away
        st.caption(f"部分病种的人数{small_cells.words()}，不显示各病种构成。")
    else:
        st.plotly_chart(fig, config={**PLOTLY_CONFIG, "displayModeBar": False}, width="stretch")
    kind = panel.window.period.kind
    red_share = grid_map.LAYERS["red_share"].text(panel.figures.get("red_share"), kind)
    red_words = f"红标占比 {red_share}（与地图图层相同）"
    if small_cells.share_hidden([totals.get("red", 0), whole], visible):
        red_words = f"人数{small_cells.words()}，红标占比不显示"
    st.caption(
        f"{month_end_words(panel.chronic_month)}在管 {small_cells.count(whole, visible)} 人次"
        f"（按病种计），{red_words}"
    )


def _indicators(panel: grid_map_village.VillagePanel) -> None:
    st.markdown("**指标（本村）**")
    values = panel.indicators
    values = values[values["denominator"].notna()]
    if values.empty:
        st.info("本期没有本村的指标数据（部分指标只在县级统计）。")
        return
    rows = []
    for r in values.itertuples(index=False):
        _color, symbol, word = theme.ATTAINMENT_STYLES[labels.attainment_band(r.attainment)]
        rows.append(
            {
                "指标": r.name,
                "本村": labels.indicator_value(r.value, r.unit),
                "目标": labels.indicator_value(r.target, r.unit, 0),
                "达标": f"{symbol} {word}",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def render(scope: Scope, window: Window, village_code: str) -> None:
    """The panel of one village for the window (a sentence when it is not in the scope)."""
    panel = cached(grid_map_village.village_panel)(scope, window, village_code)
    if panel is None:
        st.info("所选范围内没有这个村。")
        return
    info = panel.facts
    cls = info["village_class"]
    with st.container():
        st.subheader(
            f"{safe.markdown(info['name'])} · {labels.CLASS_LABELS.get(cls, cls)}"
            f"（{labels.CLASS_MEANING.get(cls, '')}）"
        )
        _facts(info)
        left, middle, right = st.columns([1, 1.1, 1.4])
        with left:
            _services(panel)
        with middle:
            _colors(panel)
        with right:
            _indicators(panel)
