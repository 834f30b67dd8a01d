"""慢病三色: the 绿黄红 mix at the period's end, its trend and movement, 推送不到位, red villages."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import data, labels, navigation, state, theme
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts import chronic as charts
from dashboard.kpi import trend_months
from data_access.chronic import (
    COLORS,
    DISEASES,
    EXPECTED_LEVEL,
    MIN_PATIENTS_FOR_RED_SHARE,
    color_shares,
)
from data_access.chronic_flows import summarize_transitions
from data_access.chronic_levels import MISMATCH_VILLAGES_MAX, mismatch_by_color, misplaced
from data_access.periods import Period, month_label
from data_access.scope import Scope

# Whether a rising share is good news, per colour (for the arrow colour of the change).
DELTA_COLORS = {"green": "normal", "yellow": "off", "red": "inverse"}
ESCALATIONS = (("green", "yellow"), ("green", "red"), ("yellow", "red"))


@dataclass(frozen=True)
class View:
    """What every section shows: scope, disease (None = all), the two months compared."""

    scope: Scope
    period: Period
    disease: str | None
    month: str  # the period's end: its last month with data
    before: str | None  # the previous end: the last month with data before the period
    colors: dict

    @property
    def unit(self) -> str:  # with all diseases a patient counts once per disease
        return "人" if self.disease else "人次"

    @property
    def what(self) -> str:
        return labels.DISEASE_LABELS[self.disease] if self.disease else "慢病"

    @property
    def level(self) -> str:  # areas one level below the scope
        return "county" if self.scope.county_code is None else "township"

    @property
    def level_word(self) -> str:
        return "县区" if self.level == "county" else "乡镇"

    def query(self, name: str, *args):
        """A chronic query of this view's scope; `args` go between the scope and the disease."""
        return data.query(name, self.scope, *args, self.disease)


def end_label(month: str) -> str:
    return f"{month_label(month)}末"


def chart(fig, key: str) -> None:
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=key)


def village_table(df, unit: str, count_title: str, count_col: str, share_col: str, share_title):
    """Village rows as a table (names stay text, never HTML), the share as a bar."""
    table = pd.DataFrame(
        {
            "村": df["village_name"],
            "乡镇": df["township_name"],
            "村类别": df["village_class"].map(labels.CLASS_LABELS),
            f"在管（{unit}）": df["patients"],
            count_title: df[count_col],
            share_title: 100 * df[share_col].astype(float),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            share_title: st.column_config.ProgressColumn(
                share_title, format="%.1f%%", min_value=0, max_value=100
            )
        },
    )


def distribution(view: View) -> None:
    st.subheader(f"期末分布 · {end_label(view.month)}")
    now = color_shares(view.query("chronic.color_distribution", view.month)).set_index("color")
    then = None
    if view.before:
        then = color_shares(view.query("chronic.color_distribution", view.before))
        then = then.set_index("color")["share"]
    cards = st.columns(1 + len(COLORS))
    cards[0].metric(f"在管{view.what}患者", f"{now['patients'].sum():,} {view.unit}")
    for card, color in zip(cards[1:], COLORS, strict=True):
        n = int(now["patients"].get(color, 0))
        fraction = float(now["share"].get(color, 0.0))
        delta = None if then is None else 100 * (fraction - float(then.get(color, 0.0)))
        card.metric(
            f"{labels.COLOR_LABELS[color]}（{n:,} {view.unit}）",
            labels.pct(100 * fraction),
            delta=None if delta is None else f"{delta:+.1f} 个百分点",
            delta_color=DELTA_COLORS[color],
            delta_description=f"较{end_label(view.before)}" if view.before else None,
            help=labels.COLOR_MEANING[color],
        )

    area_rows = view.query("chronic.colors_by_area", view.month, view.level)
    by_area = color_shares(area_rows, "area_code")
    names = dict(zip(area_rows["area_code"], area_rows["area_name"], strict=True))
    class_rows = view.query("chronic.color_distribution_by", view.month, "village_class")
    by_class = pd.concat(
        [
            color_shares(class_rows).assign(village_class="total"),
            color_shares(class_rows, "village_class"),
        ]
    )
    class_names = {"total": "合计"} | {
        c: labels.CLASS_LABELS.get(c, str(c)) for c in sorted(class_rows["village_class"].unique())
    }
    area_col, class_col = st.columns([3, 2])
    with area_col:
        st.markdown(f"**各{view.level_word}**（红标占比高的在上）")
        order = charts.red_first(by_area, "area_code", names)
        chart(charts.share_bars(by_area, "area_code", order, view.colors, view.unit), "cs_area")
    with class_col:
        st.markdown("**按村类别**（一类：集中易服务；二类：分散偏远）")
        fig = charts.share_bars(
            by_class, "village_class", class_names, view.colors, view.unit, narrow=True
        )
        chart(fig, "cs_class")


def trend(view: View) -> None:
    st.subheader("各月占比趋势")
    months = trend_months(view.period)
    shares = color_shares(view.query("chronic.color_trend", months), "month")
    chart(charts.share_trend(shares, months, view.colors), "cs_trend")
    missing = [m for m in months if m not in set(shares["month"])]
    if missing:
        st.caption("以下月份无数据，图中断开：" + "、".join(month_label(m) for m in missing))


def transitions(view: View) -> None:
    st.subheader("期间转归")
    if view.before is None:
        st.info(f"{end_label(view.month)}之前没有数据，无法比较标色变化。")
        return
    start, end = end_label(view.before), end_label(view.month)
    previous = view.period.previous()
    if view.before not in previous.months:
        st.caption(f"上期（{previous.label}）无数据，改为与最近有数据的{start}比较。")
    flows = view.query("chronic_flows.transition_flows", view.before, view.month)
    moved = summarize_transitions(flows)
    sankey_col, numbers_col = st.columns([3, 2])
    with sankey_col:
        chart(charts.transition_sankey(flows, view.colors, start, end, view.unit), "cs_sankey")
    with numbers_col:
        st.caption(f"单位：{view.unit}")
        up, down = st.columns(2)
        up.metric("升级（病情加重）", f"{moved.escalated:,}", help="绿→黄、绿→红、黄→红")
        down.metric("好转（降级）", f"{moved.improved:,}", help="红→黄、红→绿、黄→绿")
        same, came, went = st.columns(3)
        same.metric("标色不变", f"{moved.unchanged:,}")
        came.metric(
            labels.ENTERED_LABEL,
            f"{moved.entered:,}",
            help=f"{end}在本范围管理、{start}不在（新纳入管理或从外地迁入）",
        )
        went.metric(
            labels.LEFT_LABEL,
            f"{moved.left:,}",
            help=f"{start}在本范围管理、{end}不在（退出管理或迁往外地）",
        )
        steps = {(r.from_color, r.to_color): r.patients for r in flows.itertuples(index=False)}
        st.markdown(
            "其中 "
            + "，".join(
                f"{labels.COLOR_LABELS[a]}→{labels.COLOR_LABELS[b]} **{steps.get((a, b), 0):,}**"
                for a, b in ESCALATIONS
            )
        )


def mismatch(view: View) -> None:
    st.subheader("推送不到位")
    levels = view.query("chronic_levels.managed_levels", view.month)
    by_color = mismatch_by_color(levels)
    wrong, managed = int(by_color["mismatched"].sum()), int(by_color["patients"].sum())
    rule = "绿标应由村卫生室、黄标应由乡镇卫生院、红标应由县总医院管理。"
    if wrong == 0:
        st.success(f"{end_label(view.month)}所有患者都由与标色相符的机构管理（{rule}）")
        return
    st.markdown(
        f"{end_label(view.month)}有 **{wrong:,}** {view.unit}的管理机构与标色不符"
        f"（占 {labels.pct(100 * wrong / managed)}）：{rule}"
    )
    areas = view.query("chronic_levels.mismatch_by_area", view.month, view.level)
    areas = areas.sort_values(["mismatch_share", "area_code"], ascending=[False, True])
    area_col, color_col = st.columns([3, 2])
    with area_col:
        st.markdown(f"**各{view.level_word}**")
        fig = charts.mismatch_bars(areas, areas["area_name"].tolist(), unit=view.unit)
        chart(fig, "cs_mis_area")
    with color_col:
        st.markdown("**按应管理机构**")
        names = [
            f"{labels.COLOR_LABELS[c]}→{labels.MANAGED_LEVEL_LABELS[EXPECTED_LEVEL[c]]}"
            for c in by_color["color"]
        ]
        fills = [view.colors[c] for c in by_color["color"]]
        chart(charts.mismatch_bars(by_color, names, fills, view.unit), "cs_mis_level")
        for color, rows in misplaced(levels).groupby("color", sort=False):
            where_now = "、".join(
                f"{labels.MANAGED_LEVEL_LABELS.get(r.managed_level, r.managed_level)} {r.patients:,}"
                for r in rows.itertuples(index=False)
            )
            st.markdown(f"- {labels.COLOR_LABELS[color]}实际在：{where_now} {view.unit}")
    mismatch_villages(view, areas[areas["mismatched"] > 0])


def mismatch_villages(view: View, areas: pd.DataFrame) -> None:
    """The villages behind the figures above, for all areas or the one chosen."""
    st.markdown("**推送不到位的村**")
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    if st.session_state.get(state.W_CHRONIC_AREA) not in names:
        st.session_state[state.W_CHRONIC_AREA] = ""
    chosen = st.selectbox(
        f"选择{view.level_word}",
        ["", *names],
        format_func=lambda c: names.get(c, f"全部{view.level_word}"),
        key=state.W_CHRONIC_AREA,
    )
    if chosen and view.level == "county":
        scope = Scope(chosen)
    elif chosen:
        scope = Scope(view.scope.county_code, (chosen,))
    else:
        scope = view.scope
    villages = data.query("chronic_levels.mismatch_villages", scope, view.month, view.disease)
    unit = view.unit
    village_table(villages, unit, f"推送不到位（{unit}）", "mismatched", "mismatch_share", "占比")
    st.caption(
        f"共 {len(villages):,} 个村（最多列出 {MISMATCH_VILLAGES_MAX} 个），按推送不到位人数从多到少。"
    )


def red_villages(view: View) -> None:
    st.subheader("红标占比最高的村")
    red = view.query("chronic.red_share_villages", view.month)
    minimum = f"{MIN_PATIENTS_FOR_RED_SHARE} {view.unit}"
    if red.empty:
        st.info(
            f"没有在管{view.what}患者不少于 {minimum}且有红标的村；"
            "人数太少的村比较占比没有意义，请看上方的分布。"
        )
    else:
        village_table(red, view.unit, f"红标（{view.unit}）", "red", "red_share", "红标占比")
        st.caption(f"只比较在管患者不少于 {minimum}的村：人数少的村占比波动大。")
    st.page_link(
        navigation.page("map"), label="在网格地图上查看各村红标占比", icon=":material/map:"
    )


def controls() -> tuple[str | None, dict]:
    """The disease selector and the palette switch; returns the disease and the colours."""
    colorblind = state.colorblind()
    disease = state.chronic_disease(DISEASES)
    pick_col, palette_col = st.columns([5, 1], vertical_alignment="bottom")
    st.session_state[state.W_CHRONIC_DISEASE] = disease or ""
    pick_col.segmented_control(
        "病种",
        ["", *DISEASES],
        format_func=lambda d: labels.DISEASE_LABELS.get(d, labels.ALL_DISEASES),
        key=state.W_CHRONIC_DISEASE,
        on_change=state.on_chronic_disease_widget_change,
    )
    st.session_state[state.W_COLORBLIND] = colorblind
    palette_col.toggle(
        "色盲友好配色",
        key=state.W_COLORBLIND,
        on_change=state.on_colorblind_widget_change,
        help="绿/黄/红标改用蓝/橙/朱红显示（文字标签不变），适合色觉障碍者和褪色的投影。",
    )
    return disease, theme.management_colors(colorblind)


filters = state.current()
st.title("慢病三色")
disease, colors = controls()
if filters.period is None:
    st.info("数据库中还没有任何月份的数据。")
    st.stop()
month = data.query("chronic.snapshot_month", filters.scope, filters.period, disease)
if month is None:
    what = labels.DISEASE_LABELS[disease] if disease else "慢病"
    st.info(f"{filters.period.label}所选范围内没有{what}三色管理数据。请在左侧选择其他期间或范围。")
    st.stop()
before = data.query("chronic.month_before", filters.scope, filters.period.first_month, disease)
view = View(filters.scope, filters.period, disease, month, before, colors)
st.caption(
    f"期末为本期有数据的最后一个月（{end_label(month)}）。"
    + ("" if disease else "全部病种合计时按病种计数：同一患者患两种病计 2 人次。")
)
distribution(view)
trend(view)
transitions(view)
mismatch(view)
red_villages(view)
