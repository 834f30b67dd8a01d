"""The grid map's village panel: renders views.grid_map_village.village_panel — facts, team, services
this period (apportioned from the team), 绿黄红 mix at the map's month, indicators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import navigation, safe, small_cells, state, theme
from dashboard.charts import svg
from dashboard.charts.chronic import share_bars_html
from dashboard.data import cached
from views import attainment, grid_map, grid_map_cells, grid_map_village, labels, masking
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
    # In-app, with the filters: the team's detail tab in the same scope and period.
    navigation.link(
        "teams",
        "查看该团队的工作量",
        state.current(),
        {state.URL_TEAM: info["team_id"], state.URL_TAB: "detail"},
    )


def _hidden(scope: Scope, window: Window, village_code: str, below: int) -> tuple[str, str]:
    """(why the village's patient counts are hidden for this user, "" when they are not; the
    status of its 在管 count): the map's own rule (grid_map_cells.village_status), so the panel
    never shows what the map hides."""
    if not below:
        return "", ""
    view = cached(grid_map.build)(scope, window)
    codes = view.villages["village_code"].tolist()
    if village_code not in codes:
        return "", ""
    at = codes.index(village_code)
    reason = grid_map_cells.hidden_villages(view, below, grid_map.CLASS_COUNTS)[at]
    return reason, grid_map_cells.village_status(view, below)["patients"].iloc[at]


def _count_text(value, reason: str, below: int) -> str:
    """A count of the panel: `<5` when small, 不显示 when the village's counts are hidden."""
    if not reason:
        return f"{int(value):,}"
    if masking.is_small(value, below):
        return masking.words(below)
    return f"{int(value):,}" if not value else masking.PROTECTED


def _colors(panel: grid_map_village.VillagePanel, hidden: tuple[str, str], below: int) -> None:
    st.markdown("**慢病三色（绿黄红）**")
    mix, totals, whole = panel.colors, panel.color_totals, panel.chronic_rows
    if panel.chronic_month is None or not whole:
        st.info(f"{panel.window.label}本村没有慢病管理记录。")
        return
    reason, whole_status = hidden
    # A township role sees <5 for a village's few patients, 不显示 for counts hidden so that
    # they cannot be worked out, and no share or mix that gives them away.
    st.markdown(
        " · ".join(
            f"{labels.COLOR_LABELS[c]} **{_count_text(totals.get(c, 0), reason, below)}**"
            + (
                ""
                if reason
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
    if reason or any(masking.is_small(c, below) for c in mix["patients"]):
        st.caption(f"{reason or masking.hidden_words(below)}：不显示各病种构成。")
    else:
        # server-drawn (no Plotly): the panel opens with the map, the bars need no interaction
        bars = share_bars_html(mix, "disease", names, colors, narrow=True)
        st.markdown(svg.CSS + bars, unsafe_allow_html=True)
    kind = panel.window.period.kind
    red_share = grid_map.LAYERS["red_share"].text(panel.figures.get("red_share"), kind)
    red_words = f"红标占比 {red_share}（与地图图层相同）"
    if reason:
        red_words = reason.replace("不显示", "红标占比不显示")  # 人数<5，红标占比不显示
    whole_text = _count_text(whole, whole_status, below)
    st.caption(
        f"{month_end_words(panel.chronic_month)}在管 {whole_text} 人次（按病种计），{red_words}"
    )


def _indicators(panel: grid_map_village.VillagePanel, below: int) -> None:
    st.markdown("**指标（本村）**")
    values = panel.indicators
    values = values[values["denominator"].notna()]
    if values.empty:
        st.info("本期没有本村的指标数据（部分指标只在县级统计）。")
        return
    rows = []
    for r in values.itertuples(index=False):
        if masking.hidden_rate(r.denominator, below):  # 1/3, 2/2: about one or two people
            rows.append(
                {
                    "指标": r.name,
                    "本村": masking.hidden_words(below),
                    "目标": attainment.target_text(r.target, r.unit),
                    "达标": labels.NO_VALUE,
                }
            )
            continue
        band = attainment.band(r.value, r.target, r.higher_is_better)
        _color, symbol, word = theme.ATTAINMENT_STYLES[band]
        rows.append(
            {
                "指标": r.name,
                "本村": attainment.value_text(r.value, r.unit, r.target, r.higher_is_better),
                "目标": attainment.target_text(r.target, r.unit),
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
        below = small_cells.floor(state.current().visible)
        with middle:
            _colors(panel, _hidden(scope, window, village_code, below), below)
        with right:
            _indicators(panel, below)
