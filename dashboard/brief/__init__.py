"""The weekly brief (周报): the meeting's slides as files a health bureau keeps.

A printable A4 PDF (dashboard.brief.pdf: charts drawn offline by matplotlib, the Chinese font
embedded as a subset), an Excel workbook with every slide's tables (dashboard.brief.workbook)
and a 16:9 PowerPoint deck with native charts (dashboard.brief.pptx). All come from the same
Slide objects as the projector (views.meeting.deck), so the brief, the slides and the export
JSON show the same figures.

    pdf_bytes(engine, scope, window, visible)   xlsx_bytes(…)   pptx_bytes(…)

`visible` is the signed-in user's area (None: everything), which also sets the small-cell
floor of the slides (dashboard.small_cells); each file written is one `export` row of the
audit trail (what, scope, period). Each renderer is imported when its file is asked for, so
importing this package loads neither fpdf, matplotlib, openpyxl nor python-pptx (nor
Streamlit: the palette is dashboard.palette).
"""

from __future__ import annotations

from typing import Any

from dashboard import audit, quality_settings, safe, small_cells, state_db
from dashboard.brief.fonts import MISSING as FONT_MISSING
from dashboard.brief.fonts import FontMissing, cjk_font
from data_access.periods import Period
from data_access.scope import Scope
from views.common import Window
from views.meeting import deck

__all__ = [
    "FONT_MISSING",
    "FontMissing",
    "build",
    "cjk_font",
    "file_stem",
    "pdf_bytes",
    "pptx_bytes",
    "render_pdf",
    "render_xlsx",
    "xlsx_bytes",
]
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def file_stem(scope_words: str, period: Period | None) -> str:
    """The brief's file name in words, e.g. 周报_双塘区_2026年第3季度 (or 周报_双塘区_东镇、西镇_…):
    the scope as the slides name it (Meeting.scope_words), made safe for any file system."""
    return safe.file_name("周报", scope_words, period.label if period else "无期间")


def build(engine, scope: Scope, window: Window | None, visible: Scope | None = None):
    """(Meeting, slides) of the brief: the meeting's view model over `engine`, as a user who
    sees `visible` sees it (leagues cut, small patient counts masked)."""
    view = deck.build(
        engine,
        scope,
        window,
        visible,
        small_cells.floor(visible),
        quality_settings.thresholds(),
        followups=state_db.board(visible),
    )
    return view.meeting, view.slides


def _audit(kind: str, meeting: deck.Meeting) -> None:
    period = meeting.period
    what = f"周报 {kind}: " + file_stem(meeting.scope_words, period)
    audit.record("export", what=what, scope=audit.scope_words(meeting.scope),
                 period=period.key if period else None)  # fmt: skip


def pdf_bytes(engine, scope: Scope, window: Window | None, visible: Scope | None = None) -> bytes:
    from dashboard.brief.pdf import render_pdf

    meeting, slides = build(engine, scope, window, visible)
    data = render_pdf(meeting, slides)
    _audit("PDF", meeting)
    return data


def xlsx_bytes(engine, scope: Scope, window: Window | None, visible: Scope | None = None) -> bytes:
    from dashboard.brief.workbook import render_xlsx

    meeting, slides = build(engine, scope, window, visible)
    data = render_xlsx(meeting, slides)
    _audit("Excel", meeting)
    return data


def pptx_bytes(engine, scope: Scope, window: Window | None, visible: Scope | None = None) -> bytes:
    """The brief as a PowerPoint deck (needs no font on this machine: the viewer has it)."""
    from dashboard.brief.pptx import render

    meeting, slides = build(engine, scope, window, visible)
    data = render(meeting, slides)
    _audit("PPT", meeting)
    return data


RENDERERS = {  # kind → (module, function, audit word)
    "pdf": ("dashboard.brief.pdf", "render_pdf", "PDF"),
    "xlsx": ("dashboard.brief.workbook", "render_xlsx", "Excel"),
    "pptx": ("dashboard.brief.pptx", "render", "PPT"),
}


def files(engine, scope: Scope, window: Window | None, visible: Scope | None, kinds) -> tuple:
    """(Meeting, {kind: bytes}) for several kinds of one brief from one build of the deck (the
    archive's round); each file is one `export` row, as from the buttons."""
    import importlib

    meeting, slides = build(engine, scope, window, visible)
    out = {}
    for kind in kinds:
        module, function, word = RENDERERS[kind]
        out[kind] = getattr(importlib.import_module(module), function)(meeting, slides)
        _audit(word, meeting)
    return meeting, out


def __getattr__(name: str) -> Any:
    """`brief.render_pdf` / `brief.render_xlsx`: the renderers, loaded on first use."""
    if name == "render_pdf":
        from dashboard.brief.pdf import render_pdf

        return render_pdf
    if name == "render_xlsx":
        from dashboard.brief.workbook import render_xlsx

        return render_xlsx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
