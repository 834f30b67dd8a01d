"""县区排名's league as a compact HTML table that fits the page: every indicator in view at once.

A data grid needs one header line per column, so ten indicator names pushed the league to
~2,800 px and a leader saw two of them. Here each indicator column is narrow: a short label
over two lines and its target in the header (full name, target and weight in the tooltip),
the value at the digit that decides its band, the band as the cell's fill plus a symbol
(colour is never the only cue). Every score, rank and change is the model's own text.
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from dashboard import safe, theme
from dashboard.charts.ranking_tables import (
    CHANGE,
    HIGHLIGHT_MARK,
    RANK,
    SCORE,
    movement_style,
    trend_axis,
)
from data_access.indicators import attainment
from views import labels
from views.rankings import League, band_thresholds, decisive_text, rank_text, target_text

CSS_CLASS = "yf-league"  # the browser test measures this table's box
TREND_HEADER = "走势"
# Short labels (two lines of at most 3 characters, so a
# 1024-px laptop still fits them) for the official indicators; any other
# indicator shows its full name, which wraps in its narrow column.
SHORT_LABELS = {
    "htn_std_mgmt": "高血压<br>管理",
    "dm_std_mgmt": "糖尿病<br>管理",
    "bp_control": "血压<br>控制",
    "bg_control": "血糖<br>控制",
    "elderly_mgmt": "老年人<br>管理",
    "fd_sign": "家医<br>签约",
    "key_sign": "重点<br>签约",
    "followup_overdue": "随访<br>逾期",
    "primary_visit_share": "基层<br>门急诊",
    "ehr_rate": "电子<br>建档",
}
# The monthly-score sparkline drawn in each row (px): wide enough for 12 months.
SPARK_W, SPARK_H = 64, 20
CSS = f"""
<style>
.{CSS_CLASS} {{ width: 100%; overflow-x: auto; }}
.{CSS_CLASS} table {{ width: 100%; border-collapse: collapse; font-size: 0.85rem;
  font-variant-numeric: tabular-nums; }}
.{CSS_CLASS} th, .{CSS_CLASS} td {{ border: 1px solid #e5e7eb; padding: 4px 5px;
  text-align: center; white-space: nowrap; }}
.{CSS_CLASS} thead th {{ background: #f6f7f9; font-weight: 600; vertical-align: bottom;
  line-height: 1.25; }}
.{CSS_CLASS} thead th.ind {{ white-space: normal; min-width: 3.2em; font-size: 0.8rem; }}
.{CSS_CLASS} thead th .tgt {{ display: block; color: #5f6b7a; font-weight: 400;
  font-size: 0.75rem; }}
.{CSS_CLASS} td.area {{ text-align: left; }}
.{CSS_CLASS} td.score {{ font-weight: 700; }}
.{CSS_CLASS} td.val {{ color: #1a1a1a; text-align: right; }}
.{CSS_CLASS} td.val .sym {{ display: inline-block; width: 1.1em; text-align: center; }}
.{CSS_CLASS} tr.mine td.area {{ background: {theme.HIGHLIGHT_FILL}; font-weight: 700; }}
.{CSS_CLASS} tr.mine td {{ border-top: 2px solid {theme.ACCENT};
  border-bottom: 2px solid {theme.ACCENT}; }}
.{CSS_CLASS} td.spark {{ padding: 2px 4px; }}
</style>
"""


def header_tip(d, county_only: bool = False) -> str:
    """The column's tooltip: full name, target with direction, weight and level."""
    parts = [str(d.name), f"目标 {target_text(d)}"]
    parts.append(f"权重 {d.weight:g}" if d.weight else "权重 0，不计分")
    if county_only:
        parts.append("只在县级统计，乡镇不计分")
    return "；".join(parts)


def value_text(value, d) -> str:
    """The value at the digit that decides its band (views.rankings.decisive_text), unit in
    the header: 65.97 against ≥66 never reads as 66.0."""
    return decisive_text(value, None, band_thresholds(d))


def _band(value, d) -> str:
    return labels.attainment_band(
        None if value is None or pd.isna(value) else attainment(value, d.target, d.higher_is_better)
    )


def _spark(scores: list[float], low: float, high: float) -> str:
    """A small SVG line of the monthly scores on the league's shared axis."""
    if len(scores) < 2:
        return labels.NO_VALUE if not scores else ""
    span = (high - low) or 1.0
    step = (SPARK_W - 4) / (len(scores) - 1)
    points = " ".join(
        f"{2 + i * step:.1f},{2 + (SPARK_H - 4) * (high - min(max(s, low), high)) / span:.1f}"
        for i, s in enumerate(scores)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_W}" height="{SPARK_H}">'
        f'<polyline points="{points}" fill="none" stroke="{theme.ACCENT}" stroke-width="1.5"/>'
        "</svg>"
    )
    # st.html strips inline <svg>; an image of it is kept.
    return (
        f'<img alt="" width="{SPARK_W}" height="{SPARK_H}" src="data:image/svg+xml,{quote(svg)}">'
    )


def league_html(
    league: League,
    definitions: pd.DataFrame,
    months: int,
    county_only: frozenset[str] = frozenset(),
    change_help: str = "",
) -> str:
    """The league (model order) as one HTML table sized to the page's width."""
    t = league.table
    area = safe.html(league.area_label)
    low, high = trend_axis(league)
    values = league.values.set_index(["area_code", "indicator_code"])["value"]
    defs = list(definitions.itertuples(index=False))
    score_tip = f"官方权重下的综合得分（百分制），显示 {league.decimals} 位小数（截去，不四舍五入）"
    head = [
        f"<th>{RANK}</th>",
        f'<th title="{safe.html(change_help)}">{CHANGE}</th>',
        f"<th>{area}</th>",
        f'<th title="{score_tip}">{SCORE}</th>',
        f'<th title="近{months}个月每个月单独计算的综合得分（纵轴 {low:g}–{high:g}，各行相同）">'
        f"{TREND_HEADER}</th>",
    ]
    for d in defs:
        only = d.indicator_code in county_only
        label = SHORT_LABELS.get(d.indicator_code) or safe.html(d.name)
        notes = [safe.html(target_text(d))]
        if not d.weight:
            notes.append("不计分")
        if only:
            notes.append("仅县级")
        head.append(
            f'<th class="ind" title="{safe.html(header_tip(d, only))}">{label}'
            f'<span class="tgt">{"<br>".join(notes)}</span></th>'
        )
    rows = []
    for r in t.itertuples(index=False):
        name = safe.html_name(r.name)
        cells = [
            f"<td>{rank_text(r.rank)}</td>",
            f'<td style="{movement_style(r.change_text)}">{safe.html(r.change_text)}</td>',
            f'<td class="area">{HIGHLIGHT_MARK if r.highlight else ""}{name}</td>',
            f'<td class="score">{safe.html(r.score_text)}</td>',
            f'<td class="spark">{_spark(list(r.trend), low, high)}</td>',
        ]
        for d in defs:
            value = values.get((r.area_code, d.indicator_code))
            band = _band(value, d)
            _color, symbol, word = theme.ATTAINMENT_STYLES[band]
            tip = f"{r.name} · {d.name} {decisive_text(value, d.unit, band_thresholds(d))} · {word}"
            sym = f'<span class="sym">{symbol}</span>' if band != "none" else ""
            cells.append(
                f'<td class="val" style="background:{theme.ATTAINMENT_FILLS[band]}"'
                f' title="{safe.html(tip)}">{value_text(value, d)}{sym}</td>'
            )
        mine = ' class="mine"' if r.highlight else ""
        rows.append(f"<tr{mine}>{''.join(cells)}</tr>")
    return (
        f'{CSS}<div class="{CSS_CLASS}"><table><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
