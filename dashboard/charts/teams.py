"""Charts of the 团队工作量 view: ranking, monthly stacks, volume vs 抽查, village-doctor share."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import safe, theme
from dashboard.charts import style, svg_values
from views import labels
from views.teams import FLAG, HIGH_VOLUME_WORDS, MEASURES

# More bars than this stop being readable on a projector; the table lists every team.
RANK_MAX = 15
BAR_PX = 28  # height per horizontal bar: room for a 15-px label
CHART_FRAME_PX = 120  # title, legend and axis around the bars
LABEL_ROOM = 1.2  # axis reaches 20% past the longest bar so its value label fits


def _value_text(value, percent: bool, digits: int) -> str:
    return labels.pct(100 * value, digits) if percent else labels.number(value, digits)


def _bars_height(rows: int) -> int:
    return CHART_FRAME_PX + BAR_PX * max(rows, 3)


def ranking(rows: pd.DataFrame, measure: str) -> go.Figure:
    """Horizontal bars of TeamsView.ranked(...) rows, first row on top, value at each bar."""
    title, percent, digits = MEASURES[measure]
    scale = 100 if percent else 1
    fig = go.Figure(
        go.Bar(
            x=rows["value"] * scale,
            y=safe.plotly_ticks(rows["label"]),
            customdata=safe.plotly_names(rows["label"]),
            orientation="h",
            marker_color=theme.ACCENT,
            text=[_value_text(v, percent, digits) for v in rows["value"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{customdata}<br>" + title + "：%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    top = 100 if percent else float((rows["value"] * scale).max() or 1)
    fig.update_xaxes(title=title + ("（%）" if percent else ""), range=[0, top * LABEL_ROOM])
    if not percent:
        fig.update_xaxes(**labels.count_axis(top * LABEL_ROOM, whole=digits == 0))
    return style(fig, height=_bars_height(len(rows)))


def monthly_stack(
    monthly: pd.DataFrame, months: tuple[str, ...], by: str, highlight: tuple[str, ...] = ()
) -> go.Figure:
    """Services per month stacked by `by` (service_type or member_level); shades `highlight`."""
    names, colors = (
        (labels.SERVICE_LABELS, theme.SERVICE_COLORS)
        if by == "service_type"
        else (labels.LEVEL_LABELS, theme.LEVEL_COLORS)
    )
    ticks = [t for _, t in labels.month_ticks(months, stacked=True)]
    totals = monthly.groupby([by, "month"])["services"].sum()
    keys = [k for k in names if k in totals.index.get_level_values(0)]
    keys += sorted(set(totals.index.get_level_values(0)) - set(keys))
    fig = go.Figure()
    for key in keys:
        values = [int(totals.get((key, m), 0)) for m in months]
        fig.add_bar(
            x=ticks,
            y=values,
            name=names.get(key, key),
            marker_color=colors.get(key, theme.NEUTRAL),
            hovertemplate="%{x} " + names.get(key, key) + "：%{y:,} 人次<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(title="服务人次", rangemode="tozero")
    if keys:
        stacked = [sum(int(totals.get((k, m), 0)) for k in keys) for m in months]
        fig.update_yaxes(**labels.count_axis(max(stacked)))
    fig.update_xaxes(type="category", tickangle=0)
    inside = [i for i, m in enumerate(months) if m in highlight]
    if inside and len(inside) < len(months):
        fig.add_vrect(
            x0=inside[0] - 0.5,
            x1=inside[-1] + 0.5,
            fillcolor=theme.ACCENT,
            opacity=0.08,
            line_width=0,
        )
    return style(fig)


def volume_quality(
    points: pd.DataFrame,
    flagged: pd.DataFrame,
    threshold: float | None,
    low_rate: float,
    min_checked: int,
) -> go.Figure:
    """Services (x) against 抽查 pass rate (y) per team with re-checks; flagged teams
    (TeamsView.flagged_teams) carry their number `mark` (names would print over each other),
    listed beside. `threshold` is the high-volume reference over the whole database.

    `points` has label, services, checked, pass_rate (0..1) and flagged.
    """
    fig = go.Figure()
    few = points["checked"] < min_checked
    groups = [
        (points[~few & ~points["flagged"]], "circle", theme.ACCENT, "团队"),
        (points[few], "circle-open", theme.NEUTRAL, f"抽查不足 {min_checked} 人次"),
        (flagged, "x", theme.FLAG_COLOR, f"{FLAG} 合格率低于 {low_rate:.0%}"),
    ]
    for rows, symbol, color, name in groups:
        if rows.empty:
            continue
        marks = rows["mark"].map(f"{FLAG}{{}}".format) if "mark" in rows else None
        fig.add_scatter(
            x=rows["services"],
            y=rows["pass_rate"].astype(float) * 100,
            mode="markers" if marks is None else "markers+text",
            marker={"symbol": symbol, "color": color, "size": 10 if marks is None else 13},
            text=marks,
            textposition="top center",
            textfont={"color": color, "size": 15},
            name=name,
            showlegend=True,
            customdata=list(zip(rows["label"], rows["checked"], strict=True)),
            hovertemplate="%{customdata[0]}<br>服务 %{x:,} 人次<br>抽查 %{customdata[1]:,} 人次，"
            "合格率 %{y:.1f}%<extra></extra>",
        )
    fig.add_hline(
        y=low_rate * 100,
        line_dash="dash",
        line_color=theme.FLAG_COLOR,
        annotation_text=f"合格率 {low_rate:.0%}",
        annotation_position="bottom right",
    )
    widest = float(points["services"].max() or 1)
    if threshold is not None and threshold <= widest * LABEL_ROOM:
        fig.add_vline(
            x=threshold,
            line_dash="dot",
            line_color=theme.NEUTRAL,
            annotation_text=f"{HIGH_VOLUME_WORDS} {threshold:,.0f}",
            annotation_position="top left",
        )
    fig.update_xaxes(title="服务总量（人次）", range=[0, widest * LABEL_ROOM])
    fig.update_xaxes(**labels.count_axis(widest * LABEL_ROOM))
    fig.update_yaxes(title=f"{labels.PASS_RATE}（%）", range=[min(40, _floor(points)), 105])
    return style(fig)


def _floor(points: pd.DataFrame) -> float:
    lowest = pd.to_numeric(points["pass_rate"]).min() if len(points) else 1
    return max(0.0, float(lowest) * 100 - 10)


def village_share(bars: pd.DataFrame) -> go.Figure:
    """Village-doctor share per team (label, share, median: the team's county median), lowest
    first, with the county median as a line (one county) or a tick per team (several)."""
    below = bars["share"] < bars["median"]
    fig = go.Figure(
        go.Bar(
            x=bars["share"] * 100,
            y=safe.plotly_ticks(bars["label"]),
            orientation="h",
            marker_color=[theme.NEUTRAL if b else theme.ACCENT for b in below],
            text=[
                labels.pct(100 * v) + (" ▼" if b else "")
                for v, b in zip(bars["share"], below, strict=True)
            ],
            textposition="auto",  # inside when it fits, else just past the bar
            insidetextanchor="start",
            insidetextfont_color="white",
            outsidetextfont_color="#1a1a1a",
            name=labels.VILLAGE_DOCTOR_SHARE,
            customdata=safe.plotly_names(bars["label"]),
            hovertemplate="%{customdata}<br>"
            + labels.VILLAGE_DOCTOR_SHARE
            + " %{text}<extra></extra>",
        )
    )
    medians = bars["median"].dropna().unique()
    if len(medians) == 1:
        fig.add_vline(
            x=medians[0] * 100,
            line_dash="dash",
            line_color=theme.FLAG_COLOR,
            annotation_text=f"全县中位数 {labels.pct(100 * medians[0])}",
            annotation_position="top",
        )
    elif len(medians) > 1:
        fig.add_scatter(
            x=bars["median"] * 100,
            y=safe.plotly_ticks(bars["label"]),
            customdata=safe.plotly_names(bars["label"]),
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 22, "color": theme.FLAG_COLOR},
            name="所在县区中位数",
            hovertemplate="%{customdata}<br>所在县区中位数 %{x:.1f}%<extra></extra>",
        )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title="村级成员提供的服务占比（%）", range=[0, 110])
    fig.update_layout(showlegend=len(medians) > 1)
    return style(fig, height=_bars_height(len(bars)))


# --- the same charts drawn on the server (no Plotly): what 概况 lands on -----------------------


def ranking_html(rows: pd.DataFrame, measure: str) -> str:
    """ranking() as server-drawn bars: the same order, values and texts."""
    title, percent, digits = MEASURES[measure]
    scale = 100 if percent else 1
    top = 100 if percent else float((rows["value"] * scale).max() or 1)
    bars = [
        svg_values.ValueBar(
            str(r.label),
            None if pd.isna(r.value) else float(r.value) * scale,
            _value_text(r.value, percent, digits),
            theme.ACCENT,
            f"{r.label}：{title} {_value_text(r.value, percent, digits)}",
        )
        for r in rows.itertuples(index=False)
    ]
    axis = top if percent else top * LABEL_ROOM
    return svg_values.value_bars(bars, axis, title + ("（%）" if percent else ""))


def village_share_html(bars: pd.DataFrame) -> str:
    """village_share() as server-drawn bars: lowest first, ▼ below the county median, the
    median as a dashed line (one county) or a tick on each bar (several)."""
    below = bars["share"] < bars["median"]
    medians = bars["median"].dropna().unique()
    one = len(medians) == 1
    rows = []
    for r, low in zip(bars.itertuples(index=False), below, strict=True):
        text = labels.pct(100 * r.share) + (" ▼" if low else "")
        tip = f"{r.label}：{labels.VILLAGE_DOCTOR_SHARE} {labels.pct(100 * r.share)}"
        if not pd.isna(r.median):
            tip += f"；所在县区中位数 {labels.pct(100 * r.median)}"
        rows.append(
            svg_values.ValueBar(
                str(r.label),
                float(r.share) * 100,
                text,
                theme.NEUTRAL if low else theme.ACCENT,
                tip,
                None if one or pd.isna(r.median) else float(r.median) * 100,
            )
        )
    reference = (
        (float(medians[0]) * 100, f"全县中位数 {labels.pct(100 * medians[0])}") if one else None
    )
    return svg_values.value_bars(
        rows,
        110,
        "村级成员提供的服务占比（%）",
        reference,
        ticks=[0, 20, 40, 60, 80, 100],
        colors=(theme.FLAG_COLOR, theme.FLAG_COLOR),
    )


def monthly_stack_html(
    monthly: pd.DataFrame, months: tuple[str, ...], by: str, highlight: tuple[str, ...] = ()
) -> str:
    """monthly_stack() as server-drawn columns: the same series, order, colours and shading."""
    names, colors = (
        (labels.SERVICE_LABELS, theme.SERVICE_COLORS)
        if by == "service_type"
        else (labels.LEVEL_LABELS, theme.LEVEL_COLORS)
    )
    totals = monthly.groupby([by, "month"])["services"].sum()
    keys = [k for k in names if k in totals.index.get_level_values(0)]
    keys += sorted(set(totals.index.get_level_values(0)) - set(keys))
    series = [
        svg_values.Series(
            names.get(k, k),
            colors.get(k, theme.NEUTRAL),
            tuple(int(totals.get((k, m), 0)) for m in months),
        )
        for k in keys
    ]
    ticks = [t for _, t in labels.month_ticks(months, stacked=True)]
    shaded = frozenset(i for i, m in enumerate(months) if m in highlight)
    names = [labels.month_tick(m, year=True) for m in months]
    return svg_values.stacked_columns(ticks, series, "人次", "服务人次", shaded, names)
