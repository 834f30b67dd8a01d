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
