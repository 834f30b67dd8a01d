"""县区排名: official league tables of counties and of one county's townships, drill, what-if."""

from __future__ import annotations

import streamlit as st

from dashboard import excel, state
from dashboard.charts import PLOTLY_CONFIG
from dashboard.charts import ranking_tables as tables
from dashboard.charts import rankings as charts
from dashboard.data import cached
from data_access import indicators, rankings
from data_access.scope import Scope
from views import labels
from views.common import trend_months

ROW_PX = 35  # st.dataframe's row height: tables get room for every row, no inner scrollbar
# Indicator headers carry the full name and target; columns are sized so none is cut off
# (a CJK character is about twice as wide as a digit at the table's font size).
WIDE_CHAR_PX, NARROW_CHAR_PX, HEADER_PAD_PX = 14, 8, 24
WEIGHT_INPUTS_PER_ROW = 5  # five inputs with full indicator names fit a 1440-px screen
MAX_WEIGHT = 100.0  # weights are relative; 100 leaves room for any official scale
WEIGHT_STEP = 0.5
LEVEL_LABELS = {"county": "县区", "township": "乡镇"}

filters = state.current()
scope, period = filters.scope, filters.period
st.title("县区排名")

if period is None:
    st.info("数据库中还没有任何月份的数据，无法排名。")
    st.stop()
definitions = cached(indicators.indicator_definitions)()
if definitions.empty:
    st.info("数据库中没有官方考核指标（indicator 表为空），无法排名。")
    st.stop()

months = trend_months(period)
leagues = {"county": cached(rankings.league_table)(period, "county", trend_months=months)}
if leagues["county"].table["rank"].isna().all():
    st.info(f"{period.label}没有任何计分指标的数据，无法排名。请在左侧选择其他期间。")
    st.stop()
county_code = scope.county_code
county_name = None
if county_code:
    county_names = leagues["county"].table.set_index("area_code")["name"]
    county_name = str(county_names.get(county_code, county_code))
    leagues["township"] = cached(rankings.league_table)(
        period, "township", county_code, trend_months=months
    )
levels = cached(indicators.indicator_levels)()
county_only = frozenset(code for code, found in levels.items() if found == {"county"})
by_code = {d.indicator_code: d for d in definitions.itertuples(index=False)}


def excel_bytes() -> bytes:
    sheets = {"县区排名": tables.league_export(leagues["county"], definitions, "县区")}
    if "township" in leagues:
        sheets[f"{county_name}乡镇排名"] = tables.league_export(
            leagues["township"], definitions, "乡镇"
        )
    sheets["计算方法"] = tables.method_sheet(definitions, period.label)
    return excel.to_excel_bytes(sheets)


intro, download = st.columns([5, 1], vertical_alignment="bottom")
intro.caption(
    f"{period.label} · 官方综合得分 = 100 × Σ(权重 × 达标程度) ÷ Σ权重，达标程度封顶 100%；"
    f"名次变化与{filters.previous.label}比较。完整说明见“计算方法”。"
)
download.download_button(
    "导出 Excel",
    data=excel_bytes,
    file_name=f"县区排名_{period.key}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    icon=":material/download:",
    width="stretch",
)


def header_width(text: str) -> int:
    return HEADER_PAD_PX + sum(WIDE_CHAR_PX if ord(ch) > 0x2000 else NARROW_CHAR_PX for ch in text)


def league_table(level: str, highlight: tuple[str, ...], only: frozenset[str]) -> None:
    """The styled league with a shared trend axis, sized to show every row."""
    league, area_label = leagues[level], LEVEL_LABELS[level]
    styler, indicator_columns = tables.league_view(
        league, definitions, area_label, months, highlight, only
    )
    low, high = tables.trend_axis(league)
    config = {
        tables.RANK: st.column_config.Column(width="small", pinned=True),
        tables.CHANGE: st.column_config.Column(
            width="small",
            help=f"与{filters.previous.label}的名次比较：↑ 上升、↓ 下降、– 不变，新 = 上期没有名次",
        ),
        area_label: st.column_config.Column(pinned=True),
        tables.SCORE: st.column_config.Column(help="官方权重下的综合得分（百分制）"),
        tables.TREND: st.column_config.LineChartColumn(
            f"近{len(months)}个月得分",
            y_min=low,
            y_max=high,
            help=f"每个月单独计算的综合得分（纵轴 {low:g}–{high:g}，各行相同）",
        ),
    }
    for column in indicator_columns:
        config[column] = st.column_config.Column(width=header_width(column))
    st.dataframe(
        styler,
        hide_index=True,
        column_config=config,
        height=ROW_PX * (len(league.table) + 1) + 3,
        row_height=ROW_PX,
        placeholder=labels.NO_VALUE,
    )
    st.caption("✓ 达标　◐ 接近目标（达 90% 以上）　✗ 未达标　— 无数值（无数据或分母为 0）")


def level_choice(key: str) -> str:
    """Counties, or the chosen county's townships when a county is chosen."""
    if "township" not in leagues:
        return "county"
    options = {"county": "各县区之间", "township": f"{labels.md_escape(county_name)}各乡镇之间"}
    if st.session_state.get(key) not in options:
        st.session_state[key] = "county"
    picked = st.segmented_control("比较范围", list(options), format_func=options.get, key=key)
    return picked or "county"


TABS = ["官方排名 · 县区", "官方排名 · 乡镇", "单项指标", "权重模拟", "计算方法"]
# A township head who picked a township wants its rank first; everyone else the counties.
tab_county, tab_town, tab_drill, tab_whatif, tab_method = st.tabs(
    TABS, default=TABS[1] if scope.township_codes else TABS[0]
)

with tab_county:
    chosen = (county_code,) if county_code else ()
    league_table("county", chosen, frozenset())
    if chosen:
        st.caption(f"{tables.HIGHLIGHT_MARK}为左侧所选县区（{labels.md_escape(county_name)}）。")

with tab_town:
    if "township" not in leagues:
        st.info("在左侧选择一个县区，即可查看该县各乡镇的排名。")
    elif leagues["township"].table.empty:
        st.info(f"{labels.md_escape(county_name)}没有乡镇。")
    elif leagues["township"].table["rank"].isna().all():
        st.info(f"{period.label}{labels.md_escape(county_name)}各乡镇没有任何计分指标的数据。")
    else:
        st.markdown(f"**{labels.md_escape(county_name)}** 各乡镇 · {period.label}")
        league_table("township", scope.township_codes, county_only)
        notes = []
        if county_only:
            names = "、".join(by_code[c].name for c in county_only if c in by_code)
            notes.append(f"{names}只在县级统计，乡镇显示 —，不计入乡镇得分。")
        if scope.township_codes:
            notes.append(f"{tables.HIGHLIGHT_MARK}为左侧所选乡镇。")
        if notes:
            st.caption(labels.md_escape(" ".join(notes)))

with tab_drill:
    pick, scope_pick = st.columns([3, 2])
    with pick:
        code = st.selectbox(
            "指标",
            list(by_code),
            format_func=lambda c: by_code[c].name,
            key=state.W_RANK_INDICATOR,
        )
    with scope_pick:
        level = level_choice(state.W_RANK_DRILL_LEVEL)
    d = by_code[code]
    area_label = LEVEL_LABELS[level]
    if level == "township" and code in county_only:
        st.info(f"{labels.md_escape(d.name)}只在县级统计，乡镇没有数值。请比较各县区。")
    else:
        rows = tables.indicator_rows(leagues[level], code)
        if rows["value"].isna().all():
            st.info(f"{period.label}各{area_label}都没有{labels.md_escape(d.name)}的数值。")
        else:
            chosen = (county_code,) if level == "county" else scope.township_codes
            bars, trend = st.columns(2)
            bars.plotly_chart(
                charts.indicator_bars(rows, d, area_label, chosen),
                config=PLOTLY_CONFIG,
                width="stretch",
            )
            overall_scope = Scope(county_code) if level == "township" else Scope()
            overall = cached(indicators.indicator_trend)(overall_scope, months)
            overall_label = f"{county_name}合计" if level == "township" else "全部县区合计"
            trend.plotly_chart(
                charts.indicator_trend_lines(
                    tables.indicator_monthly(leagues[level], code),
                    overall[overall["indicator_code"] == code],
                    d,
                    overall_label,
                    chosen,
                ),
                config=PLOTLY_CONFIG,
                width="stretch",
            )
            missing = rows[rows["value"].isna()]
            if not missing.empty:
                st.caption(
                    f"本期没有数值（无数据或分母为 0）的{area_label}："
                    + labels.md_escape("、".join(missing["name"]))
                )

with tab_whatif:
    st.markdown(
        "调整下面的权重，看名次会怎样变化。**模拟只在本页生效，不保存，也不改变官方排名**；"
        "离开本页或点击“恢复官方权重”即回到官方权重。"
    )
    level = level_choice(state.W_RANK_WHATIF_LEVEL)
    keys = {c: state.W_RANK_WEIGHT_PREFIX + c for c in by_code}

    def reset_weights() -> None:
        for c, key in keys.items():
            st.session_state[key] = float(by_code[c].weight)

    weights = {}
    columns = st.columns(WEIGHT_INPUTS_PER_ROW)
    for i, (c, key) in enumerate(keys.items()):
        st.session_state.setdefault(key, float(by_code[c].weight))
        with columns[i % WEIGHT_INPUTS_PER_ROW]:
            weights[c] = st.number_input(
                labels.md_escape(by_code[c].name),
                min_value=0.0,
                max_value=MAX_WEIGHT,
                step=WEIGHT_STEP,
                format="%.1f",
                key=key,
                help=f"官方权重 {by_code[c].weight:g}",
            )
    st.button("恢复官方权重", on_click=reset_weights, icon=":material/restart_alt:")
    if leagues[level].table["rank"].isna().all():
        st.info(f"{period.label}各{LEVEL_LABELS[level]}都没有名次，无从模拟。")
    elif sum(weights.values()) <= 0:
        st.warning("至少要有一项指标的权重大于 0，才能计算综合得分。")
    else:
        moved = rankings.what_if_ranking(leagues[level], definitions, weights)
        ups = int((moved["movement"] == "up").sum())
        downs = int((moved["movement"] == "down").sum())
        official = all(weights[c] == by_code[c].weight for c in by_code)
        if official:
            st.success("当前就是官方权重：模拟名次与官方排名相同。")
        else:
            st.markdown(
                f"按模拟权重：**{ups}** 个{LEVEL_LABELS[level]}名次上升，**{downs}** 个下降。"
            )
        chart, table = st.columns(2)
        chart.plotly_chart(charts.rank_moves(moved), config=PLOTLY_CONFIG, width="stretch")
        table.dataframe(
            tables.what_if_frame(moved, LEVEL_LABELS[level]),
            hide_index=True,
            height=ROW_PX * (len(moved) + 1) + 3,
            row_height=ROW_PX,
        )

with tab_method:
    st.markdown("\n".join(f"- {line}" for line in tables.method_lines(definitions)))
    st.dataframe(tables.method_frame(definitions), hide_index=True)
