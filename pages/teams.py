"""团队工作量: renders views.teams — who carries the work, whether it is genuine (抽查), whether
it tilts to village doctors, the team list and one team up close."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import county_panel, downloads, excel, followup_ui, safe, signin, state
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts import teams as charts
from dashboard.data import cached
from pages import teams_detail as team_detail
from pages import teams_funds as performance
from pages import teams_state
from views import common, county_reference, labels, teams
from views.teams import FLAG, FLAG_RULE, HIGH_VOLUME_RULE, HIGH_VOLUME_WORDS

log = logging.getLogger(__name__)

# URL value (teams_state.TEAM_TABS) → the tab's label.
TABS = dict(zip(teams_state.TEAM_TABS, ("概况", "团队列表", "团队详情"), strict=True))
TAB_OF_LABEL = {label: tab for tab, label in TABS.items()}
MAX_ECHO = 24  # longest URL text echoed back in a notice
TABLE_HEIGHT_PX = 560  # about 15 rows: the list stays on one screen with its buttons
MONTHLY_BY = {"service_type": "按服务类型", "member_level": "按成员层级"}
# The list's headline columns on screen under short headers (the full header on hover and in
# the download), so they fit a 1024-px screen through 抽查合格率 and the flag.
SHORT_HEADERS = {
    "服务总量（人次）": "服务量",
    "人均服务量": "人均",
    "每千服务人口服务量": "每千人",
    "估算绩效经费（元）": "经费（元）",
    f"{labels.VILLAGE_DOCTOR_SHARE}（%）": "村医占比",
    "抽查（人次）": "抽查",
    "合格（人次）": "合格",
    f"{labels.PASS_RATE}（%）": "合格率",
    teams.FLAG_COLUMN: teams.FLAG,
}
W_QUALITY_PLOT = "w_team_quality_plot"  # the expander of the volume × pass-rate scatter

filters = state.current()
st.title("团队工作量")

if filters.window is None:
    st.info("数据库中还没有任何月份的数据，无法统计团队工作量。")
    st.stop()

try:
    amount = performance.yuan_per_point()
except ValueError as exc:
    amount = None
    log.warning("invalid yuan per point (%s): %s", performance.SOURCE_HINT, exc)
    user = signin.current_user()
    if user is not None and user.is_admin:  # where to fix it is for the administrator only
        st.warning(f"每积分金额配置无效（{performance.SOURCE_HINT}）：{exc}。不估算绩效经费。")
    else:
        st.caption("每积分金额未能读取，只统计积分，不估算绩效经费。")

view = cached(teams.build)(filters.scope, filters.window, yuan_per_point=amount)
if not view.has_teams:
    st.info("所选范围内没有家庭医生团队。请在左侧选择其他乡镇或县区。")
    st.stop()
names = dict(zip(view.teams["team_id"], view.teams["label"], strict=True))

# --- the team and the tab in the URL: a link opens them; unknown ids are dropped --------------
linked = teams_state.linked_team()
if linked is not None:
    if linked in names:
        teams_state.choose_team(linked)
        st.session_state[teams_state.W_TEAM_VIEW] = TABS["detail"]
    else:
        echo = "".join(ch for ch in linked[:MAX_ECHO] if ch.isalnum() or ch in "-_.")
        st.warning(
            f"链接中的团队“{echo}”不存在或不在所选范围内，已忽略。请在“团队详情”中选择团队。",
            icon=":material/link_off:",
        )
linked_tab = teams_state.linked_team_tab()
if linked_tab is not None:
    st.session_state[teams_state.W_TEAM_VIEW] = TABS[linked_tab]
if teams_state.chosen_team() not in names:
    teams_state.choose_team(None)
teams_state.write_team_url(teams_state.chosen_team())


def delta_pp(change: teams.Change | None) -> str | None:
    return None if change is None else labels.change_pp(change.change)


def compared(change: teams.Change | None) -> str:
    """The comparison in words for a metric's help: against what, or why there is none."""
    if change is None:
        return ""
    if change.reason:
        return f"；未显示变化：{change.reason}"
    return f"；变化为较{view.window.previous_label}"


def headline() -> None:
    t = view.totals
    cols = st.columns(6)
    composition = " · ".join(
        f"{name} {t[f'members_{lv}']:,}" for lv, name in labels.LEVEL_LABELS.items()
    )
    cols[0].metric("团队", f"{t['teams']:,} 个", help=f"成员 {t['members']:,} 人：{composition}")
    services = view.services_change
    cols[1].metric(
        "服务总量",
        labels.compact_number(t["services"]),
        **labels.metric_delta(labels.change_relative(services.change)),
        help=f"{t['services']:,} 人次{compared(services)}",
    )
    cols[2].metric(  # the unit, which names the period, sits in the label: values stay short
        f"每千人服务量（{labels.per_1000_unit(view.window.period.kind)}）",
        labels.figure(t["services_per_1000"], "per_1000"),
        help=f"服务总量 × 1000 / 团队所服务村的常住人口（{t['population']:,} 人）",
    )
    cols[3].metric(
        "积分",
        labels.compact_number(t["points"]),
        help=f"{t['points']:,.1f}（Σ 服务量 × 每项服务积分）",
    )
    cols[4].metric(
        labels.VILLAGE_DOCTOR_SHARE,
        labels.fraction_pct(t["village_doctor_share"]),
        **labels.metric_delta(delta_pp(view.village_share_change)),
        help=f"村级成员提供的服务 / 全部服务{compared(view.village_share_change)}",
    )
    cols[5].metric(
        labels.PASS_RATE,
        labels.fraction_pct(t["pass_rate"]),
        **labels.metric_delta(delta_pp(view.pass_rate_change)),
        help=f"合格 {t['passed']:,} / 抽查 {t['checked']:,} 人次{compared(view.pass_rate_change)}",
    )
    with cols[5]:  # 解读 of the scope's 抽查合格率, under it
        followup_ui.beside(followup_ui.notes_by_figure(filters).get(labels.PASS_RATE, ()))
    notes = []
    if not view.window.comparable:
        notes.append(f"未显示较上期变化：{view.window.no_change_reason}。")
    else:
        notes.append(f"变化为较{view.window.previous_label}（同口径月份）。")
    if view.funds is not None:
        notes.append(f"按每积分 {view.yuan_per_point:g} 元估算，绩效经费约 {view.funds:,.0f} 元。")
    if notes:
        st.caption(" ".join(notes))


@signin.fragment  # its widgets rerun this section only
def ranking() -> None:
    st.subheader("团队排名")
    measure = st.selectbox(
        "排名指标",
        list(teams.MEASURES),
        format_func=lambda m: teams.MEASURES[m][0],
        key=teams_state.W_TEAM_MEASURE,
    )
    highest = True
    if len(view.teams) > charts.RANK_MAX:
        end = st.segmented_control(
            "显示",
            ["top", "bottom"],
            format_func={
                "top": f"最高 {charts.RANK_MAX} 个",
                "bottom": f"最低 {charts.RANK_MAX} 个",
            }.get,
            default="top",
            key=teams_state.W_TEAM_RANK_END,
        )
        highest = end != "bottom"
    rows = view.ranked(measure, highest).head(charts.RANK_MAX)
    if rows.empty:
        st.info(f"本期没有团队有“{teams.MEASURES[measure][0]}”的值。")
    else:
        st.markdown(charts.ranking_html(rows, measure), unsafe_allow_html=True)
    missing = view.unranked(measure)
    if not missing.empty:
        st.caption(
            f"{len(missing)} 个团队无此值（分母为 0），未参与排名："
            + "、".join(map(safe.markdown, missing["label"]))
        )


@signin.fragment  # its widgets rerun this section only
def monthly() -> None:
    st.subheader("服务逐月")
    if view.monthly.empty:
        st.info("近 12 个月没有服务记录。")
        return
    by = st.segmented_control(
        "分组", list(MONTHLY_BY), format_func=MONTHLY_BY.get, default="service_type",
        key=teams_state.W_TEAM_MONTHLY_BY, label_visibility="collapsed",
    )  # fmt: skip
    columns = charts.monthly_stack_html(
        view.monthly, view.trend_months, by or "service_type", view.window.period.months
    )
    st.markdown(columns, unsafe_allow_html=True)
    st.caption("近 12 个月，阴影为所选期间。")


def quality() -> None:
    st.subheader(f"服务量与{labels.PASS_RATE}")
    checked = view.teams[view.teams["checked"] > 0]
    if view.no_checks_reason:
        st.info(view.no_checks_reason)
        return
    # The scatter pays for Plotly (hover over hundreds of teams): drawn only when opened, so
    # the page a user lands on loads no Plotly; the flagged teams are listed below anyway.
    with st.expander(
        "散点图：各团队服务量与合格率（可悬停查看团队）", key=W_QUALITY_PLOT, on_change="rerun"
    ) as plot:
        if plot.open:
            fig = charts.volume_quality(
                checked,
                view.flagged_teams,
                view.high_volume_threshold,
                view.thresholds["low_pass_rate"],
                view.thresholds["min_checked"],
            )
            st.plotly_chart(fig, config=PLOTLY_CONFIG)
    for r in view.flagged_teams.itertuples(index=False):
        busy = f"（{HIGH_VOLUME_WORDS}）" if r.high_volume else ""
        st.markdown(
            f"**{FLAG}{r.mark}** {safe.markdown(r.label)}{busy}：服务 {r.services:,} 人次，"
            f"抽查 {r.checked:,} 人次，合格率 {labels.fraction_pct(r.pass_rate)}"
        )
    reference = labels.number(view.high_volume_threshold)
    st.caption(
        f"{FLAG} 标记规则：{FLAG_RULE}，只看团队自身的抽查，与所选范围无关。"
        f"本期 {view.flagged_count} 个团队被标记；{view.unchecked} 个团队无抽查，未画出。"
        f"“{HIGH_VOLUME_WORDS}”仅作参考：{HIGH_VOLUME_RULE}（{reference} 人次，虚线）。"
    )


def village_share() -> None:
    st.subheader(labels.VILLAGE_DOCTOR_SHARE)
    bars = view.village_share_rows
    if bars.empty:
        st.info(f"{view.window.label}没有团队服务记录。")
        return
    st.markdown(charts.village_share_html(bars.head(charts.RANK_MAX)), unsafe_allow_html=True)
    shown = f"占比最低的 {charts.RANK_MAX} 个；" if len(bars) > charts.RANK_MAX else ""
    st.caption(
        f"{shown}{view.below_median_count} 个团队低于所在县区中位数"
        "（▼，中位数取全县有服务的团队，不受乡镇筛选影响）。"
    )


def overview_tab() -> None:
    if not view.has_activity:
        st.info(f"{view.window.label}所选范围内没有团队服务和抽查记录。请在左侧选择其他期间。")
        return
    headline()
    county_panel.render(cached(county_reference.for_teams)(filters.scope, filters.window.period))
    left, right = st.columns(2)
    with left:
        ranking()
    with right:
        monthly()
    left, right = st.columns(2)
    with left:
        quality()
    with right:
        village_share()


def excel_title() -> excel.Title:
    head = cached(common.header)(filters.scope)
    return excel.Title("团队工作量", head.scope_words, view.window.label, head.freshness)


def list_column(header: str, values):
    """A column of the team list: its number format, and a short header where it has one."""
    short = SHORT_HEADERS.get(header)
    help_text = header if short else None
    kind = labels.column_kind(header, values)
    if kind:
        return st.column_config.NumberColumn(
            short, help=help_text, format=labels.COLUMN_FORMATS[kind]
        )
    return st.column_config.Column(short, help=help_text)


def table_tab() -> None:
    shown = view.table()
    if view.no_checks_reason:
        st.info(view.no_checks_reason)
    st.caption(
        f"{FLAG} 标记：{FLAG_RULE}；本期 {view.flagged_count} 个团队被标记。"
        "点击表头排序；选中一行可查看该团队详情。"
    )
    event = st.dataframe(
        shown,
        hide_index=True,
        placeholder=labels.NO_VALUE,
        on_select="rerun",
        selection_mode="single-row",
        key=teams_state.W_TEAM_TABLE,
        height=TABLE_HEIGHT_PX,
        column_config={
            "团队": st.column_config.TextColumn(pinned=True),
            **{col: list_column(col, shown[col]) for col in shown.columns if col != "团队"},
        },
    )
    picked = event.selection.rows if event else []
    if picked:
        team_id = view.teams["team_id"].iloc[picked[0]]

        def open_detail() -> None:
            teams_state.choose_team(team_id)
            st.session_state[teams_state.W_TEAM_VIEW] = TABS["detail"]

        st.button(
            f"查看“{safe.markdown(safe.cut(names[team_id]))}”详情",
            on_click=open_detail,
            type="primary",
            help=safe.markdown(names[team_id])
            if safe.cut(names[team_id]) != names[team_id]
            else None,
        )
    title = excel_title()  # here: the download thread has no session to read the database from
    downloads.table_buttons("团队工作量", shown, title)


tabs = st.tabs(list(TABS.values()), key=teams_state.W_TEAM_VIEW, on_change="rerun")
teams_state.write_team_tab_url(
    TAB_OF_LABEL.get(st.session_state.get(teams_state.W_TEAM_VIEW), "overview")
)
with tabs[0]:
    if tabs[0].open:
        overview_tab()
with tabs[1]:
    if tabs[1].open:
        table_tab()
with tabs[2]:
    if tabs[2].open:
        team_detail.render(names, filters, amount)
