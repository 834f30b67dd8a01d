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


def number(x: float) -> str:
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
            f'<line class="target" x1="0" x2="{width:g}" y1="{number(ty)}" y2="{number(ty)}" '
            f'stroke="{TARGET_LINE}" stroke-width="1.5" stroke-dasharray="5 4" {stroke}/>'
        )
    for seg in segments:
        if len(seg) == 1:  # a lone month between gaps: a dot, as plotly drew nothing but hover
            sx, sy = seg[0]
            d = f"M{number(sx)} {number(sy)} l0 0"
        else:
            d = "M" + " L".join(f"{number(sx)} {number(sy)}" for sx, sy in seg)
        parts.append(
            f'<path class="line" d="{d}" stroke="{safe.html(color)}" stroke-width="2.5" '
            f'stroke-linecap="round" stroke-linejoin="round" {stroke}/>'
        )
    last = max(i for i, p in enumerate(points) if p.value is not None)
    parts.append(  # a zero-length round-capped stroke: a round dot whatever the stretch
        f'<path class="dot" d="M{number(x(last))} {number(y(points[last].value))} l0 0" '
        f'stroke="{safe.html(color)}" stroke-width="{SPARK_DOT_PX}" stroke-linecap="round" '
        f"{stroke}/>"
    )
    half = width / (n - 1) / 2
    for i, p in enumerate(points):  # hover strips, one per month
        left = max(0.0, x(i) - half)
        right = min(width, x(i) + half)
        tip = safe.html(f"{p.tick}：{p.text}")
        parts.append(
            f'<rect x="{number(left)}" y="0" width="{number(right - left)}" height="100" '
            f'fill="transparent"><title>{tip}</title></rect>'
        )
    label = ""
    if target is not None and target_text:
        top = min(max(y(target), 12.0), 100.0)
        label = f'<span class="tgt" style="top:{number(top * SPARK_HEIGHT_PX / 100)}px">{safe.html(target_text)}</span>'
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
    count: int | str  # str: hidden for small cells (不显示)
    share: float | None  # 0..1 of the row's total
    fill: str
    text_color: str
    hidden: bool = False  # the hidden colours together: a grey part, no figure on it


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
        if not p.hidden
    )
    if any(p.hidden for r in rows for p in r.parts):
        grey = next(p for r in rows for p in r.parts if p.hidden)
        legend += f'<span><i style="background:{safe.html(grey.fill)}"></i>人数少，不显示</span>'
    body = []
    for r in rows:
        parts = []
        for p in r.parts:
            share = 0.0 if p.share is None or p.share != p.share else float(p.share)
            if p.hidden:
                parts.append(
                    f'<div class="part" style="width:{number(100 * share)}%;'
                    f'background:{safe.html(p.fill)}" title="{safe.html(f"{r.name} · {p.label}")}">'
                    "</div>"
                )
                continue
            if isinstance(p.count, str):
                continue  # a colour hidden for small cells: drawn in the grey part
            percent = _pct(p.share)
            tip = safe.html(f"{r.name} · {p.label}：{labels.count(p.count)} {unit}（{percent}）")
            count = labels.count(p.count)
            full = (
                f"{count}<br>{percent}" if narrow else f"{count}（{percent}）"
            )  # as the plotly bars wrote it
            text = (
                f'<span class="full">{full}</span><span class="short">{percent}</span>'
                if p.count and p is not r.parts[-1]
                else ""
            )
            parts.append(
                f'<div class="part" style="width:{number(100 * share)}%;background:{safe.html(p.fill)};'
                f'color:{safe.html(p.text_color)}" title="{tip}" data-count="{p.count}" '
                f'data-share="{number(100 * share)}">{text}</div>'
            )
        body.append(  # three cells of the chart's grid, so every bar starts and ends alike
            f'<div class="name" title="{safe.html(r.name)}">{safe.html(safe.cut(r.name))}</div>'
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
