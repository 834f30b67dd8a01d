"""The grid map's village panel: facts, team, services this period, 绿黄红 mix, indicators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import navigation, state, theme
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts.chronic import share_bars
from dashboard.data import cached
from data_access import village_detail
from data_access.periods import Period
from views import labels


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
        f"{labels.md_escape(info['county_name'])} · {labels.md_escape(info['township_name'])}"
        f" · 面积 {area_text} · 村代码 {info['village_code']}"
    )


def _services(info: dict, period: Period) -> None:
    st.markdown("**本期服务（团队服务量按人口比例分摊到本村）**")
    if not isinstance(info["team_id"], str):
        st.info("本村没有登记服务团队。")
        return
    st.markdown(f"团队：**{labels.md_escape(info['team_name'])}**")
    services = cached(village_detail.village_services)(info["village_code"], period)
    if services.empty or services["team_services"].sum() == 0:
        st.info(f"团队在{period.label}没有服务记录。")
        return
    part = services["village_share"].iloc[0]
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
        column_config={"本村分摊": st.column_config.NumberColumn(format="%.1f")},
    )
    st.caption(f"本村常住人口占团队服务人口的 {labels.pct(None if part is None else 100 * part)}。")
    st.page_link(
        navigation.page("teams"),
        label="查看该团队的工作量",
        icon=":material/arrow_forward:",
        query_params={state.URL_TEAM: info["team_id"]},
    )


def _colors(info: dict, period: Period) -> None:
    st.markdown("**慢病三色（绿黄红）**")
    month, mix = cached(village_detail.village_colors)(info["village_code"], period)
    if month is None:
        st.info(f"{period.label}本村没有慢病管理记录。")
        return
    totals = mix.groupby("color")["patients"].sum()
    whole = int(totals.sum())
    st.markdown(
        " · ".join(
            f"{labels.COLOR_LABELS[c]} **{int(totals.get(c, 0)):,}**"
            f"（{labels.pct(100 * totals.get(c, 0) / whole) if whole else labels.NO_VALUE}）"
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
    st.plotly_chart(fig, config={**PLOTLY_CONFIG, "displayModeBar": False}, width="stretch")
    st.caption(f"{month} 月末在管 {whole:,} 人次（按病种计）")


def _indicators(info: dict, period: Period) -> None:
    st.markdown("**指标（本村）**")
    values = cached(village_detail.village_indicators)(info["village_code"], period)
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


def render(village_code: str, period: Period) -> None:
    """The panel of one village for the period (nothing when the code is unknown)."""
    info = cached(village_detail.village_info)(village_code)
    if info is None:
        return
    cls = info["village_class"]
    with st.container():
        st.subheader(
            f"{labels.md_escape(info['name'])} · {labels.CLASS_LABELS.get(cls, cls)}"
            f"（{labels.CLASS_MEANING.get(cls, '')}）"
        )
        _facts(info)
        left, middle, right = st.columns([1, 1.1, 1.4])
        with left:
            _services(info, period)
        with middle:
            _colors(info, period)
        with right:
            _indicators(info, period)
