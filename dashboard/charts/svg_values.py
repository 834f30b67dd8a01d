"""Value bars and monthly columns drawn on the server as inline SVG/HTML (no Plotly): the
same way as dashboard/charts/svg.py draws the landing pages' sparklines and stacked bars."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard import safe
from dashboard.charts.svg import NO_DATA, TARGET_LINE, number

# One horizontal bar per row, its value written after it; or one column per month.

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
        return number(100 * min(max(v, 0.0), top) / top)

    cells = []
    marks = [] if reference is None else [reference[0]]
    for row, r in enumerate(rows, start=1):
        width = 0.0 if r.value is None else float(r.value)
        tick = f'<i class="tick" style="left:{x(r.tick)}%"></i>' if r.tick is not None else ""
        # The text starts past the row's tick or the reference line when they lie just after
        # the bar's end, so a mark never runs through the figure.
        past = max([width, *(m for m in (*marks, r.tick) if m is not None)])
        shift = 100 * (min(past, top) - min(max(width, 0.0), top)) / top
        gap = f' style="margin-left:calc({number(shift)}% + 6px)"' if shift > 0 else ""
        short = safe.html(safe.cut(r.name))  # whole in the cell's title
        name = f"<b>{short}</b>" if r.strong else short
        # Rows placed explicitly: the reference line spans them all in the bars' column, and
        # auto-placement would push the bars around it.
        cells.append(
            f'<div class="name" title="{safe.html(r.name)}" style="grid-row:{row}">{name}</div>'
            f'<div class="cell" title="{safe.html(r.tip)}" data-value="{number(width)}" '
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
    y_labels = "".join(
        f'<span style="bottom:{number(100 * t / top)}%">{t:,.0f}</span>' for t in grid
    )
    lines = "".join(
        f'<div class="grid-line" style="bottom:{number(100 * t / top)}%"></div>' for t in grid[1:]
    )
    cols = []
    for i, tick in enumerate(ticks):
        plain = names[i] if names else tick.replace("<br>", "")
        segs = "".join(
            f'<div class="seg" style="height:{number(100 * s.values[i] / top)}%;'
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
