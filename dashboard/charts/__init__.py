"""Chart construction as pure functions (data in, plotly figure out), one module per subject.

One chart serves the page, the meeting slide and the weekly brief.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import safe

# Projector-legible defaults: large type, CJK font stack, no plotly logo/toolbar clutter.
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BASE_FONT_SIZE = 15


def style(fig: go.Figure, height: int = 420, font_size: int = BASE_FONT_SIZE) -> go.Figure:
    """Apply the app's chart look (fonts, margins, white background); data text is escaped."""
    safe.figure(fig)
    fig.update_layout(
        height=height,
        font={"family": FONT_FAMILY, "size": font_size, "color": "#1a1a1a"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    fig.update_xaxes(gridcolor="#e5e7eb", zerolinecolor="#9ca3af")
    fig.update_yaxes(gridcolor="#e5e7eb", zerolinecolor="#9ca3af")
    return fig


def month_tick(month: str, first: bool, stacked: bool = False) -> str:
    """A month axis tick: the year on the first tick and on each January, else the month alone
    (2026-01 → 2026年1月, or 1月 over 2026年 when `stacked` for narrow columns; 2026-03 → 3月)."""
    year, number = month[:4], int(month[5:])
    if not (first or number == 1):
        return f"{number}月"
    return f"{number}月<br>{year}年" if stacked else f"{year}年{number}月"


# Passed to st.plotly_chart(config=...): no mode bar. Its tooltips (Zoom, Autoscale, Download
# plot as a png…) are English unless plotly's locale script is loaded, and a leader needs
# none of them: Streamlit's own toolbar still offers 全屏.
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False}
SPARKLINE_HEIGHT = 64  # px: a card keeps room for its value, change and badge at 1024 px
TARGET_LINE = "#5f6b7a"  # the target: a neutral dashed grey under the coloured line


def sparkline(
    months: list[str],
    values: list[float | None],
    texts: list[str],
    color: str,
    target: float | None = None,
    target_text: str = "",
    height: int = SPARKLINE_HEIGHT,
) -> go.Figure:
    """A compact trend line in `color` with the target as a dashed line (no axes); `texts`
    are the values as shown on hover (units included)."""
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=values,
            mode="lines",
            line={"color": color, "width": 2.5},
            customdata=texts,
            hovertemplate="%{x}：%{customdata}<extra></extra>",
            connectgaps=False,
        )
    )
    known = [(m, v) for m, v in zip(months, values, strict=True) if v is not None]
    if known:  # the latest value as a dot, so the line's end reads as "now"
        fig.add_trace(
            go.Scatter(
                x=[known[-1][0]], y=[known[-1][1]], mode="markers",
                marker={"color": color, "size": 7}, hoverinfo="skip",
            )
        )  # fmt: skip
    lows = [v for v in values if v is not None]
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": TARGET_LINE, "width": 1.5, "dash": "dash"},
            annotation_text=target_text,
            annotation_position="top left",
            annotation_font={"size": 11, "color": TARGET_LINE},
        )
        lows.append(target)
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 4, "b": 0},
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT_FAMILY, "size": 12},
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.update_xaxes(visible=False, fixedrange=True)
    if lows:  # room above and below so the target line and the dot are not cut
        span = (max(lows) - min(lows)) or abs(max(lows)) or 1.0
        fig.update_yaxes(range=[min(lows) - 0.15 * span, max(lows) + 0.25 * span])
    fig.update_yaxes(visible=False, fixedrange=True)
    return safe.figure(fig)
