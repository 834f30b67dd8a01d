"""县区排名 figures: one indicator across areas and over months, and the what-if rank moves."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import plotly.graph_objects as go

from dashboard import safe, theme
from dashboard.charts import month_axis, style, svg_values
from dashboard.charts.ranking_tables import cell_text
from data_access.indicators import attainment
from views import labels
from views.rankings import LOST_DECIMALS, movement_text, target_text

BAR_HEIGHT_PX = 34  # one bar per area: readable labels on a projector
BAR_LABEL_ROOM = 1.2  # x-axis reaches 20% past the longest bar so its value label fits
TITLE_ROOM_PX = 80  # title, then legend or target label, above the plot
# Trend lines: the chosen area in the accent blue, the total in near-black dots, the rest
# pale grey context (no 绿黄红: those mean attainment here).
OTHER_LINE, TOTAL_LINE = "#c3c8cf", "#3d4652"
LABEL_GREY = "#6b7480"  # the grey lines' end labels: darker than the lines, to be read
# Line-end labels: one text line (px) apart at least, with room right of the plot for the
# longest name; the chart grows with the number of lines so that 11 names fit one above the
# other. Title, ticks and axis padding take about TREND_CHROME_PX of the height.
LABEL_LINE_PX, END_LABEL_ROOM_PX, TREND_CHROME_PX = 16, 110, 150
TREND_TICKS = 5  # every third month of 13: the stacked years never meet at 1024 px
LOST_BAR = "#d6604d"
TARGET_INK = "#1a1a1a"  # the target line: as dark as the text  # the heat map's red: points lost
TIE_NAMES_SHOWN = 3
MOVED = ("up", "down", "new")  # tied areas share a point; more names than this would overlap
HIGHLIGHT = "<b>▶ {}</b>"  # a chosen area's bar label (safe.plotly_markup: the name stays text)


def _titled(fig: go.Figure, title: str) -> go.Figure:
    """Title at the very top, with room below it for the legend and the target label."""
    return fig.update_layout(
        title={"text": title, "y": 1, "yanchor": "top", "pad": {"t": 8}},
        margin={"t": TITLE_ROOM_PX},
    )


def indicator_bars(rows: pd.DataFrame, d, area_label: str, highlight: Collection[str] = ()) -> str:
    """One indicator across areas (area_code, name, value), best first, coloured by attainment,
    with the target as a dashed line: server-drawn bars (svg_values.value_bars, no Plotly). Areas in
    `highlight` (codes) are marked ▶ and bold."""
    rows = rows.dropna(subset=["value"]).sort_values(
        "value", ascending=not d.higher_is_better, kind="stable"
    )
    if rows.empty:
        return ""
    unit = "（%）" if d.unit == "%" else (f"（{d.unit}）" if d.unit else "")
    bars = []
    for r in rows.itertuples(index=False):
        band = labels.attainment_band(attainment(r.value, d.target, d.higher_is_better))
        text = cell_text(r.value, d)
        mine = r.area_code in highlight
        bars.append(
            svg_values.ValueBar(
                f"▶ {r.name}" if mine else str(r.name),
                float(r.value),
                text,
                theme.ATTAINMENT_COLORS[band],
                f"{r.name}：{d.name} {text}",
                strong=mine,
            )
        )
    reach = max(float(rows["value"].max()), float(d.target))
    ticks = svg_values.nice_ticks(reach)
    # The bars' texts are written after them: the scale's last tick leaves room for them.
    top = max(ticks[-1], reach * BAR_LABEL_ROOM)
    step = ticks[1] - ticks[0]
    return svg_values.value_bars(
        bars,
        top,
        f"{d.name}{unit}",
        (float(d.target), f"目标 {target_text(d)}"),
        ticks=ticks,
        tick_format=lambda v: labels.axis_number(v, step),
        colors=(TARGET_INK, TARGET_INK),
    )


def indicator_bars_title(d, area_label: str) -> str:
    """The drill bars' heading (plain text: the page escapes it)."""
    return f"各{area_label}{d.name}（由好到差）"


def indicator_lost_bars(
    rows: pd.DataFrame, d, area_label: str, highlight: Collection[str] = ()
) -> go.Figure:
    """失分 of one indicator across areas (area_code, name, lost, full), most lost on top."""
    rows = rows.dropna(subset=["lost"]).sort_values("lost", ascending=False, kind="stable")
    fig = go.Figure(
        go.Bar(
            x=rows["lost"],
            y=[
                safe.plotly_markup(HIGHLIGHT, n) if c in highlight else safe.plotly(n)
                for c, n in zip(rows["area_code"], rows["name"], strict=True)
            ],
            orientation="h",
            customdata=rows["area_code"].tolist(),  # a click drills there (dashboard.drill)
            marker_color=LOST_BAR,
            text=[
                f"{lost:.{LOST_DECIMALS}f} 分（分值 {full:.{LOST_DECIMALS}f}）"
                for lost, full in zip(rows["lost"], rows["full"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: 失分 %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    reach = max(float(rows["full"].max()), 0.01) * BAR_LABEL_ROOM
    fig.update_xaxes(title=f"{safe.plotly(d.name)} 失分（分）", range=[0, reach])
    fig.update_layout(showlegend=False)
    style(fig, height=max(260, 110 + BAR_HEIGHT_PX * len(rows)))
    return _titled(fig, f"各{area_label}{safe.plotly(d.name)}失分（由多到少）")


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label heights at least `gap` apart, each as near its line's end as that allows."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [ys[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    # Centre the pushed block on the ends again, so labels do not all drift upwards.
    shift = (sum(placed) - sum(ys)) / len(ys) if ys else 0
    out = [0.0] * len(ys)
    for k, i in enumerate(order):
        out[i] = placed[k] - shift
    return out


def indicator_trend_lines(
    areas: pd.DataFrame,
    overall: pd.DataFrame,
    d,
    overall_label: str,
    highlight: Collection[str] = (),
) -> go.Figure:
    """Monthly value per area (grey; codes in `highlight` blue and on top) and the total
    (dotted), the target; every line named at its end, so no legend needs decoding."""
    fig = go.Figure()
    ends = []  # (month, value, text, colour, bold) of each line's last point
    groups = sorted(
        areas.dropna(subset=["value"]).groupby(["area_code", "name"], sort=True),
        key=lambda g: g[0][0] in highlight,  # chosen areas drawn last: on top of the grey
    )
    for (code, name), rows in groups:
        mine = code in highlight
        color = theme.ACCENT if mine else OTHER_LINE
        fig.add_scatter(
            x=rows["month"],
            y=rows["value"],
            mode="lines+markers" if mine else "lines",
            name=safe.plotly(name),
            line={"color": color, "width": 3.5 if mine else 1.2},
            showlegend=False,
            hovertemplate="%{fullData.name} %{x}: %{y:,.1f}<extra></extra>",
        )
        last = rows.iloc[-1]
        ends.append((last["month"], float(last["value"]), str(name), color, mine))
    fig.add_scatter(
        x=overall["month"],
        y=overall["value"],
        mode="lines+markers",
        name=safe.plotly(overall_label),
        line={"color": TOTAL_LINE, "width": 3, "dash": "dot"},
        showlegend=False,
        hovertemplate=f"{safe.plotly(overall_label)} %{{x}}: %{{y:,.1f}}<extra></extra>",
    )
    if not overall.dropna(subset=["value"]).empty:
        last = overall.dropna(subset=["value"]).iloc[-1]
        ends.append((last["month"], float(last["value"]), overall_label, TOTAL_LINE, True))
    fig.add_hline(
        y=d.target,
        line_dash="dash",
        line_color="#1a1a1a",
        annotation_text=f"目标 {target_text(d)}",
        annotation_position="top left",
    )
    height = max(BAR_HEIGHT_PX * 12, TREND_CHROME_PX + 2 * LABEL_LINE_PX * len(ends))
    values = [*areas["value"].dropna(), *overall["value"].dropna(), d.target]
    # Plotly pads the value range by about a tenth: one label line in value units.
    span = 1.1 * ((max(values) - min(values)) or 1.0)
    gap = span * LABEL_LINE_PX / (height - TREND_CHROME_PX)
    for (month, _y, text, color, bold), y in zip(
        ends, _spread([e[1] for e in ends], gap), strict=True
    ):
        label = safe.plotly(text)
        fig.add_annotation(
            x=month,
            y=y,
            text=f"<b>{label}</b>" if bold else label,
            font={"color": color if bold else LABEL_GREY, "size": 12},
            showarrow=False,
            xanchor="left",
            xshift=8,
        )
    months = sorted({*areas["month"], *overall["month"]})
    # Half a 1024-px page: a few stacked months side by side, never on end.
    month_axis(fig, months, most=TREND_TICKS, stacked=True, title=None)
    fig.update_yaxes(title=safe.plotly(d.unit) if d.unit else None)
    if d.unit != "%":  # an indicator in its own unit reads like a count (1.2万, not 12k)
        fig.update_yaxes(**labels.count_axis(max(values), bottom=min(values), whole=False))
    style(fig, height=height)
    fig.update_layout(margin={"r": END_LABEL_ROOM_PX})
    return _titled(fig, f"{safe.plotly(d.name)}逐月走势")


def _tie_label(names: list[str]) -> str:
    shown = "、".join(names[:TIE_NAMES_SHOWN])
    return shown + (f" 等{len(names)}个" if len(names) > TIE_NAMES_SHOWN else "")


def rank_moves(df: pd.DataFrame) -> go.Figure:
    """Slope chart: each area from its official rank (left) to its what-if rank (right)."""
    fig = go.Figure()
    ranked = df.dropna(subset=["official_rank", "rank"])
    sides = {"官方排名": ("official_rank", "right", -12), "模拟排名": ("rank", "left", 12)}
    for r in ranked.itertuples(index=False):
        moved = r.movement in ("up", "down")
        fig.add_scatter(
            x=list(sides),
            y=[int(r.official_rank), int(r.rank)],
            mode="lines+markers",
            line={"color": theme.MOVEMENT_COLORS.get(r.movement, theme.NEUTRAL)},
            line_width=3 if moved else 1.5,
            marker_size=9,
            showlegend=False,
            hovertemplate=f"{safe.plotly(r.name)}：%{{x}} 第 %{{y}} 名<extra></extra>",
        )
    # Tied areas share a point; one label per point keeps the names readable.
    for side, (column, anchor, shift) in sides.items():
        for rank, rows in ranked.groupby(column, sort=True):
            if side == "模拟排名":  # movers first, so a cut-off label never hides a move
                rows = rows.sort_values("movement", key=lambda m: ~m.isin(MOVED), kind="stable")
            names = [safe.plotly(n) for n in rows["name"]]
            if side == "模拟排名":  # only moves are marked: a column of – would hide them
                names = [
                    f"{n} {movement_text(m, c)}" if m in MOVED else n
                    for n, m, c in zip(names, rows["movement"], rows["rank_change"], strict=True)
                ]
            fig.add_annotation(
                x=side,
                y=int(rank),
                text=_tie_label(names),
                showarrow=False,
                xanchor=anchor,
                xshift=shift,
            )
    fig.update_yaxes(autorange="reversed", title="名次", dtick=1)
    fig.update_xaxes(range=[-2.0, 3.0], side="top")
    return style(fig, height=max(300, 90 + 30 * len(ranked)))
