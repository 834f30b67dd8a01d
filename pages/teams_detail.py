"""The drill-down into one family-doctor team on the 团队工作量 page (its 团队详情 tab):
renders views.teams.team_detail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import safe, signin, state
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts import teams as charts
from dashboard.data import cached
from pages import teams_funds as performance
from pages import teams_state
from views import labels, teams
from views.teams import FLAG, FLAG_RULE, TeamDetail

SELECT_WIDTH_PX = 520  # room for the longest team name with its township
METRICS_PER_ROW = 4  # a seven-digit figure with its unit still fits a quarter of 1440 px


def _numbers(df: pd.DataFrame) -> dict:
    """Thousands separators for the numeric columns of a table."""
    return {
        col: st.column_config.NumberColumn(format="localized")
        for col in df.columns
        if pd.api.types.is_numeric_dtype(df[col])
    }


def _members(detail: TeamDetail) -> None:
    members = detail.members
    st.markdown(f"**成员（{len(members)} 人）**")
    if members.empty:
        st.info("该团队没有登记成员。")
        return
    st.caption(
        " · ".join(
            f"{name} {detail.members_by_level[lv]} 人" for lv, name in labels.LEVEL_LABELS.items()
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


def _villages(detail: TeamDetail) -> None:
    villages = detail.villages
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


def _points(detail: TeamDetail) -> None:
    st.markdown("**各类服务与积分**")
    rows = detail.by_type
    shown = pd.DataFrame(
        {
            "服务类型": rows["name"],
            "服务量（人次）": rows["services"],
            "每次积分": rows["points_each"],
            "积分": rows["points"],
        }
    )
    if detail.yuan_per_point is not None:
        shown["估算绩效经费（元）"] = pd.to_numeric(rows["funds"]).round(0)
    st.dataframe(shown, hide_index=True, column_config=_numbers(shown))


def render(names: dict[str, str], filters: state.Filters, amount: float | None) -> None:
    """The team selectbox and, for the chosen team, its figures, members, villages and months."""
    teams_state.seed_team_widget()
    team_id = st.selectbox(
        "选择团队",
        ["", *names],
        format_func=lambda t: names.get(t, "请选择团队…"),
        key=teams_state.W_TEAM,
        on_change=teams_state.on_team_widget_change,
        width=SELECT_WIDTH_PX,
    )
    if not team_id:
        st.info("请在上方选择一个团队，或在“团队列表”中选中一行后点击“查看详情”。")
        return
    detail = cached(teams.team_detail)(
        filters.scope, filters.window, team_id, yuan_per_point=amount
    )
    if detail is None:
        st.info("该团队不在所选范围内。")
        return
    row = detail.figures
    st.subheader(safe.markdown(row["name"]))
    leader = detail.info.get("leader") or labels.NO_VALUE
    st.caption(safe.markdown(f"{row['township_name']} · 队长：{leader} · 团队编号 {team_id}"))

    figures = [
        ("服务人次", f"{row['services']:,}", "本期各类服务合计"),
        ("积分", labels.number(row["points"], 1), "Σ 服务量 × 每项服务积分"),
        ("人均服务量", labels.number(row["services_per_member"], 1), "服务总量 / 成员数"),
        (
            "每千人服务量",
            labels.number(row["services_per_1000"], 1),
            f"服务人口 {row['population']:,} 人",
        ),
        (
            labels.VILLAGE_DOCTOR_SHARE,
            labels.fraction_pct(row["village_doctor_share"]),
            "村级成员提供的服务 / 全部服务",
        ),
        (
            labels.PASS_RATE,
            labels.fraction_pct(row["pass_rate"]),
            f"合格 {row['passed']:,} / 抽查 {row['checked']:,} 人次",
        ),
    ]
    if detail.funds is not None:
        figures.insert(
            2, ("估算绩效经费", f"{detail.funds:,.0f} 元", f"积分 × 每积分 {amount:g} 元")
        )
    for start in range(0, len(figures), METRICS_PER_ROW):
        row_figures = figures[start : start + METRICS_PER_ROW]
        for column, (label, value, help_text) in zip(
            st.columns(METRICS_PER_ROW), row_figures, strict=False
        ):
            column.metric(label, value, help=help_text)
    if amount is None:
        st.caption("未配置每积分金额，只统计积分，不估算绩效经费。")
        user = signin.current_user()
        if user is not None and user.is_admin:  # where to set it is for the administrator only
            st.caption(f"管理员：每积分金额在{performance.SOURCE_HINT}中配置。")
    if detail.flagged:
        st.warning(f"{FLAG} 该团队{FLAG_RULE}，建议核查服务记录的真实性。")

    left, right = st.columns(2)
    with left:
        _members(detail)
    with right:
        _villages(detail)
    _points(detail)

    if detail.monthly.empty:
        st.info("该团队近 12 个月没有服务记录。")
        return
    highlight = filters.window.period.months
    left, right = st.columns(2)
    with left:
        st.markdown("**各类服务逐月**")
        fig = charts.monthly_stack(detail.monthly, detail.trend_months, "service_type", highlight)
        st.plotly_chart(fig, config=PLOTLY_CONFIG)
    with right:
        st.markdown("**各层级成员服务逐月**")
        fig = charts.monthly_stack(detail.monthly, detail.trend_months, "member_level", highlight)
        st.plotly_chart(fig, config=PLOTLY_CONFIG)
    st.caption("近 12 个月，阴影为所选期间。")
