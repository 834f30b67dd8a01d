"""The weekly brief (周报): the meeting's slides as files a health bureau keeps.

A printable A4 PDF (charts as images drawn offline by matplotlib, the Chinese font embedded
as a subset), an Excel workbook with every slide's tables, and a 16:9 PowerPoint deck with
native charts (dashboard.brief.pptx). All come from the same Slide
objects as the projector (views.meeting.deck), so the brief, the slides and the export
JSON show the same figures.

    pdf_bytes(engine, scope, window, visible)   xlsx_bytes(…)   pptx_bytes(…)

`visible` is the signed-in user's area (None: everything), which also sets the small-cell
floor of the slides (dashboard.small_cells); each file written is one `export` row of the
audit trail (what, scope, period).
"""

from __future__ import annotations

import io
import struct
from datetime import datetime

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from dashboard import audit, excel, quality_settings, safe, small_cells, theme
from dashboard.brief import images, printed
from dashboard.brief.fonts import MISSING as FONT_MISSING
from dashboard.brief.fonts import CjkFont, FontMissing, cjk_font, require
from data_access.periods import Period
from data_access.scope import Scope
from views import labels
from views.common import Window
from views.meeting import deck

__all__ = [
    "FONT_MISSING",
    "FontMissing",
    "cjk_font",
    "file_stem",
    "pdf_bytes",
    "pptx_bytes",
    "xlsx_bytes",
]
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

FONT = "cjk"
PAGE_WIDTH_MM = 190  # A4 less 10-mm margins
HEAD_ROOM_MM = 25  # a section's heading and message above its chart
TABLE_PT, BODY_PT, MESSAGE_PT, HEADING_PT, TITLE_PT = 8.5, 10, 11, 14, 22
TABLE_COLUMN_MAX = 24  # characters: the widest a column's share of the page may grow
HEADER_FILL = (230, 236, 243)  # the slides' table header tint
INK = (17, 17, 17)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


ACCENT = _rgb(theme.ACCENT)  # headings in the app's accent blue
FLAG = _rgb(theme.FLAG_COLOR)


def printable(text) -> str:
    """Text for the PDF (glyphs the font has, long names breakable): dashboard.safe.pdf."""
    return safe.pdf(text)


def file_stem(scope: Scope, period: Period) -> str:
    """e.g. 周报_990101_2026-Q1 (codes: file names stay ASCII-safe on any system)."""
    where = scope.county_code or "全部县区"
    if scope.township_codes:
        where += "_" + "-".join(scope.township_codes)
    return f"周报_{where}_{period.key}"


def build(engine, scope: Scope, window: Window | None, visible: Scope | None = None):
    """(Meeting, slides) of the brief: the meeting's view model over `engine`, as a user who
    sees `visible` sees it (leagues cut, small patient counts masked)."""
    view = deck.build(
        engine, scope, window, visible, small_cells.floor(visible), quality_settings.thresholds()
    )
    return view.meeting, view.slides


def _audit(kind: str, scope: Scope, window: Window | None) -> None:
    period = window.period if window else None
    what = f"周报 {kind}: " + (file_stem(scope, period) if period else "无期间")
    audit.record("export", what=what, scope=audit.scope_words(scope),
                 period=period.key if period else None)  # fmt: skip


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
    pdf.multi_cell(0, size * 0.5, printable(text), new_x="LMARGIN", new_y="NEXT")


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
        if slide.key != "cover":
            _text(pdf, f"· {slide.title}：{slide.message or slide.empty or ''}", BODY_PT)


def _table(pdf: FPDF, df: pd.DataFrame) -> None:
    pdf.set_font(FONT, size=TABLE_PT)
    pdf.set_text_color(*INK)
    # Capped: one very long name must not squeeze the other columns below one character.
    widths = [
        min(max(4, max(len(str(v)) for v in [c, *df[c].head(40)])), TABLE_COLUMN_MAX)
        for c in df.columns
    ]
    with pdf.table(
        col_widths=widths,
        width=PAGE_WIDTH_MM,
        line_height=TABLE_PT * 0.55,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        text_align="LEFT",
    ) as table:
        table.row([printable(c) for c in df.columns])
        for values in df.itertuples(index=False):
            table.row([printable(v) for v in values])


def _image_height(png: bytes | None) -> float:
    """The chart's height in mm at full text width (0 without a chart)."""
    if png is None:
        return 0.0
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
    return PAGE_WIDTH_MM * height / width


def _section(pdf: FPDF, m: deck.Meeting, slide: deck.Slide, font: CjkFont) -> None:
    png = images.chart_png(slide, font)
    # Heading, message and chart stay together: a heading alone at a page foot reads as lost.
    if pdf.will_page_break(HEAD_ROOM_MM + _image_height(png)):
        pdf.add_page()
    else:
        pdf.ln(6)
    _text(pdf, m.heading(slide.title), HEADING_PT, bold=True, color=ACCENT)
    pdf.ln(1)
    if slide.empty:
        _text(pdf, slide.empty, MESSAGE_PT)
        return
    _text(pdf, slide.message, MESSAGE_PT, bold=True)
    pdf.ln(2)
    if png is not None:
        pdf.image(io.BytesIO(png), w=PAGE_WIDTH_MM)  # breaks the page itself if needed
        pdf.ln(2)
    table = printed.table(slide)
    if table is not None and not table.empty:
        _table(pdf, table)
    if slide.key == "teams":
        _text(pdf, f"标记规则：{slide.parts['rule']}。", TABLE_PT)


def render_pdf(m: deck.Meeting, slides: list[deck.Slide], generated: str | None = None) -> bytes:
    """The brief as PDF bytes; raises FontMissing when no Chinese font is installed."""
    font = require()
    generated = generated or datetime.now().strftime("%Y-%m-%d %H:%M")
    pdf = _document(font, m)
    _cover(pdf, m, slides, generated)
    for slide in slides:
        if slide.key != "cover":
            _section(pdf, m, slide, font)
    return bytes(pdf.output())


def render_xlsx(m: deck.Meeting, slides: list[deck.Slide]) -> bytes:
    """The brief's workbook: a summary sheet, then every slide's tables in slide order."""
    summary = [("范围", m.scope_words), ("期间", m.period_label), ("数据", m.freshness)]
    summary += [(s.title, s.message or s.empty or "") for s in slides if s.key != "cover"]
    sheets = {"周报要点": pd.DataFrame(summary, columns=["项目", "内容"])}
    for slide in slides:
        for name, df in slide.sheets.items():
            if name not in sheets:
                sheets[name] = _scores_as_numbers(df)
    title = excel.Title(f"{labels.APP_TITLE}周报", m.scope_words, m.period_label, m.freshness)
    # audited=False: the brief's own audit row says more.
    return excel.to_excel_bytes(sheets, title, XLSX_FORMATS, audited=False)


# Indicator values of mixed units: one or two decimals, so 65.97 never reads as 66.0.
XLSX_FORMATS = {"本期值": "#,##0.0#", "分子": "#,##0", "分母": "#,##0"}
SCORE_COLUMN = "综合得分"


def _scores_as_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """A score column given as the page's text (99.26) as numbers with that many decimals."""
    if SCORE_COLUMN not in df or pd.api.types.is_numeric_dtype(df[SCORE_COLUMN]):
        return df
    texts = df[SCORE_COLUMN].astype(str)
    numbers = pd.to_numeric(texts, errors="coerce")
    decimals = max((len(t.partition(".")[2]) for t in texts[numbers.notna()]), default=0)
    out = df.assign(**{SCORE_COLUMN: numbers})
    out.attrs[excel.FORMATS_ATTR] = {SCORE_COLUMN: labels.excel_score_format(decimals)}
    return out


def pdf_bytes(engine, scope: Scope, window: Window | None, visible: Scope | None = None) -> bytes:
    data = render_pdf(*build(engine, scope, window, visible))
    _audit("PDF", scope, window)
    return data


def xlsx_bytes(engine, scope: Scope, window: Window | None, visible: Scope | None = None) -> bytes:
    data = render_xlsx(*build(engine, scope, window, visible))
    _audit("Excel", scope, window)
    return data


def pptx_bytes(engine, scope: Scope, window: Window | None, visible: Scope | None = None) -> bytes:
    """The brief as a PowerPoint deck (needs no font on this machine: the viewer has it)."""
    from dashboard.brief import pptx  # python-pptx: loaded for this file only

    data = pptx.render(*build(engine, scope, window, visible))
    _audit("PPT", scope, window)
    return data
