"""The 周报 download buttons (PDF, Excel, PPT) of the scope and period on screen: in the
meeting mode's 周报 menu and on 总览. Files are named in words (周报_双塘区_2026年第3季度.pptx),
built on click in another thread and audited (audit.deferred; each file is an `export` row)."""

from __future__ import annotations

import streamlit as st

from dashboard import audit, data, state
from dashboard.data import cached
from views import common

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def buttons(filters: state.Filters) -> None:
    """The weekly brief: the meeting's slides as a printable PDF, an Excel workbook and a deck."""
    if filters.period is None:
        st.caption("没有期间，无法生成周报。")
        return
    from dashboard import brief  # matplotlib and fpdf2: loaded when the brief is offered

    engine = data.database().engine  # captured now: the files are built on click, off the run
    scope, window, visible = filters.scope, filters.window, filters.visible
    stem = brief.file_stem(cached(common.header)(scope).scope_words, window.period)
    try:
        font, font_problem = brief.cjk_font(), brief.FONT_MISSING
    except brief.FontMissing as exc:  # DASHBOARD_CJK_FONT without Chinese: say so, no PDF
        font, font_problem = None, str(exc)
    st.download_button(
        "下载周报 PDF",
        audit.deferred(lambda: brief.pdf_bytes(engine, scope, window, visible)),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        disabled=font is None,
        width="stretch",
    )
    if font is None:
        st.caption(font_problem)
    st.download_button(
        "下载周报 Excel",
        audit.deferred(lambda: brief.xlsx_bytes(engine, scope, window, visible)),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        icon=":material/table:",
        on_click="ignore",
        width="stretch",
    )
    st.download_button(
        "下载周报 PPT",
        audit.deferred(lambda: brief.pptx_bytes(engine, scope, window, visible)),
        file_name=f"{stem}.pptx",
        mime=brief.PPTX_MIME,
        icon=":material/slideshow:",
        on_click="ignore",
        width="stretch",
        help="16:9 幻灯片，图表可在 PowerPoint / WPS 中编辑",
    )
