"""The weekly brief as a PowerPoint deck (16:9): one slide per meeting slide, with native charts
and tables that stay editable in PowerPoint and WPS.

It renders `views.meeting.deck.MeetingView` — the Slide objects the projector and the PDF
render — from their message and fields only: it never queries, so its figures are the
export JSON's (`export --view meeting`). One body drawing per slide type, registered as
views.meeting.registry's Output.PPTX; a slide type without one raises NoRenderer.

    render(meeting, slides) -> bytes
"""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

from dashboard import palette
from dashboard.brief import pptx_kit as kit
from data_access.chronic import COLORS
from views import labels
from views.common import month_words
from views.meeting import deck, notes
from views.meeting.attention_slides import AlertsSlide, TeamsSlide
from views.meeting.chronic_slides import ColorsSlide, TransitionsSlide
from views.meeting.deck import Cover, NoData, TableSlide
from views.meeting.indicator_slides import KpiSlide, RankingSlide
from views.meeting.registry import Output, drawer, nothing, register
from views.meeting.village_slides import ClassesSlide

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)  # 16:9, PowerPoint's widescreen default
MARGIN = Inches(0.45)
TITLE_PT = 32  # the headline: read from the back row of a meeting room
SCOPE_PT = 18
MESSAGE_PT = 24
BIG_PT = 40  # the few big figures beside a chart
NOTE_PT = 14
BODY_TOP, BODY_BOTTOM = Inches(2.05), Inches(6.85)
TABLE_ROWS_MAX = 12  # rows a room reads on one slide; the workbook has the rest
TABLE_PT_MIN = 14  # a longer table shrinks its type to fit, down to this
EXCEL_NOTE = "见周报 Excel"
OTHER_BAR = "8FA9C4"
REMARK = "5A3E00"  # a 解读 line: dark amber, as on the projector  # areas not chosen: a pale accent, as on the projector


def _body(left: float = 0.0, right: float = 1.0) -> tuple[int, int, int, int]:
    """A box in the body area, given as fractions of the usable width."""
    usable = WIDTH - 2 * MARGIN
    x = MARGIN + int(usable * left)
    return x, BODY_TOP, int(usable * (right - left)), BODY_BOTTOM - BODY_TOP


def _note(shapes, words: str) -> None:
    kit.text(
        shapes,
        (MARGIN, BODY_BOTTOM - Inches(0.05), WIDTH - 2 * MARGIN, Inches(0.4)),
        [(words, NOTE_PT, False, kit.MUTED)],
    )


def _frame_table(shapes, box, df: pd.DataFrame, emphasis: set[int] = frozenset()) -> None:
    """A table of at most TABLE_ROWS_MAX rows, its type as large as the box allows."""
    shown = df.head(TABLE_ROWS_MAX)
    kit.table(shapes, box, shown, emphasis=emphasis, smallest=TABLE_PT_MIN)
    if len(df) > len(shown):
        _note(shapes, f"另有 {len(df) - len(shown)} 行未列出，{EXCEL_NOTE}。")


def _big_numbers(shapes, box, figures: list[tuple[str, str, str, str]]) -> None:
    """Stacked big figures: (label, value, note, colour)."""
    lines = []
    for label, value, note, color in figures:
        lines += [(label, 20, True, kit.INK), (value, BIG_PT, True, color)]
        lines.append((note, NOTE_PT, False, kit.MUTED))
    kit.text(shapes, box, lines)


register(Output.PPTX, NoData)(nothing)  # the head says why: no body


@register(Output.PPTX, TableSlide)
def _table(shapes, slide: TableSlide, m: deck.Meeting) -> None:
    """The big numbers (if any) in a column at the left, the table beside or across, its
    stressed rows bold, and one note line under it: note, what is left out, the lines."""
    box = _body()
    if slide.numbers:
        figures = [(n.label, n.value, n.unit, palette.FLAG_COLOR if n.alarm else palette.ACCENT)
                   for n in slide.numbers]  # fmt: skip
        _big_numbers(shapes, _body(0.0, 0.2), figures)
        box = _body(0.22, 1.0)
    words = slide.note + slide.more_words(EXCEL_NOTE) + "；".join(slide.lines)
    if len(slide.table):
        if words:
            box = (box[0], box[1], box[2], box[3] - Inches(0.45))
        _frame_table(shapes, box, slide.table, emphasis=set(slide.emphasis))
    if words:
        _note(shapes, words)


@register(Output.PPTX, Cover)
def _cover(shapes, slide: Cover, m: deck.Meeting) -> None:
    title = [(f"{labels.APP_TITLE}周例会", 44, True, palette.ACCENT)]
    if m.demo:
        title.append((f"【{labels.DEMO_BADGE}】不代表任何真实地区", 20, True, palette.FLAG_COLOR))
    title += [
        (f"{m.scope_words} · {m.period_label}", TITLE_PT, True, kit.INK),
        (f"对比{m.previous_label or labels.NO_VALUE} · {m.freshness}", NOTE_PT + 2, False,
         kit.MUTED),
    ]  # fmt: skip
    if slide.empty:
        title.append((slide.empty, MESSAGE_PT, True, kit.INK))
    kit.text(shapes, (MARGIN, Inches(0.6), WIDTH - 2 * MARGIN, Inches(2.4)), title)
    agenda = slide.agenda
    half = (len(agenda) + 1) // 2
    for col, items in enumerate((agenda[:half], agenda[half:])):
        box = (MARGIN + col * Inches(6.2), Inches(3.3), Inches(6.0), Inches(3.6))
        first = 1 + col * half
        kit.text(shapes, box, [(f"{first + i}  {t}", 24, True, kit.INK) for i, t in
                               enumerate(items)])  # fmt: skip


@register(Output.PPTX, KpiSlide)
def _kpis(shapes, slide: KpiSlide, m: deck.Meeting) -> None:
    tiles = slide.tiles[:TABLE_ROWS_MAX]
    if not tiles:
        kit.text(shapes, _body(), [("本页没有需要列出的指标。", MESSAGE_PT, False, kit.INK)])
        return
    status = [
        f"{labels.ATTAINMENT_SYMBOLS[t.band]} {labels.ATTAINMENT_WORDS[t.band]}"
        if t.reason is None
        else t.reason
        for t in tiles
    ]
    same_unit = len({t.unit for t in tiles}) == 1 and all(t.value_number is not None for t in tiles)
    if same_unit:  # one axis for all: value against target
        unit = tiles[0].unit or ""
        fmt = '0.0"%"' if unit == "%" else "#,##0.0"
        graph = kit.chart(
            shapes, _body(0, 0.5), XL_CHART_TYPE.BAR_CLUSTERED,
            [t.name for t in tiles],
            [("本期", [t.value_number for t in tiles], palette.ACCENT),
             ("目标", [t.target_number for t in tiles], "B8C2CC")],
            number_format=fmt, label_position=kit.OUTSIDE,
        )  # fmt: skip
        graph.category_axis.reverse_order = True
        table = pd.DataFrame(
            {"指标": [t.name for t in tiles], "达标情况": status,
             "较上期": [t.change or labels.NO_VALUE for t in tiles]}
        )  # fmt: skip
        _frame_table(shapes, _body(0.52, 1.0), table)
    else:
        table = pd.DataFrame(
            {"指标": [t.name for t in tiles], "本期": [t.value for t in tiles],
             "目标": [t.target for t in tiles], "达标情况": status,
             "较上期": [t.change or labels.NO_VALUE for t in tiles]}
        )  # fmt: skip
        _frame_table(shapes, _body(), table)
    more = len(slide.tiles) - len(tiles)
    if more > 0:
        _note(shapes, f"另有 {more} 项指标，{EXCEL_NOTE}。")


@register(Output.PPTX, RankingSlide)
def _ranking(shapes, slide: RankingSlide, m: deck.Meeting) -> None:
    rows = slide.rows
    rows = rows[rows["score"].notna()].head(TABLE_ROWS_MAX + 3)
    chosen = rows["highlight"]
    names = [
        f"{'▶ ' if h else ''}{int(r)}  {n}  {mv}".rstrip()
        for r, n, h, mv in zip(rows["rank"], rows["name"], chosen, rows["move"], strict=True)
    ]
    graph = kit.chart(
        shapes, _body(0, 0.8), XL_CHART_TYPE.BAR_CLUSTERED, names,
        # The ranking view's score text as the bar value: the page's digits, cut not rounded.
        [("综合得分", [float(s) for s in rows["score_text"]], palette.ACCENT)],
        number_format="0." + "0" * slide.decimals, label_position=kit.OUTSIDE,
    )  # fmt: skip
    graph.category_axis.reverse_order = True
    # The axis spans the scores (views.labels.score_axis); a cut axis is said so under it.
    axis = labels.score_axis(rows["score"])
    graph.value_axis.minimum_scale, graph.value_axis.maximum_scale = axis.start, axis.end
    graph.value_axis.major_unit = axis.ticks[1] - axis.ticks[0]
    if chosen.any():
        for i, h in enumerate(chosen):
            if not h:
                point = graph.plots[0].series[0].points[i]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = kit.rgb(OTHER_BAR)
    note = (
        f"▶ 所选范围；名次后为较上期的变化（{labels.RANK_MOVE_LEGEND}）"
        if slide.comparable
        else f"▶ 所选范围；名次不比较：{slide.no_change_reason}"
    ) + (f"；{axis.note}" if axis.broken else "")
    kit.text(shapes, _body(0.81, 1.0), [(note, NOTE_PT + 2, False, kit.MUTED)])
    if len(slide.league) > len(rows):
        _note(shapes, f"共 {len(slide.league)} 个，完整排名{EXCEL_NOTE}。")


def _number(count):
    """A chart value: a count hidden for small cells (`<5`, 不显示) has none."""
    return None if isinstance(count, str) else count


@register(Output.PPTX, ColorsSlide)
def _colors(shapes, slide: ColorsSlide, m: deck.Meeting) -> None:
    unit = slide.unit
    _big_numbers(
        shapes,
        _body(0, 0.2),
        [
            (labels.COLOR_LABELS[c], labels.fraction_pct(slide.shares[c]),
             f"{labels.count(slide.totals[c])} {unit}", palette.MANAGEMENT_COLORS[c])
            for c in COLORS
        ],
    )  # fmt: skip
    rows = slide.disease_rows
    graph = kit.chart(
        shapes, _body(0.22, 1.0), XL_CHART_TYPE.BAR_STACKED_100,
        [r.label for r in rows],
        [(f"{labels.COLOR_LABELS[c]}（{unit}）", [_number(r.counts[c]) for r in rows],
          palette.MANAGEMENT_COLORS[c]) for c in COLORS],
        label_position=kit.CENTER,
    )  # fmt: skip
    graph.category_axis.reverse_order = True
    _note(shapes, f"按病种，{month_words(slide.month)}末；条长为占比，数字为{unit}")


@register(Output.PPTX, TransitionsSlide)
def _transitions(shapes, slide: TransitionsSlide, m: deck.Meeting) -> None:
    moved, unit = slide.moved, slide.unit
    _big_numbers(
        shapes,
        _body(0, 0.2),
        [
            ("加重", f"{moved['worse']:,}", f"其中转为红标 {slide.into_red:,}",
             palette.MANAGEMENT_COLORS["red"]),
            ("好转", f"{moved['better']:,}", unit, palette.MANAGEMENT_COLORS["green"]),
            ("不变", f"{moved['same']:,}", unit, kit.INK),
        ],
    )  # fmt: skip
    matrix = slide.matrix
    before, after = f"{month_words(slide.before)}末", f"{month_words(slide.month)}末"
    categories = [
        f"{before}{labels.COLOR_LABELS[c]}" if c else labels.ENTERED_LABEL for c in matrix.ends
    ]
    series = [
        (
            f"{after}{labels.COLOR_LABELS[target]}" if target else labels.LEFT_LABEL,
            [matrix.count(source, target) for source in matrix.ends],
            palette.MANAGEMENT_COLORS[target] if target else palette.NEUTRAL,
        )
        for target in matrix.ends
    ]
    graph = kit.chart(
        shapes, _body(0.22, 1.0), XL_CHART_TYPE.BAR_STACKED_100, categories, series,
        label_position=kit.CENTER,
    )  # fmt: skip
    graph.category_axis.reverse_order = True
    _note(shapes, f"每条：{before}一种颜色的患者，分段为其{after}的颜色；条长为占比，数字为{unit}")


@register(Output.PPTX, ClassesSlide)
def _classes(shapes, slide: ClassesSlide, m: deck.Meeting) -> None:
    rows = slide.rows
    table = pd.DataFrame(
        {
            "项目": [name for name, _ in rows],
            **{
                labels.CLASS_LABELS[c]: [v.get(c, labels.NO_VALUE) for _, v in rows] for c in (1, 2)
            },
        }
    )
    per_capita = slide.per_capita
    if all(per_capita.get(c) is not None for c in (1, 2)):
        _frame_table(shapes, _body(0, 0.6), table)
        kit.chart(
            shapes, _body(0.63, 1.0), XL_CHART_TYPE.COLUMN_CLUSTERED,
            [labels.CLASS_LABELS[c] for c in (1, 2)],
            [(f"{slide.year}年人均公卫经费（元）",
              [round(per_capita[c], 1) for c in (1, 2)], palette.ACCENT)],
            number_format="#,##0.0", label_position=kit.OUTSIDE,
        )  # fmt: skip
    else:
        _frame_table(shapes, _body(), table)


@register(Output.PPTX, TeamsSlide)
def _teams(shapes, slide: TeamsSlide, m: deck.Meeting) -> None:
    rows = slide.rows
    table = pd.DataFrame(
        {
            "团队": rows["name"],
            "乡镇": rows["township_name"],
            "服务量（人次）": rows["services"],
            "抽查（人次）": rows["checked"],
            labels.PASS_RATE: [labels.fraction_pct(v) for v in rows["pass_rate"]],
        }
    )
    kit.text(shapes, (MARGIN, BODY_TOP - Inches(0.05), WIDTH, Inches(0.45)),
             [(slide.caption, 20, True, kit.INK)])  # fmt: skip
    box = _body()
    _frame_table(shapes, (box[0], box[1] + Inches(0.45), box[2], box[3] - Inches(0.9)), table)
    more = f"另有 {slide.more} 个未列出，{EXCEL_NOTE}。" if slide.more else ""
    rule = f"⚑ 标记规则：{slide.rule}。" if slide.rule else ""
    if rule or more:
        _note(shapes, rule + more)


@register(Output.PPTX, AlertsSlide)
def _alerts(shapes, slide: AlertsSlide, m: deck.Meeting) -> None:
    items = slide.items
    table = pd.DataFrame(
        {
            "数量": [
                f"{labels.count(count)} {unit}" if count else "✓ 0" for count, unit, _, _ in items
            ],
            "事项": [subject for _, _, subject, _ in items],
            "明细（节选）": [names or labels.NO_VALUE for *_, names in items],
        }
    )
    _frame_table(shapes, _body(), table, emphasis={i for i, it in enumerate(items) if it.count})


def _head(shapes, slide: deck.Slide, m: deck.Meeting) -> None:
    kit.bar(shapes, (0, 0, WIDTH, Inches(1.0)), palette.ACCENT)
    kit.text(
        shapes,
        (MARGIN, Inches(0.12), Inches(7.4), Inches(0.8)),
        [(slide.title, TITLE_PT, True, "FFFFFF")],
        anchor=MSO_ANCHOR.MIDDLE,
    )
    kit.text(
        shapes,
        (Inches(7.9), Inches(0.12), WIDTH - Inches(7.9) - MARGIN, Inches(0.8)),
        [(f"{m.scope_words} · {m.period_label}", SCOPE_PT, True, "FFFFFF")],
        align=PP_ALIGN.RIGHT,
        anchor=MSO_ANCHOR.MIDDLE,
    )
    words = slide.empty or slide.message
    lines = [(words, MESSAGE_PT, True, kit.INK)] if words else []
    # 解读 of the slide's figures, under the message
    lines += [(line, NOTE_PT, False, REMARK) for line in slide.remarks]
    if lines:
        kit.text(shapes, (MARGIN, Inches(1.1), WIDTH - 2 * MARGIN, Inches(0.9)), lines)


def _foot(shapes, m: deck.Meeting, position: str, generated: str) -> None:
    words = f"{labels.APP_TITLE}周报 · {m.freshness} · 生成于 {generated}"
    if m.demo:
        words = f"【{labels.DEMO_BADGE}】" + words
    kit.text(
        shapes,
        (MARGIN, Inches(7.05), Inches(10.5), Inches(0.35)),
        [(words, 11, False, kit.MUTED)],
    )
    kit.text(
        shapes,
        (WIDTH - MARGIN - Inches(1.6), Inches(7.05), Inches(1.6), Inches(0.35)),
        [(position, 12, True, kit.MUTED)],
        align=PP_ALIGN.RIGHT,
    )


def render(m: deck.Meeting, slides: list[deck.Slide], generated: str | None = None) -> bytes:
    """The deck as .pptx bytes: one 16:9 slide per meeting slide, in the meeting's order."""
    generated = generated or datetime.now().strftime("%Y-%m-%d %H:%M")
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    kit.theme_fonts(prs)
    prs.core_properties.title = f"{labels.APP_TITLE}周报 · {m.scope_words} · {m.period_label}"
    prs.core_properties.author = labels.APP_TITLE
    blank = prs.slide_layouts[6]
    for number, slide in enumerate(slides, start=1):
        page = prs.slides.add_slide(blank)
        shapes = page.shapes
        if not isinstance(slide, Cover):
            _head(shapes, slide, m)
        drawer(Output.PPTX, slide)(shapes, slide, m)
        _foot(shapes, m, f"{number} / {len(slides)}", generated)
        # What the presenter says when asked how a figure is counted and where it is from.
        page.notes_slide.notes_text_frame.text = notes.speaker_notes(slide, m)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
