"""总览: renders views.overview — headline indicators, the scope at a glance, the alerts."""

from __future__ import annotations

import streamlit as st

from dashboard import (
    brief_downloads,
    county_panel,
    followup_ui,
    navigation,
    quality_settings,
    safe,
    small_cells,
    state,
)
from dashboard.charts import svg
from dashboard.data import cached
from pages.overview_kpi import card
from views import chronic_cells, county_reference, labels, overview, quality

CARDS_PER_ROW = 4  # four cards fit a 1440-px screen with readable type
ALERT_ROWS_SHOWN = 40  # longer lists belong on the page the alert links to
ALERT_DETAILS_KEY = "yf_alert_details_"  # + the alert's number: its expander
QUALITY_NAMES_SHOWN = 5  # flagged teams and villages named in the 数据质量 alert

filters = state.current()
st.title("总览")
if filters.window is None:
    st.info("数据库中还没有任何月份的数据，无法计算指标。")
    st.stop()
with st.popover("下载周报", icon=":material/description:"):
    st.caption("本页范围与期间的周报（与例会模式的幻灯片相同）。")
    brief_downloads.buttons(filters)
view = cached(overview.build)(filters.scope, filters.window)
# a township role: 推送不到位 of a few people reads <5, as on 慢病三色 (views.chronic_cells)
view = chronic_cells.overview_seen(view, small_cells.floor(filters.visible))
if not view.has_villages:
    st.info("所选范围内没有村（网格），请在左侧选择其他乡镇或县区。")
    st.stop()
if not view.has_data:
    st.info(f"{view.window.label}没有任何数据。请在左侧选择其他期间（只列出有数据的期间）。")
    st.stop()

# --- headline indicators -------------------------------------------------------------------
st.subheader("核心指标")
st.markdown(svg.CSS, unsafe_allow_html=True)  # the sparklines' look, once per page
notes = followup_ui.notes_by_figure(filters)  # 解读, each under its card
for start in range(0, len(view.kpis), CARDS_PER_ROW):
    row = view.kpis[start : start + CARDS_PER_ROW]
    for column, kpi in zip(st.columns(CARDS_PER_ROW), row, strict=False):
        with column:
            card(kpi, view.window.previous_label, notes.get(kpi.name, ()))
# a township head: where the township stands in its county (nothing for a county or more)
county_panel.render(cached(county_reference.for_overview)(filters.scope, filters.window.period))

# --- the scope at a glance -----------------------------------------------------------------
st.subheader("基本情况")
grid_col, team_col, chronic_col = st.columns(3)
with grid_col, st.container(border=True):
    st.markdown("**网格（行政村）**")
    for r in view.classes.itertuples(index=False):
        st.metric(
            f"{labels.CLASS_LABELS.get(r.village_class, r.village_class)}"
            f"（{labels.CLASS_MEANING.get(r.village_class, '')}）",
            f"{r.villages:,} 个",
            help=f"常住人口 {r.population:,} 人，重点人群 {r.key_population:,} 人",
        )
with team_col, st.container(border=True):
    st.markdown("**家庭医生团队**")
    st.metric("团队", f"{view.teams:,} 个", help="所选乡镇卫生院管理的团队")
    st.markdown(
        " · ".join(
            f"{labels.LEVEL_LABELS[lv]} {view.members_by_level.get(lv, 0):,} 人"
            for lv in labels.LEVEL_LABELS
        )
    )
with chronic_col, st.container(border=True):
    st.markdown("**慢病患者（绿黄红）**")
    glance = view.chronic
    if glance is None:
        st.caption("本期无慢病管理数据。")
    else:
        for color in ("green", "yellow", "red"):
            share = glance.share(color)
            st.markdown(
                f"**{labels.COLOR_LABELS[color]}** {glance.counts[color]:,} {glance.unit}"
                f"（{labels.pct(None if share is None else 100 * share)}）"
            )
        st.caption(
            f"{glance.month} 月末在管 {glance.total:,} {glance.unit}（按病种计：同一患者患两种病计 2 人次）"
        )

# --- alerts ------------------------------------------------------------------------------------
st.subheader("需要关注")


def alert_details(alert, number: int) -> None:
    """The alert's rows in an expander; the table is drawn only when it is opened: a data
    grid is a script of its own that the browser would load and draw for every alert."""
    details = st.expander(
        f"明细（{len(alert.details):,} 行）", key=f"{ALERT_DETAILS_KEY}{number}", on_change="rerun"
    )
    with details:
        if not details.open:
            return
        shown = alert.details.head(ALERT_ROWS_SHOWN)
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={  # 1,204 not 1204: the one number rule (views.labels)
                col: st.column_config.NumberColumn(format=labels.COLUMN_FORMATS[kind])
                for col in shown.columns
                if (kind := labels.column_kind(str(col), shown[col]))
            },
        )
        if len(alert.details) > ALERT_ROWS_SHOWN:
            st.caption(f"只列出前 {ALERT_ROWS_SHOWN} 行，完整名单见链接的页面或周报。")


for number, alert in enumerate(view.alerts):
    with st.container(border=True):
        count = alert.count if isinstance(alert.count, str) else f"{alert.count:,}"  # <5
        st.markdown(f"⚠️ **{count}** {alert.unit} {alert.subject}")
        if alert.items:
            st.markdown("、".join(safe.markdown(item) for item in alert.items))
        if alert.details is not None and not alert.details.empty:
            alert_details(alert, number)
        navigation.link(alert.page, alert.link_label, filters, alert.link_params)
checks = cached(quality.build)(
    filters.scope,
    filters.window,
    thresholds=quality_settings.thresholds(),
    small=small_cells.floor(filters.visible),
)
if checks.flags:
    with st.container(border=True):
        st.markdown(
            f"⚠️ **{checks.count:,}** 条 数据质量提示（其中严重程度高 {checks.high:,} 条）："
            "数字不寻常，建议核查，不是结论"
        )
        names = list(dict.fromkeys(f.entity.name for f in checks.flags))
        more = f" 等 {len(names):,} 个" if len(names) > QUALITY_NAMES_SHOWN else ""
        st.markdown("、".join(safe.markdown(n) for n in names[:QUALITY_NAMES_SHOWN]) + more)
        navigation.link("quality", "查看数据质量提示", filters)
if not view.alerts and not checks.flags:
    st.success("本期没有需要特别关注的事项。")
