"""The weekly brief as a printable A4 PDF: every slide's heading, message, chart (drawn
offline by matplotlib: dashboard.brief.images) and short table (dashboard.brief.printed),
with the Chinese font embedded as a subset.

    render_pdf(meeting, slides) -> bytes
"""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from dashboard import palette, safe
from dashboard.brief import images, printed, wrap
from dashboard.brief.fonts import CjkFont, require
from views import labels
from views.meeting import deck

FONT = "cjk"
PAGE_WIDTH_MM = 190  # A4 less 10-mm margins
SECTION_GAP_MM = 6  # space above a section that follows another on its page
WRAP_SLACK_MM = 1.0  # lines are broken this much inside their box: fpdf2 never breaks again
TABLE_PT, BODY_PT, MESSAGE_PT, HEADING_PT, TITLE_PT = 8.5, 10, 11, 14, 22
TABLE_COLUMN_MAX = 24  # characters: the widest a column's share of the page may grow
HEADER_FILL = (230, 236, 243)  # the slides' table header tint
INK = (17, 17, 17)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


ACCENT = _rgb(palette.ACCENT)  # headings in the app's accent blue
FLAG = _rgb(palette.FLAG_COLOR)


def printable(text) -> str:
    """Text for the PDF (glyphs the font has, long names breakable): dashboard.safe.pdf."""
    return safe.pdf(text)


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(90, 96, 105)
        self.cell(0, 6, f"{self.footer_text} · 第 {self.page_no()} 页", align="C")


def _document(font: CjkFont, m: deck.Meeting) -> _Document:
    pdf = _Document(orientation="P", unit="mm", format="A4")
    pdf.set_margins(10, 12, 10)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT, "", font.path, collection_font_number=font.index)
    pdf.add_font(FONT, "B", font.bold_path, collection_font_number=font.bold_index)
    pdf.set_title(f"{labels.APP_TITLE}周报 · {m.scope_words} · {m.period_label}")
    pdf.set_author(labels.APP_TITLE)
    pdf.set_creator(labels.APP_TITLE)
    pdf.footer_text = f"{labels.APP_TITLE}周报 · {m.scope_words} · {m.period_label}"
    return pdf


def _text(pdf: FPDF, text: str, size: float, bold: bool = False, color=INK) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    # Broken here by the Chinese rules (dashboard.brief.wrap): no line starts with "；".
    shown = _wrapped(pdf, printable(text), pdf.epw - 2 * pdf.c_margin - WRAP_SLACK_MM)
    pdf.multi_cell(0, size * 0.5, shown, align="L", new_x="LMARGIN", new_y="NEXT")


def _wrapped(pdf: FPDF, text: str, width_mm: float) -> str:
    """The text as lines that fit `width_mm` in the current font, joined by line breaks."""
    return "\n".join(wrap.lines(text, pdf.get_string_width, width_mm))


def _cover(pdf: FPDF, m: deck.Meeting, slides: list[deck.Slide], generated: str) -> None:
    pdf.add_page()
    _text(pdf, f"{labels.APP_TITLE}周报", TITLE_PT, bold=True, color=ACCENT)
    pdf.ln(2)
    _text(pdf, f"{m.scope_words} · {m.period_label}", HEADING_PT + 2, bold=True)
    _text(pdf, f"对比{m.previous_label or labels.NO_VALUE} · {m.freshness}", BODY_PT)
    _text(pdf, f"生成时间 {generated}", BODY_PT)
    if m.demo:
        _text(pdf, f"【{labels.DEMO_BADGE}】本周报由演示数据生成，不代表任何真实地区。", BODY_PT,
              bold=True, color=FLAG)  # fmt: skip
    pdf.ln(4)
    _text(pdf, "要点", HEADING_PT, bold=True)
    for slide in slides:
        if slide.kind is not deck.Kind.COVER:
            _text(pdf, f"· {slide.title}：{slide.message or slide.empty or ''}", BODY_PT)


def _columns(value) -> int:
    return len(str(value).encode("gbk", "replace"))


def _table(pdf: FPDF, df: pd.DataFrame) -> None:
    pdf.set_text_color(*INK)
    # Capped: one very long name must not squeeze the other columns below one character.
    # Widths in half-width units: a Chinese character counts two, as it prints.
    widths = [
        min(max(4, max(_columns(v) for v in [c, *df[c].head(40)])), 2 * TABLE_COLUMN_MAX)
        for c in df.columns
    ]
    # Each cell broken into lines here (the Chinese rules), a little inside its column.
    room = [PAGE_WIDTH_MM * w / sum(widths) - 2 * pdf.c_margin - WRAP_SLACK_MM for w in widths]

    def cells(values, bold: bool = False) -> list[str]:
        pdf.set_font(FONT, "B" if bold else "", TABLE_PT)
        return [_wrapped(pdf, printable(v), r) for v, r in zip(values, room, strict=True)]

    head = cells(df.columns, bold=True)
    body = [cells(values) for values in df.itertuples(index=False)]
    pdf.set_font(FONT, size=TABLE_PT)
    with pdf.table(
        col_widths=widths,
        width=PAGE_WIDTH_MM,
        line_height=TABLE_PT * 0.55,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        text_align="LEFT",
    ) as table:
        table.row(head)
        for values in body:
            table.row(values)


def _section(pdf: FPDF, m: deck.Meeting, slide: deck.Slide, font: CjkFont) -> None:
    """A slide's heading, message, chart, table and note, kept on one page when they fit one:
    a heading or a footnote alone at a page's edge reads as lost. A section taller than a
    page starts on a new one, its note above the table (so it cannot be left alone)."""
    png = images.chart_png(slide, font)
    below = printed.printed(slide)
    with pdf.offset_rendering() as trial:
        trial.ln(SECTION_GAP_MM)
        _body(trial, m, slide, png, below, note_first=False)
    oversized = False
    if trial.page_break_triggered:
        pdf.add_page()
        with pdf.offset_rendering() as trial:
            _body(trial, m, slide, png, below, note_first=False)
        oversized = trial.page_break_triggered
    else:
        pdf.ln(SECTION_GAP_MM)
    _body(pdf, m, slide, png, below, note_first=oversized)


def _body(pdf, m: deck.Meeting, slide: deck.Slide, png: bytes | None, below, note_first: bool):
    _text(pdf, m.heading(slide.title), HEADING_PT, bold=True, color=ACCENT)
    pdf.ln(1)
    if slide.empty:
        _text(pdf, slide.empty, MESSAGE_PT)
        return
    _text(pdf, slide.message, MESSAGE_PT, bold=True)
    for line in slide.remarks:  # 解读 of the slide's figures
        _text(pdf, line, TABLE_PT)
    pdf.ln(2)
    if png is not None:
        pdf.image(io.BytesIO(png), w=PAGE_WIDTH_MM)  # breaks the page itself if needed
        pdf.ln(2)
    if below.note and note_first:
        _text(pdf, below.note, TABLE_PT)
    if below.table is not None and not below.table.empty:
        _table(pdf, below.table)
    if below.note and not note_first:
        _text(pdf, below.note, TABLE_PT)


def render_pdf(m: deck.Meeting, slides: list[deck.Slide], generated: str | None = None) -> bytes:
    """The brief as PDF bytes; raises FontMissing when no Chinese font is installed."""
    font = require()
    generated = generated or datetime.now().strftime("%Y-%m-%d %H:%M")
    pdf = _document(font, m)
    _cover(pdf, m, slides, generated)
    for slide in slides:
        if slide.kind is not deck.Kind.COVER:
            _section(pdf, m, slide, font)
    return bytes(pdf.output())
