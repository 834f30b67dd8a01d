"""Charts of the 慢病三色 view: 绿黄红 shares, monthly trend, transitions, 推送不到位.

Every function takes the 绿黄红 fills as `colors` (theme.management_colors(...)), so the
colour-blind palette reaches every chart; every coloured mark also carries its label.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import safe, theme
from dashboard.charts import month_axis, style, svg
from data_access.chronic import COLORS
from views import labels

BAR_PX = 40  # height per horizontal bar: room for one line of text written inside
BAR_PX_TWO_LINES = 62  # for narrow charts, where count and share go on two lines
CHART_FRAME_PX = 90  # legend and axis around the bars
BAR_TEXT_PX = 14  # labels on bars: the smallest a projector room still reads
# Right margin for the red label written after each bar (e.g. "12,345（11.0%）").
OUTSIDE_LABEL_PX = 110
# A trend panel spans at least this many percentage points, so a 1-point wobble is not
# drawn as a cliff (each colour has its own panel and scale).
TREND_MIN_SPAN_PP = 10
TREND_TICKS = 4  # month ticks per small panel: a third of the page wide at 1024
NODE_GAP = 0.04  # vertical gap between Sankey nodes, as a share of the chart height
FLOW_ALPHA = 0.35  # links lighter than their nodes, so the nodes and labels stay readable


def _bars_height(rows: int, bar_px: int = BAR_PX) -> int:
    return CHART_FRAME_PX + bar_px * max(rows, 2)


def _count_share(n, fraction, two_lines: bool = False) -> str:
    percent = labels.pct(None if fraction is None else 100 * fraction)
    return f"{labels.number(n)}<br>{percent}" if two_lines else f"{labels.number(n)}（{percent}）"


def red_first(shares: pd.DataFrame, key: str, names: dict) -> dict:
    """`names` reordered by red share, highest first (ties keep their order)."""
    red = shares[shares["color"] == "red"].set_index(key)["share"]
    red = red.reindex(list(names)).astype(float).fillna(0)
    return {k: names[k] for k in red.sort_values(ascending=False, kind="stable").index}


def share_bars(
    shares: pd.DataFrame,
    key: str,
    names: dict,
    colors: dict,
    unit: str = "人",
    narrow: bool = False,
) -> go.Figure:
    """100% stacked bars, one per `key` value (in `names` order), count and share on each part.

    `narrow` (a chart in a narrow column) writes count and share on two lines in taller bars.
    """
    fig = go.Figure()
    rows = [safe.plotly(names[k]) for k in names]
    for color in COLORS:
        part = shares[shares["color"] == color].set_index(key).reindex(list(names))
        counts = part["patients"].fillna(0).astype(int)
        fractions = part["share"].astype(float)
        last = color == COLORS[-1]
        text = [
            _count_share(n, f, narrow and not last) if n else ""
            for n, f in zip(counts, fractions, strict=True)
        ]
        fig.add_bar(
            name=labels.COLOR_LABELS[color],
            y=rows,
            x=100 * fractions.fillna(0),
            orientation="h",
            marker_color=colors[color],
            text=None if last else text,
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            textfont={"size": BAR_TEXT_PX, "color": theme.MANAGEMENT_TEXT_COLORS[color]},
            customdata=counts,
            hovertemplate="%{y} · "
            + labels.COLOR_LABELS[color]
            + f"：%{{customdata:,}} {unit}（%{{x:.1f}}%）<extra></extra>",
        )
    # Red is the thinnest part and ends every bar: its label is written after the bar, always
    # (a text trace, since plotly hides or moves bar text that does not fit).
    fig.add_scatter(
        x=[100] * len(rows),  # at the bar end (a point off the axis range is not drawn)
        y=rows,
        mode="text",
        text=[
            "\u2002" + _count_share(n, f)  # an en space apart from the bar
            for n, f in zip(counts, fractions.fillna(0), strict=True)
        ],
        textposition="middle right",
        textfont={"size": BAR_TEXT_PX, "color": "#1a1a1a"},
        cliponaxis=False,
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_layout(
        barmode="stack",
        uniformtext={"minsize": BAR_TEXT_PX - 2, "mode": "hide"},
        legend={"traceorder": "normal"},
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title=None)
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": BAR_TEXT_PX})
    fig = style(fig, height=_bars_height(len(rows), BAR_PX_TWO_LINES if narrow else BAR_PX))
    fig.update_layout(margin={"r": OUTSIDE_LABEL_PX})
    return fig


def share_rows(shares: pd.DataFrame, key: str, names: dict, colors: dict) -> list[svg.BarRow]:
    """The rows share_bars draws (in `names` order), as plain figures for svg.stacked_bars:
    each colour's count and share, and the last colour's count and share written after."""
    by_color = {c: shares[shares["color"] == c].set_index(key).reindex(list(names)) for c in COLORS}
    rows = []
    for k in names:
        parts = []
        for c in COLORS:
            row = by_color[c].loc[k]
            n = 0 if pd.isna(row["patients"]) else int(row["patients"])
            f = None if pd.isna(row["share"]) else float(row["share"])
            parts.append(
                svg.BarPart(
                    labels.COLOR_LABELS[c], n, f, colors[c], theme.MANAGEMENT_TEXT_COLORS[c]
                )
            )
        last = parts[-1]
        rows.append(
            svg.BarRow(str(names[k]), tuple(parts), _count_share(last.count, last.share or 0))
        )
    return rows


def share_bars_html(
    shares: pd.DataFrame, key: str, names: dict, colors: dict, unit: str = "人", narrow=False
) -> str:
    """share_bars as server-drawn HTML (no Plotly): the same figures and labels."""
    return svg.stacked_bars(share_rows(shares, key, names, colors), unit, narrow)


def _latest(trend: pd.DataFrame, color: str) -> str:
    rows = trend[(trend["color"] == color) & trend["share"].notna()].sort_values("month")
    if rows.empty:
        return f"{labels.COLOR_LABELS[color]}占比"
    last = rows.iloc[-1]
    return f"{labels.COLOR_LABELS[color]}占比 · {labels.month_tick(last['month'], year=True)} {labels.pct(100 * last['share'])}"


def share_trend(trend: pd.DataFrame, months: tuple[str, ...], colors: dict) -> go.Figure:
    """One small panel per colour: its monthly share, the latest in its title; gaps stay gaps."""
    fig = make_subplots(
        rows=1,
        cols=len(COLORS),
        subplot_titles=[_latest(trend, c) for c in COLORS],
        horizontal_spacing=0.06,
    )
    for col, color in enumerate(COLORS, start=1):
        series = trend[trend["color"] == color].set_index("month")["share"].reindex(list(months))
        values = (100 * series.astype(float)).tolist()
        fig.add_scatter(
            x=list(months),
            y=values,
            mode="lines+markers",
            name=labels.COLOR_LABELS[color],
            line={"color": colors[color], "width": 3},
            marker={"size": 7},
            customdata=[labels.month_tick(m, year=True) for m in months],
            hovertemplate="%{customdata} · "
            + labels.COLOR_LABELS[color]
            + "：%{y:.1f}%<extra></extra>",
            row=1,
            col=col,
            showlegend=False,
        )
        known = [v for v in values if v == v]  # v == v: not NaN
        if known:
            middle = (max(known) + min(known)) / 2
            half = max(TREND_MIN_SPAN_PP, (max(known) - min(known)) * 1.3) / 2
            fig.update_yaxes(
                range=[max(0, middle - half), min(100, middle + half) + 1], row=1, col=col
            )
    fig.update_yaxes(ticksuffix="%")
    month_axis(fig, months, most=TREND_TICKS)
    return style(fig, height=300)


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _column_positions(sizes: list[int]) -> list[float]:
    """Vertical centres (0 top .. 1 bottom) of nodes stacked in one column, by size."""
    total = sum(sizes) or 1
    usable = 1 - NODE_GAP * (len(sizes) - 1)
    centres, start = [], 0.0
    for i, size in enumerate(sizes):
        height = usable * size / total
        centres.append(start + height / 2 + NODE_GAP * i)
        start += height
    return [min(max(c, 0.001), 0.999) for c in centres]


def transition_sankey(
    flows: pd.DataFrame, colors: dict, from_title: str, to_title: str, unit: str = "人"
) -> go.Figure:
    """Sankey of colour at the start → colour at the end, with 新纳入 and 退出管理 in grey."""
    ends = [*COLORS, None]  # None: entered (left column) or left (right column)
    left = [
        c
        for c in ends
        if (flows["from_color"].isna() if c is None else flows["from_color"] == c).any()
    ]
    right = [
        c for c in ends if (flows["to_color"].isna() if c is None else flows["to_color"] == c).any()
    ]

    def node_total(column: str, color) -> int:
        mask = flows[column].isna() if color is None else flows[column] == color
        return int(flows.loc[mask, "patients"].sum())

    def name(color, side_none: str) -> str:
        return side_none if color is None else labels.COLOR_LABELS[color]

    left_sizes = [node_total("from_color", c) for c in left]
    right_sizes = [node_total("to_color", c) for c in right]
    node_labels = [
        f"{name(c, labels.ENTERED_LABEL)} {n:,}" for c, n in zip(left, left_sizes, strict=True)
    ]
    node_labels += [
        f"{name(c, labels.LEFT_LABEL)} {n:,}" for c, n in zip(right, right_sizes, strict=True)
    ]
    node_colors = [theme.NEUTRAL if c is None else colors[c] for c in left + right]
    sources, targets, values, link_colors, link_text = [], [], [], [], []
    for r in flows.itertuples(index=False):
        sources.append(left.index(r.from_color))
        targets.append(len(left) + right.index(r.to_color))
        values.append(int(r.patients))
        ref = r.from_color if r.from_color is not None else r.to_color
        grey = r.from_color is None or r.to_color is None
        link_colors.append(_rgba(theme.NEUTRAL if grey else colors[ref], FLOW_ALPHA))
        link_text.append(
            f"{name(r.from_color, labels.ENTERED_LABEL)} → {name(r.to_color, labels.LEFT_LABEL)}"
        )
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={
                "label": node_labels,
                "color": node_colors,
                "pad": 18,
                "thickness": 22,
                "x": [0.001] * len(left) + [0.999] * len(right),
                "y": _column_positions(left_sizes) + _column_positions(right_sizes),
                "hovertemplate": f"%{{label}} {unit}<extra></extra>",
            },
            link={
                "source": sources,
                "target": targets,
                "value": values,
                "color": link_colors,
                "customdata": link_text,
                "hovertemplate": f"%{{customdata}}：%{{value:,}} {unit}<extra></extra>",
            },
            textfont={"size": 16, "color": "#1a1a1a"},
        )
    )
    for x, text, anchor in ((0, from_title, "left"), (1, to_title, "right")):
        fig.add_annotation(
            x=x, y=1.08, xref="paper", yref="paper", text=f"<b>{text}</b>", showarrow=False,
            xanchor=anchor, font={"size": 15},
        )  # fmt: skip
    fig = style(fig, height=380)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


def mismatch_bars(
    df: pd.DataFrame, names: list[str], bar_colors: list[str] | None = None, unit: str = "人"
) -> go.Figure:
    """Horizontal bars of the mismatched share (one per row of `df`), count and share written."""
    fig = go.Figure(
        go.Bar(
            y=[safe.plotly(n) for n in names],
            x=100 * df["mismatch_share"].astype(float).fillna(0),
            orientation="h",
            marker_color=bar_colors or theme.ACCENT,
            text=[
                _count_share(m, s)
                for m, s in zip(df["mismatched"], df["mismatch_share"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=df["patients"],
            hovertemplate=f"%{{y}}：%{{text}}，共 %{{customdata:,}} {unit}<extra></extra>",
        )
    )
    top = float(100 * df["mismatch_share"].astype(float).max()) if len(df) else 0
    fig.update_xaxes(range=[0, max(top * 1.1, 1)], ticksuffix="%", title=f"{labels.MISMATCH}占比")
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": BAR_TEXT_PX})
    fig = style(fig, height=_bars_height(len(df)))
    # one series, no legend to make room for; the labels go in the right margin
    fig.update_layout(margin={"t": 10, "r": OUTSIDE_LABEL_PX})
    return fig
