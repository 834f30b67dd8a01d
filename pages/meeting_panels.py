"""The body of each slide on screen (Streamlit): big numbers, one chart or one short table.

One drawing per slide type, registered as views.meeting.registry's Output.PAGE; each reads
only its slide's fields. Database text is escaped before it goes into HTML; sizes come from
the CSS in meeting.view.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

import streamlit as st

from dashboard import palette, safe
from pages import meeting_plots as plots
from views import labels
from views.common import month_words
from views.domain import COLORS, Scope
from views.meeting.attention_slides import AlertsSlide, TeamsSlide
from views.meeting.chronic_slides import ColorsSlide, TransitionsSlide
from views.meeting.deck import Cover, Meeting, NoData, Slide, TableSlide
from views.meeting.indicator_slides import KpiSlide, RankingSlide
from views.meeting.registry import Output, drawer, register
from views.meeting.village_slides import ClassesSlide

BODY_PX = 700  # the height a slide body may use between the title and the controls
TILES_PER_ROW = 5  # five KPI tiles across 1920 px keep a 64-px value on one line
TILES_MAX = 15  # three rows; more would shrink the type below what a room reads
DENSE_ROWS = 7  # a longer table keeps its 28-px type with tighter rows, to fit the body

Drill = Callable[[Scope], None]


def html_block(markup: str) -> None:
    st.markdown(markup, unsafe_allow_html=True)


@register(Output.PAGE, NoData)
def empty(slide: NoData, m: Meeting, drill: Drill) -> None:
    html_block(f'<div class="mt-empty">{escape(slide.empty)}</div>')


@register(Output.PAGE, Cover)
def cover(slide: Cover, m: Meeting, drill: Drill) -> None:
    if slide.empty:
        html_block(f'<div class="mt-empty">{escape(slide.empty)}</div>')
        return
    demo = f'<span class="mt-badge">{labels.DEMO_BADGE}</span>' if m.demo else ""
    agenda = "".join(
        f"<li><span>{i}</span>{escape(title)}</li>" for i, title in enumerate(slide.agenda, start=1)
    )
    why = f'<div class="mt-cover-why">{escape(m.why)}</div>' if m.why else ""
    left = "".join(f"<li>{escape(line)}</li>" for line in slide.left_out)
    left = f'<div class="mt-cover-left">本期未列：<ul>{left}</ul></div>' if left else ""
    html_block(
        f'<div class="mt-cover"><div class="mt-cover-title">{labels.APP_TITLE}周例会{demo}</div>'
        f'<div class="mt-cover-scope">{escape(m.scope_words)} · {escape(m.period_label)}</div>'
        f"{why}"
        f'<div class="mt-cover-meta">对比{escape(m.previous_label or labels.NO_VALUE)} · '
        f'{escape(m.freshness)}</div><ol class="mt-agenda">{agenda}</ol>{left}</div>'
    )


@register(Output.PAGE, KpiSlide)
def kpis(slide: KpiSlide, m: Meeting, drill: Drill) -> None:
    tiles = slide.tiles[:TILES_MAX]
    if not tiles:  # e.g. every indicator on target: the message says so, nothing to draw
        html_block('<div class="mt-subempty">本页没有需要列出的指标。</div>')
        return
    per_row = TILES_PER_ROW if len(tiles) <= 2 * TILES_PER_ROW else math.ceil(len(tiles) / 3)
    cells = []
    for t in tiles:
        _color, symbol, word = palette.ATTAINMENT_STYLES[t.band]
        band_color = palette.ATTAINMENT_COLORS[t.band]
        status = f"{symbol} {word}" if t.reason is None else f"— {t.reason}"
        change = t.change or "上期无可比数值"
        change += " 较上期" if change[0] in "▲▼" else ""
        cells.append(
            f'<div class="mt-tile" style="border-left-color:{band_color}">'
            f'<div class="mt-tile-name">{escape(str(t.name))}</div>'
            f'<div class="mt-tile-value">{escape(t.value)}</div>'
            f'<div class="mt-tile-target"><span class="mt-chip" style="background:{band_color}">'
            f"{escape(status)}</span> 目标 {escape(t.target)}</div>"
            f'<div class="mt-tile-change">{escape(change)}</div></div>'
        )
    more = len(slide.tiles) - len(tiles)
    note = f'<div class="mt-note">另有 {more} 项指标见周报。</div>' if more > 0 else ""
    html_block(
        f'<div class="mt-tiles" style="grid-template-columns:repeat({per_row},1fr)">'
        + "".join(cells)
        + f"</div>{note}"
    )


@register(Output.PAGE, RankingSlide)
def ranking(slide: RankingSlide, m: Meeting, drill: Drill) -> None:
    rows = slide.rows
    offer = slide.drill and len(rows) > 1
    chart_col, drill_col = st.columns([3, 1]) if offer else (st.container(), None)
    with chart_col:
        fig = plots.ranking_bars(rows, BODY_PX - 40)
        st.plotly_chart(fig, config=plots.CONFIG, key=f"mt_chart_{slide.key}")
        change = (
            f"分数后为名次较上期的变化（{labels.RANK_MOVE_LEGEND}）"
            if slide.comparable
            else f"名次不比较：{slide.no_change_reason}"
        )
        html_block(f'<div class="mt-note">▶ 所选范围；{escape(change)}</div>')
    if drill_col is None:
        return
    with drill_col:
        html_block(f'<div class="mt-drill-head">进入{escape(slide.area)}</div>')
        box = st.container(horizontal=True, key="mt_drill", gap="small")
        for code, name, target in zip(rows["area_code"], rows["name"], slide.drill_to, strict=True):
            box.button(
                safe.markdown(safe.cut(name)),
                help=safe.markdown(name) if safe.cut(name) != name else None,
                key=f"mt_drill_{code}",
                on_click=drill,
                args=(target,),
                width="stretch",
            )


def big_number(label: str, value: str, note: str = "", color: str | None = None) -> str:
    style = f' style="color:{color}"' if color else ""
    return (
        f'<div class="mt-big"><div class="mt-big-label">{escape(label)}</div>'
        f'<div class="mt-big-value"{style}>{escape(value)}</div>'
        f'<div class="mt-big-note">{escape(note)}</div></div>'
    )


@register(Output.PAGE, ColorsSlide)
def colors(slide: ColorsSlide, m: Meeting, drill: Drill) -> None:
    fills = palette.management_colors()
    numbers, chart = st.columns([1, 3])
    with numbers:
        cells = [
            big_number(
                labels.COLOR_LABELS[c],
                labels.fraction_pct(slide.shares[c]),
                f"{labels.count(slide.totals[c])} 人次",
                fills[c],
            )
            for c in COLORS
        ]
        html_block('<div class="mt-stack">' + "".join(cells) + "</div>")
    with chart:
        html_block(f'<div class="mt-chart-head">按病种（{month_words(slide.month)}末）</div>')
        st.plotly_chart(
            plots.color_bars(slide, fills, BODY_PX - 60), config=plots.CONFIG, key="mt_colors"
        )


@register(Output.PAGE, TransitionsSlide)
def transitions(slide: TransitionsSlide, m: Meeting, drill: Drill) -> None:
    moved = slide.moved
    numbers, chart = st.columns([1, 3])
    with numbers:
        html_block(
            '<div class="mt-stack">'
            + big_number("加重", f"{moved['worse']:,}", f"其中转为红标 {slide.into_red:,}")
            + big_number("好转", f"{moved['better']:,}", "人次")
            + big_number("不变", f"{moved['same']:,}", "人次")
            + "</div>"
        )
    with chart:
        fig = plots.transition_flow(slide, palette.management_colors(), BODY_PX - 40)
        st.plotly_chart(fig, config=plots.CONFIG, key="mt_transitions")


@register(Output.PAGE, ClassesSlide)
def classes(slide: ClassesSlide, m: Meeting, drill: Drill) -> None:
    head = "".join(
        f"<th>{escape(labels.CLASS_LABELS[c])}<div>{escape(labels.CLASS_MEANING[c])}</div></th>"
        for c in (1, 2)
    )
    body = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(v[1])}</td><td>{escape(v[2])}</td></tr>"
        for name, v in slide.rows
    )
    html_block(f'<table class="mt-compare"><tr><th></th>{head}</tr>{body}</table>')


@register(Output.PAGE, TeamsSlide)
def teams(slide: TeamsSlide, m: Meeting, drill: Drill) -> None:
    rows = slide.rows
    if slide.no_checks:  # e.g. a month between quarterly checks: say so, not "✓ 0"
        html_block(f'<div class="mt-subempty">{escape(slide.no_checks)}</div>')
        return
    html_block(f'<div class="mt-chart-head">{escape(slide.caption)}</div>')
    if rows.empty:
        html_block(
            f'<div class="mt-subempty">本期没有团队抽查达到 {slide.min_checked} 人次，'
            "合格率无从比较。</div>"
        )
    else:
        pct = labels.fraction_pct
        body = "".join(
            f"<tr><td>{safe.html_name(r.name)}</td><td>{safe.html_name(r.township_name)}</td>"
            f"<td>{r.services:,}</td><td>{r.checked:,}</td><td><b>{pct(r.pass_rate)}</b></td>"
            f"<td>{pct(r.village_doctor_share)}</td></tr>"
            for r in rows.itertuples(index=False)
        )
        html_block(
            '<table class="mt-table"><tr><th>团队</th><th>乡镇</th><th>服务量（人次）</th>'
            f"<th>抽查（人次）</th><th>{labels.PASS_RATE}</th>"
            f"<th>{labels.VILLAGE_DOCTOR_SHARE}</th></tr>{body}</table>"
        )
    more = f"另有 {slide.more} 个未列出，见周报。" if slide.more else ""
    html_block(
        f'<div class="mt-note">⚑ 标记规则：{escape(slide.rule)}，只看团队自身的抽查。'
        f"本期 {slide.flagged} 个团队被标记。{escape(more)}</div>"
    )


@register(Output.PAGE, AlertsSlide)
def alerts(slide: AlertsSlide, m: Meeting, drill: Drill) -> None:
    rows = []
    for count, unit, text, names in slide.items:
        mark = "mt-alert-on" if count else "mt-alert-off"
        figure = labels.count(count) if count else "✓ 0"
        rows.append(
            f'<div class="mt-alert {mark}"><div class="mt-alert-count">{figure}'
            f'<span> {escape(unit)}</span></div><div class="mt-alert-text">{escape(text)}'
            f'<div class="mt-alert-names">{escape(names)}</div></div></div>'
        )
    html_block('<div class="mt-alerts">' + "".join(rows) + "</div>")


@register(Output.PAGE, TableSlide)
def table(slide: TableSlide, m: Meeting, drill: Drill) -> None:
    """The table (stressed rows in the alarm colour), its note and lines; the big numbers,
    when there are any, in a column beside it with the note under them."""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in slide.table.columns)
    stressed = set(slide.emphasis)
    body = "".join(
        f'<tr class="{"mt-emph" if i in stressed else ""}">'
        + "".join(f"<td>{escape(str(v))}</td>" for v in row)
        + "</tr>"
        for i, row in enumerate(slide.table.itertuples(index=False))
    )
    dense = " mt-dense" if len(slide.table) > DENSE_ROWS else ""
    grid = f'<table class="mt-table{dense}"><tr>{head}</tr>{body}</table>'
    words = slide.note + slide.more_words("见周报")
    lines = "".join(f'<div class="mt-note">{escape(line)}</div>' for line in slide.lines)
    if not slide.numbers:
        note = f'<div class="mt-note">{escape(words)}</div>' if words else ""
        html_block(grid + note + lines)
        return
    numbers, right = st.columns([1, 3])
    with numbers:
        html_block(
            '<div class="mt-stack">'
            + "".join(
                big_number(n.label, n.value, n.unit, palette.FLAG_COLOR if n.alarm else None)
                for n in slide.numbers
            )
            + "</div>"
        )
        # Beside the table, not under it: five rows of two lines fill the body at 1440×1000.
        if words:
            html_block(f'<div class="mt-note mt-side-note">{escape(words)}</div>')
    with right:
        html_block(grid + lines)


def render(slide: Slide, m: Meeting, drill: Drill) -> None:
    """Draw a slide's body: its type's panel (an empty slide: the sentence saying why)."""
    drawer(Output.PAGE, slide)(slide, m, drill)
