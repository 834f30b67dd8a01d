"""数据质量: renders views.quality — where recorded work looks implausible, each flag with its
figure, comparison and sentence (建议核查), a link to the view that explains it, what a flag
is and is not, and the method with its thresholds."""

from __future__ import annotations

import streamlit as st

from dashboard import (
    downloads,
    excel,
    navigation,
    quality_settings,
    safe,
    signin,
    small_cells,
    state,
)
from dashboard.data import cached
from pages import quality_state
from views import common, quality
from views.quality_flags import LEVEL_LABELS

CARDS_SHOWN = 40  # flags drawn as cards; the full list is the table and its download
# Badges, not emoji: an intranet PC may have no colour-emoji font (Chromium draws a box).
SEVERITY_BADGES = {"high": ":red-badge[严重程度高]", "medium": ":orange-badge[严重程度中]"}
LEVELS = {"all": "全部", **LEVEL_LABELS}

filters = state.current()
st.title("数据质量")

if filters.window is None:
    st.info("数据库中还没有任何月份的数据，无法检查数据质量。")
    st.stop()

thresholds, problems = quality_settings.read()
if problems:
    user = signin.current_user()
    if user is not None and user.is_admin:  # where to fix it is for the administrator only
        st.warning(
            f"数据质量阈值配置有误（{quality_settings.SOURCE_HINT}），已按默认值计算："
            + "；".join(problems)
        )

view = cached(quality.build)(
    filters.scope, filters.window, thresholds=thresholds, small=small_cells.floor(filters.visible)
)
if not view.has_entities:
    st.info("所选范围内没有团队和村。请在左侧选择其他乡镇或县区。")
    st.stop()

with st.container(border=True):
    st.markdown("**提示是什么、不是什么**")
    st.markdown(f":material/fact_check: {quality.WHAT_A_FLAG_IS}")
    st.markdown(f":material/block: {quality.WHAT_A_FLAG_IS_NOT}")

cols = st.columns(4)
cols[0].metric("提示", f"{view.count:,} 条", help="所选范围与期间内的全部提示")
cols[1].metric("其中严重程度高", f"{view.high:,} 条")
cols[2].metric(
    "涉及对象",
    f"{len({(f.entity.level, f.entity.code) for f in view.flags}):,} 个",
    help="团队、村和乡镇",
)
cols[3].metric(
    "已检查", f"{view.teams:,} 个团队", help=f"{view.villages:,} 个村，{view.townships:,} 个乡镇"
)
if view.by_rule:
    st.caption("按类型：" + " · ".join(f"{kind} {n}" for kind, n in view.by_rule.items()))
for note in view.not_evaluated:
    st.caption(note)


def flag_card(flag) -> None:
    entity = flag.entity
    with st.container(border=True):
        st.markdown(
            f"{SEVERITY_BADGES[flag.severity]} **{flag.kind}** · "
            f"{LEVEL_LABELS[entity.level]} **{safe.markdown(entity.name)}**"
            f"（{safe.markdown(entity.where)}）"
        )
        st.markdown(safe.markdown(flag.sentence))
        st.caption(f"数字：{safe.markdown(flag.figure)}；比较：{safe.markdown(flag.comparison)}")
        navigation.link(flag.link.page, flag.link.label, filters, dict(flag.link.params))


st.subheader("提示清单")
if not view.flags:
    st.success(f"{view.window.label}所选范围内没有数据质量提示。")
else:
    level = st.segmented_control(
        "对象", list(LEVELS), format_func=LEVELS.get, default="all", key=quality_state.W_LEVEL
    )
    shown = view.flags if level in (None, "all") else view.of_level(level)
    if not shown:
        st.info(f"没有关于{LEVELS[level]}的提示。")
    for flag in shown[:CARDS_SHOWN]:
        flag_card(flag)
    if len(shown) > CARDS_SHOWN:
        st.caption(f"只列出前 {CARDS_SHOWN} 条（严重程度高的在前），完整清单见下表或下载。")

    st.subheader("按乡镇汇总")
    st.dataframe(view.township_summary(), hide_index=True)

    with st.expander(f"全部提示（{view.count:,} 条）"):
        table = view.table()
        st.dataframe(table, hide_index=True)
        head = cached(common.header)(filters.scope)
        title = excel.Title("数据质量", head.scope_words, view.window.label, head.freshness)
        downloads.table_buttons("数据质量", table, title)

st.subheader("方法说明")
st.caption(
    "每条规则的判断方法、阈值和理由如下。阈值由管理员在配置中设定"
    f"（{quality_settings.SOURCE_HINT}，名称见 README），本页按当前设定计算。"
    "所有数字来自分析库中的汇总，不含患者身份信息。"
)
for kind, rule, why in view.method:
    st.markdown(f"**{kind}**：{rule}  \n*理由：{why}*")
