"""Slide charts (plotly) for a 1080p projector read from 6 m: the pages' charts where they fit,
restyled with large type, and the ranking bars the pages do not have."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import palette, safe
from dashboard.charts import chronic as chronic_charts
from dashboard.charts import style
from views import labels
from views.common import month_words
from views.meeting.chronic_slides import ColorsSlide, TransitionsSlide

INK = "#111111"  # tick labels as dark as the text: grey washes out on a projector
FONT_PX = 28  # axis ticks, labels and legends: a slide's floor (meeting_style.SMALL_PX)
TEXT_PX = 30  # figures written on the marks
BAR_ROW_PX = (52, 90)  # one ranking bar: room for a 30-px label, at most a comfortable band
FRAME_PX = 70  # axis and margins around the bars
OTHER_BAR = "#8fa9c4"  # areas not chosen: a pale accent, so the chosen one stands out
HIGHLIGHT = "<b>▶ {}  {}</b>"
# Room right of the last tick (share of the axis) for "100.0 分  持平" after the longest bar.
SCORE_TEXT_ROOM = 0.35
AXIS_BREAK = "≈"  # drawn on the axis line where a cut axis starts  # a chosen area's label: rank and name (the name stays text)
# No mode bar on a projector: nobody zooms mid-meeting.
CONFIG = {"displayModeBar": False, "displaylogo": False}


def projector(fig: go.Figure, height: int) -> go.Figure:
    """The app's chart look at projector size."""
    style(fig, height=height, font_size=FONT_PX)
    fig.update_layout(hoverlabel={"font_size": FONT_PX})
    fig.update_xaxes(tickfont={"size": FONT_PX, "color": INK})
    fig.update_yaxes(tickfont={"size": FONT_PX, "color": INK})
    return fig


def ranking_bars(rows: pd.DataFrame, max_height: int) -> go.Figure:
    """Composite score per area, best on top; chosen areas dark and marked ▶."""
    any_chosen = bool(rows["highlight"].any())
    names = [
        safe.plotly_markup(HIGHLIGHT, int(r), n) if h else safe.plotly(f"{int(r)}  {n}")
        for r, n, h in zip(rows["rank"], rows["name"], rows["highlight"], strict=True)
    ]
    colors = [palette.ACCENT if h or not any_chosen else OTHER_BAR for h in rows["highlight"]]
    text = [
        f"{s} 分  {m}".rstrip()  # the ranking view's score text: the page's digits
        for s, m in zip(rows["score_text"], rows["move"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=rows["score"],
            y=names,
            orientation="h",
            marker_color=colors,
            text=text,
            textposition="outside",
            textfont_size=TEXT_PX,
            cliponaxis=False,
            hovertemplate="%{y}：%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    score_axis(fig, labels.score_axis(rows["score"]))
    low, high = BAR_ROW_PX
    row = min(max((max_height - FRAME_PX) // max(len(rows), 1), low), high)
    height = min(max_height, FRAME_PX + row * max(len(rows), 3))
    fig = projector(fig, height)
    fig.update_layout(margin={"t": 10, "r": 20}, showlegend=False)
    return fig


def score_axis(fig: go.Figure, axis: labels.ScoreAxis) -> go.Figure:
    """The score axis spans the data (views.labels.score_axis), with room right of 100 for
    the bars' text; a cut axis says so under its ticks and carries a break mark at its start."""
    room = SCORE_TEXT_ROOM * (axis.end - axis.start)
    fig.update_xaxes(
        range=[axis.start, axis.end + room],
        tickvals=list(axis.ticks),
        ticktext=[axis.tick_text(t) for t in axis.ticks],
        title={"text": axis.note or None, "font": {"size": FONT_PX, "color": INK}},
        showline=True,
        linecolor=INK,
    )
    if axis.broken:
        fig.add_annotation(
            x=axis.start, xref="x", y=0, yref="paper", text=AXIS_BREAK, showarrow=False,
            font={"size": TEXT_PX, "color": INK}, bgcolor="white", yshift=0,
        )  # fmt: skip
    return fig


def color_bars(slide: ColorsSlide, colors: dict, max_height: int) -> go.Figure:
    """The 慢病三色 page's 100% bars by disease, at projector size."""
    names = slide.diseases
    fig = chronic_charts.share_bars(slide.by_disease, "disease", names, colors)
    # Inside a part only its share (the counts are beside the chart and on hover): 23.0% fits
    # the yellow part at 30 px even at 1024 px, where "3,754（23.0%）" would be hidden.
    for trace in fig.data:
        if trace.type == "bar" and trace.text is not None:
            trace.text = [
                labels.pct(x) if t else "" for x, t in zip(trace.x, trace.text, strict=True)
            ]
    fig.update_traces(textfont_size=TEXT_PX)
    fig.update_layout(uniformtext_minsize=FONT_PX)
    fig = projector(fig, min(max_height, FRAME_PX + 90 * max(len(names), 2)))
    fig.update_layout(margin={"r": 230, "t": 60}, legend_font_size=FONT_PX)
    return fig


def transition_flow(slide: TransitionsSlide, colors: dict, height: int) -> go.Figure:
    """The 慢病三色 page's Sankey (新纳入 and 退出管理 included), at projector size."""
    flows = slide.flows[["from_color", "to_color", "patients"]]
    fig = chronic_charts.transition_sankey(
        flows,
        colors,
        f"{month_words(slide.before)}末",
        f"{month_words(slide.month)}末",
        unit=slide.unit,
    )
    fig.update_traces(textfont_size=TEXT_PX, node_thickness=34, node_pad=28)
    fig.update_annotations(font_size=TEXT_PX)
    fig = projector(fig, height)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig
