"""Chart construction as pure functions (data in, plotly figure out), one module per subject.

One chart serves the page, the meeting slide and the weekly brief.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import safe
from views import labels

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


def month_axis(fig: go.Figure, months, most: int | None = None, stacked: bool = False, **where):
    """A category axis of months ("2026-03") with views.labels.month_ticks' ticks: at most
    `most` of them, the year at each year change, never turned on end."""
    ticks = labels.month_ticks(months, most, stacked)
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(months),
        tickvals=[m for m, _ in ticks],
        ticktext=[t for _, t in ticks],
        tickangle=0,
        **where,
    )
    return fig


# Passed to st.plotly_chart(config=...): no mode bar. Its tooltips (Zoom, Autoscale, Download
# plot as a png…) are English unless plotly's locale script is loaded, and a leader needs
# none of them: Streamlit's own toolbar still offers 全屏.
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False}
