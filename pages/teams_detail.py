"""The drill-down into one family-doctor team on the 团队工作量 page (its 团队详情 tab)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts import teams as charts
from dashboard.data import cached
from data_access import meta, team_detail, teams
from data_access.periods import Period
from data_access.scope import Scope
from pages import teams_funds as performance
from views import labels
from views.common import trend_months

SELECT_WIDTH_PX = 520  # room for the longest team name with its township
METRICS_PER_ROW = 4  # a seven-digit figure with its unit still fits a quarter of 1440 px


def _pct(value) -> str:
    return labels.pct(None if value is None or pd.isna(value) else 100 * value)


def _numbers(df: pd.DataFrame) -> dict:
    """Thousands separators for the numeric columns of a table."""
    return {
        col: st.column_config.NumberColumn(format="localized")
        for col in df.columns
        if pd.api.types.is_numeric_dtype(df[col])
    }


def _members(team_id: str) -> None:
    members = cached(team_detail.team_members)(team_id)
    st.markdown(f"**成员（{len(members)} 人）**")
    if members.empty:
        st.info("该团队没有登记成员。")
        return
    counts = members["level"].value_counts()
    st.caption(
        " · ".join(
            f"{name} {int(counts.get(lv, 0))} 人" for lv, name in labels.LEVEL_LABELS.items()
        )
    )
    shown = pd.DataFrame(
        {
            "姓名": members["name"],
            "层级": members["level"].map(lambda lv: labels.LEVEL_LABELS.get(lv, lv)),
            "角色": members["role"],
        }
    )
    st.dataframe(shown, hide_index=True, placeholder=labels.NO_VALUE, column_config=_numbers(shown))


def _villages(team_id: str) -> None:
    villages = cached(team_detail.team_villages)(team_id)
    st.markdown(f"**负责的村（网格，{len(villages)} 个）**")
    if villages.empty:
        st.info("该团队没有负责的村。")
        return
    shown = pd.DataFrame(
        {
            "村": villages["name"],
            "类别": villages["village_class"].map(lambda c: labels.CLASS_LABELS.get(c, c)),
            "常住人口": villages["population"],
            "重点人群": villages["key_population"],
            "距卫生院（公里）": villages["distance_km"],
            "路况": villages["road"].map(lambda r: labels.ROAD_LABELS.get(r, r)),
        }
    )
    st.dataframe(shown, hide_index=True, placeholder=labels.NO_VALUE, column_config=_numbers(shown))


def _points(team_id: str, types: pd.DataFrame, amount, scope: Scope, period: Period) -> None:
    st.markdown("**各类服务与积分**")
    rows = cached(teams.services_by_type)(scope, period, team_id=team_id)
    found = rows.set_index("service_type")
    shown = pd.DataFrame(
        {
            "服务类型": [
                labels.SERVICE_LABELS.get(t, n)
                for t, n in zip(types["service_type"], types["name"], strict=True)
            ],
            "服务量（人次）": [int(found["services"].get(t, 0)) for t in types["service_type"]],
            "每次积分": types["points"],
            "积分": [float(found["points"].get(t, 0.0)) for t in types["service_type"]],
        }
    )
    if amount is not None:
        shown["估算绩效经费（元）"] = (shown["积分"] * amount).round(0)
    st.dataframe(shown, hide_index=True, column_config=_numbers(shown))


def render(summary: pd.DataFrame, amount, scope: Scope, period: Period) -> None:
    """The team selectbox and, for the chosen team, its figures, members, villages and months."""
    names = dict(zip(summary["team_id"], summary["label"], strict=True))
    state.seed_team_widget()
    team_id = st.selectbox(
        "选择团队",
        ["", *names],
        format_func=lambda t: names.get(t, "请选择团队…"),
        key=state.W_TEAM,
        on_change=state.on_team_widget_change,
        width=SELECT_WIDTH_PX,
    )
    if not team_id:
        st.info("请在上方选择一个团队，或在“团队列表”中选中一行后点击“查看详情”。")
        return
    row = summary[summary["team_id"] == team_id].iloc[0]
    info = cached(team_detail.team_info)(team_id) or {}
    st.subheader(labels.md_escape(row["name"]))
    leader = info.get("leader") or labels.NO_VALUE
    st.caption(labels.md_escape(f"{row['township_name']} · 队长：{leader} · 团队编号 {team_id}"))

    funds = performance.estimated_funds(row["points"], amount)
    figures = [
        ("服务人次", f"{row['services']:,}", "本期各类服务合计"),
        ("积分", labels.number(row["points"], 1), "Σ 服务量 × 每项服务积分"),
        ("人均服务量", labels.number(row["services_per_member"], 1), "服务总量 / 成员数"),
        (
            "每千人服务量",
            labels.number(row["services_per_1000"], 1),
            f"服务人口 {row['population']:,} 人",
        ),
        ("村医服务占比", _pct(row["village_doctor_share"]), "村级成员提供的服务 / 全部服务"),
        (
            "抽查合格率",
            _pct(row["pass_rate"]),
            f"合格 {row['passed']:,} / 抽查 {row['checked']:,} 人次",
        ),
    ]
    if funds is not None:
        figures.insert(2, ("估算绩效经费", f"{funds:,.0f} 元", f"积分 × 每积分 {amount:g} 元"))
    for start in range(0, len(figures), METRICS_PER_ROW):
        row_figures = figures[start : start + METRICS_PER_ROW]
        for column, (label, value, help_text) in zip(
            st.columns(METRICS_PER_ROW), row_figures, strict=False
        ):
            column.metric(label, value, help=help_text)
    if amount is None:
        st.caption(f"未配置每积分金额（{performance.SOURCE_HINT}），不估算绩效经费。")
    if row["flagged"]:
        st.warning("⚑ 该团队服务量高而抽查合格率低，建议核查服务记录的真实性。")

    left, right = st.columns(2)
    with left:
        _members(team_id)
    with right:
        _villages(team_id)
    _points(team_id, cached(teams.service_types)(), amount, scope, period)

    months = charts.since_data(trend_months(period), cached(meta.data_months)())
    monthly = cached(team_detail.monthly_services)(scope, months, team_id=team_id)
    if monthly.empty:
        st.info("该团队近 12 个月没有服务记录。")
        return
    left, right = st.columns(2)
    with left:
        st.markdown("**各类服务逐月**")
        fig = charts.monthly_stack(monthly, months, "service_type", period.months)
        st.plotly_chart(fig, config=PLOTLY_CONFIG)
    with right:
        st.markdown("**各层级成员服务逐月**")
        fig = charts.monthly_stack(monthly, months, "member_level", period.months)
        st.plotly_chart(fig, config=PLOTLY_CONFIG)
    st.caption("近 12 个月，阴影为所选期间。")
