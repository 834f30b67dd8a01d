"""县区排名's tab bodies (Streamlit): each renders parts of views.rankings' model."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard import drill as drill_keys
from dashboard import safe, state
from dashboard.charts import PLOTLY_CONFIG, league_html
from dashboard.charts import ranking_tables as tables
from dashboard.charts import rankings as charts
from dashboard.data import cached
from pages import rankings_state
from views import labels, rankings
from views.rankings import League, RankingsView

ROW_PX = 35  # st.dataframe's row height: tables get room for every row, no inner scrollbar
WEIGHT_INPUTS_PER_ROW = 5  # five inputs with full indicator names fit a 1440-px screen
MAX_WEIGHT = 100.0  # weights are relative; 100 leaves room for any official scale
WEIGHT_STEP = 0.5
MEASURES = {"value": "指标值", "lost": "失分"}


def _height(rows: int) -> int:
    return ROW_PX * (rows + 1) + 3


def league_table(league: League, view: RankingsView, only: frozenset[str] = frozenset()) -> None:
    """The league as a compact table that shows every indicator without sideways scrolling."""
    window = view.window
    change_help = (
        f"与{window.previous_label}的名次比较：{labels.RANK_MOVE_LEGEND}"
        if league.comparable
        else f"{league.no_change_reason}，不比较名次"
    )
    st.html(
        league_html.league_html(league, view.definitions, len(view.trend_months), only, change_help)
    )
    st.caption(
        "指标值的单位和目标写在表头，鼠标停在表头上可看全称和权重；底色和符号表示达标情况："
        "✓ 达标　◐ 接近目标（达 90% 以上）　✗ 未达标　— 无数值（无数据或分母为 0）"
    )


def township_notes(view: RankingsView) -> None:
    notes = []
    names = dict(zip(view.definitions["indicator_code"], view.definitions["name"], strict=True))
    if view.county_only:
        only = "、".join(names[c] for c in view.county_only if c in names)
        notes.append(f"{only}只在县级统计，乡镇显示 —，不计入乡镇得分。")
    if view.scope.township_codes:
        notes.append(f"{tables.HIGHLIGHT_MARK}为所选乡镇。")
    if notes:
        st.caption(safe.markdown(" ".join(notes)))


@dataclass(frozen=True)
class Drill:
    code: str
    measure: str
    level: str


def _seeded(widget_key: str, session_key: str, value: str):
    """Give a widget the remembered setting (its own state is lost while its tab is hidden)
    and the callback that remembers the user's choice."""
    st.session_state[widget_key] = value
    return lambda: state.set_setting(session_key, st.session_state.get(widget_key) or "")


def drill_settings(view: RankingsView) -> Drill:
    """The drill's indicator, measure and level, from the URL or the session (every run, so
    the URL always carries them)."""
    codes = tuple(view.definitions["indicator_code"])
    code = state.page_setting(state.URL_INDICATOR, rankings_state.S_RANK_INDICATOR, codes)
    measure = state.page_setting(state.URL_MEASURE, rankings_state.S_RANK_MEASURE, tuple(MEASURES))
    levels = ("county", "township") if view.townships is not None else ("county",)
    level = state.page_setting(state.URL_LEVEL, rankings_state.S_RANK_LEVEL, levels)
    return Drill(code or codes[0], measure or "value", level or "county")


def drill_tab(view: RankingsView, drill: Drill) -> None:
    by_code = {d.indicator_code: d for d in view.definitions.itertuples(index=False)}
    pick, measure_pick, scope_pick = st.columns([3, 1, 2])
    with pick:
        on_code = _seeded(
            rankings_state.W_RANK_INDICATOR, rankings_state.S_RANK_INDICATOR, drill.code
        )
        code = st.selectbox(
            "指标",
            list(by_code),
            format_func=lambda c: by_code[c].name,
            key=rankings_state.W_RANK_INDICATOR,
            on_change=on_code,
        )
    with measure_pick:
        on_measure = _seeded(
            rankings_state.W_RANK_MEASURE, rankings_state.S_RANK_MEASURE, drill.measure
        )
        measure = (
            st.segmented_control(
                "显示",
                list(MEASURES),
                format_func=MEASURES.get,
                key=rankings_state.W_RANK_MEASURE,
                on_change=on_measure,
            )
            or "value"
        )
    level = "county"
    if view.townships is not None:
        with scope_pick:
            options = {"county": "各县区之间", "township": f"{view.county_name}各乡镇之间"}
            on_level = _seeded(
                rankings_state.W_RANK_DRILL_LEVEL, rankings_state.S_RANK_LEVEL, drill.level
            )
            level = (
                st.segmented_control(
                    "比较范围",
                    list(options),
                    format_func=options.get,
                    key=rankings_state.W_RANK_DRILL_LEVEL,
                    on_change=on_level,
                )
                or "county"
            )
    league = view.townships if level == "township" else view.counties
    d, area_label, window = by_code[code], league.area_label, view.window
    name = safe.markdown(d.name)
    if level == "township" and code in view.county_only:
        st.info(f"{name}只在县级统计，乡镇没有数值。请比较各县区。")
        return
    rows = league.indicator_rows(code)
    if rows["value"].isna().all():
        st.info(f"{window.label}各{area_label}都没有{name}的数值。")
        return
    chosen = tuple(league.table.loc[league.table["highlight"], "area_code"])
    bars, trend = st.columns(2)
    if measure == "lost" and not d.weight:
        bars.info(f"{name}权重为 0，不计分，没有失分。")
    elif measure == "lost" and not rows["lost"].fillna(0).gt(0).any():
        bars.success(f"各{area_label}{name}均达标，没有失分。")
    elif measure == "lost":
        event = bars.plotly_chart(
            charts.indicator_lost_bars(rows, d, area_label, chosen),
            config=PLOTLY_CONFIG,
            width="stretch",
            on_select="rerun",
            selection_mode="points",
            key=drill_keys.chart_key("rank_drill_bars"),
        )
        drill_keys.from_chart(
            event, set(league.table["area_code"]), league.level, view.scope.county_code
        )
        bars.caption(f"点击{area_label}的条形可下钻到该{area_label}。")
    else:  # drawn on the server (no Plotly): the drill is the buttons under the bars
        bars.markdown(f"**{safe.markdown(charts.indicator_bars_title(d, area_label))}**")
        bars.markdown(charts.indicator_bars(rows, d, area_label, chosen), unsafe_allow_html=True)
        with bars:
            drill_pills(league, view.scope.county_code, drill_keys.chart_key("rank_drill_pills"))
    overall = league.overall[league.overall["indicator_code"] == code]
    # With no area chosen, the league's first stands out, so one line always leads the eye.
    leading = chosen or tuple(league.table["area_code"].head(1))
    trend.plotly_chart(
        charts.indicator_trend_lines(
            league.indicator_monthly(code), overall, d, league.overall_label, leading
        ),
        config=PLOTLY_CONFIG,
        width="stretch",
    )
    missing = rows[rows["value"].isna()]
    if not missing.empty:
        st.caption(
            f"本期没有数值（无数据或分母为 0）的{area_label}："
            + safe.markdown("、".join(missing["name"]))
        )


def drill_pills(league: League, county_code: str | None, key: str, then=None) -> None:
    """The league's areas as buttons: a click drills the filters there (dashboard.drill)."""
    areas = {r.area_code: safe.markdown(r.name) for r in league.table.itertuples(index=False)}
    drill_keys.pills(areas, league.level, county_code, key, then)


def own_ranks(league: League) -> None:
    """Under a league cut to the user's areas: each one's rank among all (第 3 名 / 共 12 个)."""
    if not league.cut:
        return
    ranks = "；".join(
        f"{safe.markdown(r.name)} {league.rank_words(r.rank)}"
        for r in league.table.itertuples(index=False)
    )
    st.caption(f"按您的权限只显示您所辖的{league.area_label}：{ranks}。")


# 失分's heat map fits the page without sideways scrolling at 1024 px (sidebar folded) and at
# 1440 px (sidebar open), about 860 px: the fixed columns are narrow and the indicators share
# the rest; an indicator's full name shows on hover over its header.
LOST_TABLE_PX = 840
LOST_FIXED_PX = {tables.RANK: 48, tables.SCORE: 72, tables.LOST_TOTAL: 72}
LOST_AREA_PX = 96
LOST_MIN_PX = 56


def _lost_columns(columns: list[str], area_label: str) -> dict:
    fixed = {**LOST_FIXED_PX, area_label: LOST_AREA_PX}
    indicators = [c for c in columns if c not in fixed]
    room = LOST_TABLE_PX - sum(fixed.values())
    each = max(LOST_MIN_PX, room // max(len(indicators), 1))
    config = {c: st.column_config.Column(width=px) for c, px in fixed.items() if c in columns}
    config |= {c: st.column_config.Column(c, width=each, help=c) for c in indicators}
    return config


def _lost_league(league: League, title: str) -> None:
    st.markdown(f"**{safe.markdown(title)}**")
    if league.lost.empty:
        st.info("本期没有可计算失分的指标数值。")
        return
    styler = tables.lost_view(league)
    st.dataframe(
        styler,
        hide_index=True,
        height=_height(len(styler.data)),
        row_height=ROW_PX,
        column_config=_lost_columns(list(styler.data.columns), league.area_label),
    )
    with st.expander("明细：每项指标的指标值、达标程度、分值、得分、失分"):
        detail = tables.lost_detail(league)
        st.dataframe(detail, hide_index=True, height=min(_height(len(detail)), 600))


def lost_tab(view: RankingsView) -> None:
    st.markdown(
        "失分 = 该项指标的分值 × (1 − 达标程度)，单位为“分”（满分 100 分）；"
        "各项失分之和 = 100 − 综合得分。按失分合计从多到少排列，颜色越深失分越多。"
    )
    with st.expander("分值、得分、失分的算法"):
        st.markdown("\n".join(f"- {line}" for line in view.lost_method))
    _lost_league(view.counties, f"各县区 · {view.window.label}")
    if view.townships is not None and view.townships.has_ranks:
        _lost_league(view.townships, f"{view.county_name}各乡镇 · {view.window.label}")


def what_if_tab(view: RankingsView) -> None:
    st.markdown(
        "调整下面的权重，看名次会怎样变化。**模拟只在本页生效，不保存，也不改变官方排名**；"
        "离开本页或点击“恢复官方权重”即回到官方权重。"
    )
    level = "county"
    if view.townships is not None:
        options = {"county": "各县区之间", "township": f"{view.county_name}各乡镇之间"}
        if st.session_state.get(rankings_state.W_RANK_WHATIF_LEVEL) not in options:
            st.session_state[rankings_state.W_RANK_WHATIF_LEVEL] = "county"
        level = (
            st.segmented_control(
                "比较范围",
                list(options),
                format_func=options.get,
                key=rankings_state.W_RANK_WHATIF_LEVEL,
            )
            or "county"
        )
    league = view.townships if level == "township" else view.counties
    by_code = {d.indicator_code: d for d in view.definitions.itertuples(index=False)}
    keys = {c: rankings_state.W_RANK_WEIGHT_PREFIX + c for c in by_code}

    def reset_weights() -> None:
        for c, key in keys.items():
            st.session_state[key] = float(by_code[c].weight)

    weights = {}
    columns = st.columns(WEIGHT_INPUTS_PER_ROW)
    for i, (c, key) in enumerate(keys.items()):
        st.session_state.setdefault(key, float(by_code[c].weight))
        with columns[i % WEIGHT_INPUTS_PER_ROW]:
            weights[c] = st.number_input(
                safe.markdown(by_code[c].name),
                min_value=0.0,
                max_value=MAX_WEIGHT,
                step=WEIGHT_STEP,
                format="%.1f",
                key=key,
                help=f"官方权重 {by_code[c].weight:g}",
            )
    st.button("恢复官方权重", on_click=reset_weights, icon=":material/restart_alt:")
    if not league.has_ranks:
        st.info(f"{view.window.label}各{league.area_label}都没有名次，无从模拟。")
        return
    if sum(weights.values()) <= 0:
        st.warning("至少要有一项指标的权重大于 0，才能计算综合得分。")
        return
    moved = cached(rankings.what_if)(view.scope, view.window, level, weights, view.visible)
    if moved.official:
        st.success("当前就是官方权重：模拟名次与官方排名相同。")
    else:
        st.markdown(
            f"按模拟权重：**{moved.ups}** 个{league.area_label}名次上升，**{moved.downs}** 个下降。"
        )
    chart, table = st.columns(2)
    chart.plotly_chart(charts.rank_moves(moved.table), config=PLOTLY_CONFIG, width="stretch")
    table.dataframe(
        tables.what_if_frame(moved, league.area_label),
        hide_index=True,
        height=_height(len(moved.table)),
        row_height=ROW_PX,
    )
