"""团队工作量: who carries the work, whether it is genuine, and whether it tilts to village doctors."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import excel, state
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts import teams as charts
from dashboard.data import cached
from data_access import meta, villages
from data_access import team_detail as team_queries
from data_access import teams as rules
from pages import teams_detail as team_detail
from pages import teams_funds as performance
from views import labels
from views.common import trend_months

TAB_OVERVIEW, TAB_TABLE, TAB_DETAIL = "概况", "团队列表", "团队详情"
MAX_ECHO = 24  # longest URL text echoed back in a notice
PCT_FORMAT = "%.1f%%"
TABLE_HEIGHT_PX = 560  # about 15 rows: the list stays on one screen with its buttons

filters = state.current()
scope, period = filters.scope, filters.period
st.title("团队工作量")

if period is None:
    st.info("数据库中还没有任何月份的数据，无法统计团队工作量。")
    st.stop()
summary = cached(rules.team_summary)(scope, period)
if summary.empty:
    st.info("所选范围内没有家庭医生团队。请在左侧选择其他乡镇或县区。")
    st.stop()

try:
    amount = performance.yuan_per_point()
except ValueError as exc:
    amount = None
    st.warning(f"每积分金额配置无效（{performance.SOURCE_HINT}）：{exc}。不估算绩效经费。")

summary = summary.assign(label=charts.team_labels(summary))
summary["flagged"] = rules.high_volume_low_quality(summary)
names = dict(zip(summary["team_id"], summary["label"], strict=True))
types = cached(rules.service_types)()
type_names = {
    r.service_type: labels.SERVICE_LABELS.get(r.service_type, r.name)
    for r in types.itertuples(index=False)
}

# --- the team in the URL: a link opens its detail; unknown ids are dropped with a notice ----
linked = state.linked_team()
if linked is not None:
    if linked in names:
        state.choose_team(linked)
        st.session_state[state.W_TEAM_VIEW] = TAB_DETAIL
    else:
        echo = "".join(ch for ch in linked[:MAX_ECHO] if ch.isalnum() or ch in "-_.")
        st.warning(
            f"链接中的团队“{echo}”不存在或不在所选范围内，已忽略。请在“团队详情”中选择团队。",
            icon=":material/link_off:",
        )
if state.chosen_team() not in names:
    state.choose_team(None)
state.write_team_url(state.chosen_team())


def pct(value) -> str:
    return labels.pct(None if value is None or pd.isna(value) else 100 * value)


def table(rows: pd.DataFrame) -> pd.DataFrame:
    """The team list with Chinese headers, as shown, downloaded and exported.

    Headline figures first, so they are visible without scrolling sideways; then services by
    type and the team's make-up.
    """
    out = {"团队": rows["name"]}
    if scope.county_code is None:  # several counties: township names alone may repeat
        counties = cached(villages.counties)()
        county_names = dict(zip(counties["county_code"], counties["name"], strict=True))
        out["县区"] = rows["county_code"].map(county_names)
    out |= {
        "乡镇": rows["township_name"],
        "服务总量（人次）": rows["services"],
        "人均服务量": pd.to_numeric(rows["services_per_member"]).round(1),
        "每千服务人口服务量": pd.to_numeric(rows["services_per_1000"]).round(1),
        "积分": rows["points"].round(1),
    }
    if amount is not None:
        out["估算绩效经费（元）"] = (rows["points"] * amount).round(0)
    out |= {
        "村医服务占比（%）": (100 * pd.to_numeric(rows["village_doctor_share"])).round(1),
        "抽查（人次）": rows["checked"],
        "合格（人次）": rows["passed"],
        "抽查合格率（%）": (100 * pd.to_numeric(rows["pass_rate"])).round(1),
        "高服务量低合格率": rows["flagged"].map({True: "⚑ 是", False: ""}),
    }
    out |= {f"{type_names[t]}（人次）": rows[f"services_{t}"] for t in type_names}
    out |= {f"{labels.LEVEL_LABELS[lv]}成员": rows[f"members_{lv}"] for lv in rules.MEMBER_LEVELS}
    out |= {"成员数": rows["members"], "服务村数": rows["villages"], "服务人口": rows["population"]}
    return pd.DataFrame(out).reset_index(drop=True)


def overview_tab() -> None:
    totals = rules.scope_totals(summary)
    before = rules.scope_totals(cached(rules.team_workload)(scope, filters.previous))
    if totals["services"] == 0 and totals["checked"] == 0:
        st.info(f"{period.label}所选范围内没有团队服务和抽查记录。请在左侧选择其他期间。")
        return
    change = f"{(totals['services'] / before['services'] - 1):+.1%}" if before["services"] else None

    def pp(key):
        now, then = totals[key], before[key]
        return None if now is None or then is None else f"{100 * (now - then):+.1f} 个百分点"

    cols = st.columns(6)
    composition = " · ".join(
        f"{name} {totals[f'members_{lv}']:,}" for lv, name in labels.LEVEL_LABELS.items()
    )
    cols[0].metric(
        "团队", f"{totals['teams']:,} 个", help=f"成员 {totals['members']:,} 人：{composition}"
    )
    cols[1].metric(
        "服务总量",
        labels.compact_number(totals["services"]),
        delta=change,
        help=f"{totals['services']:,} 人次；变化为较上期",
    )
    cols[2].metric(
        "每千人服务量",
        labels.number(totals["services_per_1000"], 0),
        help=f"服务总量 × 1000 / 团队所服务村的常住人口（{totals['population']:,} 人）",
    )
    cols[3].metric(
        "积分",
        labels.compact_number(totals["points"]),
        help=f"{totals['points']:,.1f}（Σ 服务量 × 每项服务积分）",
    )
    cols[4].metric(
        "村医服务占比",
        pct(totals["village_doctor_share"]),
        delta=pp("village_doctor_share"),
        help="村级成员提供的服务 / 全部服务",
    )
    cols[5].metric(
        "抽查合格率",
        pct(totals["pass_rate"]),
        delta=pp("pass_rate"),
        help=f"合格 {totals['passed']:,} / 抽查 {totals['checked']:,} 人次",
    )
    if amount is not None:
        st.caption(f"按每积分 {amount:g} 元估算，绩效经费约 {totals['points'] * amount:,.0f} 元。")

    left, right = st.columns(2)
    with left:
        st.subheader("团队排名")
        measure = st.selectbox(
            "排名指标",
            list(charts.MEASURES),
            format_func=lambda m: charts.MEASURES[m][0],
            key=state.W_TEAM_MEASURE,
        )
        highest = True
        if len(summary) > charts.RANK_MAX:
            end = st.segmented_control(
                "显示",
                ["top", "bottom"],
                format_func={
                    "top": f"最高 {charts.RANK_MAX} 个",
                    "bottom": f"最低 {charts.RANK_MAX} 个",
                }.get,
                default="top",
                key=state.W_TEAM_RANK_END,
            )
            highest = end != "bottom"
        rows = charts.ranked(summary, measure, highest)
        if rows.empty:
            st.info(f"本期没有团队有“{charts.MEASURES[measure][0]}”的值。")
        else:
            st.plotly_chart(charts.ranking(rows, measure), config=PLOTLY_CONFIG)
        missing = summary[pd.to_numeric(summary[measure]).isna()]
        if not missing.empty:
            st.caption(
                f"{len(missing)} 个团队无此值（分母为 0），未参与排名："
                + "、".join(map(labels.md_escape, missing["label"]))
            )
    with right:
        st.subheader("各类服务逐月")
        months = charts.since_data(trend_months(period), cached(meta.data_months)())
        monthly = cached(team_queries.monthly_services)(scope, months)
        if monthly.empty:
            st.info("近 12 个月没有服务记录。")
        else:
            fig = charts.monthly_stack(monthly, months, "service_type", period.months)
            st.plotly_chart(fig, config=PLOTLY_CONFIG)
            st.caption("近 12 个月，阴影为所选期间。")

    left, right = st.columns(2)
    with left:
        st.subheader("服务量与抽查合格率")
        checked = summary[summary["checked"] > 0]
        threshold = rules.high_volume_threshold(summary)
        if checked.empty:
            st.info(f"{period.label}没有抽查记录，无法计算合格率。")
        else:
            fig = charts.volume_quality(
                checked, threshold, rules.LOW_PASS_RATE, rules.MIN_CHECKED_FOR_PASS_RATE
            )
            st.plotly_chart(fig, config=PLOTLY_CONFIG)
            for r in charts.flagged(checked).itertuples(index=False):
                st.markdown(
                    f"**⚑{r.mark}** {labels.md_escape(r.label)}：服务 {r.services:,} 人次，"
                    f"抽查 {r.checked:,} 人次，合格率 {pct(r.pass_rate)}"
                )
        st.caption(
            f"⚑ 标记规则：服务总量不低于本范围有服务团队的上四分位数"
            f"（{labels.number(threshold)} 人次），且抽查不少于 {rules.MIN_CHECKED_FOR_PASS_RATE} 人次、"
            f"合格率低于 {rules.LOW_PASS_RATE:.0%}。本期 {int(summary['flagged'].sum())} 个团队被标记；"
            f"{int((summary['checked'] == 0).sum())} 个团队无抽查，未画出。"
        )
    with right:
        st.subheader("村医服务占比")
        medians = cached(rules.village_share_medians)(scope, period)
        median_of = dict(zip(medians["county_code"], medians["median"], strict=True))
        served = summary[summary["services"] > 0]
        bars = served.assign(
            share=pd.to_numeric(served["village_doctor_share"]),
            median=served["county_code"].map(median_of),
        ).sort_values(["share", "label"])
        if bars.empty:
            st.info(f"{period.label}没有团队服务记录。")
        else:
            st.plotly_chart(charts.village_share(bars.head(charts.RANK_MAX)), config=PLOTLY_CONFIG)
            below = int((bars["share"] < bars["median"]).sum())
            shown = f"占比最低的 {charts.RANK_MAX} 个；" if len(bars) > charts.RANK_MAX else ""
            st.caption(
                f"{shown}{below} 个团队低于所在县区中位数（▼，中位数取全县有服务的团队，不受乡镇筛选影响）。"
            )


def table_tab() -> None:
    shown = table(summary)
    st.caption("点击表头排序；选中一行可查看该团队详情。")
    event = st.dataframe(
        shown,
        hide_index=True,
        placeholder=labels.NO_VALUE,
        on_select="rerun",
        selection_mode="single-row",
        key=state.W_TEAM_TABLE,
        height=TABLE_HEIGHT_PX,
        column_config={
            "团队": st.column_config.TextColumn(pinned=True),
            **{
                col: st.column_config.NumberColumn(
                    format=PCT_FORMAT if col.endswith("（%）") else "localized"
                )
                for col in shown.columns
                if pd.api.types.is_numeric_dtype(shown[col])
            },
        },
    )
    picked = event.selection.rows if event else []
    if picked:
        team_id = summary["team_id"].iloc[picked[0]]

        def open_detail() -> None:
            state.choose_team(team_id)
            st.session_state[state.W_TEAM_VIEW] = TAB_DETAIL

        st.button(
            f"查看“{labels.md_escape(names[team_id])}”详情", on_click=open_detail, type="primary"
        )
    stem = f"团队工作量_{scope.county_code or '全部县区'}_{period.key}"
    buttons = st.container(horizontal=True)
    buttons.download_button(
        "下载 Excel",
        lambda: excel.to_excel_bytes({"团队工作量": shown}),  # built on click, not every run
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )
    buttons.download_button(
        "下载 CSV",
        lambda: excel.to_csv_bytes(shown),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


tabs = st.tabs([TAB_OVERVIEW, TAB_TABLE, TAB_DETAIL], key=state.W_TEAM_VIEW, on_change="rerun")
with tabs[0]:
    if tabs[0].open:
        overview_tab()
with tabs[1]:
    if tabs[1].open:
        table_tab()
with tabs[2]:
    if tabs[2].open:
        team_detail.render(summary, amount, scope, period)
