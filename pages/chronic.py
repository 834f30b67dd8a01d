"""慢病三色: renders views.chronic — the 绿黄红 mix, its trend and movement, 推送不到位, red villages."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import (
    county_panel,
    drill,
    followup_ui,
    navigation,
    safe,
    signin,
    small_cells,
    state,
    theme,
)
from dashboard.charts import PLOTLY_CONFIG, svg
from dashboard.charts import chronic as charts
from dashboard.data import cached
from pages import chronic_state
from views import chronic, chronic_cells, county_reference, labels, masking, transition_cells
from views.chronic import ESCALATIONS, ChronicView
from views.domain import (
    COLORS,
    DISEASES,
    EXPECTED_LEVEL,
    MIN_PATIENTS_FOR_RED_SHARE,
    Scope,
    month_label,
)

# Whether a rising share is good news, per colour (for the arrow colour of the change).
DELTA_COLORS = {"green": "normal", "yellow": "off", "red": "inverse"}


def end_label(month: str) -> str:
    return f"{month_label(month)}末"


def chart(fig, key: str) -> None:
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=key)


def bars(markup: str) -> None:
    """Server-drawn 绿黄红 bars (dashboard.charts.svg): the default tab loads no Plotly."""
    st.markdown(svg.CSS + markup, unsafe_allow_html=True)


def village_table(df, unit: str, count_title: str, count_col: str, share_col: str, share_title):
    """Village rows as a table (names stay text, never HTML), the share as a bar."""
    table = pd.DataFrame(
        {
            "村": df["village_name"],
            "乡镇": df["township_name"],
            "县区": df["county_name"],
            "村类别": df["village_class"].map(labels.CLASS_LABELS),
            f"在管（{unit}）": df["patients"],
            count_title: df[count_col],
            share_title: 100 * df[share_col].astype(float),
        }
    )
    # The rows come masked for a township role (views.chronic_cells): <5, 不显示, no share.
    # Such a column is text throughout (Arrow takes one type per column), and the masked rows
    # go last: between 9 and 6 in a list by size, 不显示 would say 6–9.
    masked = df[count_col].map(lambda v: isinstance(v, str)).to_numpy()
    if masked.any():
        table = pd.concat([table[~masked], table[masked]])
        for column in (f"在管（{unit}）", count_title):
            table[column] = table[column].map(lambda v: v if isinstance(v, str) else f"{v:,}")
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


def area_bars(view: ChronicView, colors: dict, reference) -> None:
    """各县区/各乡镇, red first; for chosen townships the county's bar last, as a yardstick."""
    names = dict(zip(view.by_area["area_code"], view.by_area["area_name"], strict=True))
    # Counts a township role may not see read <5 / 不显示 (views.chronic_cells).
    areas = chronic_cells.colour_table_seen(view, "area", "area_code", view.by_area)
    order = charts.red_first(areas, "area_code", names)
    rows = charts.share_rows(areas, "area_code", order, colors)
    county = reference.county_bar if reference is not None else None
    if county is not None and len(county):
        label = {county_reference.COUNTY_BAR_CODE: f"{reference.county_name}（全县）"}
        rows += charts.share_rows(county, "area_code", label, colors)
    bars(svg.stacked_bars(rows, view.unit))
    if len(names) > 1:  # the bars are drawn by the server: their names drill from buttons
        shown = {code: safe.markdown(name) for code, name in names.items()}
        drill.pills(shown, view.level, view.scope.county_code, "w_chronic_drill_area")
    if county is not None:
        st.caption(
            "最后一行为全县合计，供对照。"
            if len(county)
            else f"全县合计不显示：有的人数不足 {small_cells.threshold()}，可能推算出个人。"
        )


def distribution(view: ChronicView, colors: dict, reference=None) -> None:
    st.subheader(f"期末分布 · {view.end_words}")
    cards = st.columns(1 + len(COLORS))
    cards[0].metric(f"在管{view.what}患者", f"{view.total:,} {view.unit}")
    for card, color in zip(cards[1:], COLORS, strict=True):
        fraction = view.shown_share(color)
        delta = view.share_change(color) if fraction is not None else None
        card.metric(
            f"{labels.COLOR_LABELS[color]}（{labels.count(view.shown_count(color))} {view.unit}）",
            labels.pct(None if fraction is None else 100 * fraction),
            **labels.metric_delta(labels.change_pp(delta), DELTA_COLORS[color]),
            delta_description=f"较{end_label(view.before)}" if view.before else None,
            help=labels.COLOR_MEANING[color],
        )
    class_names = {
        c: labels.CLASS_LABELS.get(c, str(c))
        for c in sorted(view.by_class["village_class"].unique())
    }
    area_col, class_col = st.columns([3, 2])
    with area_col:
        st.markdown(f"**各{view.level_word}**（红标占比高的在上）")
        area_bars(view, colors, reference)
    with class_col:
        st.markdown("**按村类别**（一类：集中易服务；二类：分散偏远）")
        if view.by_class["patients"].map(lambda v: isinstance(v, str)).any():  # masked
            st.caption(f"{masking.hidden_words(small_cells.threshold())}：不显示按村类别的分布。")
        else:
            bars(
                charts.share_bars_html(
                    view.by_class, "village_class", class_names, colors, view.unit, narrow=True
                )
            )
    if view.disease is None and len(view.by_disease):
        st.markdown("**各病种**（同一患者患两种病在两个病种各计 1 人）")
        diseases = {
            d: labels.DISEASE_LABELS.get(d, d) for d in dict.fromkeys(view.by_disease["disease"])
        }
        by_disease = chronic_cells.colour_table_seen(view, "disease", "disease", view.by_disease)
        bars(charts.share_bars_html(by_disease, "disease", diseases, colors, "人"))
    county_panel.render(reference)


def trend(view: ChronicView, colors: dict) -> None:
    st.subheader("各月占比趋势")
    chart(charts.share_trend(chronic_cells.trend_seen(view), view.trend_months, colors), "cs_trend")
    missing = view.missing_trend_months
    if missing:
        st.caption("以下月份无数据，图中断开：" + "、".join(month_label(m) for m in missing))


def transitions(view: ChronicView, colors: dict) -> None:
    st.subheader("期间转归")
    moves = view.transitions
    if moves is None:
        st.info(f"{view.end_words}之前没有数据，无法比较标色变化。")
        return
    start, end = end_label(moves.before), end_label(moves.month)
    if moves.previous_has_no_data:
        st.caption(
            f"上期（{view.window.period.full.previous().label}）无数据，改为与最近有数据的{start}比较。"
        )
    moved = transition_cells.summary_seen(view)  # `<5` / 不显示 for a township role
    sankey_col, numbers_col = st.columns([3, 2])
    with sankey_col:
        if transition_cells.any_hidden(view):  # link widths would show the hidden counts
            st.caption(f"{masking.hidden_words(view.small)}或可推算，以表代图：")
            st.dataframe(transition_cells.matrix_table(view, start, end), hide_index=True)
        else:
            fig = charts.transition_sankey(moves.totals(), colors, start, end, view.unit)
            chart(fig, "cs_sankey")
    with numbers_col:
        st.caption(f"单位：{view.unit}。两侧合计分别等于{start}和{end}的在管数。")
        up, down = st.columns(2)
        up.metric("升级（病情加重）", _n(moved["worse"]), help="绿→黄、绿→红、黄→红")
        down.metric("好转（降级）", _n(moved["better"]), help="红→黄、红→绿、黄→绿")
        same, came, went = st.columns(3)
        same.metric("标色不变", _compact(moved["same"]))
        came.metric(
            labels.ENTERED_LABEL,
            _compact(moved["entered"]),
            help=f"{end}在本范围管理、{start}不在（新纳入管理或从外地迁入）",
        )
        went.metric(
            labels.LEFT_LABEL,
            _compact(moved["left"]),
            help=f"{start}在本范围管理、{end}不在（退出管理或迁往外地）",
        )
        st.markdown(
            "其中 "
            + "，".join(
                f"{labels.COLOR_LABELS[a]}→{labels.COLOR_LABELS[b]} "
                f"**{_n(transition_cells.step_seen(view, a, b))}**"
                for a, b in ESCALATIONS
            )
        )


def _n(value) -> str:
    """A count as shown: masked text as it is (`<5`), else with thousands separators."""
    return value if isinstance(value, str) else f"{value:,}"


def _compact(value) -> str:
    """A count in 万 when large; masked text (`<5`, 不显示) as it is."""
    return value if isinstance(value, str) else labels.compact_number(value)


def mismatch(view: ChronicView, colors: dict, below: int, cells) -> None:
    st.subheader(labels.MISMATCH)
    m = view.mismatch
    rule = "绿标应由村卫生室、黄标应由乡镇卫生院、红标应由县总医院管理。"
    notes = followup_ui.notes_by_figure(state.current())  # 解读, under the figure
    notes = [*notes.get(labels.MISMATCH, ()), *notes.get(labels.RED_NOT_UP, ())]
    if m.mismatched == 0:
        st.success(f"{view.end_words}所有患者都由与标色相符的机构管理（{rule}）")
        followup_ui.beside(notes)
        return
    share_words = "" if m.share is None else f"（占 {labels.pct(100 * m.share)}）"
    st.markdown(
        f"{view.end_words}{labels.MISMATCH} **{_n(m.mismatched)}** {view.unit}"
        f"{share_words}，其中{labels.RED_NOT_UP} **{_n(m.red_not_up)}** "
        f"{view.unit}：{rule}"
    )
    followup_ui.beside(notes)
    areas = view.mismatch_by_area
    parts = (m.by_color, m.misplaced, areas)
    if any(t.map(lambda v: isinstance(v, str) and v.startswith("<")).any().any() for t in parts):
        # a few people: the parts (by area, level and where they are) would name them
        st.caption(f"{masking.hidden_words(below)}：不显示各分项。")
        mismatch_villages(view, areas[areas["mismatched"] != 0], below, cells)
        return
    area_col, color_col = st.columns([3, 2])
    with area_col:
        st.markdown(f"**各{view.level_word}**")
        fig = charts.mismatch_bars(areas, areas["area_name"].tolist(), unit=view.unit)
        codes = areas["area_code"].tolist()
        event = st.plotly_chart(
            fig,
            config=PLOTLY_CONFIG,
            key=drill.chart_key("cs_mis_area"),
            on_select="rerun",
            selection_mode="points",
        )
        drill.from_chart(event, set(codes), view.level, view.scope.county_code, codes)
        if len(codes) > 1:
            st.caption(f"点击{view.level_word}的条形可下钻到该{view.level_word}。")
    with color_col:
        st.markdown("**按应管理机构**")
        names = [
            f"{labels.COLOR_LABELS.get(c, c)}→"
            f"{labels.MANAGED_LEVEL_LABELS.get(EXPECTED_LEVEL.get(c), '—')}"
            for c in m.by_color["color"]
        ]
        fills = [colors.get(c, theme.NEUTRAL) for c in m.by_color["color"]]
        chart(charts.mismatch_bars(m.by_color, names, fills, view.unit), "cs_mis_level")
        for color, rows in m.misplaced.groupby("color", sort=False):
            where_now = "、".join(
                f"{labels.MANAGED_LEVEL_LABELS.get(r.managed_level, r.managed_level)} {r.patients:,}"
                for r in rows.itertuples(index=False)
            )
            st.markdown(f"- {labels.COLOR_LABELS.get(color, color)}实际在：{where_now} {view.unit}")
    mismatch_villages(view, areas[areas["mismatched"] > 0], below, cells)


@signin.fragment  # choosing an area reruns this list only
def mismatch_villages(view: ChronicView, areas: pd.DataFrame, below: int, cells) -> None:
    """The villages behind the figures above, for all areas or the one chosen."""
    st.markdown(f"**{labels.MISMATCH}的村**")
    names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    if st.session_state.get(chronic_state.W_CHRONIC_AREA) not in names:
        st.session_state[chronic_state.W_CHRONIC_AREA] = ""
    chosen = st.selectbox(
        f"选择{view.level_word}",
        ["", *names],
        format_func=lambda c: names.get(c, f"全部{view.level_word}"),
        key=chronic_state.W_CHRONIC_AREA,
    )
    if chosen:
        scope = (
            Scope(chosen) if view.level == "county" else Scope(view.scope.county_code, (chosen,))
        )
        found = cached(chronic.mismatch_village_list)(scope, view.month, view.disease)
        if below:  # the same statuses as the whole list (views.chronic_cells)
            rows = chronic_cells.mask_villages(found.rows, cells, below, ("mismatch_share",))
            found = replace(found, rows=rows)
    else:
        found = view.mismatch_villages
    unit = view.unit
    village_table(
        found.rows, unit, f"{labels.MISMATCH}（{unit}）", "mismatched", "mismatch_share", "占比"
    )
    shown = f"，列出前 {len(found.rows):,} 个" if found.capped else ""
    st.caption(f"共 {found.total:,} 个村有{labels.MISMATCH}的患者{shown}，按人数从多到少。")


def red_villages(view: ChronicView) -> None:
    st.subheader("红标占比最高的村")
    red = view.red_villages
    minimum = f"{MIN_PATIENTS_FOR_RED_SHARE} {view.unit}"
    if red.empty:
        st.info(
            f"没有在管{view.what}患者不少于 {minimum}且有红标的村；"
            "人数太少的村比较占比没有意义，请看上方的分布。"
        )
    else:
        village_table(red, view.unit, f"红标（{view.unit}）", "red", "red_share", "红标占比")
        st.caption(f"只比较在管患者不少于 {minimum}的村：人数少的村占比波动大。")
    navigation.link("map", "在网格地图上查看各村红标占比", state.current(), {"layer": "red_share"})


def controls() -> tuple[str | None, dict]:
    """The disease selector and the palette switch; returns the disease and the colours."""
    colorblind = state.colorblind()
    disease = chronic_state.chronic_disease(DISEASES)
    # The switch gets room for its label on a 1024-px screen as well.
    pick_col, palette_col = st.columns([3, 1], vertical_alignment="bottom")
    st.session_state[chronic_state.W_CHRONIC_DISEASE] = disease or ""
    pick_col.segmented_control(
        "病种",
        ["", *DISEASES],
        format_func=lambda d: labels.DISEASE_LABELS.get(d, labels.ALL_DISEASES),
        key=chronic_state.W_CHRONIC_DISEASE,
        on_change=chronic_state.on_chronic_disease_widget_change,
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
if filters.window is None:
    st.info("数据库中还没有任何月份的数据。")
    st.stop()
view = cached(chronic.build)(filters.scope, filters.window, disease)
if view.month is None:
    st.info(
        f"{filters.window.label}所选范围内没有{view.what}三色管理数据。请在左侧选择其他期间或范围。"
    )
    st.stop()
st.caption(
    f"期末为本期有数据的最后一个月（{view.end_words}）。"
    + ("" if disease else "全部病种合计时按病种计数：同一患者患两种病计 2 人次。")
)
# One section per tab, drawn only when open: the page's seven charts and three tables all at
# once took 2.3-2.9 s of the browser's CPU (benchmarks/browser.py, prefecture).
TABS = {
    "": "期末分布",
    "trend": "趋势与转归",
    "mismatch": labels.MISMATCH,
    "red": "红标村",
}
tabs = state.linked_tabs(
    TABS,
    chronic_state.chronic_tab(tuple(k for k in TABS if k)),
    chronic_state.W_CHRONIC_TAB,
    chronic_state.S_CHRONIC_TAB,
)
# A township role's view: village counts masked with the totals beside them in mind.
below = small_cells.floor(filters.visible)
cells = (
    cached(chronic_cells.village_cells)(filters.scope, view.month, disease, below)
    if below
    else None
)
shown = chronic_cells.seen_with(view, cells, below) if below else view
with tabs[""]:
    if tabs[""].open:
        reference = cached(county_reference.for_chronic)(filters.scope, view.month, disease, below)
        distribution(shown, colors, reference)
with tabs["trend"]:
    if tabs["trend"].open:
        trend(shown, colors)  # every month's small colour counts hidden (chronic_cells)
        transitions(shown, colors)
with tabs["mismatch"]:
    if tabs["mismatch"].open:
        mismatch(shown, colors, below, cells)
with tabs["red"]:
    if tabs["red"].open:
        red_villages(shown)
