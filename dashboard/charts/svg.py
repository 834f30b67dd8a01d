"""Small charts a page lands on, drawn on the server as inline SVG/HTML (no Plotly).

Pure functions: plain numbers and labels in, one escaped markup string out, rendered with
st.markdown(unsafe_allow_html=True) (st.html strips inline <svg>). Every text from the
database goes through html.escape (safe.html); values show on hover through <title> and
`title=`. A landing page that draws only these loads no Plotly code: Streamlit fetches its
Plotly chunk only when an st.plotly_chart element appears.

The SVG parts stretch to the column (preserveAspectRatio="none", strokes not scaled) and
every text is HTML beside them, so labels keep their size at 1440, 1024 and on a projector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard import safe
from views import labels

SPARK_CLASS = "yf-spark"
BARS_CLASS = "yf-bars"
NO_DATA = "无数据"  # a month without a single row: written where its column would stand
SPARK_HEIGHT_PX = 56  # the line's box: a card keeps room for value, change and badge at 1024
SPARK_DOT_PX = 7  # the latest value's dot
TARGET_LINE = "#5f6b7a"  # the target: a neutral dashed grey under the coloured line
# Room above/below the values (share of their span) so the target label and dot are not cut.
SPARK_PAD_BELOW, SPARK_PAD_ABOVE = 0.15, 0.25
BAR_ROW_PX = 34  # one horizontal bar: one line of 14-px text inside
BAR_ROW_PX_TWO_LINES = 48  # narrow columns: count and share on two lines
BAR_TEXT_PX = 14  # the smallest a projector room still reads
# Text inside a part is shown only when the part is wide enough (CSS container queries on
# the part itself): the whole "12,345（61.0%）", else the share, else nothing (on hover).
FULL_TEXT_MIN_PX, SHORT_TEXT_MIN_PX = 118, 46
TWO_LINES_MIN_PX = 64  # narrow charts: count over share
AXIS_TICKS = (0, 25, 50, 75, 100)  # % under the bars, as plotly's axis had
AXIS_TICKS_NARROW = (0, 50, 100)  # a narrow column has room for three

CSS = f"""<style>
.{SPARK_CLASS} {{ position: relative; margin: 2px 0 0 0; font-size: 11px; color: {TARGET_LINE};
  line-height: 1.2; }}
.{SPARK_CLASS} svg {{ display: block; width: 100%; height: {SPARK_HEIGHT_PX}px; overflow: visible; }}
.{SPARK_CLASS} .tgt {{ position: absolute; left: 0; transform: translateY(-100%);
  white-space: nowrap; z-index: 1; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }}
.{SPARK_CLASS} .ticks {{ display: flex; justify-content: space-between; margin-top: 2px; }}
.{BARS_CLASS} {{ font-size: {BAR_TEXT_PX}px; color: #1a1a1a; margin-bottom: 0.8rem;
  font-variant-numeric: tabular-nums; }}
.{BARS_CLASS} .legend {{ display: flex; gap: 1rem; margin-bottom: 6px; }}
.{BARS_CLASS} .legend i {{ display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; }}
.{BARS_CLASS} .grid {{ display: grid; grid-template-columns: max-content 1fr max-content;
  column-gap: 8px; row-gap: 6px; align-items: center; }}
.{BARS_CLASS} .name {{ text-align: right; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; max-width: 10em; }}
.{BARS_CLASS} .bar {{ display: flex; height: {BAR_ROW_PX}px; background: #eef0f3; }}
.{BARS_CLASS}.two .bar {{ height: {BAR_ROW_PX_TWO_LINES}px; }}
.{BARS_CLASS} .part {{ container-type: inline-size; overflow: hidden; display: flex;
  align-items: center; justify-content: center; text-align: center; white-space: nowrap;
  line-height: 1.15; }}
.{BARS_CLASS} .part .short {{ display: none; }}
@container (max-width: {FULL_TEXT_MIN_PX}px) {{
  .{BARS_CLASS}:not(.two) .part .full {{ display: none; }}
  .{BARS_CLASS}:not(.two) .part .short {{ display: inline; }}
}}
@container (max-width: {TWO_LINES_MIN_PX}px) {{
  .{BARS_CLASS}.two .part .full {{ display: none; }}
  .{BARS_CLASS}.two .part .short {{ display: inline; }}
}}
@container (max-width: {SHORT_TEXT_MIN_PX}px) {{ .{BARS_CLASS} .part .short {{ display: none; }} }}
.{BARS_CLASS} .after {{ white-space: nowrap; min-width: 7.5em; }}
.{BARS_CLASS} .axis {{ color: {TARGET_LINE}; font-size: 12px; }}
.{BARS_CLASS} .scale {{ position: relative; height: 1.4em; border-top: 1px solid #9ca3af; }}
.{BARS_CLASS} .scale span {{ position: absolute; top: 2px; transform: translateX(-50%); }}
.{BARS_CLASS} .scale span:first-child {{ transform: none; }}
.{BARS_CLASS} .scale span:last-child {{ transform: translateX(-100%); }}
</style>"""


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class SparkPoint:
    tick: str  # the month as written (2026年3月)
    value: float | None  # None: no data that month, the line breaks
    text: str  # the value as shown on hover, unit included


def spark_range(values: list[float], target: float | None) -> tuple[float, float]:
    """The y range: the values and the target with room above and below."""
    known = [*values, *([] if target is None else [target])]
    low, high = min(known), max(known)
    span = (high - low) or abs(high) or 1.0
    return low - SPARK_PAD_BELOW * span, high + SPARK_PAD_ABOVE * span


def sparkline(
    points: list[SparkPoint], color: str, target: float | None = None, target_text: str = ""
) -> str:
    """A trend line in `color` over the months, the target dashed with its label, the first
    and last month written under it, each month's value on hover; '' with < 2 values."""
    known = [p.value for p in points if p.value is not None]
    if len(known) < 2:
        return ""
    low, high = spark_range(known, target)
    n = len(points)
    width = 100.0  # viewBox units; stretched to the column

    def x(i: int) -> float:
        return width * i / (n - 1)

    def y(v: float) -> float:
        return 100.0 * (high - v) / (high - low)

    segments, current = [], []
    for i, p in enumerate(points):
        if p.value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((x(i), y(p.value)))
    if current:
        segments.append(current)
    stroke = 'fill="none" vector-effect="non-scaling-stroke"'
    parts = []
    if target is not None:
        ty = y(target)
        parts.append(
            f'<line class="target" x1="0" x2="{width:g}" y1="{_num(ty)}" y2="{_num(ty)}" '
            f'stroke="{TARGET_LINE}" stroke-width="1.5" stroke-dasharray="5 4" {stroke}/>'
        )
    for seg in segments:
        if len(seg) == 1:  # a lone month between gaps: a dot, as plotly drew nothing but hover
            sx, sy = seg[0]
            d = f"M{_num(sx)} {_num(sy)} l0 0"
        else:
            d = "M" + " L".join(f"{_num(sx)} {_num(sy)}" for sx, sy in seg)
        parts.append(
            f'<path class="line" d="{d}" stroke="{safe.html(color)}" stroke-width="2.5" '
            f'stroke-linecap="round" stroke-linejoin="round" {stroke}/>'
        )
    last = max(i for i, p in enumerate(points) if p.value is not None)
    parts.append(  # a zero-length round-capped stroke: a round dot whatever the stretch
        f'<path class="dot" d="M{_num(x(last))} {_num(y(points[last].value))} l0 0" '
        f'stroke="{safe.html(color)}" stroke-width="{SPARK_DOT_PX}" stroke-linecap="round" '
        f"{stroke}/>"
    )
    half = width / (n - 1) / 2
    for i, p in enumerate(points):  # hover strips, one per month
        left = max(0.0, x(i) - half)
        right = min(width, x(i) + half)
        tip = safe.html(f"{p.tick}：{p.text}")
        parts.append(
            f'<rect x="{_num(left)}" y="0" width="{_num(right - left)}" height="100" '
            f'fill="transparent"><title>{tip}</title></rect>'
        )
    label = ""
    if target is not None and target_text:
        top = min(max(y(target), 12.0), 100.0)
        label = f'<span class="tgt" style="top:{_num(top * SPARK_HEIGHT_PX / 100)}px">{safe.html(target_text)}</span>'
    svg = (
        f'<svg viewBox="0 0 {width:g} 100" preserveAspectRatio="none" role="img" '
        f'aria-label="{safe.html(points[0].tick)}–{safe.html(points[-1].tick)}">'
        + "".join(parts)
        + "</svg>"
    )
    ticks = (
        f'<div class="ticks"><span>{safe.html(points[0].tick)}</span>'
        f"<span>{safe.html(points[-1].tick)}</span></div>"
    )
    return f'<div class="{SPARK_CLASS}">{label}{svg}{ticks}</div>'


@dataclass(frozen=True)
class BarPart:
    label: str  # 绿标 …
    count: int
    share: float | None  # 0..1 of the row's total
    fill: str
    text_color: str


@dataclass(frozen=True)
class BarRow:
    name: str  # from the database: escaped when drawn
    parts: tuple[BarPart, ...]
    after: str  # written after the bar (the last part's count and share)


def stacked_bars(rows: list[BarRow], unit: str, narrow: bool = False) -> str:
    """100% stacked horizontal bars, one per row in order: each part's count and share inside
    when it fits (always on hover), the last part's after the bar, a legend and a 0–100% axis."""
    if not rows:
        return ""
    legend = "".join(
        f'<span><i style="background:{safe.html(p.fill)}"></i>{safe.html(p.label)}</span>'
        for p in rows[0].parts
    )
    body = []
    for r in rows:
        parts = []
        for p in r.parts:
            share = 0.0 if p.share is None or p.share != p.share else float(p.share)
            percent = _pct(p.share)
            tip = safe.html(f"{r.name} · {p.label}：{labels.number(p.count)} {unit}（{percent}）")
            count = labels.number(p.count)
            full = (
                f"{count}<br>{percent}" if narrow else f"{count}（{percent}）"
            )  # as the plotly bars wrote it
            text = (
                f'<span class="full">{full}</span><span class="short">{percent}</span>'
                if p.count and p is not r.parts[-1]
                else ""
            )
            parts.append(
                f'<div class="part" style="width:{_num(100 * share)}%;background:{safe.html(p.fill)};'
                f'color:{safe.html(p.text_color)}" title="{tip}" data-count="{p.count}" '
                f'data-share="{_num(100 * share)}">{text}</div>'
            )
        body.append(  # three cells of the chart's grid, so every bar starts and ends alike
            f'<div class="name" title="{safe.html(r.name)}">{safe.html(r.name)}</div>'
            f'<div class="bar">{"".join(parts)}</div><div class="after">{safe.html(r.after)}</div>'
        )
    ticks = "".join(
        f'<span style="left:{t}%">{t}%</span>'
        for t in (AXIS_TICKS_NARROW if narrow else AXIS_TICKS)
    )
    axis = f'<div></div><div class="axis scale">{ticks}</div><div></div>'
    two = " two" if narrow else ""
    return (
        f'<div class="{BARS_CLASS}{two}"><div class="legend">{legend}</div><div class="grid">'
        + "".join(body)
        + axis
        + "</div></div>"
    )


def _pct(share: float | None) -> str:
    return labels.pct(None if share is None else 100 * share)


# --- value bars (one horizontal bar per row, its value written after it) ----------------------

VALUES_CLASS = "yf-vbars"
COLUMNS_CLASS = "yf-cols"
VALUE_BAR_PX = 22  # one bar: a 15-px label beside it, as the plotly bars were spaced
COLUMNS_HEIGHT_PX = 260  # the monthly columns' plot area
VALUES_CSS = f"""<style>
.{VALUES_CLASS} {{ font-size: 14px; color: #1a1a1a; margin-bottom: 0.8rem;
  font-variant-numeric: tabular-nums; }}
.{VALUES_CLASS} .grid {{ display: grid; grid-template-columns: max-content 1fr;
  column-gap: 8px; row-gap: 5px; align-items: center; position: relative; }}
.{VALUES_CLASS} .name {{ grid-column: 1; text-align: right; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; max-width: 16em; }}
.{VALUES_CLASS} .cell {{ grid-column: 2; position: relative; display: flex; align-items: center;
  height: {VALUE_BAR_PX}px; }}
.{VALUES_CLASS} .fill {{ height: 100%; flex: none; }}
.{VALUES_CLASS} .val {{ padding-left: 5px; white-space: nowrap; }}
.{VALUES_CLASS} .tick {{ position: absolute; top: -3px; bottom: -3px; width: 0;
  border-left: 3px solid {{tick}}; }}
.{VALUES_CLASS} .ref {{ grid-column: 2; position: relative; pointer-events: none;
  align-self: stretch; }}
.{VALUES_CLASS} .ref i {{ position: absolute; top: 0; bottom: 0;
  border-left: 2px dashed {{ref}}; }}
.{VALUES_CLASS} .ref span {{ position: absolute; top: -1.5em; transform: translateX(-50%);
  color: {{ref}}; font-size: 12px; white-space: nowrap; }}
.{VALUES_CLASS} .scale, .{COLUMNS_CLASS} .scale {{ position: relative; height: 1.4em;
  border-top: 1px solid #9ca3af; color: {TARGET_LINE}; font-size: 12px; }}
.{VALUES_CLASS} .scale span {{ position: absolute; top: 2px; transform: translateX(-50%); }}
.{VALUES_CLASS} .title, .{COLUMNS_CLASS} .title {{ color: {TARGET_LINE}; font-size: 12px;
  text-align: center; }}
.{COLUMNS_CLASS} {{ font-size: 13px; color: #1a1a1a; margin-bottom: 0.8rem; }}
.{COLUMNS_CLASS} .legend {{ display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; margin-bottom: 6px; }}
.{COLUMNS_CLASS} .legend i {{ display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; }}
.{COLUMNS_CLASS} .plot {{ display: grid; grid-template-columns: max-content 1fr; column-gap: 6px; }}
.{COLUMNS_CLASS} .yaxis {{ position: relative; height: {COLUMNS_HEIGHT_PX}px; width: 4.2em;
  color: {TARGET_LINE}; font-size: 12px; }}
.{COLUMNS_CLASS} .yaxis span {{ position: absolute; right: 0; transform: translateY(50%); }}
.{COLUMNS_CLASS} .area {{ position: relative; height: {COLUMNS_HEIGHT_PX}px; display: flex;
  align-items: flex-end; gap: 4%; padding: 0 1%; border-bottom: 1px solid #9ca3af; }}
.{COLUMNS_CLASS} .grid-line {{ position: absolute; left: 0; right: 0; border-top: 1px solid #e5e7eb; }}
.{COLUMNS_CLASS} .col {{ position: relative; flex: 1; display: flex; flex-direction: column-reverse;
  height: 100%; justify-content: flex-start; z-index: 1; }}
.{COLUMNS_CLASS} .col.hl::before {{ content: ""; position: absolute; inset: 0 -2px;
  background: rgba(31, 78, 121, 0.08); z-index: -1; }}
.{COLUMNS_CLASS} .seg {{ flex: none; }}
.{COLUMNS_CLASS} .none {{ color: {TARGET_LINE}; font-size: 12px; text-align: center;
  writing-mode: horizontal-tb; white-space: nowrap; margin-bottom: 4px; }}
.{COLUMNS_CLASS} .note {{ color: {TARGET_LINE}; font-size: 12px; margin-top: 4px; }}
.{COLUMNS_CLASS} .xaxis {{ display: flex; gap: 4%; padding: 2px 1% 0; color: #3d4652;
  font-size: 12px; text-align: center; line-height: 1.2; }}
.{COLUMNS_CLASS} .xaxis span {{ flex: 1; min-width: 0; white-space: nowrap; font-size: 11px; }}
</style>"""


def _values_css(tick: str = TARGET_LINE, ref: str = TARGET_LINE) -> str:
    return VALUES_CSS.replace("{tick}", tick).replace("{ref}", ref)


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 × 10^k) up to at least `maximum`."""
    if not maximum or maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks, value = [0.0], 0.0
    while value < maximum - 1e-9:
        value += step
        ticks.append(round(value, 10))
    return ticks


@dataclass(frozen=True)
class ValueBar:
    name: str  # from the database: escaped when drawn
    value: float | None  # in axis units (e.g. % for a share); None: no bar
    text: str  # written after the bar
    fill: str
    tip: str  # on hover
    tick: float | None = None  # a per-row mark in axis units (e.g. the county median)
    strong: bool = False  # the chosen row: its name in bold


def value_bars(
    rows: list[ValueBar],
    axis_max: float,
    axis_title: str,
    reference: tuple[float, str] | None = None,
    ticks: list[float] | None = None,
    tick_format=lambda v: f"{v:,.0f}",
    colors: tuple[str, str] = ("#b45309", "#b45309"),
) -> str:
    """Horizontal bars in row order, each with its text after it and its tip on hover; an
    optional dashed reference line with its label over all rows, per-row tick marks, and a
    scale 0–axis_max with the axis title under it."""
    if not rows:
        return ""
    top = axis_max or 1.0

    def x(v: float) -> str:
        return _num(100 * min(max(v, 0.0), top) / top)

    cells = []
    marks = [] if reference is None else [reference[0]]
    for row, r in enumerate(rows, start=1):
        width = 0.0 if r.value is None else float(r.value)
        tick = f'<i class="tick" style="left:{x(r.tick)}%"></i>' if r.tick is not None else ""
        # The text starts past the row's tick or the reference line when they lie just after
        # the bar's end, so a mark never runs through the figure.
        past = max([width, *(m for m in (*marks, r.tick) if m is not None)])
        shift = 100 * (min(past, top) - min(max(width, 0.0), top)) / top
        gap = f' style="margin-left:calc({_num(shift)}% + 6px)"' if shift > 0 else ""
        name = f"<b>{safe.html(r.name)}</b>" if r.strong else safe.html(r.name)
        # Rows placed explicitly: the reference line spans them all in the bars' column, and
        # auto-placement would push the bars around it.
        cells.append(
            f'<div class="name" title="{safe.html(r.name)}" style="grid-row:{row}">{name}</div>'
            f'<div class="cell" title="{safe.html(r.tip)}" data-value="{_num(width)}" '
            f'style="grid-row:{row}">'
            f'<div class="fill" style="width:{x(width)}%;background:{safe.html(r.fill)}"></div>'
            f'<span class="val"{gap}>{safe.html(r.text)}</span>{tick}</div>'
        )
    ref = ""
    if reference is not None:
        value, label = reference
        ref = (
            f'<div class="ref" style="grid-row:1 / span {len(rows)}">'
            f'<i style="left:{x(value)}%"></i><span style="left:{x(value)}%">{safe.html(label)}'
            "</span></div>"
        )
    marks = "".join(
        f'<span style="left:{x(t)}%">{safe.html(tick_format(t))}</span>'
        for t in (ticks or nice_ticks(top))
        if t <= top
    )
    css = _values_css(*colors)
    head = '<div style="height:1.6em"></div>' if reference else ""
    return (
        f'{css}<div class="{VALUES_CLASS}">{head}<div class="grid">{"".join(cells)}{ref}'
        f'<div></div><div class="scale">{marks}</div>'
        f'<div></div><div class="title">{safe.html(axis_title)}</div></div></div>'
    )


@dataclass(frozen=True)
class Series:
    label: str
    fill: str
    values: tuple[int, ...]  # one per column


def stacked_columns(
    ticks: list[str],
    series: list[Series],
    unit: str,
    axis_title: str,
    highlight: frozenset[int] = frozenset(),
    names: list[str] | None = None,
) -> str:
    """Vertical columns stacked by series (first at the bottom), one per tick (a month; a
    `<br>` in a tick breaks its line), the `highlight` columns shaded; each part's value on
    hover under its column's name in `names` (default: the tick); y scale with round steps."""
    if not ticks or not series:
        return ""
    totals = [sum(s.values[i] for s in series) for i in range(len(ticks))]
    grid = nice_ticks(max(totals))
    top = grid[-1] or 1.0
    legend = "".join(
        f'<span><i style="background:{safe.html(s.fill)}"></i>{safe.html(s.label)}</span>'
        for s in series
    )
    y_labels = "".join(f'<span style="bottom:{_num(100 * t / top)}%">{t:,.0f}</span>' for t in grid)
    lines = "".join(
        f'<div class="grid-line" style="bottom:{_num(100 * t / top)}%"></div>' for t in grid[1:]
    )
    cols = []
    for i, tick in enumerate(ticks):
        plain = names[i] if names else tick.replace("<br>", "")
        segs = "".join(
            f'<div class="seg" style="height:{_num(100 * s.values[i] / top)}%;'
            f'background:{safe.html(s.fill)}" title="{safe.html(f"{plain} {s.label}：{s.values[i]:,} {unit}")}"'
            f' data-value="{s.values[i]}"></div>'
            for s in series
            if s.values[i]
        )
        hl = " hl" if i in highlight and len(highlight) < len(ticks) else ""
        if not totals[i]:  # no bar at all: say so in the column, not an empty gap
            segs = f'<span class="none">{NO_DATA}</span>'
        cols.append(
            f'<div class="col{hl}" title="{safe.html(f"{plain} 合计：{totals[i]:,} {unit}")}">{segs}</div>'
        )
    empty = [
        names[i] if names else t.replace("<br>", "") for i, t in enumerate(ticks) if not totals[i]
    ]
    note = (
        f'<div class="note">{safe.html("、".join(empty))}没有数据（不是 0 {safe.html(unit)}）。</div>'
        if empty
        else ""
    )
    x_labels = "".join(
        f"<span>{'<br>'.join(safe.html(p) for p in t.split('<br>'))}</span>" for t in ticks
    )
    return (
        f'{_values_css()}<div class="{COLUMNS_CLASS}"><div class="legend">{legend}</div>'
        f'<div class="plot"><div class="yaxis">{y_labels}</div>'
        f'<div><div class="area">{lines}{"".join(cols)}</div><div class="xaxis">{x_labels}</div></div>'
        f'</div><div class="title">{safe.html(axis_title)}</div>{note}</div>'
    )
