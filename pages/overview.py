"""总览: headline indicators against target, the county at a glance, and what needs attention."""

from __future__ import annotations

import streamlit as st

from dashboard import data, kpi, labels, navigation, state
from data_access import overview

CARDS_PER_ROW = 4  # four cards fit a 1440-px screen with readable type
ALERT_LIST_MAX = 8  # longer lists belong on the page the alert links to

filters = state.current()
scope, period = filters.scope, filters.period
st.title("总览")

if period is None:
    st.info("数据库中还没有任何月份的数据，无法计算指标。")
    st.stop()

classes = data.query("villages.village_class_summary", scope)
if classes.empty:
    st.info("所选范围内没有村（网格），请在左侧选择其他乡镇或县区。")
    st.stop()

values = data.query("indicators.indicator_values", scope, period)
previous = data.query("indicators.indicator_values", scope, filters.previous)
trend = data.query("indicators.indicator_trend", scope, kpi.trend_months(period))
levels = data.query("indicators.indicator_levels")
month = data.query("chronic.snapshot_month", scope, period)
workload = data.query("teams.team_workload", scope, period)

if values["denominator"].isna().all() and month is None and workload["services"].sum() == 0:
    st.info(f"{period.label}没有任何数据。请在左侧选择其他期间（只列出有数据的期间）。")
    st.stop()

# --- headline indicators -------------------------------------------------------------------
st.subheader("核心指标")
prev_values = dict(zip(previous["indicator_code"], previous["value"], strict=True))
rows = list(values.itertuples(index=False))
for start in range(0, len(rows), CARDS_PER_ROW):
    for column, row in zip(
        st.columns(CARDS_PER_ROW), rows[start : start + CARDS_PER_ROW], strict=False
    ):
        with column:
            series = trend.loc[trend["indicator_code"] == row.indicator_code, "value"].dropna()
            reason = kpi.missing_reason(
                row, levels.get(row.indicator_code, set()), bool(scope.township_codes)
            )
            kpi.card(row, prev_values.get(row.indicator_code), series.tolist(), reason)

# --- the scope at a glance -----------------------------------------------------------------
st.subheader("基本情况")
grid_col, team_col, chronic_col = st.columns(3)
with grid_col, st.container(border=True):
    st.markdown("**网格（行政村）**")
    for r in classes.itertuples(index=False):
        st.metric(
            f"{labels.CLASS_LABELS.get(r.village_class, r.village_class)}（{labels.CLASS_MEANING.get(r.village_class, '')}）",
            f"{r.villages:,} 个",
            help=f"常住人口 {r.population:,} 人，重点人群 {r.key_population:,} 人",
        )
with team_col, st.container(border=True):
    st.markdown("**家庭医生团队**")
    members = data.query("teams.member_composition", scope)
    st.metric("团队", f"{len(workload):,} 个", help="所选乡镇卫生院管理的团队")
    by_level = dict(zip(members["level"], members["members"], strict=True))
    st.markdown(
        " · ".join(
            f"{labels.LEVEL_LABELS[lv]} {by_level.get(lv, 0):,} 人" for lv in labels.LEVEL_LABELS
        )
    )
with chronic_col, st.container(border=True):
    st.markdown("**慢病患者（绿黄红）**")
    if month is None:
        st.caption("本期无慢病管理数据。")
    else:
        colors = data.query("chronic.color_distribution", scope, month)
        totals = colors.groupby("color")["patients"].sum()
        total = int(totals.sum())
        for color in ("green", "yellow", "red"):
            n = int(totals.get(color, 0))
            share = f"{100 * n / total:.1f}%" if total else labels.NO_VALUE
            st.markdown(f"**{labels.COLOR_LABELS[color]}** {n:,} 人（{share}）")
        st.caption(f"{month} 月末在管 {total:,} 人次（按病种计）")

# --- alerts ------------------------------------------------------------------------------------
st.subheader("需要关注")
# The same cached results as above; only the three alert-specific queries are new.
alerts = overview.alerts_from(
    month,
    data.query("chronic.red_not_at_county", scope, month) if month else 0,
    workload,
    values,
    data.query("overview.villages_without_service", scope, period),
    data.query("overview.funding_by_class", scope, period.year),
)
shown = 0


def alert(text: str, page: str, link_label: str, details=None) -> None:
    global shown
    shown += 1
    with st.container(border=True):
        st.markdown(f"⚠️ {text}")
        if details is not None and not details.empty:
            with st.expander("明细"):
                st.dataframe(details.head(ALERT_LIST_MAX * 5), hide_index=True, width="stretch")
        st.page_link(navigation.page(page), label=link_label, icon=":material/arrow_forward:")


if alerts.red_not_at_county:
    alert(
        f"**{alerts.red_not_at_county:,}** 名红标患者未由县总医院管理（{alerts.snapshot_month} 月末，推送不到位）",
        "chronic",
        "查看慢病三色",
    )
gaps = alerts.villages_without_service
if not gaps.empty:
    alert(
        f"**{len(gaps):,}** 个村本期没有任何团队服务记录",
        "teams",
        "查看团队工作量",
        gaps.rename(columns={"name": "村", "township_name": "乡镇", "team_name": "团队"})[
            ["村", "乡镇", "团队"]
        ],
    )
low = alerts.low_pass_teams
if not low.empty:
    threshold = int(alerts.thresholds["low_pass_rate"] * 100)
    table = low.assign(合格率=[labels.pct(100 * r) for r in low["pass_rate"]]).rename(
        columns={
            "name": "团队",
            "township_name": "乡镇",
            "services": "服务量",
            "checked": "抽查",
            "passed": "合格",
        }
    )
    alert(
        f"**{len(low):,}** 个团队抽查合格率低于 {threshold}%（抽查不少于 {alerts.thresholds['min_checked']} 人次）",
        "teams",
        "查看团队工作量",
        table[["团队", "乡镇", "服务量", "抽查", "合格", "合格率"]],
    )
below = alerts.indicators_below_target
if not below.empty:
    alert(
        "未达目标的指标："
        + "、".join(
            f"{labels.md_escape(r.name)} {labels.indicator_value(r.value, r.unit)}（目标 {labels.indicator_value(r.target, r.unit, 0)}）"
            for r in below.itertuples(index=False)
        ),
        "rankings",
        "查看县区排名",
    )
tilt = alerts.funding_not_tilted
if not tilt.empty:
    alert(
        f"{period.year}年 **{len(tilt)}** 个县区二类村人均经费低于一类村："
        + "、".join(
            f"{labels.md_escape(r.county_name)}（二类 {r.class2:,.0f} 元/人 < 一类 {r.class1:,.0f} 元/人）"
            for r in tilt.itertuples(index=False)
        ),
        "map",
        "查看网格地图",
    )
if shown == 0:
    st.success("本期没有需要特别关注的事项。")
