"""Drawing kit for the PowerPoint brief: text boxes, native tables and native charts, every run
in one Chinese typeface that Office and WPS both have.

python-pptx writes only `a:latin` for a font name; PowerPoint and WPS pick Chinese glyphs from
`a:ea`, so each run (and each chart's text properties) gets both. Without `a:ea` WPS falls back
to a face of its own choosing, which on some machines lacks glyphs and shows boxes.
"""

from __future__ import annotations

import math

import pandas as pd
from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from dashboard.brief import wrap
from views import labels

# 微软雅黑: installed with Windows Office and bundled with WPS; elsewhere the charset (GB2312)
# and family (sans-serif) named with it make the viewer substitute a Chinese sans face
# (LibreOffice on Linux: Noto Sans CJK SC). Not embedded: python-pptx cannot, and PowerPoint's
# embedding is its own obfuscated format.
FONT = "Microsoft YaHei"
FONT_CHARSET = "-122"  # GB2312 (134) as DrawingML's signed byte
FONT_PITCH_FAMILY = "34"  # variable pitch, swiss (sans-serif)
INK = "111111"
MUTED = "2B2F36"
HEADER_FILL = "E6ECF3"  # the projector's table header tint
TABLE_PT = 18  # table cells: the smallest text a room reads on a 16:9 slide at 3 m+
CHART_PT = 16  # axis labels and legends
LABEL_PT = 16  # figures written on the bars


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _typeface(rPr) -> None:
    """Name FONT as the Latin, East-Asian and complex-script face of a run's properties."""
    latin = rPr.find(qn("a:latin"))
    if latin is None:
        latin = etree.SubElement(rPr, qn("a:latin"))
        # a:latin must precede a:ea/a:cs/a:sym/a:hlinkClick…: move it before any of them.
        for follower in ("a:ea", "a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl"):
            found = rPr.find(qn(follower))
            if found is not None:
                found.addprevious(latin)
                break
    latin.set("typeface", FONT)
    previous = latin
    for tag in ("a:ea", "a:cs"):
        node = rPr.find(qn(tag))
        if node is None:
            node = etree.Element(qn(tag))
            previous.addnext(node)
        node.set("typeface", FONT)
        previous = node
    # GB2312 charset and a sans-serif family: a viewer without YaHei substitutes a Chinese
    # sans face (WPS, LibreOffice: Noto Sans CJK / WenQuanYi), never a Latin one.
    ea = rPr.find(qn("a:ea"))
    ea.set("charset", FONT_CHARSET)
    ea.set("pitchFamily", FONT_PITCH_FAMILY)


def style_font(font, size: float, bold: bool = False, color: str = INK) -> None:
    """Size, weight, colour and FONT (Latin and East-Asian) on a python-pptx Font."""
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = rgb(color)
    _typeface(font._rPr)


def theme_fonts(prs) -> None:
    """FONT as the theme's East-Asian heading and body face: text added later by hand in
    PowerPoint or WPS (a new text box, a chart title) also comes out in it."""
    theme = prs.slide_masters[0].part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for group in ("a:majorFont", "a:minorFont"):
        for node in root.iter(qn(group)):
            for tag in ("a:latin", "a:ea"):
                found = node.find(qn(tag))
                if found is not None:
                    found.set("typeface", FONT)
            # The theme's face for Simplified Chinese (script Hans), PowerPoint's own lookup.
            hans = next((f for f in node.iter(qn("a:font")) if f.get("script") == "Hans"), None)
            if hans is None:
                hans = etree.SubElement(node, qn("a:font"), script="Hans")
            hans.set("typeface", FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def text(
    shapes,
    box: tuple[int, int, int, int],
    lines: list[tuple[str, float, bool, str]],
    align=PP_ALIGN.LEFT,
    anchor=MSO_ANCHOR.TOP,
):
    """A text box; lines are (text, size pt, bold, colour)."""
    shape = shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Pt(4)
    for i, (words, size, bold, color) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = words
        style_font(run.font, size, bold, color)
    return shape


def bar(shapes, box: tuple[int, int, int, int], fill: str):
    """A plain filled rectangle (title bar, badge)."""
    shape = shapes.add_shape(MSO_SHAPE.RECTANGLE, *box)
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(fill)
    shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def cell_text(value) -> str:
    """A table cell as text: thousands separators, one decimal, — for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return labels.NO_VALUE
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"
    try:
        if pd.isna(value):
            return labels.NO_VALUE
    except (TypeError, ValueError):
        pass
    return str(value)


def table(
    shapes,
    box: tuple[int, int, int, int],
    df: pd.DataFrame,
    size: float = TABLE_PT,
    emphasis: set[int] = frozenset(),
    smallest: float = TABLE_PT,
):
    """A native table of a frame's rows (text as given), header tinted and bold; rows in
    `emphasis` (positions) bold. Each row is as tall as its most wrapped cell, so no viewer
    (LibreOffice keeps the heights it is given) clips a line; the type shrinks, down to
    `smallest`, until the table fits the box's height."""
    x, y, width, height = box
    rows, cols = len(df) + 1, len(df.columns)
    cells = [[str(c) for c in df.columns]] + [
        [cell_text(v) for v in values] for values in df.itertuples(index=False)
    ]
    size = float(size)
    while True:
        widths = _widths([[r[j] for r in cells] for j in range(cols)], size, width)
        heights = [_row_height(values, widths, size - 2 if i == 0 else size)
                   for i, values in enumerate(cells)]  # fmt: skip
        if sum(heights) <= height or size <= smallest:
            break
        size = max(size - 1, smallest)
    shape = shapes.add_table(rows, cols, x, y, width, Emu(sum(heights)))
    grid = shape.table
    grid.first_row = True
    for j, w in enumerate(widths):
        grid.columns[j].width = w
    for i, values in enumerate(cells):
        grid.rows[i].height = heights[i]
        for j, words in enumerate(values):
            cell = grid.cell(i, j)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb(HEADER_FILL if i == 0 else "FFFFFF")
            cell.margin_top = cell.margin_bottom = CELL_MARGIN_Y
            cell.margin_left = cell.margin_right = CELL_MARGIN_X
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            paragraph = frame.paragraphs[0]
            run = paragraph.add_run()
            run.text = words
            bold = i == 0 or (i - 1) in emphasis
            style_font(run.font, size - 2 if i == 0 else size, bold, INK)
    return shape


CELL_MARGIN_X, CELL_MARGIN_Y = Pt(6), Pt(3)
LINE_FACTOR = 1.5  # a line of CJK type (Noto CJK / YaHei: ascent + descent ≈ 1.45 em)
EM_SLACK = 0.9  # a line holds this share of its width in ems: viewers measure a little wider


def cell_lines(words: str, width: int, size: float) -> list[str]:
    """The lines a cell's text takes in a column `width` wide (EMU) at `size` points."""
    room = (width - 2 * CELL_MARGIN_X) / Pt(size) * EM_SLACK
    return wrap.lines(words, _ems, max(room, 1.0))


def _row_height(values: list[str], widths: list[int], size: float) -> int:
    lines = max(len(cell_lines(v, w, size)) for v, w in zip(values, widths, strict=True))
    return int(Pt(size * LINE_FACTOR) * lines + 2 * CELL_MARGIN_Y)


def _ems(words: str) -> float:
    """Text width in ems: a CJK character is one em, a digit or letter about 0.6."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in words)


def _widths(columns: list[list[str]], size: float, width: int) -> list[int]:
    """Column widths: each as wide as its longest text where the table allows; when it does
    not, the narrow columns keep their width and the wide ones share the rest (and wrap)."""
    need = [max(_ems(t) for t in col) * Pt(size) / EM_SLACK + 2 * CELL_MARGIN_X for col in columns]
    if sum(need) <= width:
        extra = (width - sum(need)) / len(need)
        return [int(n + extra) for n in need]
    fixed: dict[int, float] = {}
    while True:
        rest = [j for j in range(len(need)) if j not in fixed]
        share = (width - sum(fixed.values())) / max(len(rest), 1)
        narrow = {j: need[j] for j in rest if need[j] <= share}
        if not narrow:
            break
        fixed.update(narrow)
    rest = [j for j in range(len(need)) if j not in fixed]
    left = width - sum(fixed.values())
    wide = sum(need[j] for j in rest)
    return [int(fixed[j]) if j in fixed else int(left * need[j] / wide) for j in range(len(need))]


def chart(
    shapes,
    box: tuple[int, int, int, int],
    kind,
    categories: list[str],
    series: list[tuple[str, list, str]],
    number_format: str = "#,##0",
    label_position=None,
    legend: bool = True,
):
    """A native chart (editable in PowerPoint and WPS); series are (name, values, hex colour)."""
    data = CategoryChartData(number_format=number_format)
    data.categories = categories
    for name, values, _color in series:
        data.add_series(name, values)
    frame = shapes.add_chart(kind, *box, data)
    graph = frame.chart
    _chart_font(graph.font, CHART_PT)
    graph.has_legend = legend and len(series) > 1
    if graph.has_legend:
        graph.legend.position = XL_LEGEND_POSITION.TOP
        graph.legend.include_in_layout = False
        _chart_font(graph.legend.font, CHART_PT)
    plot = graph.plots[0]
    plot.gap_width = 50
    for drawn, (_name, _values, color) in zip(plot.series, series, strict=True):
        drawn.format.fill.solid()
        drawn.format.fill.fore_color.rgb = rgb(color)
        drawn.invert_if_negative = False
    # Labels per series: a series-level dLbls (needed to hide slivers) overrides the plot's.
    for drawn in plot.series:
        found = drawn.data_labels
        found.number_format = number_format
        found.number_format_is_linked = False
        found.show_value = True
        if label_position is not None:
            found.position = label_position
        _chart_font(found.font, LABEL_PT, bold=True)
    for axis in (graph.category_axis, graph.value_axis):
        _chart_font(axis.tick_labels.font, CHART_PT)
    graph.value_axis.has_major_gridlines = False
    stacked_100 = kind in (XL_CHART_TYPE.BAR_STACKED_100, XL_CHART_TYPE.COLUMN_STACKED_100)
    graph.value_axis.tick_labels.number_format = "0%" if stacked_100 else number_format
    graph.value_axis.tick_labels.number_format_is_linked = False
    if kind in STACKS:
        _hide_slivers(plot, [values for _n, values, _c in series])
    return graph


STACKS = (
    XL_CHART_TYPE.BAR_STACKED,
    XL_CHART_TYPE.BAR_STACKED_100,
    XL_CHART_TYPE.COLUMN_STACKED,
    XL_CHART_TYPE.COLUMN_STACKED_100,
)
SLIVER_SHARE = 0.07  # a segment under 7% of its bar cannot hold its figure legibly


def _hide_slivers(plot, values: list[list]) -> None:
    """No figure on a stacked segment too thin to hold it (the table or workbook has it)."""
    totals = [sum(v or 0 for v in column) for column in zip(*values, strict=True)]
    for drawn, row in zip(plot.series, values, strict=True):
        dlbls = drawn._element.get_or_add_dLbls()
        for i, (v, total) in enumerate(zip(row, totals, strict=True)):
            if total and (v or 0) / total >= SLIVER_SHARE:
                continue
            dlbl = dlbls._insert_dLbl_in_sequence(i)
            for child in list(dlbl)[1:]:
                dlbl.remove(child)
            etree.SubElement(dlbl, qn("c:delete")).set("val", "1")


def _chart_font(font, size: float, bold: bool = False) -> None:
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = rgb(INK)
    _typeface(font._rPr)


CENTER = XL_LABEL_POSITION.CENTER
OUTSIDE = XL_LABEL_POSITION.OUTSIDE_END
